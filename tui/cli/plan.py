"""``huddle milestone list|show|path|criterion add|accept|waive|review``: the Plan area's milestones,
their acceptance criteria, reviews and the critical path. No Textual import.

Loaded only when the ``milestone`` group is invoked (it brings the plan view models), so ``card add``
does not pay for it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.dates import format_day
from domain.i18n import _, ngettext, pgettext
from domain.text import printable
from tui.cli.args import zone_arg
from tui.cli.output import emit_json, iso, print_table, resolved
from tui.views.plan import MilestoneFacts, milestone_facts, state_text

if TYPE_CHECKING:
    from datetime import date

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


def _days(n: int) -> str:
    """Slack in a table: ``+2d`` / ``+2 天``."""
    return pgettext("slack", "{n:+d}d").format(n=n)


def _slack_text(f: MilestoneFacts) -> str:
    if f.slack is None:
        return "-"
    return _days(f.slack) + (" *" if f.critical else "")


def _review_text(f: MilestoneFacts) -> str:
    """The REVIEW column: ``due``, the last review's outcome, ``held`` (no outcome yet) or ``-``."""
    from tui.cli.words import outcome, review_state

    if f.review_due:
        return review_state("due")
    if not f.reviews:
        return "-"
    last = f.reviews[-1][1]
    return outcome(last.value) if last else review_state("held")


def _day(day: date | None, today: date) -> str:
    """A due date in human output, as the language writes it; ``-`` when there is none."""
    return format_day(day, today=today) if day else "-"


def cmd_milestone_list(ctx: Context, args: argparse.Namespace) -> int:
    facts = [f for f in _facts(ctx) if f.review_due or not args.review_due]
    if args.json:
        emit_json([milestone_json(f) for f in facts])
        return 0
    today = ctx.services.cards.today()
    rows = [
        [
            f.card.id,
            f.card.title,
            f.card.dept,
            _day(f.card.due, today),
            f"{f.accepted}/{f.total}" if f.total else "-",
            _slack_text(f),
            _review_text(f),
            state_text(f.status),
        ]
        for f in facts
    ]
    headers = ["ID", _("MILESTONE"), _("DEPT"), _("DUE"), _("ACCEPTED"), _("SLACK"), _("REVIEW"), _("STATUS")]
    print_table(rows, headers)
    if any(f.critical for f in facts):
        print(_("* on the critical path (the chain that sets the latest milestone)"))
    return 0


def _criterion_line(c: Criterion, today: date) -> str:
    """One acceptance criterion of ``milestone show``: id, state, text, and who accepted or waived it."""
    from tui.cli.words import criterion_state

    line = f"{c.id} [{criterion_state(c.state)}] {printable(c.text)}"
    if c.state == "accepted":
        if c.accepted_at:
            line += " — " + _("{who} {day}").format(
                who=c.accepted_by, day=format_day(c.accepted_at.date(), today=today)
            )
        if c.evidence:
            line += _(", evidence: {evidence}").format(evidence=printable(c.evidence))
    elif c.state == "waived":
        line += " — " + _("{who}: {reason}").format(who=c.accepted_by, reason=printable(c.waive_reason))
    return line


def cmd_milestone_show(ctx: Context, args: argparse.Namespace) -> int:
    from tui.cli.words import outcome

    card = ctx.services.milestones.get(args.id)
    facts = next(f for f in _facts(ctx) if f.card.id == card.id)
    if args.json:
        emit_json(milestone_json(facts))
        return 0
    today = ctx.services.cards.today()
    print(f"{card.id}  {printable(card.title)}  [{state_text(facts.status)}]")
    print(
        "  "
        + _("dept: {dept}   due: {due}   accountable: {accountable}").format(
            dept=card.dept, due=_day(card.due, today), accountable=card.accountable or "-"
        )
    )
    if facts.slack is None:
        slack = "-"
    else:
        slack = ngettext("{n:+d} day", "{n:+d} days", abs(facts.slack)).format(n=facts.slack)
    if facts.critical:
        print("  " + _("slack: {slack}  (on the critical path)").format(slack=slack))
    else:
        print("  " + _("slack: {slack}").format(slack=slack))
    if card.blocked_by:
        late = set(facts.late)
        preds = pgettext("list separator", ", ").join(
            _("{id} (late)").format(id=d) if d in late else d for d in card.blocked_by
        )
        print("  " + _("predecessors: {ids}").format(ids=preds))
    print(
        "  "
        + _("acceptance criteria ({accepted}/{total} accepted or waived):").format(
            accepted=facts.accepted, total=facts.total
        )
    )
    if not card.criteria:
        print("    " + _("none yet (huddle milestone criterion add {id} TEXT)").format(id=card.id))
    for c in card.criteria:
        print("    " + _criterion_line(c, today))
    for meeting_id, result in facts.reviews:
        shown = outcome(result.value) if result else _("no outcome yet")
        print("  " + _("review {meeting}: {outcome}").format(meeting=meeting_id, outcome=shown))
    if facts.review_due:
        print("  " + _("review due: huddle milestone review {id} --at DATETIME").format(id=card.id))
    return 0


def cmd_criterion_add(ctx: Context, args: argparse.Namespace) -> int:
    _card, criterion = ctx.services.milestones.add_criterion(args.id, args.text)
    print(criterion.id)
    return 0


def _accepted_line(card: Card, criterion: Criterion) -> None:
    from tui.cli.words import criterion_state

    done = sum(1 for c in card.criteria if c.state != "open")
    fields = {"card": card.id, "criterion": criterion.id, "state": criterion_state(criterion.state),
              "done": done, "total": len(card.criteria)}  # fmt: skip
    if done == len(card.criteria):
        print(
            _("{card} {criterion} {state} ({done}/{total} accepted or waived); {card} is done").format(
                **fields
            )
        )
    else:
        print(_("{card} {criterion} {state} ({done}/{total} accepted or waived)").format(**fields))


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
    today = ctx.services.cards.today()
    rows = [
        [cid, by_id[cid].title, by_id[cid].dept, _day(by_id[cid].due, today), _days(path.slack.get(cid, 0))]
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
