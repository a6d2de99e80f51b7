"""One card on a board: id, markers, title, owner and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from domain.i18n import _
from domain.models import Card
from tui.views.board import BLOCKED_MARK, MILESTONE_MARK, state_classes, tile_view
from tui.widgets.safe import printable


def tile_content(card: Card, today: date, *, blocked: bool) -> Content:
    """The three lines of a tile (:func:`tui.views.board.tile_view`); user text is literal and stripped of
    control characters."""
    view = tile_view(card, today, blocked=blocked)
    head: list[str | tuple[str, str]] = [(view.id, "bold $text-accent")]
    if view.milestone:
        head += [" ", (MILESTONE_MARK, "bold $warning")]
    if view.blocked:
        head += [" ", (_("{mark} blocked").format(mark=BLOCKED_MARK), "bold $error")]
    owner = f"@{view.owner}" if view.owner else _("unassigned")
    foot: list[str | tuple[str, str]] = [(printable(owner), "" if view.owner else "italic")]
    if view.due is not None:
        overdue = _("overdue {date}").format(date=view.due)
        foot += [
            "  ",
            (overdue, "bold $error") if view.overdue else (_("due {date}").format(date=view.due), ""),
        ]
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
            tile_content(card, today, blocked=blocked),
            markup=False,
            classes=" ".join(state_classes(card, today, selected, blocked=blocked)),
        )
        self.card = card
        self.today = today
        self.blocked = blocked

    def show(self, card: Card, today: date, *, selected: bool, blocked: bool = False) -> None:
        """Show ``card`` (the board reuses tiles rather than remounting them); one restyle at most."""
        if card != self.card or today != self.today or blocked != self.blocked:
            self.card = card
            self.today = today
            self.blocked = blocked
            self.update(tile_content(card, today, blocked=blocked), layout=False)
        wanted = state_classes(card, today, selected, blocked=blocked)
        if wanted != set(self.classes):
            self.set_classes(wanted)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self, self.card.id, event.chain))
