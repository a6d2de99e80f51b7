"""``huddle project show|set|goal|goal-update|goals|close|reopen``: vision, SMART goals and their
measured actuals, escalation, and the close phase."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.dates import format_day
from domain.errors import ConflictError
from domain.i18n import N_, _, ngettext, pgettext
from domain.models import MAX_ESCALATION_DAYS
from domain.text import clean_title, printable
from tui.cli.args import Bounded, UsageError, date_arg
from tui.cli.output import emit_json, iso, print_table, resolved, script_day

if TYPE_CHECKING:
    from domain.models import Goal, Project
    from domain.rules import OpenItem
    from tui.cli.parser import Builder
    from tui.wiring import Context


def project_json(p: Project) -> dict[str, Any]:
    return {
        "name": p.name,
        "vision": p.vision,
        "escalate_after_days": p.blocked_escalation_days,
        "goals": [
            {"text": g.text, "metric": g.metric, "target": g.target, "deadline": iso(g.deadline)}
            for g in p.goals
        ],
        "closed": p.closed,
        "closed_at": iso(p.closed_at),
        "close_reason": p.close_reason,
    }


def goal_json(index: int, project: Project) -> dict[str, Any]:
    from domain.rules import goal_progress

    goal = project.goals[index]
    progress = goal_progress(goal)
    return {
        "number": index + 1,
        "text": goal.text,
        "metric": goal.metric,
        "target": goal.target,
        "deadline": iso(goal.deadline),
        "actual": progress.actual,
        "measured_on": iso(progress.measured_on),
        "progress": progress.percent,
        "met": progress.met,
        "actuals": [
            {"on": a.on.isoformat(), "value": a.value, "note": a.note, "by": a.by} for a in goal.actuals
        ],
    }


def item_json(item: OpenItem) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "text": item.english or item.text}


def _goal_line(goal: Goal, today: date) -> str:
    """``goal: TEXT; metric M; target T; by DAY`` (the parts that are set)."""
    parts = [
        goal.metric and _("metric {metric}").format(metric=printable(goal.metric)),
        goal.target and _("target {target}").format(target=printable(goal.target)),
        goal.deadline and _("by {day}").format(day=format_day(goal.deadline, today=today)),
    ]
    separator = pgettext("goal parts", "; ")
    return _("goal: {text}").format(text=printable(goal.text)) + "".join(separator + p for p in parts if p)


def cmd_project_show(ctx: Context, args: argparse.Namespace) -> int:
    project = ctx.services.directory.project()
    if args.json:
        emit_json(project_json(project))
        return 0
    today = ctx.services.cards.today()
    print(printable(project.name))
    if project.vision:
        print("  " + _("vision: {vision}").format(vision=printable(project.vision)))
    for goal in project.goals:
        print("  " + _goal_line(goal, today))
    days = project.blocked_escalation_days
    escalation = ngettext(
        "blocked cards are escalated after {n} day", "blocked cards are escalated after {n} days", days
    )
    print("  " + escalation.format(n=days))
    return 0


def cmd_project_set(ctx: Context, args: argparse.Namespace) -> int:
    if args.name is None and args.vision is None and args.escalate_after is None:
        raise UsageError(_("project set: nothing to change; give --name, --vision or --escalate-after"))
    project = ctx.services.directory.update_project(
        name=args.name, vision=args.vision, escalate_after_days=args.escalate_after
    )
    print(printable(project.name))
    return 0


def cmd_project_goal(ctx: Context, args: argparse.Namespace) -> int:
    deadline = date_arg(ctx, args.deadline, "deadline")
    project = ctx.services.directory.add_goal(
        args.text, metric=args.metric, target=args.target, deadline=deadline
    )
    resolved(_("deadline"), deadline)
    n = len(project.goals)
    print(_("{n} goal(s)").format(n=n))
    return 0


def cmd_goal_update(ctx: Context, args: argparse.Namespace) -> int:
    for given in (args.value, args.value_option):
        if given is not None:
            clean_title(given, N_("goal value"))
    if (args.value is None) == (args.value_option is None):
        raise UsageError(_("project goal-update: give the value once, as VALUE or --value VALUE"))
    value = args.value if args.value is not None else args.value_option
    on = date_arg(ctx, args.on, "on")
    goal = ctx.services.closing.update_goal(args.goal, value, on=on, note=args.note or "")
    project = ctx.services.directory.project()
    index = project.goals.index(goal)
    data = goal_json(index, project)
    measured = data["measured_on"]
    fields = {
        "n": index + 1,
        "actual": printable(data["actual"]),
        "target": printable(data["target"] or "-"),
        "progress": data["progress"],
        "day": measured and script_day(date.fromisoformat(measured)),
    }
    if data["progress"] is None:
        line = _("goal {n}: {actual} of {target} on {day}")
    else:
        line = _("goal {n}: {actual} of {target} ({progress}%) on {day}")
    print(line.format(**fields) + (pgettext("goal parts", "; ") + _("met") if data["met"] else ""))
    return 0


def cmd_project_goals(ctx: Context, args: argparse.Namespace) -> int:
    project = ctx.services.directory.project()
    goals = [goal_json(i, project) for i in range(len(project.goals))]
    if args.json:
        emit_json(goals)
        return 0
    today = ctx.services.cards.today()
    rows = [
        [
            str(g["number"]),
            g["text"],
            g["target"] or "-",
            g["actual"] or "-",
            f"{g['progress']}%" if g["progress"] is not None else "-",
            _day(goal.actuals[-1].on if goal.actuals else None, today),
            _day(goal.deadline, today),
        ]
        for g, goal in zip(goals, project.goals, strict=True)
    ]
    print_table(rows, ["#", _("GOAL"), _("TARGET"), _("ACTUAL"), _("PROGRESS"), _("MEASURED"), _("DEADLINE")])
    return 0


def _day(day: date | None, today: date) -> str:
    return format_day(day, today=today) if day else "-"


def _print_items(items: list[OpenItem]) -> None:
    from tui.cli.words import open_item_kind

    print_table([[open_item_kind(i.kind), i.id, i.text] for i in items], [_("OPEN"), "ID", _("WHAT")])


def cmd_project_close(ctx: Context, args: argparse.Namespace) -> int:
    if args.force and not args.reason:
        raise UsageError(_("project close: --force needs --reason TEXT (why it closes with items open)"))
    items = ctx.services.closing.open_items()
    if items and not args.force:
        if args.json:
            emit_json({"closed": False, "open": [item_json(i) for i in items]})
        else:
            _print_items(items)
        raise ConflictError(
            _("{n} item(s) still open; resolve them, or close anyway with --force --reason TEXT").format(
                n=len(items)
            )
        )
    project, handed = ctx.services.closing.close(force=args.force, reason=args.reason or "")
    if args.json:
        emit_json({"closed": True, "reason": project.close_reason, "open": [item_json(i) for i in handed]})
        return 0
    if handed:
        _print_items(handed)
        print(
            _("project closed with {n} open item(s) handed over: {reason}").format(
                n=len(handed), reason=printable(project.close_reason)
            )
        )
    else:
        print(_("project closed: nothing open"))
    return 0


def cmd_project_reopen(ctx: Context, args: argparse.Namespace) -> int:
    ctx.services.closing.reopen(args.reason)
    print(_("project reopened"))
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    project_sub = b.group(sub, "project")
    b.json_flag(b.command(project_sub, "show", cmd_project_show, _("show the project, its vision and goals")))
    p = b.command(project_sub, "set", cmd_project_set, _("change the project's name, vision or escalation"))
    p.add_argument("--name", metavar="TEXT")
    p.add_argument("--vision", metavar="TEXT")
    p.add_argument(
        "--escalate-after",
        type=Bounded(1, MAX_ESCALATION_DAYS),
        metavar="DAYS",
        help=_("flag cards blocked longer than this"),
    )
    p = b.command(project_sub, "goal", cmd_project_goal, _("add a SMART goal"))
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--metric", default="", metavar="TEXT", help=_("how it is measured"))
    p.add_argument("--target", default="", metavar="TEXT", help=_("the value to reach"))
    p.add_argument("--deadline", metavar="DATE")
    p = b.command(project_sub, "goal-update", cmd_goal_update, _("record a goal's measured value (dated)"))
    p.add_argument("goal", metavar="GOAL", help=_("the goal's number (1 = first) or the start of its text"))
    p.add_argument("value", metavar="VALUE", nargs="?", help=_("the measured value, e.g. 2 or 92%%"))
    p.add_argument(
        "--value", dest="value_option", metavar="VALUE", help=_("the same, for values such as -12%%")
    )
    p.add_argument("--on", metavar="DATE", help=_("the day it was measured (default: today)"))
    p.add_argument("--note", metavar="TEXT")
    b.json_flag(b.command(project_sub, "goals", cmd_project_goals, _("SMART goals: target against actual")))
    p = b.command(
        project_sub, "close", cmd_project_close, _("close the project (lists what is open, exit 1)")
    )
    p.add_argument("--force", action="store_true", help=_("close although items are open (needs --reason)"))
    p.add_argument("--reason", metavar="TEXT", help=_("why the project closes with items open"))
    b.json_flag(p)
    p = b.command(project_sub, "reopen", cmd_project_reopen, _("open a closed project for changes again"))
    p.add_argument("--reason", required=True, metavar="TEXT")
