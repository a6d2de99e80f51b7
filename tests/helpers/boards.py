"""Small helpers for Pilot tests of the boards and the portfolio."""

from __future__ import annotations

import re
from dataclasses import replace

from textual.pilot import Pilot

from tui.app import HuddleApp
from tui.dialogs.card_form import CardFormModal
from tui.screens.boards import BoardsScreen
from tui.screens.portfolio import PortfolioScreen
from tui.widgets.board_column import TILE_ROWS, BoardColumn, ColumnBody
from tui.widgets.card_tile import CardTile
from tui.wiring import Context


def add_backlog_cards(context: Context, count: int) -> None:
    """``count`` more cards like OPS-1 at the end of its column (OPS-100 on), in one transaction."""
    with context.services.store.transaction() as uow:
        base = uow.cards.get("OPS-1")
        assert base is not None
        for n in range(count):
            uow.cards.put(replace(base, id=f"OPS-{100 + n}", title=f"Bulk {n}", rank=10_000.0 + n, due=None))


def boards(app: HuddleApp) -> BoardsScreen:
    screen = app.area_screens["boards"]
    assert isinstance(screen, BoardsScreen)
    return screen


def portfolio(app: HuddleApp) -> PortfolioScreen:
    screen = app.area_screens["portfolio"]
    assert isinstance(screen, PortfolioScreen)
    return screen


def column(app: HuddleApp, name: str) -> BoardColumn:
    for widget in boards(app).board_columns:
        if widget.column.name == name:
            return widget
    raise AssertionError(f"no column {name}")


def tile_ids(app: HuddleApp, name: str) -> list[str]:
    return [tile.card.id for tile in column(app, name).tiles]


def tile(app: HuddleApp, card_id: str) -> CardTile:
    for widget in boards(app).board_columns:
        found = widget.tile_for(card_id)
        if found is not None:
            return found
    raise AssertionError(f"no tile {card_id}")


def body_of(app: HuddleApp, card_id: str) -> ColumnBody:
    """The column body that draws ``card_id``'s tile."""
    for widget in boards(app).board_columns:
        if widget.tile_for(card_id) is not None:
            return widget.body
    raise AssertionError(f"no tile {card_id}")


def tile_offset(app: HuddleApp, card_id: str) -> tuple[int, int]:
    """A point inside ``card_id``'s tile (on its title line), relative to the body that draws it."""
    body, region = body_of(app, card_id), tile(app, card_id).region
    return region.x - body.region.x + 2, region.y - body.region.y + 1


async def click_tile(pilot: Pilot[None], app: HuddleApp, card_id: str, *, times: int = 1) -> None:
    """Click (``times`` 2: double click) with the mouse where ``card_id``'s tile is on screen."""
    assert await pilot.click(body_of(app, card_id), offset=tile_offset(app, card_id), times=times)


def board_has_tiles(app: HuddleApp) -> bool:
    """The boards screen is shown and has drawn at least one tile."""
    screen = app.screen
    return isinstance(screen, BoardsScreen) and any(c.tiles for c in screen.board_columns)


def drawn_ids(widget: BoardColumn) -> list[str]:
    """The card ids in the order the column's body draws them, read from its drawn lines (the head line
    of each tile), not from the column's own list."""
    body = widget.body
    lines = body.line_texts()
    top = 1 if body.above else 0
    heads = [
        lines[row] for row in range(top, len(lines), TILE_ROWS) if row < top + len(body.tiles) * TILE_ROWS
    ]
    return [match.group(0) for line in heads if (match := re.search(r"[A-Z]+-\d+", line))]


def tile_text(widget: CardTile) -> str:
    """The text a person sees on a tile."""
    return "\n".join("".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height))


async def edit_form(pilot: Pilot[None]) -> CardFormModal:
    """Press ``e`` on the board: the edit form of the selected card."""
    await pilot.press("e")
    form = pilot.app.screen
    assert isinstance(form, CardFormModal)
    return form
