"""One card on a board: id, markers, title, owner and due date (drawn by its column's body)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip

from domain.i18n import _
from domain.models import Card
from tui.views.board import BLOCKED_MARK, MILESTONE_MARK, TileView, state_classes, tile_view
from tui.widgets.safe import printable

OVERDUE_MARK = "!"
"""Before the date of an overdue card on a tile too narrow for the word (the tile is also tinted)."""
NARROW_TILE = 18
"""Inner cells below which a tile shows the short forms (80 columns hold five board columns of ~12)."""


def due_label(view: TileView, *, short: bool) -> str | None:
    """The tile's date with its overdue mark: ``overdue 11-20`` / ``due 11-20``, or when ``short``
    ``!11-20`` / ``11-20``, which is at most 11 cells (``!2025-11-20``) and so fits a tile's inner width
    at the narrowest column (16 cells less border and padding)."""
    if view.due is None:
        return None
    if short:
        return f"{OVERDUE_MARK}{view.due}" if view.overdue else view.due
    return (_("overdue {date}") if view.overdue else _("due {date}")).format(date=view.due)


def is_narrow(width: int) -> bool:
    """Whether a tile ``width`` cells wide inside shows the short forms: the long date and marks, measured
    in cells (Chinese words are two each), would leave too little of the line."""
    return 0 < width < NARROW_TILE


def tile_content(card: Card, today: date, *, blocked: bool, narrow: bool = False) -> Content:
    """The three lines of a tile (:func:`tui.views.board.tile_view`), short forms when ``narrow``; user
    text is literal and stripped of control characters.

    The date and overdue mark lead the last line and the title is the line that is cut, so a narrow
    column still shows when each card is due; the owner follows the date.
    """
    view = tile_view(card, today, blocked=blocked)
    head: list[str | tuple[str, str]] = [(view.id, "bold $text-accent")]
    if view.milestone:
        head += [" ", (MILESTONE_MARK, "bold $warning")]
    if view.blocked:
        mark = BLOCKED_MARK if narrow else _("{mark} blocked").format(mark=BLOCKED_MARK)
        head += [" ", (mark, "bold $error")]
    foot: list[str | tuple[str, str]] = []
    due = due_label(view, short=narrow)
    if due is not None:
        foot += [(due, "bold $error" if view.overdue else ""), " " if narrow else "  "]
    owner = f"@{view.owner}" if view.owner else _("unassigned")
    foot.append((printable(owner), "" if view.owner else "italic"))
    return Content("\n").join(
        [Content.assemble(*head), Content(printable(view.title)), Content.assemble(*foot)]
    )


TILE_LINES = 3
"""Lines of a tile (head, title, foot); the board leaves one blank line under each."""
STATE_ORDER = ("-milestone", "-blocked", "-overdue", "-selected")
"""The state classes in the order their looks apply (a later one wins, as the rules' order in the CSS did)."""


class CardTile:
    """One tile of a column: the card shown in a row of the column's page and its state classes.

    Not a widget: the column body (:class:`tui.widgets.board_column.ColumnBody`) draws every tile of a
    column itself, since a widget per tile cost about 3 ms each in styles, layout and compositing. A tile
    stays the same object while its row shows another card (the board reuses rows), and tells its body
    which lines to draw again when its text or its state changes.
    """

    __slots__ = ("_body", "_classes", "_narrow", "_shown", "blocked", "card", "drawn", "today")

    def __init__(self, card: Card, today: date, *, selected: bool = False, blocked: bool = False) -> None:
        self.card = card
        self.today = today
        self.blocked = blocked
        self._classes = frozenset(state_classes(card, today, selected, blocked=blocked))
        self._narrow = False
        self._shown: Content | None = None
        """The text drawn, built when first drawn (when the width is known) and after a change."""
        self._body: TileHost | None = None
        self.drawn: tuple[object, list[Strip]] | None = None
        """The body's last drawing of this tile and what it was drawn for (width and look)."""

    def _content(self) -> Content:
        return tile_content(self.card, self.today, blocked=self.blocked, narrow=self._narrow)

    def text(self, inner_width: int) -> Content:
        """The tile's text for a tile ``inner_width`` cells wide inside: the short forms below
        :data:`NARROW_TILE`. Built again only after a change or when the width crosses that line."""
        narrow = is_narrow(inner_width)
        if narrow != self._narrow or self._shown is None:
            self._narrow = narrow
            self._shown = self._content()
        return self._shown

    def attach(self, body: TileHost | None) -> None:
        """Put the tile in ``body`` (None: taken off the board)."""
        self._body = body
        self.drawn = None

    def _changed(self) -> None:
        self.drawn = None
        if self._body is not None:
            self._body.redraw_tile(self)

    def show(self, card: Card, today: date, *, selected: bool, blocked: bool = False) -> None:
        """Show ``card`` in this row; its lines are drawn again only when its text or state changes (a
        moved card's new column and rank are not on its tile)."""
        changed = False
        if card is not self.card or today != self.today or blocked != self.blocked:
            if tile_view(card, today, blocked=blocked) != tile_view(
                self.card, self.today, blocked=self.blocked
            ):
                self._shown = None
                changed = True
            self.card = card
            self.today = today
            self.blocked = blocked
        wanted = frozenset(state_classes(card, today, selected, blocked=blocked))
        if wanted != self._classes:
            self._classes = wanted
            changed = True
        if changed:
            self._changed()

    # ----- the parts of a widget's interface the board and its tests use ---------------------------

    @property
    def classes(self) -> frozenset[str]:
        """The state classes: ``-overdue``, ``-blocked``, ``-milestone``, ``-selected``."""
        return self._classes

    def has_class(self, *names: str) -> bool:
        return self._classes.issuperset(names)

    def set_classes(self, names: Iterable[str]) -> None:
        wanted = frozenset(names)
        if wanted != self._classes:
            self._classes = wanted
            self._changed()

    def add_class(self, *names: str) -> None:
        self.set_classes(self._classes.union(names))

    def remove_class(self, *names: str) -> None:
        self.set_classes(self._classes.difference(names))

    def set_class(self, add: bool, *names: str) -> None:
        if add:
            self.add_class(*names)
        else:
            self.remove_class(*names)

    @property
    def look(self) -> tuple[str, ...]:
        """The state classes in the order their looks apply."""
        return tuple(name for name in STATE_ORDER if name in self._classes)

    @property
    def is_mounted(self) -> bool:
        """Whether the tile is on a board (in a body that is mounted)."""
        return self._body is not None and self._body.is_mounted

    @property
    def region(self) -> Region:
        """Where the tile is on screen (an empty region when it is scrolled out of view or off the board)."""
        return self._body.tile_region(self) if self._body is not None else Region()

    @property
    def size(self) -> Size:
        """The size of the tile's text (inside its border and padding), as a widget's ``size`` was."""
        return self._body.tile_text_size(self) if self._body is not None else Size(0, 0)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the tile's text as drawn (inside border and padding)."""
        if self._body is None:
            return Strip([])
        return self._body.tile_text_line(self, y)

    def scroll_visible(self, *, animate: bool = False, immediate: bool = False) -> None:
        """Scroll the column so that the tile and the blank line below it are in view."""
        if self._body is not None:
            self._body.scroll_to_tile(self, animate=animate, immediate=immediate)


class TileHost(Protocol):
    """What a tile needs of the widget that draws it (:class:`tui.widgets.board_column.ColumnBody`)."""

    @property
    def is_mounted(self) -> bool: ...

    def redraw_tile(self, tile: CardTile) -> None: ...

    def tile_region(self, tile: CardTile) -> Region: ...

    def tile_text_size(self, tile: CardTile) -> Size: ...

    def tile_text_line(self, tile: CardTile, y: int) -> Strip: ...

    def scroll_to_tile(self, tile: CardTile, *, animate: bool, immediate: bool) -> None: ...
