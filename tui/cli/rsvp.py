"""The ``rsvp`` subcommands of ``huddle``: read attendees' replies back. No Textual import.

``rsvp import FILE...`` reads saved .ics/.eml files, ``rsvp fetch`` the IMAP mailbox of ``[imap]``.
Both print one line per reply (recorded, unchanged, outdated or unmatched) and a count; a reply
that matches nothing is reported and the command still succeeds. icalendar, email and imaplib are
imported inside the handlers.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from domain.i18n import _
from tui.cli.parser import group_help, short_common

if TYPE_CHECKING:
    from outbound.rsvp import RsvpReport
    from tui.cli.parser import Builder
    from tui.wiring import Context


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], b: Builder) -> None:
    """Add ``rsvp import`` and ``rsvp fetch`` to the ``huddle`` parser."""
    common = short_common()
    rsvp_sub = b.group(sub, "rsvp", metavar="WHAT", description=group_help("rsvp"), common=common)
    p = rsvp_sub.add_parser(
        "import",
        help=_("read replies from saved .ics or .eml files"),
        description=_(
            "Read attendees' replies (METHOD:REPLY) from saved .ics files or e-mails (.eml) and "
            "store each answer on the meeting whose follow-up invite it answers (matched by UID and the "
            "attendee's address; a reply to an older invite SEQUENCE never overrides a newer answer)."
        ),
        parents=[common],
    )
    p.add_argument("files", metavar="FILE", nargs="+", help=_("a saved reply: .ics, or an e-mail as .eml"))
    b.json_flag(p)
    p.set_defaults(handler=cmd_rsvp_import)
    p = rsvp_sub.add_parser(
        "fetch",
        help=_("read replies from the IMAP mailbox of [imap]"),
        description=_(
            "Read unread replies from the IMAP mailbox named in [imap] (password from the variable "
            "named by password_env), store the answers, then flag those mails as read (or move them to "
            "move_to) so they are not read again. Other mail is left untouched."
        ),
        parents=[common],
    )
    b.json_flag(p)
    p.set_defaults(handler=cmd_rsvp_fetch)


def _report(report: RsvpReport, as_json: bool) -> int:
    if as_json:
        from tui.cli.output import emit_json

        emit_json(report.as_json())
    else:
        print("\n".join(report.lines()))
    return 0


def cmd_rsvp_import(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle rsvp import FILE... [--json]``."""
    from outbound.rsvp import import_files

    return _report(import_files(ctx.services, [Path(f) for f in args.files]), args.json)


def cmd_rsvp_fetch(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle rsvp fetch [--json]``."""
    from outbound.imap import fetch_replies

    return _report(fetch_replies(ctx.services, ctx.settings.imap, os.environ), args.json)
