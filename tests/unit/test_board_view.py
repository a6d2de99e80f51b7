"""The board's view model: tile facts and state classes, WIP state of a header, the page to draw."""

from __future__ import annotations

from datetime import date

from domain.models import Card, Column
from tui.views.board import (
    PAGE_SIZE,
    TileView,
    changed_columns,
    page_start,
    state_classes,
    tile_view,
    wip_state,
)

TODAY = date(2026, 11, 25)


def test_tile_view_shows_the_due_date_short_this_year_and_in_full_otherwise() -> None:
    card = Card("OPS-1", "Ops", "上线", "Doing", owner="ann", due=date(2026, 11, 20), milestone=True)
    assert tile_view(card, TODAY, blocked=True) == TileView(
        "OPS-1", "上线", "ann", milestone=True, blocked=True, due="11-20", overdue=True
    )
    later = tile_view(Card("OPS-2", "Ops", "x", "Todo", due=date(2027, 1, 3)), TODAY, blocked=False)
    assert (later.due, later.overdue, later.owner) == ("2027-01-03", False, None)
    assert tile_view(Card("OPS-3", "Ops", "x", "Todo"), TODAY, blocked=False).due is None


def test_state_classes_follow_the_rules() -> None:
    late = Card("OPS-1", "Ops", "t", "Doing", due=date(2026, 11, 1), milestone=True)
    assert state_classes(late, TODAY, True, blocked=True) == {
        "-overdue",
        "-blocked",
        "-milestone",
        "-selected",
    }
    done = Card("OPS-2", "Ops", "t", "Done", due=date(2026, 11, 1))
    assert "-overdue" not in state_classes(done, TODAY, False, blocked=False)


def test_wip_state_under_at_over_and_no_limit() -> None:
    doing = Column("Doing", 3)
    assert [wip_state(doing, n) for n in (2, 3, 4)] == [None, "at", "over"]
    assert wip_state(Column("Todo"), 99) is None


def test_page_start_keeps_the_cursor_row_on_the_drawn_page() -> None:
    assert page_start(3, 0) == 0
    assert page_start(PAGE_SIZE, 0) == PAGE_SIZE
    assert page_start(PAGE_SIZE + 2, 5) == 5
    assert page_start(2 * PAGE_SIZE + 1, 0) == 2 * PAGE_SIZE


def test_changed_columns_names_only_the_columns_a_reload_must_draw_again() -> None:
    a, b, c = (Card(f"OPS-{n}", "Ops", f"t{n}", "Todo") for n in range(3))
    d = Card("OPS-9", "Ops", "d", "Done")
    shown = {"Todo": [a, b, c], "Doing": [], "Done": [d]}
    same = {"Todo": [a, b, c], "Doing": [], "Done": [d]}
    assert changed_columns(shown, same, frozenset()) == set()
    edited = {**same, "Todo": [a, Card("OPS-1", "Ops", "renamed", "Todo"), c]}
    assert changed_columns(shown, edited, frozenset()) == {"Todo"}
    reordered = {**same, "Todo": [b, a, c]}
    assert changed_columns(shown, reordered, frozenset()) == {"Todo"}
    moved = {"Todo": [a, b], "Doing": [Card("OPS-2", "Ops", "t2", "Doing")], "Done": [d]}
    assert changed_columns(shown, moved, frozenset()) == {"Todo", "Doing"}
    assert changed_columns(shown, same, frozenset({"OPS-9"})) == {"Done"}  # a blocked mark changed
    assert changed_columns(shown, {**same, "Review": []}, frozenset()) == set()  # a new empty column
    assert changed_columns(shown, {**same, "Review": [a]}, frozenset()) == {"Review"}
