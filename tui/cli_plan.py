"""The ``milestone`` group of ``huddle``, and the close-phase subcommands of ``project``, ``meeting`` and
``change`` (goal actuals, close, reviews, agenda prep). No Textual import.

``tui.cli`` loads this module only when one of those groups is invoked, so ``card add`` does not pay
for it. Handlers print one result line (or a table) and raise ``HuddleError``s, which ``tui.cli.main``
turns into ``huddle: error: ...`` with exit status 1.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.errors import ConflictError, ValidationError
from domain.models import RETRO_SECTIONS, Card, Criterion, MeetingKind, Project
from domain.rules import AgendaSuggestion, OpenItem, goal_progress
from domain.text import clean_title, printable, quoted
from tui.cli import (
    Parser,
    UsageError,
    _agenda_item,
    _Bounded,
    _date_arg,
    _datetime_arg,
    _iso,
    _resolved,
    _zone,
    emit_json,
    print_table,
)
from tui.views.plan import MilestoneFacts, milestone_facts

if TYPE_CHECKING:
    from tui.wiring import Context

Handler = Callable[["Context", argparse.Namespace], int]
Command = Callable[[Any, str, Handler, str], Parser]
Flag = Callable[[Parser], None]

SECTION_KEYS = [key for key, _title in RETRO_SECTIONS]


# ---------------------------------------------------------------- JSON shapes


def criterion_json(c: Criterion) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "state": c.state,
        "accepted_at": _iso(c.accepted_at),
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
        "due": _iso(c.due),
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


def goal_json(index: int, project: Project) -> dict[str, Any]:
    goal = project.goals[index]
    progress = goal_progress(goal)
    return {
        "number": index + 1,
        "text": goal.text,
        "metric": goal.metric,
        "target": goal.target,
        "deadline": _iso(goal.deadline),
        "actual": progress.actual,
        "measured_on": _iso(progress.measured_on),
        "progress": progress.percent,
        "met": progress.met,
        "actuals": [
            {"on": a.on.isoformat(), "value": a.value, "note": a.note, "by": a.by} for a in goal.actuals
        ],
    }


def item_json(item: OpenItem) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "text": item.text}


def suggestion_json(number: int, s: AgendaSuggestion) -> dict[str, Any]:
    return {"number": number, "key": s.key, "kind": s.kind, "title": s.title, "refs": list(s.refs),
            "minutes": s.minutes}  # fmt: skip


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
            _iso(f.card.due) or "-",
            f"{f.accepted}/{f.total}" if f.total else "-",
            _slack_text(f),
            "due" if f.review_due else (f.reviews[-1][1] or "held") if f.reviews else "-",
            f.status,
        ]
        for f in facts
    ]
    print_table(rows, ["ID", "MILESTONE", "DEPT", "DUE", "ACCEPTED", "SLACK", "REVIEW", "STATUS"])
    if any(f.critical for f in facts):
        print("* on the critical path (the chain that sets the latest milestone)")
    return 0


def cmd_milestone_show(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.milestones.get(args.id)
    facts = next(f for f in _facts(ctx) if f.card.id == card.id)
    if args.json:
        emit_json(milestone_json(facts))
        return 0
    print(f"{card.id}  {printable(card.title)}  [{facts.status}]")
    print(f"  dept: {card.dept}   due: {_iso(card.due) or '-'}   accountable: {card.accountable or '-'}")
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
    zone = _zone(ctx, args.tz)
    at = _datetime_arg(ctx, args.at, zone, "at") if args.at else None
    meeting = ctx.services.milestones.review(
        args.id, at=at, tz=zone.key, attendees=args.attendee or (), place=args.place or ""
    )
    _resolved("start", at, zone.key)
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
                    {"id": cid, "due": _iso(by_id[cid].due), "slack_days": path.slack.get(cid)}
                    for cid in path.chain
                ],
                "slack": dict(sorted(path.slack.items())),
            }
        )
        return 0
    if not path.chain:
        print("no dated milestone: give milestones a due date to see the critical path")
        return 0
    rows = [
        [cid, by_id[cid].title, by_id[cid].dept, _iso(by_id[cid].due) or "-", f"{path.slack.get(cid, 0):+d}d"]
        for cid in path.chain
    ]
    print_table(rows, ["ID", "ON THE CRITICAL PATH", "DEPT", "DUE", "SLACK"])
    return 0


def add_milestone_parsers(
    sub: Any, common: Parser, command: Command, json_flag: Flag, help_text: str
) -> None:
    """``huddle milestone list|show|path|criterion add|accept|waive|review``."""
    group = sub.add_parser("milestone", help=help_text, parents=[common])
    msub = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    p = command(msub, "list", cmd_milestone_list, "milestones with acceptance, slack and review state")
    p.add_argument("--review-due", action="store_true", help="only milestones whose review is due")
    json_flag(p)
    p = command(msub, "show", cmd_milestone_show, "one milestone: criteria, predecessors, slack, reviews")
    p.add_argument("id", metavar="ID")
    json_flag(p)
    json_flag(command(msub, "path", cmd_milestone_path, "the critical path and every card's slack"))
    criterion = msub.add_parser("criterion", help="acceptance criteria", parents=[common])
    csub = criterion.add_subparsers(
        dest="criterion_action", metavar="ACTION", required=True, parser_class=Parser
    )
    p = command(csub, "add", cmd_criterion_add, "add an acceptance criterion; prints its id (AC-N)")
    p.add_argument("id", metavar="ID", help="the milestone card")
    p.add_argument("text", metavar="TEXT")
    p = command(
        msub, "accept", cmd_milestone_accept, "accept a criterion (run as the milestone's Accountable)"
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("criterion", metavar="CRITERION", help="AC-N or N")
    p.add_argument("--evidence", metavar="TEXT", help="where the proof is")
    p = command(msub, "waive", cmd_milestone_waive, "waive a criterion with a reason (the Accountable)")
    p.add_argument("id", metavar="ID")
    p.add_argument("criterion", metavar="CRITERION", help="AC-N or N")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p = command(msub, "review", cmd_milestone_review, "start the milestone's review meeting; prints its id")
    p.add_argument("id", metavar="ID")
    p.add_argument("--at", metavar="DATETIME", help="start, wall-clock in --tz (default: now)")
    p.add_argument("--tz", metavar="ZONE", help="IANA zone (default: the local zone)")
    p.add_argument("--attendee", action="append", metavar="HANDLE", help="default: Accountable, R, owners")
    p.add_argument("--place", metavar="TEXT")


# ---------------------------------------------------------------- project


MAX_COST = 1e12


def _amount(text: str) -> float:
    """A cost on the command line: a finite number from 0 to MAX_COST."""
    try:
        value = float(text) if len(text) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_COST:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not an amount from 0 to {MAX_COST:.0e}")
    return value


def cmd_goal_update(ctx: Context, args: argparse.Namespace) -> int:
    for given in (args.value, args.value_option):
        if given is not None:
            clean_title(given, "goal value")
    if (args.value is None) == (args.value_option is None):
        raise UsageError("project goal-update: give the value once, as VALUE or --value VALUE")
    value = args.value if args.value is not None else args.value_option
    on = _date_arg(ctx, args.on, "on")
    goal = ctx.services.closing.update_goal(args.goal, value, on=on, note=args.note or "")
    project = ctx.services.directory.project()
    index = project.goals.index(goal)
    data = goal_json(index, project)
    share = f" ({data['progress']}%)" if data["progress"] is not None else ""
    met = "; met" if data["met"] else ""
    print(f"goal {index + 1}: {printable(data['actual'])} of {printable(data['target'] or '-')}{share} "
          f"on {data['measured_on']}{met}")  # fmt: skip
    return 0


def cmd_project_goals(ctx: Context, args: argparse.Namespace) -> int:
    project = ctx.services.directory.project()
    goals = [goal_json(i, project) for i in range(len(project.goals))]
    if args.json:
        emit_json(goals)
        return 0
    rows = [
        [
            str(g["number"]),
            g["text"],
            g["target"] or "-",
            g["actual"] or "-",
            f"{g['progress']}%" if g["progress"] is not None else "-",
            g["measured_on"] or "-",
            g["deadline"] or "-",
        ]
        for g in goals
    ]
    print_table(rows, ["#", "GOAL", "TARGET", "ACTUAL", "PROGRESS", "MEASURED", "DEADLINE"])
    return 0


def _print_items(items: list[OpenItem]) -> None:
    print_table([[i.kind, i.id, i.text] for i in items], ["OPEN", "ID", "WHAT"])


def cmd_project_close(ctx: Context, args: argparse.Namespace) -> int:
    if args.force and not args.reason:
        raise UsageError("project close: --force needs --reason TEXT (why it closes with items open)")
    items = ctx.services.closing.open_items()
    if items and not args.force:
        if args.json:
            emit_json({"closed": False, "open": [item_json(i) for i in items]})
        else:
            _print_items(items)
        raise ConflictError(
            f"{len(items)} item(s) still open; resolve them, or close anyway with --force --reason TEXT"
        )
    project, handed = ctx.services.closing.close(force=args.force, reason=args.reason or "")
    if args.json:
        emit_json({"closed": True, "reason": project.close_reason, "open": [item_json(i) for i in handed]})
        return 0
    if handed:
        _print_items(handed)
        print(
            f"project closed with {len(handed)} open item(s) handed over: {printable(project.close_reason)}"
        )
    else:
        print("project closed: nothing open")
    return 0


def cmd_project_reopen(ctx: Context, args: argparse.Namespace) -> int:
    ctx.services.closing.reopen(args.reason)
    print("project reopened")
    return 0


def add_project_commands(project_sub: Any, command: Command, json_flag: Flag) -> None:
    """``huddle project goal-update|goals|close|reopen``."""
    p = command(project_sub, "goal-update", cmd_goal_update, "record a goal's measured value (dated)")
    p.add_argument("goal", metavar="GOAL", help="the goal's number (1 = first) or the start of its text")
    p.add_argument("value", metavar="VALUE", nargs="?", help="the measured value, e.g. 2 or 92%%")
    p.add_argument("--value", dest="value_option", metavar="VALUE", help="the same, for values such as -12%%")
    p.add_argument("--on", metavar="DATE", help="the day it was measured (default: today)")
    p.add_argument("--note", metavar="TEXT")
    json_flag(command(project_sub, "goals", cmd_project_goals, "SMART goals: target against actual"))
    p = command(project_sub, "close", cmd_project_close, "close the project (lists what is open, exit 1)")
    p.add_argument("--force", action="store_true", help="close although items are open (needs --reason)")
    p.add_argument("--reason", metavar="TEXT", help="why the project closes with items open")
    json_flag(p)
    p = command(project_sub, "reopen", cmd_project_reopen, "open a closed project for changes again")
    p.add_argument("--reason", required=True, metavar="TEXT")


# ---------------------------------------------------------------- meeting


def start_by_kind(ctx: Context, args: argparse.Namespace, zone: ZoneInfo) -> int | None:
    """``meeting start --kind review|retro`` and ``--pick``: the id printed, or None for a plain start."""
    kind = args.kind or "regular"
    if args.milestone:
        clean_title(args.milestone, "--milestone")
    if kind != "review" and args.milestone:
        raise UsageError("--milestone goes with --kind review")
    if kind == "regular" and not args.pick:
        if not args.title:
            raise UsageError("the following arguments are required: --title")
        return None
    at = _datetime_arg(ctx, args.at, zone, "at") if args.at else None
    if kind == "review":
        if not args.milestone:
            raise UsageError("--kind review needs --milestone ID")
        if args.pick:
            raise UsageError("a review's agenda comes from its milestone; --pick goes with regular meetings")
        meeting = ctx.services.milestones.review(
            args.milestone, at=at, tz=zone.key, attendees=args.attendee or (), place=args.place or ""
        )
    elif kind == "retro":
        if args.pick:
            raise UsageError(
                "a retrospective's agenda is its three sections; --pick goes with regular meetings"
            )
        meeting = ctx.services.closing.start_retro(
            args.title or "", at=at, tz=zone.key, attendees=args.attendee or (), place=args.place or "",
            extra_agenda=[_agenda_item(a) for a in args.agenda or ()],
        )  # fmt: skip
    else:
        if not args.title:
            raise UsageError("the following arguments are required: --title")
        meeting = ctx.services.agenda.start_prepared(
            args.title,
            args.pick,
            attendees=args.attendee or (),
            at=at,
            tz=zone.key,
            series=args.series or "",
            agenda=[_agenda_item(a) for a in args.agenda or ()],
            place=args.place or "",
        )
    _resolved("start", at, zone.key)
    print(meeting.id)
    return 0


def add_start_options(p: Parser) -> None:
    p.add_argument(
        "--kind", choices=[k.value for k in MeetingKind], help="regular (default), review or retro"
    )
    p.add_argument("--milestone", metavar="ID", help="with --kind review: the milestone reviewed")
    p.add_argument(
        "--pick", action="append", metavar="N|KEY", help="agenda item suggested by 'meeting prep' (repeat)"
    )


def cmd_meeting_prep(ctx: Context, args: argparse.Namespace) -> int:
    suggestions = ctx.services.agenda.suggest(args.attendee or ())
    if args.json:
        emit_json([suggestion_json(n, s) for n, s in enumerate(suggestions, 1)])
        return 0
    rows = [[str(n), s.key, s.title, ", ".join(s.refs[:6]) + (" …" if len(s.refs) > 6 else "")]
            for n, s in enumerate(suggestions, 1)]  # fmt: skip
    print_table(rows, ["#", "KEY", "SUGGESTED AGENDA ITEM", "BOARD ITEMS"])
    if suggestions:
        who = "".join(f" --attendee {a}" for a in args.attendee or ())
        print(f"start with: huddle meeting start --title TEXT{who} --pick 1 --pick 2 ...", file=sys.stderr)
    return 0


def cmd_meeting_outcome(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.milestones.record_outcome(args.id, args.outcome, args.note or "")
    print(meeting.decisions[-1].text)
    return 0


def note_index(args: argparse.Namespace) -> int | None:
    """The agenda index of ``meeting note --item N`` or ``--section KEY`` (None: the current item)."""
    if args.item is not None and args.section is not None:
        raise UsageError("give --item or --section, not both")
    if args.section is not None:
        return SECTION_KEYS.index(args.section)
    if args.item is not None:
        if args.item < 1:
            raise ValidationError(f"--item {args.item}: agenda items are numbered from 1")
        return int(args.item) - 1
    return None


def add_meeting_commands(meeting_sub: Any, command: Command, json_flag: Flag) -> None:
    """``huddle meeting prep|outcome``."""
    p = command(
        meeting_sub, "prep", cmd_meeting_prep, "suggest an agenda from the boards; pick with start --pick"
    )
    p.add_argument("--attendee", action="append", metavar="HANDLE", help="their departments' items (repeat)")
    json_flag(p)
    p = command(meeting_sub, "outcome", cmd_meeting_outcome, "end a milestone review with its outcome")
    p.add_argument("id", metavar="ID")
    p.add_argument("outcome", choices=["passed", "conditions", "failed"])
    p.add_argument("--note", metavar="TEXT", help="conditions or reasons, recorded with the decision")


def add_note_options(p: Parser) -> None:
    p.add_argument(
        "--item", type=_Bounded(1, 999), metavar="N", help="the agenda item it belongs to (1 = first)"
    )
    p.add_argument("--section", choices=SECTION_KEYS, help="retrospective section (items 1-3)")


# ---------------------------------------------------------------- change


def cmd_change_link(ctx: Context, args: argparse.Namespace) -> int:
    request = ctx.services.records.link_cards(args.id, args.card)
    print(f"{request.id} changes {', '.join(request.cards)}")
    return 0


def add_change_commands(change_sub: Any, command: Command) -> None:
    p = command(change_sub, "link", cmd_change_link, "record the cards a change altered or created")
    p.add_argument("id", metavar="ID")
    p.add_argument("card", nargs="+", metavar="CARD")


def add_request_options(p: Parser) -> None:
    p.add_argument("--scope", default="", metavar="TEXT", help="what it adds, removes or alters")
    p.add_argument(
        "--schedule-days", type=_Bounded(0, 3650), default=0, metavar="N", help="days it moves the schedule"
    )
    p.add_argument("--cost", type=_amount, metavar="AMOUNT", help="extra cost")
    p.add_argument("--card", action="append", metavar="ID", help="a card it changes (repeat)")


def add_decide_options(p: Parser) -> None:
    p.add_argument("--meeting", metavar="ID", help="record the verdict as a decision of this live meeting")
    p.add_argument("--note", metavar="TEXT")
