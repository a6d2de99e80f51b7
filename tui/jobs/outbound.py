"""Exports, e-mail and calendar publishing run off the event loop, reporting back by message.

Rendering, SMTP and CalDAV can take seconds: each piece of work runs in a thread worker of the screen
that started it and ends with one :class:`OutboundFinished`, posted to the app, which shows it as a
notification naming the file written, the recipients or the calendar, or the error. The message goes
to the app, not the screen, so the news still arrives when the screen was closed meanwhile. None of
this writes the data file (the use cases live in ``outbound/exporting.py`` and ``outbound/delivery.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from domain.errors import ConflictError, HuddleError
from domain.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from outbound.exporting import Export

OUTBOUND_GROUP = "outbound"
"""The worker group of outbound work (not exclusive: two exports may run side by side)."""


@dataclass
class OutboundFinished(Message):
    """Outbound work ended: ``title`` and ``text`` for the notification; ``failed`` when it did not happen."""

    title: str | None
    text: str
    failed: bool = False

    def show(self, app: App[Any]) -> None:
        """Notify the person (plain text: file names and e-mail addresses are not markup)."""
        if self.failed:
            app.notify(self.text, severity="error", timeout=15, markup=False)
        else:
            app.notify(self.text, title=self.title or "", timeout=10, markup=False)


def run_outbound(node: Widget, started: str, work: Callable[[], tuple[str, str]]) -> None:
    """Say that ``work`` started, run it in a thread of ``node``; it returns (title, message) for the end."""
    node.notify(started, timeout=3, markup=False)
    app = node.app

    def run() -> None:
        try:
            title, text = work()
        except HuddleError as exc:
            app.post_message(OutboundFinished(None, str(exc), failed=True))
        else:
            app.post_message(OutboundFinished(title, text))

    node.run_worker(run, thread=True, group=OUTBOUND_GROUP, exit_on_error=False)


def write_beside(export: Export, name: str) -> Path:
    """Write ``export`` as ``name`` in the current folder, or as ``name-2``... if that exists (an existing
    file is never overwritten)."""
    from outbound.exporting import export_to_path

    stem, suffix = Path(name).stem, Path(name).suffix
    path = Path(name)
    for number in range(2, 100):
        try:
            return export_to_path(export, path, force=False)
        except ConflictError:
            path = Path(f"{stem}-{number}{suffix}")
    raise ConflictError(_("{name} and 98 numbered copies already exist").format(name=name))
