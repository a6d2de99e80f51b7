"""What the app offers its screens: serialised background writes, undo, and flush hooks.

Screens reach these through :func:`shell_of` so that they never import the concrete app class.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from textual.app import App
from textual.message import Message

from domain.models import Card

UNDO_DEPTH = 50


@dataclass(frozen=True)
class UndoEntry:
    """One undoable change by this user: the card as it was just ``previous`` to it and just ``after`` it
    (None: not there), both read inside the change's own transaction, so undo can put back exactly this
    user's change and keep what others changed since (domain/services/cards.py ``undo``)."""

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


@dataclass
class WriteJob:
    """A change to make off the event loop; callbacks run back on the event loop."""

    label: str
    run: Callable[[], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[Exception], None] | None = None


@dataclass
class WriteFinished(Message):
    """A write job ended (``error`` is None on success); ``version`` is the file's version after it."""

    job: WriteJob
    result: Any
    error: Exception | None
    version: object


class Shell(Protocol):
    """The app-level services a screen may use."""

    undo: UndoStack
    writes_submitted: int
    """How many writes were ever submitted; a load started before a write is stale."""
    writes_in_flight: int

    def submit_write(self, job: WriteJob) -> None:
        """Queue ``job``; jobs run one at a time, in order, in a thread worker."""
        ...

    def register_flush(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run ``callback`` on SIGHUP (terminal gone) or SIGTERM, in the signal handler; returns an unregister
        function. Every wait in it needs a timeout: the event loop may be stuck."""
        ...


def shell_of(app: App[Any]) -> Shell:
    """The running Huddle app as a :class:`Shell`."""
    return cast(Shell, app)
