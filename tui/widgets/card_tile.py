"""One card on a board: id, markers, title, owner and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from domain.i18n import _
from domain.models import Card
from tui import timeline
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


class CardTile(Static):
    """A card tile; the board marks the selected one with the ``-selected`` class."""

    DEFAULT_CSS = """
    CardTile {
        height: 3;
        padding: 0 1;
        margin-bottom: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    @dataclass
    class Clicked(Message):
        """The tile was clicked (``chain`` is 2 for a double click)."""

        tile: CardTile
        card_id: str
        chain: int

        @property
        def control(self) -> CardTile:
            return self.tile

    def __init__(self, card: Card, today: date, *, selected: bool = False, blocked: bool = False) -> None:
        super().__init__(
            markup=False, classes=" ".join(state_classes(card, today, selected, blocked=blocked))
        )
        self.card = card
        self.today = today
        self.blocked = blocked
        self._narrow = False
        self._shown: Content | None = None
        """The text drawn, built at the first render (when the width is known) and after a change."""

    def _content(self) -> Content:
        return tile_content(self.card, self.today, blocked=self.blocked, narrow=self._narrow)

    def show(self, card: Card, today: date, *, selected: bool, blocked: bool = False) -> None:
        """Show ``card`` (the board reuses tiles rather than remounting them); one restyle at most, and a
        redraw only when the text changes (a moved card's new column and rank are not on its tile)."""
        if card is not self.card or today != self.today or blocked != self.blocked:
            redraw = tile_view(card, today, blocked=blocked) != tile_view(
                self.card, self.today, blocked=self.blocked
            )
            self.card = card
            self.today = today
            self.blocked = blocked
            if redraw:
                self._shown = None
                self.refresh()
        wanted = state_classes(card, today, selected, blocked=blocked)
        if wanted != set(self.classes):
            self.set_classes(wanted)

    def render(self) -> RenderResult:
        """The tile's text, in the short forms when the tile is narrower than :data:`NARROW_TILE` inside.

        Decided here, where the width is known (Textual renders again whenever the size changes), rather
        than on the resize event: that came after the first frame, so a narrow board drew every tile twice.
        The first call is the first tile render on the start-up timeline.
        """
        if timeline.ENABLED:
            timeline.mark("first tile render")
        narrow = is_narrow(self.size.width)
        if narrow != self._narrow or self._shown is None:
            self._narrow = narrow
            self._shown = self._content()
        return self._shown

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self, self.card.id, event.chain))
