"""The app on PostgreSQL as ``huddle`` opens it (``build_context(..., for_app=True)``): the first board
from the pre-reader's child process, then the whole department and another client's changes from
the app's own store, heard by LISTEN/NOTIFY (the version poll is set to a minute)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.repository import Store
from storage.postgres.appstore import AppPgStore
from tests.helpers.boards import boards, tile_ids
from tests.helpers.clock import FixedClock
from tests.helpers.preread import patient_pg_pre_read
from tests.helpers.wait import until
from tests.helpers.workspace import make_services
from tui.app import HuddleApp
from tui.wiring import build_context

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the child's answer (or its own reason for failing) was used: wait for it past
    the 10 s fallback, which a loaded machine can hold the child up beyond (``tests.helpers.preread``)."""
    patient_pg_pre_read(monkeypatch)


async def test_the_pre_read_board_then_the_whole_department_then_another_clients_card(
    pg_url: str, pg_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_services(pg_store, FixedClock(), handle="bob")
    other.directory.add_department("Operations", key="OPS")
    for n in range(22):  # more than a page: the whole department is read after the first frame
        other.cards.add("OPS", f"运维 {n}")
    config = tmp_path / "huddle.toml"
    config.write_text("poll_seconds = 60.0\n")
    monkeypatch.setenv("HUDDLE_CONFIG", str(config))
    context = build_context(pg_url, "ann", for_app=True)
    store = context.services.store
    assert isinstance(store, AppPgStore)
    child = store.pre_reader
    assert child is not None
    app = HuddleApp(context)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: bool(tile_ids(app, "Backlog")))
            await until(pilot, lambda: len(boards(app).columns.get("Backlog", [])) == 22)
            assert child.failure is None  # the first page was the child's
            assert child.finished()
            await until(pilot, store.listening)
            await pilot.pause()
            other.cards.add("OPS", "PGAPP 另一个客户端")
            await until(pilot, lambda: len(boards(app).columns["Backlog"]) == 23)
            assert "PGAPP 另一个客户端" in {c.title for c in boards(app).columns["Backlog"]}
    finally:
        store.close()
