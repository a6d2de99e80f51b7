"""``huddle change ...``, ``huddle decision list`` and ``huddle activity``: the project's records
(change requests, the decision log, who changed what), as in domain/services/records.py."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.dates import format_day, format_moment
from domain.i18n import _, pgettext
from tui.cli.args import Bounded, amount
from tui.cli.output import emit_json, iso, print_table
from tui.cli.parser import group_help

if TYPE_CHECKING:
    from tui.cli.parser import Builder
    from tui.wiring import Context

MAX_LIMIT = 100_000
"""The most activity entries ``huddle activity --limit`` prints."""


def cmd_change_request(ctx: Context, args: argparse.Namespace) -> int:
    request = ctx.services.records.request_change(
        args.title,
        args.description or "",
        scope=args.scope,
        schedule_days=args.schedule_days,
        cost=args.cost,
        cards=args.card or (),
    )
    print(request.id)
    return 0


def cmd_change_decide(ctx: Context, args: argparse.Namespace) -> int:
    request = ctx.services.records.decide_change(
        args.id, approve=args.approve, meeting_id=args.meeting, note=args.note or ""
    )
    from tui.views.plan import change_status_text

    print(f"{request.id} {change_status_text(request.status)}")
    return 0


def cmd_change_link(ctx: Context, args: argparse.Namespace) -> int:
    request = ctx.services.records.link_cards(args.id, args.card)
    cards = pgettext("list separator", ", ").join(request.cards)
    print(_("{id} changes {cards}").format(id=request.id, cards=cards))
    return 0


def cmd_change_list(ctx: Context, args: argparse.Namespace) -> int:
    requests = ctx.services.records.change_requests()
    if args.json:
        emit_json(
            [
                {
                    "id": r.id,
                    "title": r.title,
                    "description": r.description,
                    "status": r.status.value,
                    "requested_by": r.requested_by,
                    "decided_by": r.decided_by or None,
                    "created_at": iso(r.created_at),
                    "decided_at": iso(r.decided_at),
                    "scope": r.scope,
                    "schedule_days": r.schedule_days,
                    "cost": r.cost,
                    "meeting_id": r.meeting_id,
                    "decision_id": r.decision_id,
                    "cards": list(r.cards),
                }
                for r in requests
            ]
        )
        return 0
    from tui.views.plan import change_status_text

    print_table(
        [[r.id, r.title, change_status_text(r.status), r.requested_by, r.decided_by] for r in requests],
        ["ID", _("TITLE"), _("STATUS"), _("REQUESTED BY"), _("DECIDED BY")],
    )
    return 0


def cmd_decision_list(ctx: Context, args: argparse.Namespace) -> int:
    decisions = ctx.services.records.decisions()
    if args.json:
        emit_json(
            [
                {"id": d.id, "text": d.text, "at": iso(d.at), "meeting_id": d.meeting_id, "by": d.by}
                for d in decisions
            ]
        )
        return 0
    today = ctx.services.cards.today()
    rows = [
        [format_day(d.at.astimezone(ctx.zone).date(), today=today), d.meeting_id or "", d.text]
        for d in decisions
    ]
    print_table(rows, [_("DATE"), _("MEETING"), _("DECISION")])
    return 0


def cmd_activity(ctx: Context, args: argparse.Namespace) -> int:
    entries = ctx.services.records.feed(args.limit)
    if args.json:
        emit_json(
            [
                {
                    "at": iso(a.at),
                    "user": a.user,
                    "os_user": a.os_user,
                    "entity": a.entity,
                    "entity_id": a.entity_id,
                    "action": a.action,
                    "detail": a.detail,
                }
                for a in entries
            ]
        )
        return 0
    from tui.views.activity import activity_text

    today = ctx.services.cards.today()
    rows = [
        [
            format_moment(a.at, ctx.zone, today=today),
            f"{a.user} ({a.os_user})",
            a.entity_id,
            activity_text(a.action),
            a.detail,
        ]
        for a in entries
    ]
    headers = [_("WHEN"), _("WHO"), _("WHAT"), pgettext("activity column", "ACTION"), _("DETAIL")]
    print_table(rows, headers)
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    change_sub = b.group(sub, "change")
    p = b.command(change_sub, "request", cmd_change_request, _("record a change request; prints its id"))
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--scope", default="", metavar="TEXT", help=_("what it adds, removes or alters"))
    p.add_argument(
        "--schedule-days", type=Bounded(0, 3650), default=0, metavar="N", help=_("days it moves the schedule")
    )
    p.add_argument("--cost", type=amount, metavar="AMOUNT", help=_("extra cost"))
    p.add_argument("--card", action="append", metavar="ID", help=_("a card it changes (repeat)"))
    for verb, approve, text in (
        ("approve", True, _("approve a change request")),
        ("reject", False, _("reject a change request")),
    ):
        p = b.command(change_sub, verb, cmd_change_decide, text)
        p.add_argument("id", metavar="ID")
        p.set_defaults(approve=approve)
        p.add_argument(
            "--meeting", metavar="ID", help=_("record the verdict as a decision of this live meeting")
        )
        p.add_argument("--note", metavar="TEXT")
    b.json_flag(b.command(change_sub, "list", cmd_change_list, _("list change requests")))
    p = b.command(change_sub, "link", cmd_change_link, _("record the cards a change altered or created"))
    p.add_argument("id", metavar="ID")
    p.add_argument("card", nargs="+", metavar="CARD")

    decision_sub = b.group(sub, "decision")
    b.json_flag(b.command(decision_sub, "list", cmd_decision_list, _("every decision, newest first")))

    p = b.command(sub, "activity", cmd_activity, group_help("activity"))
    p.add_argument("--limit", type=Bounded(1, MAX_LIMIT), default=50, help=_("how many entries (default 50)"))
    b.json_flag(p)
