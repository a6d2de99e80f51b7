"""The column counts a card write reads for its WIP check are kept by the server (``card_columns``),
so a write costs the same on any size of board: they must equal a real count after every kind of
change, and a database from before them gets them on open."""

from __future__ import annotations

from pathlib import Path

from domain.demo import fill_demo
from storage import open_store, transfer
from storage.postgres import PgStore
from storage.postgres.schema import SCHEMA_VERSION
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer, migration_number, undo_row_versions
from tests.helpers.workspace import make_services

REAL = "SELECT dept, col, count(*) FROM cards GROUP BY dept, col"
KEPT = "SELECT dept, col, cards FROM card_columns WHERE cards <> 0"


def counts(server: PgServer, url: str, query: str) -> dict[tuple[str, str], int]:
    return {(str(d), str(c)): int(str(n)) for d, c, n in server.sql(query, url.rsplit("/", 1)[1])}


def test_counts_follow_adds_moves_edits_deletes_copies_and_clears(
    tmp_path: Path, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    source = tmp_path / "demo.json"
    fill_demo(make_services(open_store(source), clock))
    store = open_store(pg_url)
    assert isinstance(store, PgStore)
    transfer.load(store, transfer.dump(open_store(source)))  # a bulk load
    assert counts(pg_server, pg_url, KEPT) == counts(pg_server, pg_url, REAL) != {}
    services = make_services(store, clock)
    card = services.cards.add("OPS", "counted")
    services.cards.move(card.id, "Doing")
    services.cards.move(card.id, "Doing")  # to the end of its own column: not counted twice
    services.cards.edit(card.id, {"title": "only the title"})
    services.cards.reorder("OPS-1", 1)
    services.cards.delete("OPS-2")
    services.directory.rename_column("Operations", "Doing", "进行中")
    assert counts(pg_server, pg_url, KEPT) == counts(pg_server, pg_url, REAL)
    assert transfer.check(store).problems == []
    with store.transaction() as uow:
        uow.clear()
    assert counts(pg_server, pg_url, KEPT) == {}


def test_the_column_summary_leaves_out_the_moving_card(pg_store: PgStore, clock: FixedClock) -> None:
    services = make_services(pg_store, clock)
    services.directory.add_department("Operations", key="OPS")
    ids = [services.cards.add("OPS", f"card {n}").id for n in range(3)]
    with pg_store.transaction() as uow:
        first = uow.cards.get(ids[0])
        assert first is not None
        assert uow.cards.column_summary("Operations", first.column) == (3, 3072.0)
        assert uow.cards.column_summary("Operations", first.column, excluding=ids[2]) == (2, 2048.0)
        assert uow.cards.column_summary("Operations", "Done", excluding=ids[2]) == (0, None)


def test_a_count_that_drifted_is_a_check_problem(
    pg_store: PgStore, pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    services = make_services(pg_store, clock)
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("OPS", "one")
    pg_server.sql("UPDATE card_columns SET cards = 7", pg_url.rsplit("/", 1)[1])
    assert transfer.check(pg_store).problems == [
        "card_columns: Operations/Backlog is counted as 7 cards but holds 1"
    ]


def test_a_database_from_before_the_counts_gets_them_on_open(
    pg_url: str, pg_server: PgServer, clock: FixedClock
) -> None:
    store = PgStore(pg_url)
    services = make_services(store, clock)
    services.directory.add_department("Operations", key="OPS")
    for n in range(4):
        services.cards.add("OPS", f"card {n}")
    store.close()
    db = pg_url.rsplit("/", 1)[1]
    counted = migration_number("card-column-counts")
    pg_server.sql(
        undo_row_versions() + "DROP TABLE card_columns; DROP FUNCTION huddle_count_cards CASCADE; "
        f"DELETE FROM huddle_schema WHERE version >= {counted}",
        db,
    )
    reopened = PgStore(pg_url)
    try:
        assert reopened.schema_version() == SCHEMA_VERSION
        assert counts(pg_server, pg_url, KEPT) == {("Operations", "Backlog"): 4}
        make_services(reopened, clock).cards.add("OPS", "after the upgrade")
        assert counts(pg_server, pg_url, KEPT) == {("Operations", "Backlog"): 5}
    finally:
        reopened.close()


def test_the_first_page_comes_from_the_board_index_and_the_kept_counts(
    pg_store: PgStore, clock: FixedClock
) -> None:
    """The server's first page (one query) is the same as slicing the department's whole board."""
    services = make_services(pg_store, clock)
    services.directory.add_department("Operations", key="OPS")
    services.directory.add_department("研发部", key="RND")
    blocker = services.cards.add("RND", "the blocker")
    blocked = services.cards.add("OPS", "waits on it", blocked_by=[blocker.id])
    for n in range(6):
        services.cards.add("OPS", f"card {n}")
    for card in services.cards.list(dept="Operations")[:4]:
        services.cards.move(card.id, "Doing", enforce_wip=False)
    board = services.cards.list(dept="Operations")
    by_column: dict[str, list[str]] = {}
    for card in board:
        by_column.setdefault(card.column, []).append(card.id)
    for fresh in (True, False):  # from the server, then from a snapshot that already read the cards
        if not fresh:
            services.cards.blocked_among(board)
        page = services.cards.first_page("Operations", per_column=3)
        assert page.department is not None
        assert [c.id for c in page.cards] == [
            i for col in page.department.columns for i in by_column.get(col.name, [])[:3]
        ]
        assert {k: v for k, v in page.counts.items() if v} == {k: len(v) for k, v in by_column.items()}
        assert set(page.counts) >= {col.name for col in page.department.columns}
        assert page.blocked == services.cards.blocked_among(page.cards)
        assert (blocked.id in page.blocked) == (blocked.id in {c.id for c in page.cards})
