"""One column of a department board: a header with count and WIP limit, then a page of tiles drawn by
one widget (:class:`ColumnBody`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual._styles_cache import StylesCache
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.css.styles import RenderStyles
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions
from textual.widgets import Static

from domain.i18n import _
from domain.models import Card, Column
from tui import timeline
from tui.views.board import PAGE_SIZE, wip_state
from tui.widgets.card_tile import STATE_ORDER, TILE_LINES, CardTile
from tui.widgets.safe import printable

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


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


TILE_ROWS = TILE_LINES + 1
"""Rows a tile takes in a column: its three lines and the blank line below it (the old margin)."""
LINE_CLASS = "column-body--line"
"""The look of the ``above`` and ``more`` lines."""
FIRST_FRAME = "-first-frame"
"""The class of the column bodies of the app's first frame: their scroll bars are not drawn in it (the
gutter is kept, so nothing moves when they come in the next frame). Drawing the 5 scroll bars cost that
frame ~6 ms of its ~70 ms of CPU at 5,000 and 20,000 cards (docs/performance.md)."""

TILE_CLASS = "card-tile"
HOVER_CLASS = "card-tile--hover"


@dataclass(frozen=True, slots=True)
class _Look:
    """Everything a tile's or a line's drawing depends on, from the CSS of its component classes."""

    styles: RenderStyles
    base_background: Color
    background: Color
    visual: VisualStyle


class ColumnBody(ScrollView, can_focus=False):
    """The scrolling part of a column: the ``above`` line, the page's tiles and the ``more`` line, all
    drawn by this one widget with Textual's line API, so a board is a handful of widgets instead of one
    per tile and a change redraws only the lines of the tiles it changed.

    Tiles look as the ``CardTile`` widgets did: their CSS moved to the component classes ``card-tile``
    and ``card-tile--milestone/-blocked/-overdue/-selected/-hover`` (app.tcss), drawn with Textual's own
    border, padding and text code (``StylesCache``, ``Content.render_strips``), so the theme's colours,
    the ellipsis and the cut of double-width text at cell boundaries stay Textual's.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        TILE_CLASS,
        *(f"{TILE_CLASS}-{state}" for state in STATE_ORDER),
        HOVER_CLASS,
        LINE_CLASS,
    }
    ALLOW_SELECT = False
    """Text selection by dragging is off here: Textual selects a widget's ``render()`` text, and these
    lines are drawn by ``render_line`` (the tile widgets let a drag select a tile's text)."""
    DEFAULT_CSS = """
    ColumnBody {
        overflow-x: hidden;
        overflow-y: auto;
    }
    ColumnBody.-first-frame {
        scrollbar-visibility: hidden;
    }
    ColumnBody .card-tile {
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ColumnBody .column-body--line {
        padding: 0 1;
    }
    """

    @dataclass
    class TileClicked(Message):
        """A tile was clicked (``chain`` is 2 for a double click)."""

        body: ColumnBody
        card_id: str
        chain: int

        @property
        def control(self) -> ColumnBody:
            return self.body

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.tiles: list[CardTile] = []
        self.above = ""
        self.more = ""
        self._hover: CardTile | None = None
        self._looks: dict[tuple[str, ...], _Look] = {}
        self._looks_for: object = None
        self._lines: dict[str, tuple[object, Strip]] = {}
        self._frames: dict[tuple[int, int], tuple[list[Segment], list[Segment], RichStyle] | None] = {}
        self._sized: tuple[Size, Size, Size] | None = None
        self._drawing: tuple[int, int] | None = None
        """The scroll offset and width while :meth:`render_lines` runs."""
        self._blank: tuple[int, Strip] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Skip Textual's scroll bar update when nothing changed since the last layout.

        ``ScrollView`` compares the size the layout hands it with the line count set here, which never
        match for a column taller than its body, so every layout of the screen (a dialog closing) set
        the scroll bar again and drew all of it: 5 scroll bars, 4-30 ms per layout at 20,000 cards.
        """
        key = (size, container_size, self.virtual_size)
        if key == self._sized:
            return False
        self._sized = key
        return super()._size_updated(size, virtual_size, container_size, layout)

    # ----- what the column shows -----------------------------------------------------------------

    def set_tiles(self, tiles: list[CardTile]) -> None:
        """Show ``tiles`` top to bottom; only the rows whose tile changed are drawn again (a tile that
        moved keeps its drawing, so a card inserted on top redraws the rows, not the tiles' texts)."""
        old, self.tiles = self.tiles, tiles
        kept = {id(tile) for tile in tiles}
        for tile in old:
            if id(tile) not in kept:
                tile.attach(None)
                if tile is self._hover:
                    self._hover = None
        for tile in tiles:
            if tile._body is not self:
                tile.attach(self)
        changed = [
            i
            for i in range(max(len(old), len(tiles)))
            if i >= len(old) or i >= len(tiles) or old[i] is not tiles[i]
        ]
        if changed:
            top = self._top
            first, last = changed[0], changed[-1]
            self._refresh_rows(top + first * TILE_ROWS, (last - first) * TILE_ROWS + TILE_LINES)
        if len(tiles) != len(old):  # the ``more`` line follows the last tile
            self._refresh_rows(
                self._top + min(len(old), len(tiles)) * TILE_ROWS, abs(len(tiles) - len(old)) * TILE_ROWS + 1
            )
        self._fit()

    def set_lines(self, above: str, more: str) -> None:
        """The lines above the page (rows before it) and below (rows after it); empty hides one."""
        if above == self.above and more == self.more:
            return
        moved = bool(above) != bool(self.above)
        self.above, self.more = above, more
        self._lines.clear()
        if moved:  # every tile moves one row
            self.refresh()
        else:
            self._refresh_rows(0, 1)
            self._refresh_rows(self._top + len(self.tiles) * TILE_ROWS, 1)
        self._fit()

    @property
    def _top(self) -> int:
        return 1 if self.above else 0

    def _fit(self) -> None:
        height = self._top + len(self.tiles) * TILE_ROWS + (1 if self.more else 0)
        if self.virtual_size.height != height:
            self.virtual_size = Size(0, height)

    def tile_top(self, tile: CardTile) -> int:
        """The row of the body (from its first row, scrolled or not) where ``tile`` starts."""
        return self._top + self.tiles.index(tile) * TILE_ROWS

    def tile_at(self, row: int) -> CardTile | None:
        """The tile whose text is on body row ``row`` (None: a blank line, or above / more)."""
        index, line = divmod(row - self._top, TILE_ROWS)
        if row < self._top or line >= TILE_LINES or index >= len(self.tiles):
            return None
        return self.tiles[index]

    def _refresh_rows(self, row: int, count: int) -> None:
        if self.is_mounted and count > 0:
            self.refresh_lines(row, count)

    # ----- the tile host protocol ------------------------------------------------------------------

    def redraw_tile(self, tile: CardTile) -> None:
        if tile in self.tiles:
            self._refresh_rows(self.tile_top(tile), TILE_LINES)

    def tile_region(self, tile: CardTile) -> Region:
        """Where ``tile`` is on screen, as a widget's ``region`` (also when scrolled out of view)."""
        area = self.scrollable_content_region
        if not self.is_mounted or not area or tile not in self.tiles:
            return Region()
        return Region(area.x, area.y + self.tile_top(tile) - self.scroll_offset.y, area.width, TILE_LINES)

    def tile_text_size(self, tile: CardTile) -> Size:
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if not width:
            return Size(0, 0)
        return Size(max(0, width - self._look(tile.look).styles.gutter.width), TILE_LINES)

    def tile_text_line(self, tile: CardTile, y: int) -> Strip:
        size = self.tile_text_size(tile)
        look = self._look(tile.look)
        lines = self._text_strips(tile, look, size.width)
        return lines[y] if 0 <= y < len(lines) else Strip([])

    def scroll_to_tile(self, tile: CardTile, *, animate: bool, immediate: bool) -> None:
        if tile in self.tiles:
            region = Region(0, self.tile_top(tile), max(1, self.scrollable_content_region.width), TILE_ROWS)
            self.scroll_to_region(region, animate=animate, immediate=immediate, force=True)

    # ----- drawing ---------------------------------------------------------------------------------

    def _look(self, states: tuple[str, ...]) -> _Look:
        """The look of a tile in ``states`` (or of the lines, for ``(LINE_CLASS,)``): one merged style of
        its component classes, in CSS order, over the backgrounds of this body's ancestors."""
        self._check_looks()
        look = self._looks.get(states)
        if look is None:
            if states == (LINE_CLASS,):
                names: tuple[str, ...] = states
            else:
                names = (TILE_CLASS, *(f"{TILE_CLASS}-{state}" for state in states if state != "hover"))
                if "hover" in states:
                    names += (HOVER_CLASS,)
            look = self._looks[states] = self._make_look(self.get_component_styles(*names))
        return look

    def _check_looks(self) -> None:
        """Forget every look and drawing when the CSS was applied again (a theme change, a class on the
        column or an ancestor): component styles are new objects then."""
        key = (id(self._component_styles.get(TILE_CLASS)), id(self._component_styles.get(LINE_CLASS)))
        if key != self._looks_for:
            self._looks_for = key
            self._looks.clear()
            self._lines.clear()
            self._frames.clear()
            self._blank = None
            for tile in self.tiles:
                tile.drawn = None

    def _make_look(self, styles: RenderStyles) -> _Look:
        """Backgrounds and text style as Textual works them out for a widget with ``styles`` placed in
        this body (``Widget.background_colors`` and ``Widget.visual_style``)."""
        background = base_background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        text_style = RichStyle()
        opacity = 1.0
        for node_styles in [*(node.styles for node in reversed(self.ancestors_with_self)), styles]:
            has_rule = node_styles.has_rule
            base_background = background
            opacity *= node_styles.opacity
            own = node_styles.background.tint(node_styles.background_tint)
            text_background = background + own if has_rule("background") else background
            background += own.multiply_alpha(opacity)
            if has_rule("color"):
                color = node_styles.color
            text_style += node_styles.text_style
            if has_rule("auto_color") and node_styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        visual = VisualStyle(
            background,
            color,
            bold=text_style.bold,
            dim=text_style.dim,
            italic=text_style.italic,
            reverse=text_style.reverse,
            underline=text_style.underline,
            strike=text_style.strike,
        )
        return _Look(styles, base_background, background, visual)

    def _text_strips(self, tile: CardTile, look: _Look, width: int) -> list[Strip]:
        """The lines of the tile's text ``width`` cells wide, as a ``Static`` renders its content."""
        if width <= 0:
            return []
        content = tile.text(width)
        return content.render_strips(
            width, TILE_LINES, look.visual, RenderOptions(self._get_style, cast("RulesMap", look.styles))
        )

    def _framed(self, look: _Look, width: int, height: int, text: list[Strip]) -> list[Strip]:
        """``text`` inside the look's border and padding, ``width`` by ``height`` cells, as Textual's
        ``StylesCache`` draws a widget's lines (the border, padding and text itself are cut once per
        look and width, then reused for every tile drawn with them)."""
        styles = look.styles
        content_width = max(0, width - styles.gutter.width)
        blank = Strip.blank(content_width, look.visual.rich_style)
        frame = self._frame(look, width)
        if frame is not None:
            prefix, suffix, inner = frame
            return [
                Strip(
                    [
                        *prefix,
                        *(text[y] if y < len(text) else blank).adjust_cell_length(content_width, inner),
                        *suffix,
                    ],
                    width,
                )
                for y in range(height)
            ]
        app = self.app
        return StylesCache().render(
            styles,
            Size(width, height),
            look.base_background,
            look.background,
            lambda y: text[y] if y < len(text) else blank,
            [],
            None,
            None,
            content_size=Size(content_width, height),
            padding=styles.padding,
            opacity=styles.opacity,
            ansi_theme=app.ansi_theme,
            native_ansi=app.native_ansi_color,
        )

    def _frame(self, look: _Look, width: int) -> tuple[list[Segment], list[Segment], RichStyle] | None:
        """What ``StylesCache`` puts before and after a line of text for this look and width (border
        and padding), cut from one line it draws around a marker; None when the look has effects that
        change the text itself (tint, opacity, hatch, an outline, rows of border or padding)."""
        key = (id(look), width)
        if key in self._frames:
            return self._frames[key]
        styles = look.styles
        gutter = styles.gutter
        plain = (
            not styles.tint.a
            and styles.opacity == 1
            and styles.text_opacity == 1
            and not gutter.top
            and not gutter.bottom
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and not any(edge for edge, _color in styles.outline)
        )
        frame = None
        content_width = width - gutter.width
        if plain and content_width > 0:
            marker = Segment(" " * content_width, RichStyle(link="huddle:frame-marker"))
            app = self.app
            line = StylesCache().render(
                styles,
                Size(width, 1),
                look.base_background,
                look.background,
                lambda y: Strip([marker], content_width),
                [],
                None,
                None,
                content_size=Size(content_width, 1),
                padding=styles.padding,
                opacity=1.0,
                ansi_theme=app.ansi_theme,
                native_ansi=app.native_ansi_color,
            )[0]
            segments = list(line)
            if segments.count(marker) == 1:
                at = segments.index(marker)
                inner = TextualStyle(background=look.base_background + look.background).rich_style
                frame = (segments[:at], segments[at + 1 :], inner)
        self._frames[key] = frame
        return frame

    def _tile_strips(self, tile: CardTile, width: int) -> list[Strip]:
        states = tile.look + (("hover",) if tile is self._hover else ())
        look = self._look(states)
        key = (width, states, id(look))
        if tile.drawn is None or tile.drawn[0] != key:
            if timeline.ENABLED:
                timeline.mark("first tile render")
            text = self._text_strips(tile, look, width - look.styles.gutter.width)
            tile.drawn = (key, self._framed(look, width, TILE_LINES, text))
        return tile.drawn[1]

    def _line_strip(self, name: str, text: str, width: int) -> Strip:
        look = self._look((LINE_CLASS,))
        drawn = self._lines.get(name)
        if drawn is None or drawn[0] != (width, text):
            inner = max(0, width - look.styles.gutter.width)
            lines = Content(text).render_strips(
                inner, 1, look.visual, RenderOptions(self._get_style, cast("RulesMap", look.styles))
            )
            drawn = self._lines[name] = ((width, text), self._framed(look, width, 1, lines[:1])[0])
        return drawn[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        """Textual's drawing of the lines in ``crop`` (each through :meth:`render_line`), with the scroll
        offset and width read once for all of them."""
        self._check_looks()
        self._drawing = (self.scroll_offset.y, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def render_line(self, y: int) -> Strip:
        if self._drawing is None:
            scroll_y, width = self.scroll_offset.y, self.scrollable_content_region.width
        else:
            scroll_y, width = self._drawing
        row = y + scroll_y
        if row == 0 and self.above:
            return self._line_strip("above", self.above, width)
        index, line = divmod(row - self._top, TILE_ROWS)
        if 0 <= index < len(self.tiles) and line < TILE_LINES:
            return self._tile_strips(self.tiles[index], width)[line]
        if self.more and row == self._top + len(self.tiles) * TILE_ROWS:
            return self._line_strip("more", self.more, width)
        if self._blank is None or self._blank[0] != width:
            background = RichStyle.from_color(bgcolor=self.background_colors[1].rich_color)
            self._blank = (width, Strip.blank(width, background))
        return self._blank[1]

    def line_texts(self) -> list[str]:
        """The text of every row of the body, scrolled out of view or not (for tests and benches)."""
        width = self.scrollable_content_region.width
        rows = []
        for row in range(self.virtual_size.height):
            if row == 0 and self.above:
                strip = self._line_strip("above", self.above, width)
            elif (tile := self.tile_at(row)) is not None:
                strip = self._tile_strips(tile, width)[(row - self._top) % TILE_ROWS]
            elif self.more and row == self._top + len(self.tiles) * TILE_ROWS:
                strip = self._line_strip("more", self.more, width)
            else:
                strip = Strip([])
            rows.append(strip.text)
        return rows

    # ----- mouse -----------------------------------------------------------------------------------

    def _tile_under(self, event: events.MouseEvent) -> CardTile | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        return self.tile_at(offset.y + self.scroll_offset.y)

    def _set_hover(self, tile: CardTile | None) -> None:
        if tile is not self._hover:
            old, self._hover = self._hover, tile
            for changed in (old, tile):
                if changed is not None:
                    self.redraw_tile(changed)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._tile_under(event))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        tile = self._tile_under(event)
        if tile is not None:
            event.stop()
            self.post_message(self.TileClicked(self, tile.card.id, event.chain))


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

    def __init__(self, column: Column, *, id: str | None = None, first_frame: bool = False) -> None:
        """``first_frame``: a column of the app's first frame, drawn without its scroll bar
        (:data:`FIRST_FRAME`) until the board takes the class away once that frame is out."""
        super().__init__(id=id)
        self.column = column
        self.cards: list[Card] = []
        self.first_row = 0
        self.selected: str | None = None
        self.total: int | None = None
        """The column's card count while ``cards`` is only the first page; None: ``cards`` is all."""

        self.header = ColumnHeader(header_content(column, 0), markup=False, classes="column-header")
        self.body = ColumnBody(classes=f"column-body {FIRST_FRAME}" if first_frame else "column-body")
        self._tiles: list[CardTile] = []
        self._shown: dict[str, object] = {}
        """What the header shows now (see ``_show_counts``)."""

    def prime(
        self,
        cards: Sequence[Card],
        today: date,
        *,
        selected: str | None,
        offset: int = 0,
        blocked: frozenset[str] = frozenset(),
        total: int | None = None,
        limit: int = PAGE_SIZE,
    ) -> BoardColumn:
        """Set the first data before mounting, so the column mounts with its tiles in one go; ``total``
        is the column's card count when ``cards`` is only its first page (the first paint). Only the
        first ``limit`` tiles of the page are built: the first frame builds those that fit on screen,
        and the next :meth:`show` builds the rest of the page."""
        self.total = total
        self.cards = list(cards)
        self.first_row = offset
        self.selected = selected
        visible = self.cards[offset : offset + min(limit, PAGE_SIZE)]
        self._tiles = [
            CardTile(card, today, selected=card.id == selected, blocked=card.id in blocked)
            for card in visible
        ]
        self.body.set_tiles(list(self._tiles))
        self._show_counts(len(visible))
        return self

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.body

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
        """Draw one page of cards from row ``offset``, reusing each card's tile, and mark ``selected``;
        ``blocked`` holds the ids that :func:`domain.rules.is_blocked` says are blocked; ``total`` as in
        :meth:`prime`."""
        self.total = total
        self.column = column
        self.cards = list(cards)
        self.first_row = offset
        self.selected = selected
        visible = self.cards[offset : offset + PAGE_SIZE]
        # A card keeps its tile while it stays on the page, so a tile drawn once is not drawn again when
        # a move or reorder shifts it: only its row is composed again. CardTile.show redraws a tile
        # whose text or state changed.
        shown = {tile.card.id: tile for tile in self._tiles}
        tiles = []
        for card in visible:
            tile = shown.pop(card.id, None)
            if tile is None:
                tile = CardTile(card, today, selected=card.id == selected, blocked=card.id in blocked)
            else:
                tile.show(card, today, selected=card.id == selected, blocked=card.id in blocked)
            tiles.append(tile)
        self._tiles = tiles
        self.body.set_tiles(list(tiles))
        self._show_counts(len(visible))

    def _show_counts(self, drawn: int) -> None:
        """The header (count, WIP), the over-WIP and empty marks, and the rows above and below the page."""
        column, offset = self.column, self.first_row
        count = len(self.cards) if self.total is None else self.total
        # The header is updated only when it changes: a card edited elsewhere should cost the repaint
        # of its tile alone.
        header = header_content(column, count)
        if header != self._shown.get("header"):
            self._shown["header"] = header
            self.header.update(header, layout=False)
        over = column.wip_limit is not None and count > column.wip_limit
        self.header.set_class(over, "-over-wip")
        self.set_class(over, "-over-wip")
        hidden = count - offset - drawn
        more = _("+{n} more (j / ↓ / pgdn)").format(n=hidden) if hidden > 0 else ""
        above = _("↑ {n} above (k / pgup)").format(n=offset) if offset else ""
        self.body.set_lines(above, more)
        self.set_class(count == 0, "-empty")

    def tile_for(self, card_id: str) -> CardTile | None:
        for tile in self._tiles:
            if tile.card.id == card_id:
                return tile
        return None

    def on_column_header_clicked(self, message: ColumnHeader.Clicked) -> None:
        message.stop()
        self.post_message(self.HeaderClicked(self, self.column.name))
