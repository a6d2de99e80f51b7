"""The column body draws its tiles itself: what is on screen after a move from below the fold, only the
changed lines drawn again, hover, the scroll wheel and the cursor kept in view."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual import events
from textual.strip import Strip

from tests.helpers.boards import add_backlog_cards, boards, body_of, column, tile, tile_ids, tile_offset
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.widgets.board_column import TILE_ROWS, ColumnBody
from tui.wiring import Context


def screen_text(app: HuddleApp) -> list[str]:
    """What the terminal shows now: the screen as the compositor composes it for a full update."""
    update: Any = app.screen._compositor.render_update(full=True)
    return ["".join(strip.text for strip in line) for line in update.strips]


def backgrounds(strip: Strip) -> set[object]:
    return {segment.style.bgcolor for segment in strip if segment.style is not None}


def tile_strip(body: ColumnBody, card_id: str, line: int = 1) -> Strip:
    """Line ``line`` of ``card_id``'s tile as the body draws it for the screen."""
    found = next(t for t in body.tiles if t.card.id == card_id)
    return body.render_line(body.tile_top(found) + line - body.scroll_offset.y)


async def test_a_card_moved_up_from_below_the_fold_is_on_screen_at_once(context: Context) -> None:
    add_backlog_cards(context, 10)  # Backlog: 12 cards; at 80x24 the last ones are below the fold
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        last = boards(app).selected_id
        assert last == tile_ids(app, "Backlog")[-1]
        await pilot.press("L", "h", "g")  # the last card to To do, back to the top of Backlog
        await settle(pilot)
        assert body_of(app, tile_ids(app, "Backlog")[0]).scroll_offset.y == 0
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("H")  # and back to the top of Backlog: drawn where OPS-1 was
        body = column(app, "Backlog").body
        first = slice(body.region.y, body.region.y + 3)  # the screen rows of the column's first tile
        await until(pilot, lambda: any(last in line for line in screen_text(app)[first]))
        assert tile_ids(app, "Backlog")[:2] == [last, "OPS-1"]
        assert not any("OPS-1 " in line for line in screen_text(app)[first])


async def test_a_reorder_redraws_the_two_tiles_it_swapped_and_nothing_else(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_backlog_cards(context, 4)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).counts is None)
        await settle(pilot)
        drawn: Counter[tuple[str, int]] = Counter()
        original = ColumnBody.render_line

        def counting(body: ColumnBody, y: int) -> Strip:
            drawn[(body.parent.column.name, y)] += 1  # type: ignore[union-attr]
            return original(body, y)

        monkeypatch.setattr(ColumnBody, "render_line", counting)
        await pilot.press("J")  # OPS-1 one down: it and the card below swap rows
        await settle(pilot)
        assert tile_ids(app, "Backlog")[:2] == ["OPS-3", "OPS-1"]
        assert set(drawn) == {("Backlog", row) for row in range(7)}  # two tiles and the line between


async def test_hover_tints_the_tile_under_the_pointer_only(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        body = body_of(app, "OPS-3")
        before, other = tile_strip(body, "OPS-3"), tile_strip(body, "OPS-1")
        await pilot.hover(body, offset=tile_offset(app, "OPS-3"))
        await until(pilot, lambda: backgrounds(tile_strip(body, "OPS-3")) != backgrounds(before))
        assert tile_strip(body, "OPS-3").text == before.text
        assert tile_strip(body, "OPS-1") == other
        await pilot.hover(column(app, "Review").header)
        await until(pilot, lambda: backgrounds(tile_strip(body, "OPS-3")) == backgrounds(before))


async def test_the_wheel_scrolls_and_the_cursor_keeps_its_tile_in_view(context: Context) -> None:
    add_backlog_cards(context, 10)
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).counts is None and len(column(app, "Backlog").tiles) == 12)
        body = column(app, "Backlog").body
        assert body.virtual_size.height == 12 * TILE_ROWS > body.size.height
        for _ in range(3):
            body.post_message(events.MouseScrollDown(body, 2, 2, 0, 1, 0, False, False, False))
        await until(pilot, lambda: body.scroll_offset.y > 0)
        for _ in range(9):
            await pilot.press("j")
        await settle(pilot)
        selected = tile(app, tile_ids(app, "Backlog")[9])
        assert selected.has_class("-selected")
        assert body.region.contains_region(selected.region)
        assert tile_ids(app, "Backlog")[9] in "\n".join(screen_text(app))
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_offset.y == 0


async def test_a_department_switch_draws_into_the_same_columns_from_the_top(context: Context) -> None:
    add_backlog_cards(context, 10)
    departments = context.services.directory.departments()
    assert len(departments[0].columns) == len(departments[1].columns)  # so the columns can be reused
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        widgets = list(boards(app).board_columns)
        assert widgets[0].body.scroll_offset.y > 0
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: boards(app).department == departments[1])
        await settle(pilot)
        screen = boards(app)
        assert screen.board_columns == widgets  # the same widgets, showing the other department
        assert [w.column for w in widgets] == list(departments[1].columns)
        assert widgets[0].body.scroll_offset.y == 0
        shown = [card.id for cards in screen.columns.values() for card in cards[:2]]
        text = "\n".join(screen_text(app))
        assert shown
        assert all(card_id in text for card_id in shown)
        assert not any(line for line in widgets[0].body.line_texts() if "OPS-" in line)


async def test_a_theme_change_redraws_the_tiles_in_its_colours(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        body = body_of(app, "OPS-3")
        dark = backgrounds(tile_strip(body, "OPS-3"))
        blank = backgrounds(body.render_line(body.size.height - 1))
        app.theme = "textual-light"
        await until(pilot, lambda: backgrounds(tile_strip(body, "OPS-3")) != dark)
        assert backgrounds(body.render_line(body.size.height - 1)) != blank
        assert "OPS-3" in tile_strip(body, "OPS-3", 0).text
