"""One column of a department board: a header with count and WIP limit, then a page of tiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from domain.models import Card, Column
from tui.widgets.card_tile import CardTile
from tui.widgets.safe import printable

PAGE_SIZE = 30
"""Tiles drawn per page; a column of 2,000 cards draws only the pages the cursor has reached."""


def header_content(column: Column, count: int) -> Content:
    """``Doing 6/5 over WIP`` style header text."""
    limit = column.wip_limit
    counts = f"{count}/{limit}" if limit is not None else str(count)
    parts: list[str | tuple[str, str]] = [(printable(column.name), "bold"), "  ", counts]
    if limit is not None and count > limit:
        parts += ["  ", ("over WIP", "bold $error")]
    elif limit is not None and count == limit:
        parts += ["  ", ("at WIP", "$warning")]
    return Content.assemble(*parts)


class ColumnHeader(Static):
    """The clickable header of a column (clicking it moves the selected card here)."""

    @dataclass
    class Clicked(Message):
        header: ColumnHeader

        @property
        def control(self) -> ColumnHeader:
            return self.header

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self))


class BoardColumn(Vertical):
    """Shows a column's cards; the board screen pushes data down with :meth:`show`."""

    @dataclass
    class HeaderClicked(Message):
        """The header was clicked: the board moves its selected card into this column."""

        board_column: BoardColumn
        column: str

        @property
        def control(self) -> BoardColumn:
            return self.board_column

    def __init__(self, column: Column, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.column = column
        self.cards: list[Card] = []
        self.limit = PAGE_SIZE
        self.selected: str | None = None

    def compose(self) -> ComposeResult:
        yield ColumnHeader(header_content(self.column, 0), markup=False, classes="column-header")
        with VerticalScroll(classes="column-body"):
            yield Static("", markup=False, classes="column-more")

    @property
    def body(self) -> VerticalScroll:
        return self.query_one(".column-body", VerticalScroll)

    @property
    def tiles(self) -> list[CardTile]:
        return list(self.body.query_children(CardTile))

    def show(
        self, column: Column, cards: Sequence[Card], today: date, *, selected: str | None, limit: int
    ) -> None:
        """Draw the first ``limit`` cards, reusing tiles, and mark ``selected``."""
        self.column = column
        self.cards = list(cards)
        self.limit = limit
        self.selected = selected
        count = len(self.cards)
        header = self.query_one(ColumnHeader)
        header.update(header_content(column, count), layout=False)
        over = column.wip_limit is not None and count > column.wip_limit
        self.set_class(over, "-over-wip")
        visible = self.cards[:limit]
        tiles = self.tiles
        for tile, card in zip(tiles, visible, strict=False):
            tile.show(card, today)
            tile.set_class(card.id == selected, "-selected")
        if len(tiles) > len(visible):
            for tile in tiles[len(visible) :]:
                tile.remove()
        elif len(visible) > len(tiles):
            new = [CardTile(card, today) for card in visible[len(tiles) :]]
            for tile in new:
                tile.set_class(tile.card.id == selected, "-selected")
            more = self.query_one(".column-more", Static)
            self.body.mount_all(new, before=more)
        hidden = count - len(visible)
        more = self.query_one(".column-more", Static)
        more.update(f"+{hidden} more (j / ↓ to page)" if hidden else "", layout=False)
        more.display = hidden > 0
        self.set_class(count == 0, "-empty")

    def tile_for(self, card_id: str) -> CardTile | None:
        for tile in self.tiles:
            if tile.card.id == card_id:
                return tile
        return None

    def on_column_header_clicked(self, message: ColumnHeader.Clicked) -> None:
        message.stop()
        self.post_message(self.HeaderClicked(self, self.column.name))
