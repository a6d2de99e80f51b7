"""Small helpers for Pilot tests of the boards and the portfolio."""

from __future__ import annotations

from textual.pilot import Pilot

from tui.app import HuddleApp
from tui.screens.boards import BoardsScreen
from tui.screens.dialogs import CardFormModal
from tui.screens.portfolio import PortfolioScreen
from tui.widgets.board_column import BoardColumn
from tui.widgets.card_tile import CardTile


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


def tile_text(widget: CardTile) -> str:
    """The text a person sees on a tile."""
    return "\n".join("".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height))


async def edit_form(pilot: Pilot[None]) -> CardFormModal:
    """Press ``e`` on the board: the edit form of the selected card."""
    await pilot.press("e")
    form = pilot.app.screen
    assert isinstance(form, CardFormModal)
    return form
