"""The PostgreSQL store's row cache (``storage/postgres/rowcache.py``): after another client's change
an open app re-reads only the rows written since it last looked, and still sees exactly what the
server holds: a changed card, a deleted one, a card moved to another board, a bulk replace, a
restarted server, a database from before the row versions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from domain.demo import fill_demo
from domain.errors import NotFoundError
from domain.models import Card
from domain.services import Services
from storage import open_store, transfer
from storage.postgres import PgStore
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer, migration_number, undo_row_versions
from tests.helpers.wait import poll
from tests.helpers.workspace import make_services


def two_boards(services: Services, cards: int = 4) -> None:
    services.directory.add_department("Operations", key="OPS")
    services.directory.add_department("研发部", key="RND")
    for n in range(cards):
        services.cards.add("OPS", f"运维 {n}")
        services.cards.add("RND", f"研发 {n}")


def board(services: Services, dept: str = "Operations") -> dict[str, Card]:
    return {card.id: card for card in services.cards.list(dept=dept)}


def behind_hudddles_back(server: PgServer, url: str, statement: str) -> None:
    """Change rows without their row version moving (no trigger): what the cache cannot hear of."""
    db = url.rsplit("/", 1)[1]
    server.sql(
        f"ALTER TABLE cards DISABLE TRIGGER USER; {statement}; ALTER TABLE cards ENABLE TRIGGER USER", db
    )


def test_another_clients_edit_is_seen_and_only_that_card_is_read_again(
    pg_store: PgStore, other: Services, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    two_boards(services)
    before = board(services)
    assert before == board(services)
    other.cards.edit("OPS-2", {"title": "改了 changed elsewhere"})
    after = board(services)
    assert after["OPS-2"].title == "改了 changed elsewhere"
    assert after.keys() == before.keys()
    # The other cards are the very objects decoded before: nothing but the changed row was read again.
    assert all(after[key] is before[key] for key in before if key != "OPS-2")
    assert after["OPS-2"] is not before["OPS-2"]
    generation = pg_store.rows.current
    assert set(generation.boards) == {"Operations"}, "a board read loads its own department only"


def test_a_deleted_card_disappears_and_a_renamed_department_takes_its_cards(
    pg_store: PgStore, other: Services, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    two_boards(services)
    assert "OPS-1" in board(services)
    other.cards.delete("OPS-1")
    assert "OPS-1" not in board(services)
    with pytest.raises(NotFoundError):
        services.cards.get("OPS-1")
    # A rename deletes the department's row and writes one under the new name, and rewrites its cards.
    other.directory.rename_department("Operations", "运营部")
    assert [d.name for d in services.directory.departments()] == ["研发部", "运营部"]
    with pytest.raises(NotFoundError):
        board(services)
    assert sorted(board(services, "运营部")) == ["OPS-2", "OPS-3", "OPS-4"]
    # And back: the first name's row is deleted, then written again, in one change: it must be there.
    other.directory.rename_department("运营部", "Operations")
    assert [d.name for d in services.directory.departments()] == ["研发部", "Operations"]
    assert sorted(board(services)) == ["OPS-2", "OPS-3", "OPS-4"]
    with pytest.raises(NotFoundError):
        board(services, "运营部")


def test_a_card_changed_to_another_department_in_place_follows_it(
    pg_store: PgStore, other: Services, clock: FixedClock
) -> None:
    """A row whose department changes (an import, another tool) leaves the board kept for the old one
    and joins the new one's in write order."""
    services = make_services(pg_store, clock)
    two_boards(services)
    assert "OPS-2" in board(services)
    assert "OPS-2" not in board(services, "研发部")
    with other.store.transaction() as uow:
        card = uow.cards.get("OPS-2")
        assert card is not None
        uow.cards.put(replace(card, dept="研发部", column="Backlog"))
    assert "OPS-2" not in board(services)
    moved = board(services, "研发部")
    assert moved["OPS-2"].dept == "研发部"
    assert list(moved) == ["RND-1", "OPS-2", "RND-2", "RND-3", "RND-4"], "write order, as the server's"


def test_a_snapshot_or_version_check_asks_the_server_only_when_something_may_have_changed(
    pg_store: PgStore, other: Services, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    two_boards(services)
    heard: list[int] = []
    stop = pg_store.subscribe(lambda: heard.append(1))
    try:
        assert poll(pg_store.listening)
        board(services)
        asked = pg_store.rows.catch_ups
        board(services)
        version = pg_store.version()
        assert pg_store.rows.catch_ups == asked, "a quiet snapshot and version check read from memory"
        services.cards.edit("OPS-1", {"title": "mine"})  # this process's own commit: ask at once
        assert board(services)["OPS-1"].title == "mine"
        assert pg_store.rows.catch_ups > asked
        seen = len(heard)
        other.cards.edit("OPS-2", {"title": "theirs"})
        assert poll(lambda: len(heard) > seen), "the other client's commit was not heard"
        assert pg_store.version() != version
        assert board(services)["OPS-2"].title == "theirs"
    finally:
        stop()


def test_a_bulk_replace_starts_the_cache_again(
    tmp_path: Path, pg_store: PgStore, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    two_boards(services)
    assert len(board(services)) == 4
    source = tmp_path / "demo.json"
    fill_demo(make_services(open_store(source), clock))
    transfer.load(PgStore(pg_url), transfer.dump(open_store(source)), force=True)
    expected = {c.id: c.title for c in make_services(open_store(source), clock).cards.list(dept="Operations")}
    assert {key: card.title for key, card in board(services).items()} == expected
    db = pg_url.rsplit("/", 1)[1]
    assert pg_server.sql("SELECT count(*) FROM huddle_deleted", db) == [(0,)], "no tombstone per row"
    assert transfer.check(pg_store).problems == []


def test_a_restarted_server_invalidates_the_cache(private_server: PgServer, clock: FixedClock) -> None:
    url = private_server.new_database()
    store = PgStore(url)
    try:
        services = make_services(store, clock)
        two_boards(services)
        assert board(services)["OPS-1"].title == "运维 0"
        behind_hudddles_back(
            private_server,
            url,
            "UPDATE cards SET doc = jsonb_set(doc, '{title}', '\"背后改的\"') WHERE id = 'OPS-1'",
        )
        assert board(services)["OPS-1"].title == "运维 0", "the cache keeps what it read (it is a cache)"
        private_server.restart()
        assert poll(lambda: board(services)["OPS-1"].title == "背后改的")
    finally:
        store.close()


def test_a_database_from_before_the_row_versions_gets_them_on_open(
    pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    store = PgStore(pg_url)
    two_boards(make_services(store, clock))
    store.close()
    db = pg_url.rsplit("/", 1)[1]
    pg_server.sql(
        undo_row_versions()
        + f"DELETE FROM huddle_schema WHERE version >= {migration_number('row-versions')}",
        db,
    )
    reopened = PgStore(pg_url)
    try:
        services = make_services(reopened, clock)
        assert len(board(services)) == 4
        make_services(PgStore(pg_url), clock).cards.edit("OPS-3", {"title": "after the upgrade"})
        assert board(services)["OPS-3"].title == "after the upgrade"
        assert transfer.check(reopened).problems == []
    finally:
        reopened.close()
