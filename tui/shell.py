"""What the app offers its screens: serialised background writes, undo, the data-changed signal and
flush hooks.

Screens reach these through :func:`shell_of` so that they never import the concrete app class; the
pieces themselves live in :mod:`tui.jobs` and are re-exported here, the one name screens import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from textual.app import App
from textual.signal import Signal

from tui.jobs.undo import UNDO_DEPTH, UndoEntry, UndoStack
from tui.jobs.writes import WriteFinished, WriteJob, WriteQueue

__all__ = [
    "UNDO_DEPTH",
    "Shell",
    "UndoEntry",
    "UndoStack",
    "WriteFinished",
    "WriteJob",
    "WriteQueue",
    "shell_of",
]


class Shell(Protocol):
    """The app-level services a screen may use."""

    undo: UndoStack
    writes: WriteQueue
    """The one write queue (a writer with its own thread, the meeting recorder, holds its ``exclusive``)."""
    data_changed: Signal[object]
    """Published on the event loop, with the data's version, once the new snapshot has been read."""

    @property
    def writes_submitted(self) -> int:
        """How many writes were ever submitted; a load started before a write is stale."""
        ...

    @property
    def writes_in_flight(self) -> int: ...

    def submit_write(self, job: WriteJob) -> None:
        """Queue ``job``; jobs run one at a time, in order, in a thread worker."""
        ...

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the loop once the first frame is on the terminal (work it does not show)."""
        ...

    def after_next_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the loop once the next frame is on the terminal (work that should not hold
        up the frame a key changed)."""
        ...

    def register_flush(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run ``callback`` on SIGHUP (terminal gone) or SIGTERM, in the signal handler; returns an unregister
        function. Every wait in it needs a timeout: the event loop may be stuck."""
        ...


def shell_of(app: App[Any]) -> Shell:
    """The running Huddle app as a :class:`Shell`."""
    return cast(Shell, app)
