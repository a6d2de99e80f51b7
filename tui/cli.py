"""The ``huddle`` command. Without a subcommand it opens the TUI; every subcommand works without Textual.

Errors are one line on stderr (``huddle: error: ...``): exit 2 for usage errors, 1 for everything
else, and nothing is written when a command fails.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import itertools
import json
import math
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from domain.dates import DATE_FORMS, get_zone, local_zone_name, parse_date, parse_datetime
from domain.errors import HuddleError, ValidationError
from domain.i18n import UnknownLanguageError, available_languages
from domain.models import (
    MAX_ESCALATION_DAYS,
    MAX_ESTIMATE_DAYS,
    MAX_MEETING_MINUTES,
    Card,
    Department,
    Meeting,
    Person,
    Project,
    Risk,
)
from domain.rules import is_overdue, rsvp_statuses, rsvp_summary
from domain.text import EXCERPT, check_utf8, excerpt, printable, quoted
from tui.language import LanguageChoices, choose_language
from tui.wiring import Context, build_context

Handler = Callable[[Context, argparse.Namespace], int]


class UsageError(Exception):
    """Bad command-line usage: exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{printable(self.prog)} --help')")


# ---------------------------------------------------------------- output helpers


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clip(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1 and _width(text) > width:
            return out + "…"
        out, used = out + ch, used + w
    return out


def print_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Columns aligned by display width, so Chinese text lines up in a terminal."""
    if not rows:
        print("(none)")
        return
    cells = [[printable(c) for c in row] for row in rows]
    widths = [max(_width(h), *(_width(r[i]) for r in cells)) for i, h in enumerate(headers)]
    widths = [min(w, 48) for w in widths]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(_pad(_clip(c, w), w) for c, w in zip(row, widths, strict=True)).rstrip())


def emit_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _local(value: datetime | None, tz: str) -> str | None:
    return None if value is None else value.astimezone(ZoneInfo(tz)).isoformat()


def department_json(d: Department) -> dict[str, Any]:
    return {
        "name": d.name,
        "key": d.key,
        "columns": [{"name": c.name, "wip_limit": c.wip_limit} for c in d.columns],
    }


def person_json(p: Person) -> dict[str, Any]:
    return {"handle": p.handle, "name": p.name, "email": p.email, "dept": p.dept}


def card_json(c: Card, *, blocked: bool, overdue: bool) -> dict[str, Any]:
    """A card's JSON; ``blocked`` and ``overdue`` come from the domain rules (domain/rules.py)."""
    return {
        "id": c.id,
        "title": c.title,
        "dept": c.dept,
        "column": c.column,
        "owner": c.owner,
        "due": _iso(c.due),
        "milestone": c.milestone,
        "blocked_by": list(c.blocked_by),
        "start": _iso(c.start),
        "priority": c.priority.value,
        "tags": list(c.tags),
        "progress": c.progress,
        "parent": c.parent,
        "description": c.description,
        "responsible": list(c.responsible),
        "accountable": c.accountable,
        "consulted": list(c.consulted),
        "informed": list(c.informed),
        "blocked_reason": c.blocked_reason,
        "meeting_id": c.meeting_id,
        "created_at": _iso(c.created_at),
        "created_by": c.created_by,
        "updated_at": _iso(c.updated_at),
        "updated_by": c.updated_by,
        "blocked": blocked,
        "overdue": overdue,
    }


def risk_json(r: Risk) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "probability": r.probability,
        "impact": r.impact,
        "owner": r.owner,
        "score": r.score,
        "residual_probability": r.residual_probability,
        "residual_impact": r.residual_impact,
        "residual_score": r.residual_score,
        "status": r.status.value,
        "category": r.category,
        "description": r.description,
        "mitigation": r.mitigation,
        "contingency": r.contingency,
        "trigger": r.trigger,
        "review_date": _iso(r.review_date),
        "linked_cards": list(r.linked_cards),
        "history": [
            {
                "at": _iso(h.at),
                "probability": h.probability,
                "impact": h.impact,
                "residual_probability": h.residual_probability,
                "residual_impact": h.residual_impact,
                "by": h.by,
            }
            for h in r.history
        ],
    }


def meeting_json(m: Meeting) -> dict[str, Any]:
    """A meeting; ``start`` (planned), ``started_at`` and ``ended_at`` (real, null while not yet happened)
    and ``next`` are ISO 8601 in the meeting's zone (with offset)."""
    return {
        "id": m.id,
        "title": m.title,
        "start": _local(m.start, m.tz),
        "started_at": _local(m.started_at, m.tz),
        "tz": m.tz,
        "series": m.series,
        "place": m.place,
        "organizer": m.organizer,
        "status": m.status.value,
        "attendees": [a.handle for a in m.attendees],
        "absent": [a.handle for a in m.attendees if not a.present],
        "agenda": [{"title": a.title, "minutes": a.minutes, "refs": list(a.refs)} for a in m.agenda],
        "notes": [
            {
                "id": n.id,
                "at": _local(n.at, m.tz),
                "text": n.text,
                "kind": n.kind.value,
                "agenda_item": n.agenda_index,
            }
            for n in m.notes
            if n.kind in ("note", "risk")
        ],
        "decisions": [{"id": d.id, "at": _local(d.at, m.tz), "text": d.text} for d in m.decisions],
        "actions": [
            {"card_id": a.card_id, "text": a.text, "owner": a.owner, "due": _iso(a.due)} for a in m.actions
        ],
        "carried_over": list(m.carried_over),
        "ended_at": _local(m.ended_at, m.tz),
        "next": None if m.next_cancelled else _local(m.next_start, m.tz),
        "kind": m.kind.value,
        "milestone": m.milestone_id,
        "outcome": m.outcome.value if m.outcome else None,
        "rsvp": {handle: status.value for handle, status in rsvp_statuses(m).items()},
    }


def _due_text(due: date | None) -> str:
    return "" if due is None else f"{due.isoformat()} {due.strftime('%a')}"


def _resolved(label: str, value: date | datetime | None, tz: str | None = None) -> None:
    """Show the date a human form resolved to, on stderr so stdout stays one id for scripts."""
    if value is None:
        return
    if isinstance(value, datetime):
        shown = value.astimezone(ZoneInfo(tz or "UTC")).strftime("%a %Y-%m-%d %H:%M %Z")
    else:
        shown = value.strftime("%a %Y-%m-%d")
    print(f"{label}: {shown}", file=sys.stderr)


# ---------------------------------------------------------------- argument types


def _date_arg(ctx: Context, text: str | None, what: str) -> date | None:
    if text is None:
        return None
    if text.strip().lower() in ("none", "-", ""):
        return None
    try:
        return parse_date(text, ctx.services.cards.today())
    except ValidationError as exc:
        raise ValidationError(f"--{what}: {exc}") from None


def _zone(ctx: Context, name: str | None) -> ZoneInfo:
    return get_zone(name) if name else ctx.zone


def _datetime_arg(ctx: Context, text: str, zone: ZoneInfo, what: str) -> datetime:
    today = ctx.services.cards.now().astimezone(zone).date()
    try:
        return parse_datetime(text, today, zone)
    except ValidationError as exc:
        raise ValidationError(f"--{what}: {exc}") from None


def _whole(text: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high``, or an argparse error naming the range."""
    try:
        value = int(text) if len(text) <= 12 else None
    except ValueError:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a whole number from {low} to {high}")
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
    return value


class _Bounded:
    """An argparse type for a whole number in ``low..high`` (huge numbers would overflow date arithmetic)."""

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high
        self.__name__ = f"whole number {low}-{high}"

    def __call__(self, text: str) -> int:
        return _whole(text, self.low, self.high)


_score = _Bounded(1, 5)


def _days(text: str) -> float:
    """An estimate in days: a finite number from 0 to MAX_ESTIMATE_DAYS."""
    try:
        value = float(text) if len(text) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_ESTIMATE_DAYS:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is not a number of days from 0 to {MAX_ESTIMATE_DAYS}"
        )
    return value


def _agenda_item(text: str) -> tuple[str, int]:
    title, sep, minutes = text.rpartition(":")
    if sep and minutes.strip().isascii() and minutes.strip().isdigit():
        try:
            return title.strip(), _whole(minutes.strip(), 1, MAX_MEETING_MINUTES)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"argument --agenda: {exc}") from None
    return text.strip(), 10


# ---------------------------------------------------------------- handlers


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from domain.demo import fill_demo

    summary = fill_demo(ctx.services, force=args.force)
    print(f"demo project written to {ctx.services.store.describe()}: {summary}")
    return 0


def cmd_dept_add(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.add_department(args.name, key=args.key)
    print(f"{dept.name} (card ids {dept.key}-N)")
    return 0


def cmd_dept_list(ctx: Context, args: argparse.Namespace) -> int:
    depts = ctx.services.directory.departments()
    if args.json:
        emit_json([department_json(d) for d in depts])
        return 0
    cards = ctx.services.cards.list()
    rows = [[d.name, d.key, str(sum(1 for c in cards if c.dept == d.name))] for d in depts]
    print_table(rows, ["NAME", "KEY", "CARDS"])
    return 0


def cmd_person_add(ctx: Context, args: argparse.Namespace) -> int:
    person = ctx.services.directory.add_person(args.handle, args.name, args.email, dept=args.dept)
    print(person.handle)
    return 0


def cmd_person_list(ctx: Context, args: argparse.Namespace) -> int:
    people = sorted(ctx.services.directory.people(), key=lambda p: p.handle)
    if args.json:
        emit_json([person_json(p) for p in people])
        return 0
    print_table(
        [[p.handle, p.name, p.email, p.dept or ""] for p in people], ["HANDLE", "NAME", "EMAIL", "DEPT"]
    )
    return 0


def _card_fields(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    """Fields common to ``card add`` and ``card edit`` that were given on the command line."""
    fields: dict[str, Any] = {}
    if getattr(args, "description", None) is not None:
        fields["description"] = args.description
    if getattr(args, "priority", None) is not None:
        fields["priority"] = args.priority
    if getattr(args, "tag", None):
        fields["tags"] = args.tag
    if getattr(args, "start", None) is not None:
        fields["start"] = _date_arg(ctx, args.start, "start")
        _resolved("start", fields["start"])
    if getattr(args, "parent", None) is not None:
        fields["parent"] = args.parent or None
    if getattr(args, "accountable", None) is not None:
        fields["accountable"] = args.accountable or None
    if getattr(args, "responsible", None):
        fields["responsible"] = args.responsible
    if getattr(args, "consulted", None):
        fields["consulted"] = args.consulted
    if getattr(args, "informed", None):
        fields["informed"] = args.informed
    if getattr(args, "progress", None) is not None:
        fields["progress"] = args.progress
    if getattr(args, "estimate", None) is not None:
        fields["estimate"] = args.estimate
    if getattr(args, "blocked_reason", None) is not None:
        fields["blocked_reason"] = args.blocked_reason
    return fields


def cmd_card_add(ctx: Context, args: argparse.Namespace) -> int:
    due = _date_arg(ctx, args.due, "due")
    card = ctx.services.cards.add(
        args.dept,
        args.title,
        column=args.column,
        owner=args.owner,
        due=due,
        milestone=args.milestone,
        blocked_by=args.blocked_by or (),
        **_card_fields(ctx, args),
    )
    _resolved("due", due)
    print(card.id)
    return 0


def cmd_card_move(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.cards.move(args.id, args.column, enforce_wip=not args.force)
    print(f"{card.id} -> {card.column}")
    return 0


def cmd_card_edit(ctx: Context, args: argparse.Namespace) -> int:
    changes = _card_fields(ctx, args)
    if args.title is not None:
        changes["title"] = args.title
    if args.owner is not None:
        changes["owner"] = args.owner or None
    if args.due is not None:
        changes["due"] = _date_arg(ctx, args.due, "due")
        _resolved("due", changes["due"])
    if args.milestone is not None:
        changes["milestone"] = args.milestone
    if args.blocked_by is not None:
        changes["blocked_by"] = [] if args.blocked_by == ["none"] else args.blocked_by
    if not changes:
        raise UsageError("card edit: nothing to change; give at least one option such as --title or --due")
    card = ctx.services.cards.edit(args.id, changes)
    print(card.id)
    return 0


def cmd_card_delete(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.cards.delete(args.id)
    print(f"deleted {card.id}")
    return 0


def cmd_card_list(ctx: Context, args: argparse.Namespace) -> int:
    cards = ctx.services.cards.list(dept=args.dept, owner=args.owner)
    today = ctx.services.cards.today()
    blocked = ctx.services.cards.blocked_among(cards)
    if args.json:
        emit_json([card_json(c, blocked=c.id in blocked, overdue=is_overdue(c, today)) for c in cards])
        return 0
    rows = [
        [
            c.id,
            c.title,
            c.column,
            c.owner or "",
            _due_text(c.due) + (" OVERDUE" if is_overdue(c, today) else ""),
            " ".join(f for f, on in (("milestone", c.milestone), ("blocked", c.id in blocked)) if on),
        ]
        for c in cards
    ]
    print_table(rows, ["ID", "TITLE", "COLUMN", "OWNER", "DUE", "FLAGS"])
    return 0


def cmd_card_show(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.cards.get(args.id)
    data = card_json(
        card,
        blocked=bool(ctx.services.cards.blocked_among([card])),
        overdue=is_overdue(card, ctx.services.cards.today()),
    )
    if args.json:
        emit_json(data)
        return 0
    for key in (
        "id",
        "title",
        "dept",
        "column",
        "owner",
        "due",
        "start",
        "priority",
        "progress",
        "milestone",
        "blocked",
        "blocked_by",
        "blocked_reason",
        "overdue",
        "parent",
        "tags",
        "responsible",
        "accountable",
        "consulted",
        "informed",
        "meeting_id",
        "description",
    ):
        value = data[key]
        if value in (None, "", [], False) and key not in ("id", "title", "column"):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        print(f"{key:>15}: {printable(shown)}")
    print("        history:")
    for entry in ctx.services.cards.history(card.id):
        at = entry.at.astimezone(ctx.zone).strftime("%Y-%m-%d %H:%M")
        print(f"  {at}  {entry.user} ({entry.os_user})  {entry.action}  {printable(entry.detail)}")
    return 0


def _risk_fields(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("description", "category", "mitigation", "contingency", "trigger", "status"):
        if getattr(args, name, None) is not None:
            fields[name] = getattr(args, name)
    for name in ("residual_probability", "residual_impact"):
        if getattr(args, name, None) is not None:
            fields[name] = getattr(args, name)
    if getattr(args, "review", None) is not None:
        fields["review_date"] = _date_arg(ctx, args.review, "review")
        _resolved("review", fields["review_date"])
    if getattr(args, "link", None):
        fields["linked_cards"] = args.link
    return fields


def cmd_risk_add(ctx: Context, args: argparse.Namespace) -> int:
    risk = ctx.services.risks.add(
        args.title, args.probability, args.impact, owner=args.owner, **_risk_fields(ctx, args)
    )
    print(risk.id)
    return 0


def cmd_risk_edit(ctx: Context, args: argparse.Namespace) -> int:
    changes = _risk_fields(ctx, args)
    for name in ("title", "probability", "impact"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.owner is not None:
        changes["owner"] = args.owner or None
    if not changes:
        raise UsageError("risk edit: nothing to change; give at least one option such as --probability")
    print(ctx.services.risks.edit(args.id, changes).id)
    return 0


def cmd_risk_list(ctx: Context, args: argparse.Namespace) -> int:
    risks = ctx.services.risks.list()
    if args.json:
        emit_json([risk_json(r) for r in risks])
        return 0
    rows = [
        [
            r.id,
            r.title,
            str(r.probability or "-"),
            str(r.impact or "-"),
            str(r.score or "-"),
            r.owner or "",
            r.status.value,
        ]
        for r in sorted(risks, key=lambda r: -(r.score or 0))
    ]
    print_table(rows, ["ID", "TITLE", "P", "I", "SCORE", "OWNER", "STATUS"])
    return 0


def cmd_risk_show(ctx: Context, args: argparse.Namespace) -> int:
    risk = ctx.services.risks.get(args.id)
    if args.json:
        emit_json(risk_json(risk))
        return 0
    data = risk_json(risk)
    for key, value in data.items():
        if key == "history" or value in (None, "", []):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        print(f"{key:>20}: {printable(shown)}")
    print("             history:")
    for h in risk.history:
        at = h.at.astimezone(ctx.zone).strftime("%Y-%m-%d %H:%M")
        print(
            f"  {at}  P{h.probability or '-'} I{h.impact or '-'}  residual P{h.residual_probability or '-'} "
            f"I{h.residual_impact or '-'}  by {h.by}"
        )
    return 0


def cmd_meeting_start(ctx: Context, args: argparse.Namespace) -> int:
    zone = _zone(ctx, args.tz)
    started = importlib.import_module("tui.cli_plan").start_by_kind(ctx, args, zone)
    if started is not None:
        return int(started)
    at = _datetime_arg(ctx, args.at, zone, "at") if args.at else None
    meeting = ctx.services.meetings.start(
        args.title,
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


def cmd_meeting_next(ctx: Context, args: argparse.Namespace) -> int:
    previous = ctx.services.meetings.get(args.id)
    zone = ZoneInfo(previous.tz)
    at = _datetime_arg(ctx, args.at, zone, "at") if args.at else None
    meeting = ctx.services.meetings.start_next(args.id, at=at)
    print(meeting.id)
    return 0


def cmd_meeting_note(ctx: Context, args: argparse.Namespace) -> int:
    index = importlib.import_module("tui.cli_plan").note_index(args)
    ctx.services.meetings.note(args.id, args.text, agenda_index=index)
    return 0


def cmd_meeting_decide(ctx: Context, args: argparse.Namespace) -> int:
    ctx.services.meetings.decide(args.id, args.text)
    return 0


def cmd_meeting_action(ctx: Context, args: argparse.Namespace) -> int:
    due = _date_arg(ctx, args.due, "due")
    _item, card = ctx.services.meetings.action(args.id, args.owner, due, args.text)
    _resolved("due", due)
    print(card.id)
    return 0


def cmd_meeting_end(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.get(args.id)
    zone = ZoneInfo(meeting.tz)
    next_start = _datetime_arg(ctx, args.next, zone, "next") if args.next else None
    meeting = ctx.services.meetings.end(args.id, next_start=next_start, next_minutes=args.minutes)
    _resolved("next", next_start, meeting.tz)
    print(f"{meeting.id} ended: {len(meeting.decisions)} decision(s), {len(meeting.actions)} action(s)")
    return 0


def cmd_meeting_list(ctx: Context, args: argparse.Namespace) -> int:
    meetings = ctx.services.meetings.list()
    if args.json:
        emit_json([meeting_json(m) for m in meetings])
        return 0
    rows = [
        [
            m.id,
            m.title,
            m.series,
            m.start.astimezone(ZoneInfo(m.tz)).strftime("%Y-%m-%d %H:%M"),
            m.tz,
            m.status.value,
        ]
        for m in meetings
    ]
    print_table(rows, ["ID", "TITLE", "SERIES", "START", "TZ", "STATUS"])
    return 0


def cmd_meeting_show(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.get(args.id)
    if args.json:
        emit_json(meeting_json(meeting))
        return 0
    zone = ZoneInfo(meeting.tz)
    print(f"{meeting.id}  {printable(meeting.title)}  [{meeting.status.value}]")
    if meeting.kind.value != "regular":
        outcome = f", outcome {meeting.outcome.value}" if meeting.outcome else ""
        about = f" of {meeting.milestone_id}" if meeting.milestone_id else ""
        print(f"  kind: {meeting.kind.value}{about}{outcome}")
    print(f"  start: {meeting.start.astimezone(zone).strftime('%Y-%m-%d %H:%M')} {meeting.tz}")
    for number, point in enumerate(meeting.agenda, 1):
        refs = f" [{', '.join(point.refs)}]" if point.refs else ""
        print(f"  agenda {number}. {printable(point.title)} ({point.minutes} min){refs}")
    present = ", ".join(f"{a.handle}{'' if a.present else ' (absent)'}" for a in meeting.attendees)
    print(f"  attendees: {present or '-'}")
    for entry in meeting.notes:
        print(f"  {entry.at.astimezone(zone).strftime('%H:%M')} [{entry.kind.value}] {printable(entry.text)}")
    for item in meeting.actions:
        print(f"  action {item.card_id} @{item.owner} due {item.due or '-'}: {printable(item.text)}")
    if meeting.next_start:
        state = " (cancelled)" if meeting.next_cancelled else ""
        print(f"  next: {meeting.next_start.astimezone(zone).strftime('%Y-%m-%d %H:%M')} {meeting.tz}{state}")
        print(f"  rsvp: {rsvp_summary(meeting) or '-'}")
    return 0


def cmd_meeting_reschedule_next(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.get(args.id)
    when = _datetime_arg(ctx, args.when, ZoneInfo(meeting.tz), "when")
    meeting = ctx.services.meetings.reschedule_next(args.id, when, args.minutes)
    _resolved("next", when, meeting.tz)
    print(f"follow-up of {meeting.id} moved (invite sequence {meeting.next_sequence})")
    return 0


def cmd_meeting_cancel_next(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.cancel_next(args.id)
    print(
        f"follow-up of {meeting.id} cancelled (export the cancellation with 'huddle export ics --meeting "
        f"{meeting.id} --cancel -o FILE.ics')"
    )
    return 0


def project_json(p: Project) -> dict[str, Any]:
    return {
        "name": p.name,
        "vision": p.vision,
        "escalate_after_days": p.blocked_escalation_days,
        "goals": [
            {"text": g.text, "metric": g.metric, "target": g.target, "deadline": _iso(g.deadline)}
            for g in p.goals
        ],
        "closed": p.closed,
        "closed_at": _iso(p.closed_at),
        "close_reason": p.close_reason,
    }


def cmd_project_show(ctx: Context, args: argparse.Namespace) -> int:
    project = ctx.services.directory.project()
    if args.json:
        emit_json(project_json(project))
        return 0
    print(printable(project.name))
    if project.vision:
        print(f"  vision: {printable(project.vision)}")
    for goal in project.goals:
        parts = [
            goal.metric and f"metric {goal.metric}",
            goal.target and f"target {goal.target}",
            goal.deadline and f"by {goal.deadline}",
        ]
        print(f"  goal: {printable(goal.text)}" + "".join(f"; {printable(str(p))}" for p in parts if p))
    print(f"  blocked cards are escalated after {project.blocked_escalation_days} day(s)")
    return 0


def cmd_project_set(ctx: Context, args: argparse.Namespace) -> int:
    if args.name is None and args.vision is None and args.escalate_after is None:
        raise UsageError("project set: nothing to change; give --name, --vision or --escalate-after")
    project = ctx.services.directory.update_project(
        name=args.name, vision=args.vision, escalate_after_days=args.escalate_after
    )
    print(printable(project.name))
    return 0


def cmd_project_goal(ctx: Context, args: argparse.Namespace) -> int:
    deadline = _date_arg(ctx, args.deadline, "deadline")
    project = ctx.services.directory.add_goal(
        args.text, metric=args.metric, target=args.target, deadline=deadline
    )
    _resolved("deadline", deadline)
    print(f"{len(project.goals)} goal(s)")
    return 0


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
    print(f"{request.id} {request.status.value}")
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
                    "created_at": _iso(r.created_at),
                    "decided_at": _iso(r.decided_at),
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
    print_table(
        [[r.id, r.title, r.status.value, r.requested_by, r.decided_by] for r in requests],
        ["ID", "TITLE", "STATUS", "REQUESTED BY", "DECIDED BY"],
    )
    return 0


def cmd_decision_list(ctx: Context, args: argparse.Namespace) -> int:
    decisions = ctx.services.records.decisions()
    if args.json:
        emit_json(
            [
                {"id": d.id, "text": d.text, "at": _iso(d.at), "meeting_id": d.meeting_id, "by": d.by}
                for d in decisions
            ]
        )
        return 0
    rows = [[d.at.astimezone(ctx.zone).strftime("%Y-%m-%d"), d.meeting_id or "", d.text] for d in decisions]
    print_table(rows, ["DATE", "MEETING", "DECISION"])
    return 0


def cmd_activity(ctx: Context, args: argparse.Namespace) -> int:
    entries = ctx.services.records.feed(args.limit)
    if args.json:
        emit_json(
            [
                {
                    "at": _iso(a.at),
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
    rows = [
        [
            a.at.astimezone(ctx.zone).strftime("%Y-%m-%d %H:%M"),
            f"{a.user} ({a.os_user})",
            a.entity_id,
            a.action,
            a.detail,
        ]
        for a in entries
    ]
    print_table(rows, ["WHEN", "WHO", "WHAT", "ACTION", "DETAIL"])
    return 0


# ---------------------------------------------------------------- parser


DATE_EPILOG = f"DATE accepts {DATE_FORMS}. DATETIME adds HH:MM, e.g. 'fri 14:00' or '2026-12-01 14:00'."

GROUPS = {
    "demo": "fill the data file with a demo project",
    "dept": "departments and their boards",
    "person": "people",
    "card": "cards on the department boards",
    "milestone": "milestones: acceptance criteria, reviews, critical path",
    "risk": "the risk register",
    "meeting": "meetings, minutes, decisions and action items",
    "project": "the project: vision, SMART goals and their actuals, escalation, close",
    "change": "change requests, approved or rejected",
    "decision": "the decision log across meetings",
    "activity": "who changed what, newest first",
    "export": "write Word minutes and calendar files",
    "send": "e-mail meeting invites",
    "calendar": "publish to a CalDAV calendar",
    "db": "copy between a data file and a PostgreSQL database; check one",
    "rsvp": "read meeting replies (accepted, declined, tentative) from files or IMAP",
    "import": "bring cards in from a sheet, Trello or Jira",
    "backup": "write the whole project to one JSON file",
    "restore": "replace the project with a backup",
    "column": "columns of a department board: order, names, WIP limits",
}
EXPORT_GROUPS = ("export", "send", "calendar")
IMPORT_GROUPS = ("import", "backup", "restore")


def _command_in(argv: Sequence[str]) -> str | None:
    """The first positional word of the command line (the command group), skipping global options."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in ("--db", "--user", "--lang"):
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The argument parser; with ``argv``, only the invoked group's subcommands are built (start-up time)."""
    wanted = _command_in(argv) if argv is not None else None
    build_all = argv is None or wanted not in GROUPS
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="data file (default: $HUDDLE_DB, else huddle.json in the user data folder)",
    )
    common.add_argument(
        "--user",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="your handle (default: $HUDDLE_USER, else the login name)",
    )
    common.add_argument(
        "--lang",
        metavar="LANG",
        default=argparse.SUPPRESS,
        choices=LanguageChoices(),
        help=f"language: {', '.join(available_languages())} (default: config language, else the locale)",
    )

    parser = Parser(
        prog="huddle",
        description="Kanban boards, live meeting minutes, risks and calendar exports for cross-department "
        "projects. Without a command, opens the terminal app.",
        epilog=f"Dates accept {DATE_FORMS}. Date-times add HH:MM, e.g. 'fri 14:00'.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version="huddle 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def wants(group: str) -> bool:
        if build_all or wanted == group:
            return True
        sub.add_parser(group, help=GROUPS[group])
        return False

    def command(group: Any, name: str, handler: Handler, help_text: str) -> Parser:
        p: Parser = group.add_parser(
            name, help=help_text, description=help_text, parents=[common], epilog=DATE_EPILOG
        )
        p.set_defaults(handler=handler)
        return p

    def json_flag(p: Parser) -> None:
        p.add_argument("--json", action="store_true", help="print one JSON document (UTF-8)")

    if wants("demo"):
        p = command(sub, "demo", cmd_demo, GROUPS["demo"])
        p.add_argument("--force", action="store_true", help="replace a data file that already has data")
    if wants("dept"):
        _dept_parsers(sub, common, command, json_flag)
    if wants("person"):
        _person_parsers(sub, common, command, json_flag)
    if wants("card"):
        _card_parsers(sub, common, command, json_flag)
    if wants("risk"):
        _risk_parsers(sub, common, command, json_flag)
    if wants("milestone"):
        importlib.import_module("tui.cli_plan").add_milestone_parsers(
            sub, common, command, json_flag, GROUPS["milestone"]
        )
    if wants("meeting"):
        _meeting_parsers(sub, common, command, json_flag)
    if wants("project"):
        _project_parsers(sub, common, command, json_flag)
    if wants("change"):
        _change_parsers(sub, common, command, json_flag)
    if wants("decision"):
        decision = sub.add_parser("decision", help=GROUPS["decision"], parents=[common])
        decision_sub = decision.add_subparsers(
            dest="action", metavar="ACTION", required=True, parser_class=Parser
        )
        json_flag(command(decision_sub, "list", cmd_decision_list, "every decision, newest first"))
    if wants("activity"):
        p = command(sub, "activity", cmd_activity, GROUPS["activity"])
        p.add_argument(
            "--limit", type=_Bounded(1, MAX_LIMIT), default=50, help="how many entries (default 50)"
        )
        json_flag(p)
    if wants("column"):
        importlib.import_module("tui.cli_columns").add_parsers(sub, common, command, json_flag)
    if build_all or wanted in EXPORT_GROUPS:
        if importlib.util.find_spec("tui.cli_export") is not None:
            importlib.import_module("tui.cli_export").add_parsers(sub)
    else:
        for group in EXPORT_GROUPS:
            sub.add_parser(group, help=GROUPS[group])
    if build_all or wanted == "db":
        importlib.import_module("tui.cli_db").add_parsers(sub)
    else:
        sub.add_parser("db", help=GROUPS["db"])
    if build_all or wanted == "rsvp":
        importlib.import_module("tui.cli_rsvp").add_parsers(sub)
    else:
        sub.add_parser("rsvp", help=GROUPS["rsvp"])
    if build_all or wanted in IMPORT_GROUPS:
        importlib.import_module("tui.cli_import").add_parsers(sub)
    else:
        for group in IMPORT_GROUPS:
            sub.add_parser(group, help=GROUPS[group])
    return parser


Command = Callable[[Any, str, Handler, str], Parser]
Flag = Callable[[Parser], None]


def _dept_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    dept = sub.add_parser("dept", help=GROUPS["dept"], parents=[common])
    dept_sub = dept.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    p = command(dept_sub, "add", cmd_dept_add, "add a department (with its own board)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--key", help="prefix of its card ids, 1-8 ASCII letters (default: from the name)")
    json_flag(command(dept_sub, "list", cmd_dept_list, "list departments"))
    importlib.import_module("tui.cli_columns").add_dept_parsers(dept_sub, command)


def _person_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    person = sub.add_parser("person", help=GROUPS["person"], parents=[common])
    person_sub = person.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    p = command(person_sub, "add", cmd_person_add, "add a person")
    p.add_argument("handle", metavar="HANDLE")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True, metavar="ADDR")
    p.add_argument("--dept", metavar="NAME")
    json_flag(command(person_sub, "list", cmd_person_list, "list people"))
    importlib.import_module("tui.cli_columns").add_person_parsers(person_sub, command)


def _card_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    card = sub.add_parser("card", help=GROUPS["card"], parents=[common])
    card_sub = card.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)

    def card_options(p: Parser) -> None:
        p.add_argument("--owner", metavar="HANDLE")
        p.add_argument("--due", metavar="DATE", help=f"due date ({DATE_FORMS}; 'none' clears)")
        p.add_argument("--start", metavar="DATE")
        p.add_argument("--description", metavar="TEXT")
        p.add_argument("--priority", choices=["low", "normal", "high", "urgent"])
        p.add_argument("--tag", action="append", metavar="TAG", help="repeat for several tags")
        p.add_argument("--parent", metavar="ID", help="parent card in the WBS")
        p.add_argument("--accountable", metavar="HANDLE", help="RACI: the one Accountable person")
        p.add_argument("--responsible", action="append", metavar="HANDLE", help="RACI: Responsible (repeat)")
        p.add_argument("--consulted", action="append", metavar="HANDLE", help="RACI: Consulted (repeat)")
        p.add_argument("--informed", action="append", metavar="HANDLE", help="RACI: Informed (repeat)")
        p.add_argument("--progress", type=_Bounded(0, 100), metavar="0-100")
        p.add_argument("--estimate", type=_days, metavar="DAYS")
        p.add_argument("--blocked-reason", metavar="TEXT")

    p = command(card_sub, "add", cmd_card_add, "add a card; prints its id")
    p.add_argument("--dept", required=True, metavar="NAME")
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--column", metavar="NAME", help="default: the board's first column")
    p.add_argument("--milestone", action="store_true", help="mark the card as a milestone")
    p.add_argument("--blocked-by", action="append", metavar="ID", help="a card this one waits for (repeat)")
    card_options(p)
    p = command(card_sub, "move", cmd_card_move, "move a card to another column")
    p.add_argument("id", metavar="ID")
    p.add_argument("column", metavar="COLUMN")
    p.add_argument("--force", action="store_true", help="move even past the column's WIP limit")
    p = command(card_sub, "edit", cmd_card_edit, "change fields of a card")
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--milestone", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--blocked-by", action="append", metavar="ID", help="replaces the list; 'none' clears it")
    card_options(p)
    p = command(card_sub, "delete", cmd_card_delete, "delete a card")
    p.add_argument("id", metavar="ID")
    p = command(card_sub, "list", cmd_card_list, "list cards")
    p.add_argument("--dept", metavar="NAME")
    p.add_argument("--owner", metavar="HANDLE")
    json_flag(p)
    p = command(card_sub, "show", cmd_card_show, "show one card with its history")
    p.add_argument("id", metavar="ID")
    json_flag(p)


def _risk_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    risk = sub.add_parser("risk", help=GROUPS["risk"], parents=[common])
    risk_sub = risk.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)

    def risk_options(p: Parser) -> None:
        p.add_argument("--owner", metavar="HANDLE")
        p.add_argument("--residual-probability", type=_score, metavar="1-5")
        p.add_argument("--residual-impact", type=_score, metavar="1-5")
        p.add_argument("--description", metavar="TEXT")
        p.add_argument("--category", metavar="TEXT")
        p.add_argument("--mitigation", metavar="TEXT")
        p.add_argument("--contingency", metavar="TEXT")
        p.add_argument("--trigger", metavar="TEXT", help="early-warning indicator")
        p.add_argument("--status", choices=["open", "mitigating", "closed", "occurred"])
        p.add_argument("--review", metavar="DATE", help="next review date")
        p.add_argument("--link", action="append", metavar="CARD", help="linked card (repeat)")

    p = command(risk_sub, "add", cmd_risk_add, "add a risk; prints its id")
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--probability", required=True, type=_score, metavar="1-5")
    p.add_argument("--impact", required=True, type=_score, metavar="1-5")
    risk_options(p)
    p = command(risk_sub, "edit", cmd_risk_edit, "change a risk (score changes are kept in its history)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--probability", type=_score, metavar="1-5")
    p.add_argument("--impact", type=_score, metavar="1-5")
    risk_options(p)
    json_flag(command(risk_sub, "list", cmd_risk_list, "list risks, highest score first"))
    p = command(risk_sub, "show", cmd_risk_show, "show one risk with its score history")
    p.add_argument("id", metavar="ID")
    json_flag(p)


def _project_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    project = sub.add_parser("project", help=GROUPS["project"], parents=[common])
    project_sub = project.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    json_flag(command(project_sub, "show", cmd_project_show, "show the project, its vision and goals"))
    p = command(project_sub, "set", cmd_project_set, "change the project's name, vision or escalation")
    p.add_argument("--name", metavar="TEXT")
    p.add_argument("--vision", metavar="TEXT")
    p.add_argument(
        "--escalate-after",
        type=_Bounded(1, MAX_ESCALATION_DAYS),
        metavar="DAYS",
        help="flag cards blocked longer than this",
    )
    p = command(project_sub, "goal", cmd_project_goal, "add a SMART goal")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--metric", default="", metavar="TEXT", help="how it is measured")
    p.add_argument("--target", default="", metavar="TEXT", help="the value to reach")
    p.add_argument("--deadline", metavar="DATE")
    importlib.import_module("tui.cli_plan").add_project_commands(project_sub, command, json_flag)


def _change_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    change = sub.add_parser("change", help=GROUPS["change"], parents=[common])
    change_sub = change.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    plan = importlib.import_module("tui.cli_plan")
    p = command(change_sub, "request", cmd_change_request, "record a change request; prints its id")
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--description", metavar="TEXT")
    plan.add_request_options(p)
    for verb, approve in (("approve", True), ("reject", False)):
        p = command(change_sub, verb, cmd_change_decide, f"{verb} a change request")
        p.add_argument("id", metavar="ID")
        p.set_defaults(approve=approve)
        plan.add_decide_options(p)
    json_flag(command(change_sub, "list", cmd_change_list, "list change requests"))
    plan.add_change_commands(change_sub, command)


def _meeting_parsers(sub: Any, common: Parser, command: Command, json_flag: Flag) -> None:
    meeting = sub.add_parser("meeting", help=GROUPS["meeting"], parents=[common])
    meeting_sub = meeting.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    plan = importlib.import_module("tui.cli_plan")
    p = command(meeting_sub, "start", cmd_meeting_start, "start a meeting; prints its id")
    p.add_argument("--title", metavar="TEXT", help="required for a regular meeting")
    plan.add_start_options(p)
    p.add_argument("--attendee", action="append", metavar="HANDLE", help="repeat for each attendee")
    p.add_argument(
        "--at",
        metavar="DATETIME",
        help="when it was planned, wall-clock in --tz (default: now); it starts now",
    )
    p.add_argument(
        "--tz", metavar="ZONE", help=f"IANA zone such as Asia/Shanghai (default: {local_zone_name()})"
    )
    p.add_argument("--series", metavar="NAME", help="meeting series, for carry-over")
    p.add_argument(
        "--agenda", action="append", metavar="TITLE[:MIN]", help="agenda item with timebox (repeat)"
    )
    p.add_argument("--place", metavar="TEXT")
    p = command(
        meeting_sub,
        "next",
        cmd_meeting_next,
        "start the next meeting of a series (attendees, agenda and open actions carry over)",
    )
    p.add_argument("id", metavar="ID", help="the previous meeting")
    p.add_argument("--at", metavar="DATETIME", help="default: the follow-up time set when it ended")
    p = command(meeting_sub, "note", cmd_meeting_note, "add a note to the minutes")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")
    plan.add_note_options(p)
    p = command(meeting_sub, "decide", cmd_meeting_decide, "record a decision")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")
    p = command(
        meeting_sub,
        "action",
        cmd_meeting_action,
        "record an action item; creates a card on the owner's board and prints its id",
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--owner", required=True, metavar="HANDLE")
    p.add_argument("--due", required=True, metavar="DATE")
    p.add_argument("text", metavar="TEXT")
    p = command(meeting_sub, "end", cmd_meeting_end, "end a meeting, optionally setting the follow-up")
    p.add_argument("id", metavar="ID")
    p.add_argument("--next", metavar="DATETIME", help="follow-up meeting, wall-clock in the meeting's zone")
    p.add_argument(
        "--minutes",
        type=_Bounded(1, MAX_MEETING_MINUTES),
        default=60,
        help="length of the follow-up (default 60)",
    )
    p = command(meeting_sub, "reschedule-next", cmd_meeting_reschedule_next, "move the follow-up meeting")
    p.add_argument("id", metavar="ID")
    p.add_argument("when", metavar="DATETIME", help="new time, wall-clock in the meeting's zone")
    p.add_argument("--minutes", type=_Bounded(1, MAX_MEETING_MINUTES), help="new length in minutes")
    p = command(meeting_sub, "cancel-next", cmd_meeting_cancel_next, "cancel the follow-up meeting")
    p.add_argument("id", metavar="ID")
    json_flag(command(meeting_sub, "list", cmd_meeting_list, "list meetings"))
    p = command(meeting_sub, "show", cmd_meeting_show, "show a meeting's minutes")
    p.add_argument("id", metavar="ID")
    json_flag(p)
    plan.add_meeting_commands(meeting_sub, command, json_flag)


MAX_LIMIT = 100_000
"""The most activity entries ``huddle activity --limit`` prints."""
PATH_OPTIONS = ("--db", "-o", "--output")
"""Options whose value is a path: quoted whole in errors, since it is what to fix or move."""
ENVIRONMENT = ("TZ", "HOME", "LOGNAME", "USER", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
"""Variables Huddle reads besides ``HUDDLE_*``; each must be valid UTF-8."""


def _check_input(argv: Sequence[str]) -> None:
    """Refuse undecodable bytes before anything else reads them: Python hands arguments and variables
    that are not UTF-8 over as lone surrogates, which would fail later, in the middle of a command."""
    for number, word in enumerate(argv, start=1):
        try:
            check_utf8(word, f"argument {number}")
        except ValidationError as exc:
            raise UsageError(str(exc)) from None
    for name in sorted(os.environ):
        if name.startswith("HUDDLE_") or name in ENVIRONMENT:
            check_utf8(os.environ[name], name)


def _one_line(message: str, argv: Sequence[str]) -> str:
    """``message`` as one printable line that quotes at most EXCERPT characters of any argument.

    The messages Huddle writes already quote excerpts; this also covers argparse's own (which quote
    whole values) and paths or variables named in storage errors.
    """
    paths = {word for option, word in itertools.pairwise(argv) if option in PATH_OPTIONS}
    paths |= {word for word in argv if os.sep in word and os.path.isdir(os.path.dirname(word) or os.sep)}
    for word in sorted(set(argv) - paths, key=len, reverse=True):
        if len(word) > EXCERPT and not word.startswith(PATH_OPTIONS):
            message = message.replace(repr(word), quoted(word)).replace(word, excerpt(word))
    return printable(message)


def _refuse_password_in_url(db: str | None) -> None:
    """A password on the command line shows in ``ps`` and the shell history: refuse it, say where it goes."""
    from storage.dburl import has_password, is_server_url

    if db and is_server_url(db) and has_password(db):
        raise UsageError(
            "--db: leave the password out of the URL (it would show in the process list and the shell "
            "history); put it in ~/.pgpass (or the file $PGPASSFILE names) or a pg_service.conf entry"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``huddle`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_input(argv)
        try:
            choose_language(argv)  # before the parser: its help and errors are in that language
        except UnknownLanguageError as exc:
            raise UsageError(str(exc)) from None
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        _refuse_password_in_url(getattr(args, "db", None))
        ctx = build_context(getattr(args, "db", None), getattr(args, "user", None))
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            if args.command is not None:
                parser.parse_args([args.command, "--help"])
            from tui.app import run_app

            run_app(ctx)
            return 0
        return handler(ctx, args)
    except UsageError as exc:
        print(f"huddle: error: {_one_line(str(exc), argv)}", file=sys.stderr)
        return 2
    except HuddleError as exc:
        print(f"huddle: error: {_one_line(str(exc), argv)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("huddle: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
