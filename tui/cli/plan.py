"""``huddle milestone list|show|path|criterion add|accept|waive|review``: the Plan area's milestones,
their acceptance criteria, reviews and the critical path. No Textual import.

Loaded only when the ``milestone`` group is invoked (it brings the plan view models), so ``card add``
does not pay for it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.i18n import _
from domain.text import printable
from tui.cli.args import zone_arg
from tui.cli.output import emit_json, iso, print_table, resolved
from tui.views.plan import MilestoneFacts, milestone_facts

if TYPE_CHECKING:
    from domain.models import Card, Criterion
    from tui.cli.parser import Builder
    from tui.wiring import Context


# ---------------------------------------------------------------- JSON shapes


def criterion_json(c: Criterion) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "state": c.state,
        "accepted_at": iso(c.accepted_at),
        "accepted_by": c.accepted_by or None,
        "evidence": c.evidence,
        "waived": c.waived,
        "waive_reason": c.waive_reason,
    }


def milestone_json(f: MilestoneFacts) -> dict[str, Any]:
    c = f.card
    return {
        "id": c.id,
        "title": c.title,
        "dept": c.dept,
        "column": c.column,
        "due": iso(c.due),
        "accountable": c.accountable,
        "status": f.status,
        "criteria": [criterion_json(k) for k in c.criteria],
        "accepted": f.accepted,
        "slack_days": f.slack,
        "critical": f.critical,
        "late_predecessors": list(f.late),
        "blocked_by": list(c.blocked_by),
        "review_due": f.review_due,
        "reviews": [{"meeting": mid, "outcome": o.value if o else None} for mid, o in f.reviews],
    }


# ---------------------------------------------------------------- milestone


def _facts(ctx: Context) -> list[MilestoneFacts]:
    services = ctx.services
    return milestone_facts(services.cards.list(), services.meetings.list(), services.cards.today())


def _slack_text(f: MilestoneFacts) -> str:
    if f.slack is None:
        return "-"
    return f"{f.slack:+d}d" + (" *" if f.critical else "")


def cmd_milestone_list(ctx: Context, args: argparse.Namespace) -> int:
    facts = [f for f in _facts(ctx) if f.review_due or not args.review_due]
    if args.json:
        emit_json([milestone_json(f) for f in facts])
        return 0
    rows = [
        [
            f.card.id,
            f.card.title,
            f.card.dept,
            iso(f.card.due) or "-",
            f"{f.accepted}/{f.total}" if f.total else "-",
            _slack_text(f),
            "due" if f.review_due else (f.reviews[-1][1] or "held") if f.reviews else "-",
            f.status,
        ]
        for f in facts
    ]
    headers = ["ID", _("MILESTONE"), _("DEPT"), _("DUE"), _("ACCEPTED"), _("SLACK"), _("REVIEW"), _("STATUS")]
    print_table(rows, headers)
    if any(f.critical for f in facts):
        print(_("* on the critical path (the chain that sets the latest milestone)"))
    return 0


def cmd_milestone_show(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.milestones.get(args.id)
    facts = next(f for f in _facts(ctx) if f.card.id == card.id)
    if args.json:
        emit_json(milestone_json(facts))
        return 0
    print(f"{card.id}  {printable(card.title)}  [{facts.status}]")
    print(f"  dept: {card.dept}   due: {iso(card.due) or '-'}   accountable: {card.accountable or '-'}")
    slack = "-" if facts.slack is None else f"{facts.slack:+d} days"
    print(f"  slack: {slack}{'  (on the critical path)' if facts.critical else ''}")
    if card.blocked_by:
        late = set(facts.late)
        preds = ", ".join(f"{d}{' (late)' if d in late else ''}" for d in card.blocked_by)
        print(f"  predecessors: {preds}")
    print(f"  acceptance criteria ({facts.accepted}/{facts.total} accepted or waived):")
    if not card.criteria:
        print(f"    none yet (huddle milestone criterion add {card.id} TEXT)")
    for c in card.criteria:
        line = f"    {c.id} [{c.state}] {printable(c.text)}"
        if c.state == "accepted":
            line += f" — {c.accepted_by} {c.accepted_at:%Y-%m-%d}" if c.accepted_at else ""
            line += f", evidence: {printable(c.evidence)}" if c.evidence else ""
        elif c.state == "waived":
            line += f" — {c.accepted_by}: {printable(c.waive_reason)}"
        print(line)
    for meeting_id, outcome in facts.reviews:
        print(f"  review {meeting_id}: {outcome.value if outcome else 'no outcome yet'}")
    if facts.review_due:
        print(f"  review due: huddle milestone review {card.id} --at DATETIME")
    return 0


def cmd_criterion_add(ctx: Context, args: argparse.Namespace) -> int:
    _card, criterion = ctx.services.milestones.add_criterion(args.id, args.text)
    print(criterion.id)
    return 0


def _accepted_line(card: Card, criterion: Criterion) -> None:
    done = sum(1 for c in card.criteria if c.state != "open")
    tail = f"; {card.id} is done" if done == len(card.criteria) else ""
    print(
        f"{card.id} {criterion.id} {criterion.state} ({done}/{len(card.criteria)} accepted or waived){tail}"
    )


def cmd_milestone_accept(ctx: Context, args: argparse.Namespace) -> int:
    card, criterion = ctx.services.milestones.accept(args.id, args.criterion, args.evidence or "")
    _accepted_line(card, criterion)
    return 0


def cmd_milestone_waive(ctx: Context, args: argparse.Namespace) -> int:
    card, criterion = ctx.services.milestones.waive(args.id, args.criterion, args.reason)
    _accepted_line(card, criterion)
    return 0


def cmd_milestone_review(ctx: Context, args: argparse.Namespace) -> int:
    from tui.cli.meetings import when_and_who

    zone = zone_arg(ctx, args.tz)
    when = when_and_who(ctx, args, zone)
    meeting = ctx.services.milestones.review(args.id, **when)
    resolved(_("start"), when["at"], zone.key)
    print(meeting.id)
    return 0


def cmd_milestone_path(ctx: Context, args: argparse.Namespace) -> int:
    from domain.rules import critical_path

    cards = ctx.services.cards.list()
    path = critical_path(cards)
    by_id = {c.id: c for c in cards}
    if args.json:
        emit_json(
            {
                "milestone": path.milestone,
                "chain": [
                    {"id": cid, "due": iso(by_id[cid].due), "slack_days": path.slack.get(cid)}
                    for cid in path.chain
                ],
                "slack": dict(sorted(path.slack.items())),
            }
        )
        return 0
    if not path.chain:
        print(_("no dated milestone: give milestones a due date to see the critical path"))
        return 0
    rows = [
        [cid, by_id[cid].title, by_id[cid].dept, iso(by_id[cid].due) or "-", f"{path.slack.get(cid, 0):+d}d"]
        for cid in path.chain
    ]
    print_table(rows, ["ID", _("ON THE CRITICAL PATH"), _("DEPT"), _("DUE"), _("SLACK")])
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    """``huddle milestone list|show|path|criterion add|accept|waive|review``."""
    command, json_flag = b.command, b.json_flag
    msub = b.group(sub, "milestone")
    p = command(msub, "list", cmd_milestone_list, _("milestones with acceptance, slack and review state"))
    p.add_argument("--review-due", action="store_true", help=_("only milestones whose review is due"))
    json_flag(p)
    p = command(msub, "show", cmd_milestone_show, _("one milestone: criteria, predecessors, slack, reviews"))
    p.add_argument("id", metavar="ID")
    json_flag(p)
    json_flag(command(msub, "path", cmd_milestone_path, _("the critical path and every card's slack")))
    criterion = msub.add_parser("criterion", help=_("acceptance criteria"), parents=[b.common])
    csub = criterion.add_subparsers(
        dest="criterion_action", metavar="ACTION", required=True, parser_class=type(criterion)
    )
    p = command(csub, "add", cmd_criterion_add, _("add an acceptance criterion; prints its id (AC-N)"))
    p.add_argument("id", metavar="ID", help=_("the milestone card"))
    p.add_argument("text", metavar="TEXT")
    p = command(
        msub, "accept", cmd_milestone_accept, _("accept a criterion (run as the milestone's Accountable)")
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("criterion", metavar="CRITERION", help=_("AC-N or N"))
    p.add_argument("--evidence", metavar="TEXT", help=_("where the proof is"))
    p = command(msub, "waive", cmd_milestone_waive, _("waive a criterion with a reason (the Accountable)"))
    p.add_argument("id", metavar="ID")
    p.add_argument("criterion", metavar="CRITERION", help=_("AC-N or N"))
    p.add_argument("--reason", required=True, metavar="TEXT")
    p = command(
        msub, "review", cmd_milestone_review, _("start the milestone's review meeting; prints its id")
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--at", metavar="DATETIME", help=_("start, wall-clock in --tz (default: now)"))
    p.add_argument("--tz", metavar="ZONE", help=_("IANA zone (default: the local zone)"))
    p.add_argument("--attendee", action="append", metavar="HANDLE", help=_("default: Accountable, R, owners"))
    p.add_argument("--place", metavar="TEXT")
