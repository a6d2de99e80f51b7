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

from domain.i18n import _
from domain.models import Card, Column
from tui.views.board import PAGE_SIZE, wip_state
from tui.widgets.card_tile import CardTile
from tui.widgets.safe import printable


def header_content(column: Column, count: int) -> Content:
    """``Doing 6/5 over WIP`` style header text."""
    limit = column.wip_limit
    counts = f"{count}/{limit}" if limit is not None else str(count)
    parts: list[str | tuple[str, str]] = [(printable(column.name), "bold"), "  ", counts]
    state = wip_state(column, count)
    if state == "over":
        parts += ["  ", (_("over WIP"), "bold $error")]
    elif state == "at":
        parts += ["  ", (_("at WIP"), "$warning")]
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
        self.first_row = 0
        self.selected: str | None = None
        self.total: int | None = None
        """The column's card count while ``cards`` is only the first page; None: ``cards`` is all."""

        self.header = ColumnHeader(header_content(column, 0), markup=False, classes="column-header")
        self.body = VerticalScroll(classes="column-body", can_focus=False)
        self.above = Static("", markup=False, classes="column-above")
        self.more = Static("", markup=False, classes="column-more")
        self._tiles: list[CardTile] = []
        self._shown: dict[str, object] = {}
        """What the header and the lines above and below the page show now (see ``_show_counts``)."""

    def prime(
        self,
        cards: Sequence[Card],
        today: date,
        *,
        selected: str | None,
        offset: int = 0,
        blocked: frozenset[str] = frozenset(),
        total: int | None = None,
    ) -> BoardColumn:
        """Set the first data before mounting, so the column mounts with its tiles in one go; ``total``
        is the column's card count when ``cards`` is only its first page (the first paint)."""
        self.total = total
        self.cards = list(cards)
        self.first_row = offset
        self.selected = selected
        visible = self.cards[offset : offset + PAGE_SIZE]
        self._tiles = [
            CardTile(card, today, selected=card.id == selected, blocked=card.id in blocked)
            for card in visible
        ]
        self._show_counts(len(visible))
        return self

    def compose(self) -> ComposeResult:
        yield self.header
        with self.body:
            yield self.above
            yield from self._tiles
            yield self.more

    @property
    def tiles(self) -> list[CardTile]:
        """The tiles drawn now, top to bottom."""
        return list(self._tiles)

    def set_current(self, current: bool) -> None:
        """Mark this column as the cursor's (only the header changes, so tiles keep their styles)."""
        self.header.set_class(current, "-current")

    def show(
        self,
        column: Column,
        cards: Sequence[Card],
        today: date,
        *,
        selected: str | None,
        offset: int = 0,
        blocked: frozenset[str] = frozenset(),
        total: int | None = None,
    ) -> None:
        """Draw one page of cards from row ``offset``, reusing tiles, and mark ``selected``; ``blocked``
        holds the ids that :func:`domain.rules.is_blocked` says are blocked; ``total`` as in :meth:`prime`."""
        self.total = total
        self.column = column
        self.cards = list(cards)
        self.first_row = offset
        self.selected = selected
        visible = self.cards[offset : offset + PAGE_SIZE]
        tiles = self._tiles
        for tile, card in zip(tiles, visible, strict=False):
            tile.show(card, today, selected=card.id == selected, blocked=card.id in blocked)
        if len(tiles) > len(visible):
            for tile in tiles[len(visible) :]:
                tile.remove()
            del tiles[len(visible) :]
        elif len(visible) > len(tiles):
            new = [
                CardTile(card, today, selected=card.id == selected, blocked=card.id in blocked)
                for card in visible[len(tiles) :]
            ]
            tiles.extend(new)
            self.body.mount_all(new, before=self.more)
        self._show_counts(len(visible))

    def _show_counts(self, drawn: int) -> None:
        """The header (count, WIP), the over-WIP and empty marks, and the rows above and below the page."""
        column, offset = self.column, self.first_row
        count = len(self.cards) if self.total is None else self.total
        # Each text is updated only when it changes: a refresh of a line scrolled out of view (``more``
        # below a long page) makes Textual lay the whole screen out again, and a card edited elsewhere
        # should cost the repaint of its tile alone.
        header = header_content(column, count)
        if header != self._shown.get("header"):
            self._shown["header"] = header
            self.header.update(header, layout=False)
        over = column.wip_limit is not None and count > column.wip_limit
        self.header.set_class(over, "-over-wip")
        self.set_class(over, "-over-wip")
        hidden = count - offset - drawn
        more = _("+{n} more (j / ↓ / pgdn)").format(n=hidden) if hidden > 0 else ""
        self._show_line(self.more, "more", more)
        self._show_line(self.above, "above", _("↑ {n} above (k / pgup)").format(n=offset) if offset else "")
        self.set_class(count == 0, "-empty")

    def _show_line(self, line: Static, key: str, text: str) -> None:
        """Show ``text`` in ``line`` (hidden when empty), touching the widget only if it changes."""
        if text != self._shown.get(key):
            self._shown[key] = text
            line.update(text, layout=False)
        if line.display != bool(text):
            line.display = bool(text)

    def tile_for(self, card_id: str) -> CardTile | None:
        for tile in self._tiles:
            if tile.card.id == card_id:
                return tile
        return None

    def on_column_header_clicked(self, message: ColumnHeader.Clicked) -> None:
        message.stop()
        self.post_message(self.HeaderClicked(self, self.column.name))
