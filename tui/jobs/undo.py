"""This user's undo stack: each entry is read inside the transaction of the change it undoes.

No Textual import (the stack is unit-tested headless); the job that undoes runs in the write queue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.i18n import _
from domain.models import Card

if TYPE_CHECKING:
    from domain.services.cards import CardService, UndoOutcome
    from tui.jobs.writes import WriteJob

UNDO_DEPTH = 50


@dataclass(frozen=True)
class UndoEntry:
    """One undoable change by this user: the card as it was just ``previous`` to it and just ``after`` it
    (None: not there), both read inside the change's own transaction, so undo can put back exactly this
    user's change and keep what others changed since (domain/services/cards.py ``undo``, which refuses
    with a conflict message when someone else changed the same fields since)."""

    label: str
    card_id: str
    previous: Card | None
    after: Card | None = None


class UndoStack:
    """The most recent changes of this user in this session, newest last."""

    def __init__(self, depth: int = UNDO_DEPTH) -> None:
        self._entries: deque[UndoEntry] = deque(maxlen=depth)

    def push(self, entry: UndoEntry) -> None:
        self._entries.append(entry)

    def pop(self) -> UndoEntry | None:
        return self._entries.pop() if self._entries else None

    def peek(self) -> UndoEntry | None:
        return self._entries[-1] if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)


def undo_job(
    entry: UndoEntry,
    cards: CardService,
    done: Callable[[UndoOutcome], None],
    refused: Callable[[Exception], None],
) -> WriteJob:
    """The write-queue job that undoes ``entry``; ``refused`` gets the conflict (someone changed the same
    fields again, deleted or re-created the card) and nothing is written then."""

    from tui.jobs.writes import WriteJob  # Textual's Message is imported only by those who queue writes

    def run() -> UndoOutcome:
        # One transaction: compare the card now with this user's "after", put back only their fields.
        return cards.undo(entry.previous, entry.after)

    return WriteJob(_("undo the {change}").format(change=entry.label), run, done, refused)
