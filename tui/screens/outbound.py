"""Exports, e-mail and calendar publishing started from a screen.

Each runs in a thread worker (rendering, SMTP and CalDAV can take seconds), says that it started,
and ends with one notification naming the file written, the recipients or the calendar, or with the
error as a message. Files go to the current folder; an existing file is never overwritten: a
numbered copy is written beside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import ConflictError, HuddleError

if TYPE_CHECKING:
    from textual.screen import Screen

    from outbound.exporting import Export
    from tui.wiring import Context


def _run(screen: Screen[Any], started: str, work: Callable[[], tuple[str, str]]) -> None:
    """Run ``work`` in a thread; it returns (title, message) for the closing notification."""
    screen.notify(started, timeout=3, markup=False)

    def run() -> None:
        try:
            title, message = work()
        except HuddleError as exc:
            screen.app.call_from_thread(screen.notify, str(exc), severity="error", timeout=15, markup=False)
        else:
            screen.app.call_from_thread(screen.notify, message, title=title, timeout=10, markup=False)

    screen.run_worker(run, thread=True, group="outbound", exit_on_error=False)


def _write_beside(export: Export, name: str) -> Path:
    """Write ``export`` as ``name`` in the current folder, or as ``name-2``... if that exists."""
    from outbound.exporting import export_to_path

    stem, suffix = Path(name).stem, Path(name).suffix
    path = Path(name)
    for number in range(2, 100):
        try:
            return export_to_path(export, path, force=False)
        except ConflictError:
            path = Path(f"{stem}-{number}{suffix}")
    raise ConflictError(f"{name} and 98 numbered copies already exist")


def confirm_write(screen: Screen[Any], question: str, then: Callable[[], None]) -> None:
    """Ask ``question`` (focus on Cancel, no letter keys) and run ``then`` only on an explicit yes.

    The meetings area exports on single keys; typing there by mistake must never write a file.
    """
    from tui.screens.dialogs import WriteConfirmModal

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    folder = Path.cwd()
    screen.app.push_screen(
        WriteConfirmModal(f"{question}\nThe file goes to {folder}.", yes="Export"), answered
    )


def export_meeting(screen: Screen[Any], context: Context, meeting_id: str, what: str) -> None:
    """Write the minutes (.docx) or the follow-up invite (.ics) of ``meeting_id``."""

    def work() -> tuple[str, str]:
        from outbound.exporting import followup_export, minutes_export, minutes_filename

        if what == "minutes":
            export = minutes_export(
                context.services, meeting_id, now=context.clock(), paper=context.settings.paper
            )
            name = minutes_filename(context.services.meetings.get(meeting_id))
        else:
            export = followup_export(context.services, meeting_id, cancel=False, now=context.clock())
            name = export.default_name
        written = _write_beside(export, name)
        return "Exported", f"{export.description} → {written.resolve()}"

    _run(screen, f"Exporting the {what} of {meeting_id}…", work)


def export_calendar(screen: Screen[Any], context: Context, what: str) -> None:
    """Write every dated milestone (``what="milestones"``) or action item (``"actions"``) to an .ics."""

    def work() -> tuple[str, str]:
        from outbound.exporting import actions_export, milestones_export

        build = milestones_export if what == "milestones" else actions_export
        export = build(context.services, now=context.clock())
        written = _write_beside(export, export.default_name)
        return "Exported", f"{export.description} → {written.resolve()}"

    _run(screen, f"Exporting the {'milestones' if what == 'milestones' else 'action items'}…", work)


def offer_invite(screen: Screen[Any], context: Context, meeting_id: str) -> None:
    """Read whom the invite would go to (in a thread), ask, then send it."""

    def read() -> None:
        from outbound.delivery import invite_preview

        try:
            title, recipients = invite_preview(context.services, context.settings, meeting_id, env=os.environ)
        except HuddleError as exc:
            screen.app.call_from_thread(screen.notify, str(exc), severity="error", timeout=15, markup=False)
            return
        screen.app.call_from_thread(ask, title, recipients)

    def ask(title: str, recipients: list[str]) -> None:
        from tui.screens.meeting_dialogs import SendInviteModal

        def answered(attach: bool | None) -> None:
            if attach is not None:
                send_invite(screen, context, meeting_id, attach_minutes=attach)

        screen.app.push_screen(SendInviteModal(title, recipients, has_minutes=True), answered)

    screen.run_worker(read, thread=True, group="outbound", exit_on_error=False)


def send_invite(screen: Screen[Any], context: Context, meeting_id: str, *, attach_minutes: bool) -> None:
    """E-mail the follow-up invite of ``meeting_id`` to its attendees (SMTP settings from the config)."""

    def work() -> tuple[str, str]:
        from outbound.delivery import send_invite as deliver

        result = deliver(
            context.services,
            context.settings,
            meeting_id,
            attach_minutes=attach_minutes,
            now=context.clock(),
            env=os.environ,
        )
        attached = f", with {result.attached}" if result.attached else ""
        return "Invite sent", f"{result.subject} → {', '.join(result.recipients)}{attached}"

    _run(screen, f"Sending the invite of {meeting_id}…", work)


def publish_calendar(screen: Screen[Any], context: Context) -> None:
    """Put every follow-up meeting and milestone on the CalDAV calendar of the config."""

    def work() -> tuple[str, str]:
        from outbound.delivery import push_calendar

        result = push_calendar(context.services, context.settings, now=context.clock(), env=os.environ)
        return "Calendar published", result.summary()

    _run(screen, "Publishing to the CalDAV calendar…", work)
