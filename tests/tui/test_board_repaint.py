"""The board's first frame and repaints: tiles built for what fits first, whole pages after the first
frame, and moves and reorders drawn in board order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.errors import NoWidget

import tui.app as app_module
import tui.screens.boards as boards_module
from tests.helpers.boards import add_backlog_cards, boards, column, drawn_ids, edit_form, tile, tile_ids
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.confirm import ConfirmModal
from tui.screens.boards import BoardData, BoardsScreen, tiles_that_fit
from tui.views.board import PAGE_SIZE
from tui.widgets.board_column import FIRST_FRAME
from tui.widgets.key_bar import KeyBar
from tui.wiring import Context


def test_first_frame_builds_what_fits_and_overflows() -> None:
    # 40 rows: 35 of column body hold 8.75 tiles of 4 rows; 10 are built, so a long column overflows.
    assert tiles_that_fit(40) == 10
    assert tiles_that_fit(24) == 6
    assert tiles_that_fit(3) == 2
    assert tiles_that_fit(200) == PAGE_SIZE
    assert all(
        tiles_that_fit(rows) * 4 > rows - 5 for rows in range(6, 60) if tiles_that_fit(rows) < PAGE_SIZE
    )


async def test_pages_are_whole_after_the_first_frame_and_the_cursor_reaches_past_it(context: Context) -> None:
    add_backlog_cards(context, 10)  # Backlog: 12 cards, one page, more than fit on 24 rows
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(9):
            await pilot.press("j")
        await settle(pilot)
        backlog = column(app, "Backlog")
        assert len(backlog.tiles) == 12
        assert drawn_ids(backlog) == tile_ids(app, "Backlog")
        screen = boards(app)
        assert screen.selected_id == tile_ids(app, "Backlog")[9]
        assert tile(app, tile_ids(app, "Backlog")[9]).has_class("-selected")
        assert sum(t.has_class("-selected") for c in screen.board_columns for t in c.tiles) == 1


async def test_the_first_frame_draws_no_scroll_bars_and_keeps_their_gutter(context: Context) -> None:
    add_backlog_cards(context, 10)  # Backlog: 12 cards, more than fit on 24 rows: it overflows
    seen: list[tuple[bool, bool, int]] = []

    def look(app: HuddleApp) -> tuple[bool, bool, int]:
        body = column(app, "Backlog").body
        try:
            app.screen.find_widget(body.vertical_scrollbar)
            drawn = True
        except NoWidget:
            drawn = False
        return body.has_class(FIRST_FRAME), drawn, body.scrollable_content_region.width

    app = HuddleApp(context)
    display = app._display

    def probe(screen: Any, renderable: Any) -> None:  # the app's frame output, noting the first frame
        first = renderable is not None and not app._batch_count and app._after_first_frame is not None
        display(screen, renderable)
        if first:
            seen.append(look(app))

    app._display = probe  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(seen) and look(app)[:2] == (False, True))
        width = look(app)[2]
        # The first frame: no scroll bar drawn, the tiles as wide as once it shows (its gutter kept).
        assert seen == [(True, False, width)]
        assert width < column(app, "Backlog").body.size.width


async def test_after_first_frame_runs_kept_and_later_callbacks(context: Context) -> None:
    app = HuddleApp(context)
    ran: list[str] = []
    app.after_first_frame(lambda: ran.append("kept"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: ran == ["kept"])
        app.after_first_frame(lambda: ran.append("later"))
        await until(pilot, lambda: ran == ["kept", "later"])


async def test_move_and_reorder_draw_the_cards_in_board_order(context: Context) -> None:
    add_backlog_cards(context, 4)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        backlog, todo = column(app, "Backlog"), column(app, "To do")
        assert screen.selected_id == "OPS-1"

        await pilot.press("J")  # reorder OPS-1 one down
        assert tile_ids(app, "Backlog")[:2] == ["OPS-3", "OPS-1"]
        assert drawn_ids(backlog) == tile_ids(app, "Backlog")
        assert tile(app, "OPS-1").has_class("-selected")
        await settle(pilot)

        await pilot.press("L")  # OPS-1 to the top of To do (a tile is built there)
        assert tile_ids(app, "To do")[0] == "OPS-1"
        assert "OPS-1" not in tile_ids(app, "Backlog")
        assert tile(app, "OPS-1").has_class("-selected")
        await settle(pilot)

        await pilot.press("h", "g", "L")  # OPS-3 on top of OPS-1
        await settle(pilot)
        assert tile_ids(app, "To do") == ["OPS-3", "OPS-1"]
        assert drawn_ids(todo) == tile_ids(app, "To do")
        assert drawn_ids(backlog) == tile_ids(app, "Backlog")
        assert sum(t.has_class("-selected") for c in screen.board_columns for t in c.tiles) == 1


async def test_closing_a_form_keeps_the_key_bar_and_a_change_under_it_shows(context: Context) -> None:
    """The bar does not redraw for a dialog on top of its screen (the app's checks see the dialog then),
    so closing the form costs the full repaint alone; what changed meanwhile shows once it is closed."""
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        items = bar._items
        assert ("ctrl+z", "Undo", True) in bar._shown  # the app hides undo on a dialog, not under one
        await edit_form(pilot)
        await settle(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BoardsScreen))
        await settle(pilot)
        assert bar._items is items  # not worked out again: the same keys
        assert "Edit" in str(bar.render())

        screen = boards(app)
        while screen.selected_card is not None:  # delete every card of the column through its dialog
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            await pilot.press("y")
            await settle(pilot)
        # no card selected: the card keys are drawn dimmed, worked out once the dialog had closed
        await until(pilot, lambda: ("e", "Edit", False) in bar._shown)
        assert bar._items is not items


class FrameNotingApp(HuddleApp):
    """The app, noting each frame it draws (outside a batch) and whether the board showed a first page."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.events: list[str] = []

    def _display(self, screen: Any, renderable: Any) -> None:
        if renderable is not None and not self._batch_count and isinstance(screen, BoardsScreen):
            self.events.append("page frame" if screen.counts is not None else "frame")
        super()._display(screen, renderable)


async def test_a_switch_reads_the_whole_department_once_its_first_page_is_drawn(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole department is read after the frame that shows the first page: a decoding thread holds
    the interpreter, and started earlier it held up the frame the key changed."""
    # The worker reads anyway after FRAME_WAIT (0.5 s) without a frame; on a loaded CI machine the page's
    # frame once came later than that. This test is about the order, so the fallback must not fire here.
    monkeypatch.setattr(boards_module, "FRAME_WAIT", 60.0)
    with context.services.store.transaction() as uow:
        base = uow.cards.get("MKT-1")
        assert base is not None
        for n in range(PAGE_SIZE + 5):
            uow.cards.put(replace(base, id=f"MKT-{100 + n}", title=f"批量 {n}", rank=10_000.0 + n, due=None))
    app = FrameNotingApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        read_board = screen._read_board

        def noted_read(dept: str | None, select: str | None, writes_seen: int) -> BoardData:
            app.events.append("whole read")  # in the worker's thread, as it starts reading
            return read_board(dept, select, writes_seen)

        screen._read_board = noted_read  # type: ignore[method-assign]
        app.events.clear()
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: "whole read" in app.events and screen.counts is None)
        await settle(pilot)
        assert screen.department is not None
        assert screen.department.name == "市场部"
        assert "page frame" in app.events
        assert app.events.index("page frame") < app.events.index("whole read")


async def test_a_move_is_written_once_the_frame_that_shows_it_is_out(context: Context) -> None:
    """A write holds the interpreter while it reads and writes the file: it starts after the frame that
    shows the moved card."""
    cards = context.services.cards
    tracked = cards.tracked
    app = FrameNotingApp(context)

    def noted(card_id: str, change: Any) -> Any:
        app.events.append("write")  # in the write's thread, as it starts
        return tracked(card_id, change)

    cards.tracked = noted  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.events.clear()
        await pilot.press("L")
        await until(pilot, lambda: "write" in app.events)
        await settle(pilot)
        assert cards.get("OPS-1").column == "To do"
        assert "frame" in app.events
        assert app.events.index("frame") < app.events.index("write")
