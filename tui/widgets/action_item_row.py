"""One open action item of a meeting series: card id, owner, due date, the card's column, the text."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from domain.dates import format_day
from domain.i18n import _
from domain.models import ActionItem, Card
from domain.rules import is_done, is_overdue
from tui.widgets.safe import literal


class ActionItemRow(Static):
    """An action item with its state: ``-overdue``, ``-blocked``, ``-done`` and ``-carried`` as classes."""

    def __init__(
        self,
        item: ActionItem,
        card: Card | None,
        *,
        today: date,
        carried: bool = False,
        blocked: bool = False,
    ) -> None:
        """``blocked`` is :func:`domain.rules.is_blocked` of the card, judged against every card on file."""
        super().__init__(classes="action-item-row")
        self.item = item
        self.card = card
        due = format_day(item.due, today=today) if item.due else _("no date")
        state = card.column if card else _("card deleted")
        if blocked:
            state = _("{state}, blocked").format(state=state)
        self.update(
            literal(
                _("{card} @{owner} · {due}\n{state}: {text}").format(
                    card=item.card_id, owner=item.owner, due=due, state=state, text=item.text
                ),
                keep_newlines=True,
            )
        )
        # The card's own rule (domain/rules.py) once the card exists; the item's date for a deleted card.
        overdue = is_overdue(card, today) if card is not None else item.due is not None and item.due < today
        self.set_class(overdue, "-overdue")
        self.set_class(card is not None and is_done(card), "-done")
        self.set_class(blocked, "-blocked")
        self.set_class(carried, "-carried")
