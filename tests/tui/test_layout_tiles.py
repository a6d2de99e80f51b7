"""Every tile shows its date and overdue mark at 80x24 and 120x40: the title is cut, never the date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers.boards import boards, tile, tile_text
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.views.board import TileView
from tui.widgets.card_tile import OVERDUE_MARK, due_label
from tui.wiring import Context

LONG_HANDLE = "alexandra-konstantinopoulou"


def add_hard_cards(context: Context) -> dict[str, str]:
    """Cards whose last line overflowed before: a long handle, overdue, next year's and last year's
    dates, a Chinese title; returns card id -> the date each tile must show (short form)."""
    services = context.services
    services.directory.add_person(LONG_HANDLE, "Alexandra K.", "alex@example.com", dept="Operations")
    wanted: dict[str, str] = {}
    for title, owner, due, shown in (
        ("Sign the very long supplier contract for racks", LONG_HANDLE, date(2026, 12, 3), "12-03"),
        ("Overdue with a long handle and title", LONG_HANDLE, date(2026, 11, 2), f"{OVERDUE_MARK}11-02"),
        ("Next year's review", "bob", date(2027, 1, 15), "2027-01-15"),
        ("去年的逾期任务需要尽快处理完毕", LONG_HANDLE, date(2025, 12, 1), f"{OVERDUE_MARK}2025-12-01"),
    ):
        card = services.cards.add("OPS", title, column="To do", owner=owner, due=due, enforce_wip=False)
        wanted[card.id] = shown
    wanted["OPS-1"] = f"{OVERDUE_MARK}11-20"  # the demo's overdue card
    return wanted


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_tile_shows_its_date_and_overdue_mark(context: Context, size: tuple[int, int]) -> None:
    wanted = add_hard_cards(context)
    app = HuddleApp(context)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await until(pilot, lambda: all(tile(app, card_id).size.width > 0 for card_id in wanted))
        for card_id, shown in wanted.items():
            widget = tile(app, card_id)
            date_text = shown.removeprefix(OVERDUE_MARK)
            await until(pilot, lambda: date_text in tile_text(widget).splitlines()[-1])  # noqa: B023
            last = tile_text(widget).splitlines()[-1]
            assert date_text in last, (card_id, size, last)
            if shown.startswith(OVERDUE_MARK):
                assert widget.has_class("-overdue")
                assert (OVERDUE_MARK + date_text in last) or (f"overdue {date_text}" in last), last
        assert boards(app).selected_id is not None


async def test_narrow_tiles_use_the_short_forms_wide_ones_the_words(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "!11-20" in tile_text(tile(app, "OPS-1")))
        await pilot.resize_terminal(200, 40)
        await until(pilot, lambda: "overdue 11-20" in tile_text(tile(app, "OPS-1")))


def test_due_label_forms() -> None:
    view = TileView("OPS-1", "x", "ann", False, False, "11-20", True)
    assert due_label(view, short=False) == "overdue 11-20"
    assert due_label(view, short=True) == "!11-20"
    later = TileView("OPS-2", "x", None, False, False, "2027-01-15", False)
    assert due_label(later, short=True) == "2027-01-15"
    assert due_label(later, short=False) == "due 2027-01-15"
    assert due_label(TileView("OPS-3", "x", None, False, False, None, False), short=True) is None
