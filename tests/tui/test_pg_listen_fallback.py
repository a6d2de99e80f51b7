"""Live refresh on PostgreSQL without its notification connection: the app's cheap version poll
brings another client's change (issue 15: "a lost notification connection falls back to a cheap
version check"). The server itself keeps the listener out: the app's role may hold one connection,
which its queries use, so the listener's connection is refused every time it tries."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from domain.repository import Store
from storage.postgres import PgStore
from tests.helpers.boards import boards
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer
from tests.helpers.wait import until
from tests.helpers.workspace import make_services
from tui.app import HuddleApp
from tui.wiring import build_context

pytestmark = pytest.mark.slow

ROLE = "huddle_one_conn"


async def test_with_no_listener_the_version_poll_brings_another_clients_card(
    pg_server: PgServer, pg_url: str, pg_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    pg_server.sql(
        f"DO $$ BEGIN CREATE ROLE {ROLE} LOGIN CONNECTION LIMIT 1; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}", database)
    pg_server.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}", database)
    other = make_services(pg_store, FixedClock(), handle="bob")  # the superuser: no limit
    other.directory.add_department("Operations", key="OPS")
    other.cards.add("OPS", "已有的卡片")
    config = tmp_path / "huddle.toml"
    config.write_text("poll_seconds = 0.3\n")
    monkeypatch.setenv("HUDDLE_CONFIG", str(config))
    context = build_context(pg_url.replace("//huddle@", f"//{ROLE}@", 1), "ann")
    store = context.services.store
    assert isinstance(store, PgStore)
    app = HuddleApp(context)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: len(boards(app).columns.get("Backlog", [])) == 1)
            listener = store._listener
            assert listener is not None, "the app did not try to listen"
            deadline = time.monotonic() + 1.0
            await until(pilot, lambda: time.monotonic() > deadline)  # the listener has tried and failed
            assert not store.listening()
            assert listener.serial == 0  # never connected: nothing was heard by notification
            other.cards.add("OPS", "POLLED 轮询带来的")
            await until(pilot, lambda: len(boards(app).columns["Backlog"]) == 2)
            assert "POLLED 轮询带来的" in {c.title for c in boards(app).columns["Backlog"]}
            assert not store.listening()
            assert listener.serial == 0
    finally:
        store.close()
