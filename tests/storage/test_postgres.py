"""The PostgreSQL store on a real throwaway server: schema and migrations, rules checked inside the
transaction between two clients, dropped connections, notifications, journals, copy and check."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import ConflictError, StorageError
from domain.services import Services
from storage import open_store, transfer
from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA
from storage.postgres import PgStore
from storage.postgres.schema import SCHEMA_VERSION as SQL_SCHEMA
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer
from tests.helpers.wait import poll
from tests.helpers.workspace import make_services


@pytest.fixture
def second_store(pg_url: str) -> Iterator[PgStore]:
    """Another client of the same database (its own connections), as a second process would be."""
    store = PgStore(pg_url)
    try:
        yield store
    finally:
        store.close()


def seeded_ops(services: Services, cards: int = 0, column: str = "To do") -> list[str]:
    services.directory.add_department("Operations", key="OPS")
    return [services.cards.add("OPS", f"card {n}", column=column).id for n in range(cards)]


def terminate_clients(server: PgServer, database: str) -> int:
    rows = server.sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    return int(str(rows[0][0]))


def database_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


# ----- schema ------------------------------------------------------------------------------------


def test_a_fresh_database_gets_the_schema_and_reports_its_versions(pg_server: PgServer) -> None:
    pg_server.sql("CREATE DATABASE fresh_schema")
    store = PgStore(pg_server.url("fresh_schema"))
    try:
        assert store.versions() == (SQL_SCHEMA, DOC_SCHEMA)
        tables = {row[0] for row in pg_server.sql("SELECT tablename FROM pg_tables", "fresh_schema")}
        assert {"cards", "activity", "counters", "huddle_schema", "huddle_state"} <= tables
    finally:
        store.close()


def test_a_newer_schema_is_refused_and_nothing_is_written(pg_url: str, pg_server: PgServer) -> None:
    db = database_of(pg_url)
    pg_server.sql("INSERT INTO huddle_schema (version, name) VALUES (99, 'from the future')", db)
    store = PgStore(pg_url)
    try:
        with pytest.raises(StorageError, match="newer Huddle"):
            make_services(store, FixedClock()).directory.add_department("Operations", key="OPS")
    finally:
        store.close()
    assert pg_server.sql("SELECT count(*) FROM departments", db) == [(0,)]


def test_the_json_document_migrations_are_replayed_over_the_server_documents(
    pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    """A database written before cards had ``progress`` (document schema 1) is brought up on open."""
    store = PgStore(pg_url)
    ids = seeded_ops(make_services(store, clock), 2)
    make_services(store, clock).cards.move(ids[1], "Done")
    store.close()
    db = database_of(pg_url)
    pg_server.sql("UPDATE cards SET doc = doc - 'progress'", db)
    pg_server.sql("UPDATE huddle_state SET doc_schema = 1", db)

    reopened = PgStore(pg_url)
    try:
        assert reopened.versions() == (SQL_SCHEMA, DOC_SCHEMA)
        assert [reopened.snapshot().cards.get(i).progress for i in ids] == [0, 100]  # type: ignore[union-attr]
    finally:
        reopened.close()


# ----- rules inside the transaction, between two clients ----------------------------------------


def test_wip_limit_holds_when_clients_race_for_the_last_slots(
    pg_store: PgStore, second_store: PgStore, clock: FixedClock
) -> None:
    """Doing allows 5; eight threads on two clients move twelve cards in at once."""
    ids = seeded_ops(make_services(pg_store, clock), 12)
    clients = [make_services(s, clock, handle) for s, handle in ((pg_store, "ann"), (second_store, "bob"))]
    moved: list[str] = []
    refused: list[str] = []
    start = threading.Barrier(8)

    def mover(worker: int) -> None:
        services = clients[worker % 2]
        start.wait()
        for card_id in ids[worker::8]:
            try:
                services.cards.move(card_id, "Doing")
                moved.append(card_id)
            except ConflictError:
                refused.append(card_id)

    threads = [threading.Thread(target=mover, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    doing = pg_store.snapshot().cards.list_in_column("Operations", "Doing")
    assert len(moved) == 5
    assert len(refused) == 7
    assert sorted(c.id for c in doing) == sorted(moved)


def test_a_dependency_cycle_cannot_be_made_by_two_clients_at_once(
    pg_store: PgStore, second_store: PgStore, clock: FixedClock
) -> None:
    first, second = seeded_ops(make_services(pg_store, clock), 2)
    results: list[str] = []
    start = threading.Barrier(2)

    def block(store: PgStore, card: str, on: str) -> None:
        start.wait()
        try:
            make_services(store, clock).cards.edit(card, {"blocked_by": [on]})
            results.append("ok")
        except ConflictError as exc:
            results.append(f"refused: {exc}")

    threads = [
        threading.Thread(target=block, args=(pg_store, first, second)),
        threading.Thread(target=block, args=(second_store, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.split(":")[0] for r in results) == ["ok", "refused"], results
    cards = {c.id: c.blocked_by for c in pg_store.snapshot().cards.list()}
    assert sum(1 for deps in cards.values() if deps) == 1


# ----- dropped connections ------------------------------------------------------------------------


def test_a_terminated_idle_connection_is_replaced_without_an_error(
    pg_store: PgStore, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    seeded_ops(services, 1)
    assert terminate_clients(pg_server, database_of(pg_url)) >= 1
    card = services.cards.add("OPS", "after the server dropped us")
    assert services.cards.get(card.id).title == "after the server dropped us"
    assert terminate_clients(pg_server, database_of(pg_url)) >= 1
    assert card.id in {c.id for c in services.cards.list(dept="Operations")}


def test_a_connection_terminated_mid_transaction_saves_nothing_and_says_so(
    pg_store: PgStore, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    seeded_ops(services, 1)
    version = pg_store.version()
    card = dataclasses.replace(services.cards.get("OPS-1"), id="OPS-99", title="half")
    lost = pytest.raises(StorageError, match=r"lost the connection .* nothing was saved")
    with lost, pg_store.transaction() as uow:  # the failure comes from inside the block
        uow.cards.put(card)
        terminate_clients(pg_server, database_of(pg_url))
        uow.cards.get("OPS-1")
    assert pg_store.snapshot().cards.get("OPS-99") is None
    assert pg_store.version() == version
    assert services.cards.add("OPS", "next one works").id == "OPS-2"


def test_an_unreachable_server_is_one_clear_error(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.postgres import store as pg_module
    from tests.helpers.pgserver import free_port

    monkeypatch.setattr(pg_module, "RETRY_SECONDS", 0.5)
    store = PgStore(f"postgresql://huddle@127.0.0.1:{free_port()}/nowhere")
    with pytest.raises(
        StorageError, match=r"cannot reach the Huddle database postgresql://huddle@127\.0\.0\.1"
    ):
        make_services(store, FixedClock()).directory.add_department("Operations")
    assert store.version() is None  # the poll token stays put while the server is away


def test_a_lock_held_too_long_is_a_busy_message_and_nothing_is_saved(
    pg_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from storage.postgres import store as pg_module

    monkeypatch.setattr(
        pg_module, "SESSION_SETTINGS", (*pg_module.SESSION_SETTINGS, "SET lock_timeout = '300ms'")
    )
    store = PgStore(pg_url)
    services = make_services(store, clock)
    seeded_ops(services)
    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [pg_module.WRITE_LOCK])
        started = time.monotonic()
        with pytest.raises(StorageError, match=r"is busy .* nothing was saved, try again"):
            services.cards.add("OPS", "waits for the lock")
        assert time.monotonic() - started < 10
    assert services.cards.add("OPS", "after the lock is free").id == "OPS-1"
    store.close()


# ----- notifications ------------------------------------------------------------------------------


def test_another_clients_commit_is_heard_and_a_dropped_listener_comes_back(
    pg_store: PgStore, second_store: PgStore, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    heard: list[float] = []
    stop = pg_store.subscribe(lambda: heard.append(time.monotonic()))
    assert poll(pg_store.listening)
    base = len(heard)  # one call on connecting: whatever happened while nobody listened
    make_services(second_store, clock).directory.add_department("Operations", key="OPS")
    assert poll(lambda: len(heard) > base), "the commit was not heard"

    terminate_clients(pg_server, database_of(pg_url))
    assert poll(lambda: pg_store._listener is not None and pg_store._listener.reconnects >= 1)
    assert poll(pg_store.listening)
    base = len(heard)
    make_services(second_store, clock).cards.add("OPS", "heard after the reconnect")
    assert poll(lambda: len(heard) > base)
    stop()
    assert pg_store.version() == second_store.version()


def test_a_snapshot_is_read_only_and_follows_the_version(pg_store: PgStore, clock: FixedClock) -> None:
    services = make_services(pg_store, clock)
    seeded_ops(services, 2)
    before = pg_store.snapshot()
    assert len(before.cards.list()) == 2
    services.cards.add("OPS", "third")
    assert len(pg_store.snapshot().cards.list()) == 3
    with pytest.raises(StorageError, match="read-only"):
        before.cards.delete("OPS-1")


# ----- journals, copy and check -------------------------------------------------------------------


def test_a_server_database_keeps_its_meeting_journals_in_the_state_folder(pg_url: str) -> None:
    from storage.dburl import local_key
    from tui.wiring import build_context

    ctx = build_context(pg_url, "ann")
    assert local_key(pg_url.replace("huddle@", "huddle:s3cret@", 1)) == local_key(pg_url)
    assert "s3cret" not in str(ctx.db_path)
    assert "state" in str(ctx.db_path)
    assert database_of(pg_url) in ctx.db_path.parent.name
    journal = ctx.open_journal("M-1")
    assert journal is not None
    journal.append({"kind": "note", "id": "1", "text": "离线也能记"})
    journal.close()
    assert ctx.pending_journals() == ["M-1"]
    other = build_context(pg_url.rsplit("/", 1)[0] + "/other_db", "ann")
    assert other.db_path != ctx.db_path


def test_copy_json_to_postgres_and_back_keeps_everything(
    tmp_path: Path, pg_url: str, clock: FixedClock
) -> None:
    from domain.demo import fill_demo

    source = tmp_path / "team.json"
    fill_demo(make_services(open_store(source), clock))
    original = transfer.dump(open_store(source))
    server = open_store(pg_url)
    transfer.load(server, original)
    assert transfer.differences(original, transfer.dump(server)) == []
    with pytest.raises(ConflictError, match="already holds data"):
        transfer.load(server, original)
    back = tmp_path / "back.json"
    transfer.load(open_store(back), transfer.dump(server))
    assert transfer.differences(original, transfer.dump(open_store(back))) == []
    assert transfer.check(server).problems == []
    assert make_services(server, clock).cards.add("OPS", "numbering goes on").id != "OPS-1"
