"""The board's first frame and repaints: tiles built for what fits first, whole pages after the first
frame, and moves and reorders drawn in board order."""

from __future__ import annotations

from tests.helpers.boards import add_backlog_cards, boards, column, drawn_ids, tile, tile_ids
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.screens.boards import tiles_that_fit
from tui.views.board import PAGE_SIZE
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
