"""The ``export``, ``send`` and ``calendar`` subcommands of ``huddle``. No Textual import.

python-docx, icalendar, caldav and smtplib are imported inside the handlers, so other commands
(``card add``) never load them. Handlers print one result line and raise ``HuddleError``s, which
``tui.cli.main`` turns into ``huddle: error: ...`` with exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from domain.i18n import _
from tui.cli.parser import short_common

if TYPE_CHECKING:
    from outbound.exporting import Export
    from tui.cli.parser import Builder
    from tui.wiring import Context


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], b: Builder) -> None:
    """Add ``export minutes|report|ics``, ``send invite`` and ``calendar push`` to the ``huddle`` parser."""
    common = short_common()

    def output_options(p: argparse.ArgumentParser, example: str) -> None:
        p.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help=_("file to write, '-' for stdout (default: {example} in the current folder)").format(
                example=example
            ),
        )
        p.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))

    export_sub = b.group(sub, "export", metavar="WHAT", common=common)

    p = export_sub.add_parser(
        "minutes",
        help=_("Word minutes of a meeting"),
        description=_("Word minutes of a meeting"),
        parents=[common],
    )
    p.add_argument("id", metavar="ID", help=_("meeting id, such as M-3"))
    output_options(p, "ID-TITLE.docx")
    p.set_defaults(handler=cmd_export_minutes)

    p = export_sub.add_parser(
        "report",
        help=_("the project's close report (.docx)"),
        description=_(
            "Word close report: goals target vs actual, milestones planned vs actual and their "
            "acceptance, decisions, change requests with impact, risks that occurred, the retrospective, "
            "open items handed over."
        ),
        parents=[common],
    )
    output_options(p, "PROJECT-close-report.docx")
    p.set_defaults(handler=cmd_export_report)

    p = export_sub.add_parser(
        "ics",
        help=_("calendar file: follow-up invite, milestones or action items"),
        description=_(
            "Write an iCalendar file: the follow-up meeting of --meeting ID (or its cancellation), "
            "every milestone as an all-day event, or every action item on its due date."
        ),
        parents=[common],
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--meeting", metavar="ID", help=_("the follow-up meeting set by 'meeting end ID --next'")
    )
    which.add_argument("--milestones", action="store_true", help=_("milestones as all-day events"))
    which.add_argument("--actions", action="store_true", help=_("action items as events on their due date"))
    p.add_argument(
        "--cancel", action="store_true", help=_("with --meeting: cancel the follow-up (METHOD:CANCEL)")
    )
    output_options(p, _("ID-follow-up.ics, milestones.ics or actions.ics"))
    p.set_defaults(handler=cmd_export_ics)
    add_table_parsers(export_sub, common)

    send_sub = b.group(sub, "send", metavar="WHAT", common=common)
    p = send_sub.add_parser(
        "invite",
        help=_("e-mail the follow-up invite to the attendees (SMTP settings from config)"),
        description=_(
            "E-mail the follow-up meeting's invite (or cancellation) to the attendees over SMTP, "
            "as text plus a text/calendar part (RFC 6047). SMTP settings come from [smtp] in huddle.toml "
            "or HUDDLE_SMTP_* variables; the password only from the variable named by password_env."
        ),
        parents=[common],
    )
    p.add_argument("id", metavar="ID", help=_("meeting id whose follow-up to send"))
    p.add_argument("--attach-minutes", action="store_true", help=_("attach the Word minutes of the meeting"))
    p.set_defaults(handler=cmd_send_invite)

    calendar_sub = b.group(sub, "calendar", metavar="WHAT", common=common)
    p = calendar_sub.add_parser(
        "push",
        help=_("publish follow-up meetings and milestones to the CalDAV calendar of [caldav]"),
        description=_(
            "Publish every follow-up meeting and milestone to the CalDAV calendar named in [caldav]. "
            "Events are found by UID wherever they live in the calendar and updated in place; events Huddle "
            "published and no longer exports are removed; an event someone changed on the server since "
            "Huddle pushed it is reported by name and left alone."
        ),
        parents=[common],
    )
    p.add_argument(
        "--dry-run", action="store_true", help=_("only read the calendar and say what a push would change")
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=_("overwrite (or remove) events that were changed on the server since Huddle pushed them"),
    )
    p.set_defaults(handler=cmd_calendar_push)


def _deliver(ctx: Context, args: argparse.Namespace, export: Export) -> int:
    from outbound.exporting import export_to_path

    if args.output == "-":
        sys.stdout.buffer.write(export.data)
        sys.stdout.buffer.flush()
        return 0
    path = export_to_path(export, Path(args.output) if args.output else None, force=args.force)
    print(_("wrote {path} ({what})").format(path=path, what=export.description))
    return 0


def _precheck(args: argparse.Namespace) -> None:
    """Refuse an unusable destination before anything is changed or rendered."""
    from outbound.exporting import check_destination

    if args.output and args.output != "-":
        check_destination(Path(args.output), force=args.force)


def cmd_export_minutes(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle export minutes ID [-o FILE.docx] [--force]``."""
    from outbound.exporting import minutes_export

    _precheck(args)
    return _deliver(
        ctx, args, minutes_export(ctx.services, args.id, now=ctx.clock(), paper=ctx.settings.paper)
    )


def cmd_export_report(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle export report [-o FILE.docx] [--force]``."""
    from outbound.exporting import report_export

    _precheck(args)
    return _deliver(ctx, args, report_export(ctx.services, now=ctx.clock()))


def cmd_export_ics(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle export ics (--meeting ID [--cancel] | --milestones | --actions) [-o FILE.ics] [--force]``."""
    from domain.errors import ValidationError
    from outbound.exporting import actions_export, followup_export, milestones_export

    if args.cancel and not args.meeting:
        raise ValidationError(_("--cancel goes with --meeting ID"))
    _precheck(args)
    now = ctx.clock()
    if args.meeting:
        export = followup_export(ctx.services, args.meeting, cancel=args.cancel, now=now)
    elif args.milestones:
        export = milestones_export(ctx.services, now=now)
    else:
        export = actions_export(ctx.services, now=now)
    return _deliver(ctx, args, export)


def cmd_send_invite(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle send invite ID [--attach-minutes]``."""
    from outbound.delivery import send_invite

    result = send_invite(
        ctx.services,
        ctx.settings,
        args.id,
        attach_minutes=args.attach_minutes,
        now=ctx.clock(),
        env=os.environ,
    )
    if result.method == "CANCEL":
        sent = _("sent cancellation (sequence {sequence}) to {n} recipient(s): {recipients}")
    else:
        sent = _("sent invite (sequence {sequence}) to {n} recipient(s): {recipients}")
    line = sent.format(
        sequence=result.sequence, n=len(result.recipients), recipients=", ".join(result.recipients)
    )
    if result.attached:
        line = _("{sent}, minutes attached as {file}").format(sent=line, file=result.attached)
    print(line)
    return 0


def cmd_calendar_push(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle calendar push [--dry-run] [--force]``."""
    from outbound.delivery import push_calendar

    result = push_calendar(
        ctx.services,
        ctx.settings,
        now=ctx.clock(),
        env=os.environ,
        dry_run=getattr(args, "dry_run", False),
        force=getattr(args, "force", False),
    )
    print(result.summary())
    return 0


# ---------------------------------------------------------------- tables and Markdown (issue 17)


def add_table_parsers(
    export_sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """``export cards|risks|raci --csv|--xlsx|--markdown`` and ``export meeting ID --markdown``."""
    for what, text in (
        ("cards", _("every card (or one department's) as a table")),
        ("risks", _("the risk register as a table")),
        ("raci", _("the RACI matrix of the open cards")),
    ):
        p = export_sub.add_parser(
            what,
            help=text,
            description=_(
                "Write {what}: CSV (UTF-8 with BOM and CRLF, so Excel shows Chinese text), .xlsx or Markdown."
            ).format(what=text),
            parents=[common],
        )
        fmt = p.add_mutually_exclusive_group(required=True)
        fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv", help=_("CSV for Excel"))
        fmt.add_argument(
            "--xlsx", dest="fmt", action="store_const", const="xlsx", help=_("an Excel workbook")
        )
        fmt.add_argument("--markdown", dest="fmt", action="store_const", const="markdown", help=_("Markdown"))
        if what != "risks":
            p.add_argument("--dept", metavar="NAME", help=_("only this department's cards"))
        p.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help=_("file to write, '-' for stdout (default: {what}.EXT)").format(what=what),
        )
        p.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
        p.set_defaults(handler=cmd_export_table, what=what)
    p = export_sub.add_parser(
        "meeting",
        help=_("a meeting's minutes as Markdown"),
        description=_(
            "Write a meeting's minutes (attendees, agenda, notes, decisions, actions) as Markdown."
        ),
        parents=[common],
    )
    p.add_argument("id", metavar="ID", help=_("meeting id, such as M-3"))
    p.add_argument("--markdown", action="store_true", required=True, help=_("Markdown (the one format)"))
    p.add_argument(
        "-o", "--output", metavar="FILE", help=_("file to write, '-' for stdout (default: ID-TITLE.md)")
    )
    p.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    p.set_defaults(handler=cmd_export_meeting_markdown)


def cmd_export_table(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle export cards|risks|raci --csv|--xlsx|--markdown [--dept NAME] [-o FILE] [--force]``."""
    from outbound.exporting import export_of
    from outbound.tables import table_export

    _precheck(args)
    rendered = table_export(
        ctx.services, args.what, args.fmt, now=ctx.clock(), dept=getattr(args, "dept", None)
    )
    return _deliver(ctx, args, export_of(rendered, args.what))


def cmd_export_meeting_markdown(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle export meeting ID --markdown [-o FILE] [--force]``."""
    from outbound.exporting import export_of
    from outbound.tables import meeting_markdown_export

    _precheck(args)
    return _deliver(ctx, args, export_of(meeting_markdown_export(ctx.services, args.id), "meeting"))
