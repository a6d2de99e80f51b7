"""Exports, e-mail and calendar publishing started from a screen: the questions asked first.

The work itself runs through :mod:`tui.jobs.outbound` (a thread worker, one notification at the end).
Files go to the current folder; an existing file is never overwritten: a numbered copy is written
beside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import HuddleError
from domain.i18n import _, pgettext
from tui.jobs.outbound import OUTBOUND_GROUP, run_outbound, write_beside

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.wiring import Context


def confirm_write(screen: Screen[Any], question: str, then: Callable[[], None]) -> None:
    """Ask ``question`` (focus on Cancel, no letter keys) and run ``then`` only on an explicit yes.

    The meetings area exports on single keys; typing there by mistake must never write a file.
    """
    from tui.dialogs.confirm import WriteConfirmModal

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    folder = Path.cwd()
    screen.app.push_screen(
        WriteConfirmModal(
            _("{question}\nThe file goes to {folder}.").format(question=question, folder=folder),
            yes=_("Export"),
        ),
        answered,
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
        written = write_beside(export, name)
        return _("Exported"), f"{export.description} → {written.resolve()}"

    if what == "minutes":
        started = _("Exporting the minutes of {id}…").format(id=meeting_id)
    else:
        started = _("Exporting the invite of {id}…").format(id=meeting_id)
    run_outbound(screen, started, work)


def export_calendar(screen: Screen[Any], context: Context, what: str) -> None:
    """Write every dated milestone (``what="milestones"``) or action item (``"actions"``) to an .ics."""

    def work() -> tuple[str, str]:
        from outbound.exporting import actions_export, milestones_export

        build = milestones_export if what == "milestones" else actions_export
        export = build(context.services, now=context.clock())
        written = write_beside(export, export.default_name)
        return _("Exported"), f"{export.description} → {written.resolve()}"

    started = _("Exporting the milestones…") if what == "milestones" else _("Exporting the action items…")
    run_outbound(screen, started, work)


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
        from tui.dialogs.send_invite import SendInviteModal

        def answered(attach: bool | None) -> None:
            if attach is not None:
                send_invite(screen, context, meeting_id, attach_minutes=attach)

        screen.app.push_screen(SendInviteModal(title, recipients, has_minutes=True), answered)

    screen.run_worker(read, thread=True, group=OUTBOUND_GROUP, exit_on_error=False)


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
        recipients = pgettext("list separator", ", ").join(result.recipients)
        if result.attached:
            text = _("{subject} → {recipients}, with {attached}").format(
                subject=result.subject, recipients=recipients, attached=result.attached
            )
        else:
            text = f"{result.subject} → {recipients}"
        return _("Invite sent"), text

    run_outbound(screen, _("Sending the invite of {id}…").format(id=meeting_id), work)


def publish_calendar(screen: Screen[Any], context: Context) -> None:
    """Put every follow-up meeting and milestone on the CalDAV calendar of the config."""

    def work() -> tuple[str, str]:
        from outbound.delivery import push_calendar

        result = push_calendar(context.services, context.settings, now=context.clock(), env=os.environ)
        return _("Calendar published"), result.summary()

    run_outbound(screen, _("Publishing to the CalDAV calendar…"), work)
