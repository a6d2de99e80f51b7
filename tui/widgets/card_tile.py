"""One card on a board: id, markers, title, owner and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from domain.models import Card
from domain.rules import is_overdue
from tui.widgets.safe import printable

MILESTONE_MARK = "◆"
BLOCKED_MARK = "⊘"


def tile_content(card: Card, today: date, *, blocked: bool) -> Content:
    """The three lines of a tile; user text is literal and stripped of control characters. ``blocked``
    is :func:`domain.rules.is_blocked` of the card, which the board reads with every card on file."""
    overdue = is_overdue(card, today)
    head: list[str | tuple[str, str]] = [(card.id, "bold $text-accent")]
    if card.milestone:
        head += [" ", (MILESTONE_MARK, "bold $warning")]
    if blocked:
        head += [" ", (f"{BLOCKED_MARK} blocked", "bold $error")]
    owner = f"@{card.owner}" if card.owner else "unassigned"
    foot: list[str | tuple[str, str]] = [(printable(owner), "" if card.owner else "italic")]
    if card.due is not None:
        shown = card.due.strftime("%m-%d") if card.due.year == today.year else card.due.isoformat()
        foot += ["  ", (f"overdue {shown}", "bold $error") if overdue else (f"due {shown}", "")]
    return Content("\n").join(
        [Content.assemble(*head), Content(printable(card.title)), Content.assemble(*foot)]
    )


def state_classes(card: Card, today: date, selected: bool, *, blocked: bool) -> set[str]:
    """The tile's state as CSS classes: ``-overdue``, ``-blocked``, ``-milestone``, ``-selected``."""
    classes = set()
    if is_overdue(card, today):
        classes.add("-overdue")
    if blocked:
        classes.add("-blocked")
    if card.milestone:
        classes.add("-milestone")
    if selected:
        classes.add("-selected")
    return classes


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
