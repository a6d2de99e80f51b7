"""``huddle meeting ...``: start (regular, prepared from ``meeting prep``, milestone review or
retrospective), notes, decisions, action items, end and the follow-up meeting."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.dates import format_day, format_moment, local_zone_name
from domain.errors import ValidationError
from domain.i18n import _, ngettext, pgettext
from domain.models import MAX_MEETING_MINUTES, RETRO_SECTIONS, MeetingKind
from domain.text import clean_title, printable
from tui.cli.args import Bounded, UsageError, agenda_item, date_arg, datetime_arg, zone_arg
from tui.cli.output import emit_json, iso, local, print_table, resolved

if TYPE_CHECKING:
    from domain.models import Meeting
    from domain.rules import AgendaSuggestion
    from tui.cli.parser import Builder
    from tui.wiring import Context

SECTION_KEYS = [key for key, _title in RETRO_SECTIONS]


def meeting_json(m: Meeting) -> dict[str, Any]:
    """A meeting; ``start`` (planned), ``started_at`` and ``ended_at`` (real, null while not yet happened)
    and ``next`` are ISO 8601 in the meeting's zone (with offset)."""
    from domain.rules import rsvp_statuses

    return {
        "id": m.id,
        "title": m.title,
        "start": local(m.start, m.tz),
        "started_at": local(m.started_at, m.tz),
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
                "at": local(n.at, m.tz),
                "text": n.text,
                "kind": n.kind.value,
                "agenda_item": n.agenda_index,
            }
            for n in m.notes
            if n.kind in ("note", "risk")
        ],
        "decisions": [{"id": d.id, "at": local(d.at, m.tz), "text": d.text} for d in m.decisions],
        "actions": [
            {"card_id": a.card_id, "text": a.text, "owner": a.owner, "due": iso(a.due)} for a in m.actions
        ],
        "carried_over": list(m.carried_over),
        "ended_at": local(m.ended_at, m.tz),
        "next": None if m.next_cancelled else local(m.next_start, m.tz),
        "kind": m.kind.value,
        "milestone": m.milestone_id,
        "outcome": m.outcome.value if m.outcome else None,
        "rsvp": {handle: status.value for handle, status in rsvp_statuses(m).items()},
    }


def suggestion_json(number: int, s: AgendaSuggestion) -> dict[str, Any]:
    title = s.english or s.title
    return {"number": number, "key": s.key, "kind": s.kind, "title": title, "refs": list(s.refs),
            "minutes": s.minutes}  # fmt: skip


def when_and_who(ctx: Context, args: argparse.Namespace, zone: ZoneInfo) -> dict[str, Any]:
    """``--at`` (wall-clock in ``zone``, default now), ``--attendee`` and ``--place``, as the keyword
    arguments every way of starting a meeting takes (regular, prepared, review, retrospective)."""
    at = datetime_arg(ctx, args.at, zone, "at") if args.at else None
    return {"at": at, "tz": zone.key, "attendees": args.attendee or (), "place": args.place or ""}


def cmd_meeting_start(ctx: Context, args: argparse.Namespace) -> int:
    """``meeting start``: regular (``--title``, optionally ``--pick`` from ``meeting prep``), ``--kind
    review --milestone ID`` (agenda from the milestone) or ``--kind retro`` (its three sections)."""
    zone = zone_arg(ctx, args.tz)
    kind = args.kind or "regular"
    if args.milestone:
        clean_title(args.milestone, "--milestone")
    if kind != "review" and args.milestone:
        raise UsageError(_("--milestone goes with --kind review"))
    if kind == "regular" and not args.title:
        raise UsageError(_("the following arguments are required: --title"))
    when = when_and_who(ctx, args, zone)
    if kind == "review":
        if not args.milestone:
            raise UsageError(_("--kind review needs --milestone ID"))
        if args.pick:
            raise UsageError(
                _("a review's agenda comes from its milestone; --pick goes with regular meetings")
            )
        meeting = ctx.services.milestones.review(args.milestone, **when)
    elif kind == "retro":
        if args.pick:
            raise UsageError(
                _("a retrospective's agenda is its three sections; --pick goes with regular meetings")
            )
        extra = [agenda_item(a) for a in args.agenda or ()]
        meeting = ctx.services.closing.start_retro(args.title or "", extra_agenda=extra, **when)
    else:
        agenda = [agenda_item(a) for a in args.agenda or ()]
        series = args.series or ""
        if args.pick:
            meeting = ctx.services.agenda.start_prepared(
                args.title, args.pick, series=series, agenda=agenda, **when
            )
        else:
            meeting = ctx.services.meetings.start(args.title, series=series, agenda=agenda, **when)
    resolved(_("start"), when["at"], zone.key)
    print(meeting.id)
    return 0


def cmd_meeting_next(ctx: Context, args: argparse.Namespace) -> int:
    previous = ctx.services.meetings.get(args.id)
    zone = ZoneInfo(previous.tz)
    at = datetime_arg(ctx, args.at, zone, "at") if args.at else None
    meeting = ctx.services.meetings.start_next(args.id, at=at)
    print(meeting.id)
    return 0


def note_index(args: argparse.Namespace) -> int | None:
    """The agenda index of ``meeting note --item N`` or ``--section KEY`` (None: the current item)."""
    if args.item is not None and args.section is not None:
        raise UsageError(_("give --item or --section, not both"))
    if args.section is not None:
        return SECTION_KEYS.index(args.section)
    if args.item is not None:
        if args.item < 1:
            raise ValidationError(_("--item {item}: agenda items are numbered from 1").format(item=args.item))
        return int(args.item) - 1
    return None


def cmd_meeting_note(ctx: Context, args: argparse.Namespace) -> int:
    ctx.services.meetings.note(args.id, args.text, agenda_index=note_index(args))
    return 0


def cmd_meeting_decide(ctx: Context, args: argparse.Namespace) -> int:
    ctx.services.meetings.decide(args.id, args.text)
    return 0


def cmd_meeting_action(ctx: Context, args: argparse.Namespace) -> int:
    due = date_arg(ctx, args.due, "due")
    _item, card = ctx.services.meetings.action(args.id, args.owner, due, args.text)
    resolved(_("due"), due)
    print(card.id)
    return 0


def cmd_meeting_end(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.get(args.id)
    zone = ZoneInfo(meeting.tz)
    next_start = datetime_arg(ctx, args.next, zone, "next") if args.next else None
    meeting = ctx.services.meetings.end(args.id, next_start=next_start, next_minutes=args.minutes)
    resolved(_("next"), next_start, meeting.tz)
    print(
        _("{id} ended: {decisions} decision(s), {actions} action(s)").format(
            id=meeting.id, decisions=len(meeting.decisions), actions=len(meeting.actions)
        )
    )
    return 0


def cmd_meeting_list(ctx: Context, args: argparse.Namespace) -> int:
    from tui.views.meetings import status_text

    meetings = ctx.services.meetings.list()
    if args.json:
        emit_json([meeting_json(m) for m in meetings])
        return 0
    today = ctx.services.cards.today()
    rows = [
        [
            m.id,
            m.title,
            m.series,
            format_moment(m.start, ZoneInfo(m.tz), today=today),
            m.tz,
            status_text(m.status),
        ]
        for m in meetings
    ]
    print_table(rows, ["ID", _("TITLE"), _("SERIES"), _("START"), _("TZ"), _("STATUS")])
    return 0


def _kind_line(meeting: Meeting) -> str:
    """``kind: review of OPS-2, outcome passed`` (or just the kind) for a meeting that is not regular."""
    from tui.cli.words import meeting_kind, outcome

    kind = meeting_kind(meeting.kind.value)
    if meeting.milestone_id and meeting.outcome:
        text = _("kind: {kind} of {milestone}, outcome {outcome}")
    elif meeting.milestone_id:
        text = _("kind: {kind} of {milestone}")
    elif meeting.outcome:
        text = _("kind: {kind}, outcome {outcome}")
    else:
        text = _("kind: {kind}")
    shown = outcome(meeting.outcome.value) if meeting.outcome else ""
    return text.format(kind=kind, milestone=meeting.milestone_id, outcome=shown)


def cmd_meeting_show(ctx: Context, args: argparse.Namespace) -> int:
    from domain.rules import rsvp_summary
    from tui.cli.words import entry_kind
    from tui.views.meetings import status_text, when_text

    meeting = ctx.services.meetings.get(args.id)
    if args.json:
        emit_json(meeting_json(meeting))
        return 0
    zone = ZoneInfo(meeting.tz)
    today = ctx.services.cards.today()
    comma = pgettext("list separator", ", ")
    print(f"{meeting.id}  {printable(meeting.title)}  [{status_text(meeting.status)}]")
    if meeting.kind.value != "regular":
        print("  " + _kind_line(meeting))
    print("  " + _("start: {when}").format(when=when_text(meeting.start, meeting.tz)))
    for number, point in enumerate(meeting.agenda, 1):
        item = _("agenda {n}. {title} ({minutes} min)").format(
            n=number, title=printable(point.title), minutes=point.minutes
        )
        print(f"  {item}" + (f" [{comma.join(point.refs)}]" if point.refs else ""))
    present = comma.join(
        a.handle if a.present else _("{handle} (absent)").format(handle=a.handle) for a in meeting.attendees
    )
    print("  " + _("attendees: {names}").format(names=present or "-"))
    for entry in meeting.notes:
        at = entry.at.astimezone(zone).strftime("%H:%M")
        print(f"  {at} [{entry_kind(entry.kind.value)}] {printable(entry.text)}")
    for action in meeting.actions:
        due = format_day(action.due, today=today) if action.due else "-"
        line = _("action {card} @{owner} due {due}: {text}").format(
            card=action.card_id, owner=action.owner, due=due, text=printable(action.text)
        )
        print(f"  {line}")
    if meeting.next_start:
        when = when_text(meeting.next_start, meeting.tz)
        if meeting.next_cancelled:
            print("  " + _("next: {when} (cancelled)").format(when=when))
        else:
            print("  " + _("next: {when}").format(when=when))
        print("  " + _("rsvp: {replies}").format(replies=rsvp_summary(meeting) or "-"))
    return 0


def cmd_meeting_reschedule_next(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.get(args.id)
    when = datetime_arg(ctx, args.when, ZoneInfo(meeting.tz), "when")
    meeting = ctx.services.meetings.reschedule_next(args.id, when, args.minutes)
    resolved(_("next"), when, meeting.tz)
    print(
        _("follow-up of {id} moved (invite sequence {sequence})").format(
            id=meeting.id, sequence=meeting.next_sequence
        )
    )
    return 0


def cmd_meeting_cancel_next(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.meetings.cancel_next(args.id)
    print(
        _(
            "follow-up of {id} cancelled (export the cancellation with 'huddle export ics --meeting "
            "{id} --cancel -o FILE.ics')"
        ).format(id=meeting.id)
    )
    return 0


REFS_SHOWN = 4
"""How many board items a ``meeting prep`` row names before it says how many more there are (with the
hint, the cell fits the table's widest column, 48 cells, for ids such as ``RND-12``)."""


def _refs_text(refs: Sequence[str]) -> str:
    """``OPS-1, OPS-2 … and 3 more``: the first REFS_SHOWN ids and a count of the rest."""
    shown = pgettext("list separator", ", ").join(refs[:REFS_SHOWN])
    more = len(refs) - REFS_SHOWN
    if more <= 0:
        return shown
    return ngettext("{refs} … and {n} more", "{refs} … and {n} more", more).format(refs=shown, n=more)


def cmd_meeting_prep(ctx: Context, args: argparse.Namespace) -> int:
    suggestions = ctx.services.agenda.suggest(args.attendee or ())
    if args.json:
        emit_json([suggestion_json(n, s) for n, s in enumerate(suggestions, 1)])
        return 0
    rows = [[str(n), s.key, s.title, _refs_text(s.refs)] for n, s in enumerate(suggestions, 1)]
    print_table(rows, ["#", _("KEY"), _("SUGGESTED AGENDA ITEM"), _("BOARD ITEMS")])
    if suggestions:
        who = "".join(f" --attendee {a}" for a in args.attendee or ())
        print(
            _("start with: huddle meeting start --title TEXT{attendees} --pick 1 --pick 2 ...").format(
                attendees=who
            ),
            file=sys.stderr,
        )
    return 0


def cmd_meeting_outcome(ctx: Context, args: argparse.Namespace) -> int:
    meeting = ctx.services.milestones.record_outcome(args.id, args.outcome, args.note or "")
    print(meeting.decisions[-1].text)
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    meeting_sub = b.group(sub, "meeting")
    p = b.command(meeting_sub, "start", cmd_meeting_start, _("start a meeting; prints its id"))
    p.add_argument("--title", metavar="TEXT", help=_("required for a regular meeting"))
    p.add_argument(
        "--kind", choices=[k.value for k in MeetingKind], help=_("regular (default), review or retro")
    )
    p.add_argument("--milestone", metavar="ID", help=_("with --kind review: the milestone reviewed"))
    p.add_argument(
        "--pick", action="append", metavar="N|KEY", help=_("agenda item suggested by 'meeting prep' (repeat)")
    )
    p.add_argument("--attendee", action="append", metavar="HANDLE", help=_("repeat for each attendee"))
    p.add_argument(
        "--at",
        metavar="DATETIME",
        help=_("when it was planned, wall-clock in --tz (default: now); it starts now"),
    )
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help=_("IANA zone such as Asia/Shanghai (default: {zone})").format(zone=local_zone_name()),
    )
    p.add_argument("--series", metavar="NAME", help=_("meeting series, for carry-over"))
    p.add_argument(
        "--agenda", action="append", metavar="TITLE[:MIN]", help=_("agenda item with timebox (repeat)")
    )
    p.add_argument("--place", metavar="TEXT")
    p = b.command(
        meeting_sub,
        "next",
        cmd_meeting_next,
        _("start the next meeting of a series (attendees, agenda and open actions carry over)"),
    )
    p.add_argument("id", metavar="ID", help=_("the previous meeting"))
    p.add_argument("--at", metavar="DATETIME", help=_("default: the follow-up time set when it ended"))
    p = b.command(meeting_sub, "note", cmd_meeting_note, _("add a note to the minutes"))
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")
    p.add_argument(
        "--item", type=Bounded(1, 999), metavar="N", help=_("the agenda item it belongs to (1 = first)")
    )
    p.add_argument("--section", choices=SECTION_KEYS, help=_("retrospective section (items 1-3)"))
    p = b.command(meeting_sub, "decide", cmd_meeting_decide, _("record a decision"))
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")
    p = b.command(
        meeting_sub,
        "action",
        cmd_meeting_action,
        _("record an action item; creates a card on the owner's board and prints its id"),
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--owner", required=True, metavar="HANDLE")
    p.add_argument("--due", required=True, metavar="DATE")
    p.add_argument("text", metavar="TEXT")
    p = b.command(meeting_sub, "end", cmd_meeting_end, _("end a meeting, optionally setting the follow-up"))
    p.add_argument("id", metavar="ID")
    p.add_argument(
        "--next", metavar="DATETIME", help=_("follow-up meeting, wall-clock in the meeting's zone")
    )
    p.add_argument(
        "--minutes",
        type=Bounded(1, MAX_MEETING_MINUTES),
        default=60,
        help=_("length of the follow-up (default 60)"),
    )
    p = b.command(
        meeting_sub, "reschedule-next", cmd_meeting_reschedule_next, _("move the follow-up meeting")
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("when", metavar="DATETIME", help=_("new time, wall-clock in the meeting's zone"))
    p.add_argument("--minutes", type=Bounded(1, MAX_MEETING_MINUTES), help=_("new length in minutes"))
    p = b.command(meeting_sub, "cancel-next", cmd_meeting_cancel_next, _("cancel the follow-up meeting"))
    p.add_argument("id", metavar="ID")
    b.json_flag(b.command(meeting_sub, "list", cmd_meeting_list, _("list meetings")))
    p = b.command(meeting_sub, "show", cmd_meeting_show, _("show a meeting's minutes"))
    p.add_argument("id", metavar="ID")
    b.json_flag(p)
    p = b.command(
        meeting_sub, "prep", cmd_meeting_prep, _("suggest an agenda from the boards; pick with start --pick")
    )
    p.add_argument(
        "--attendee", action="append", metavar="HANDLE", help=_("their departments' items (repeat)")
    )
    b.json_flag(p)
    p = b.command(meeting_sub, "outcome", cmd_meeting_outcome, _("end a milestone review with its outcome"))
    p.add_argument("id", metavar="ID")
    p.add_argument("outcome", choices=["passed", "conditions", "failed"])
    p.add_argument("--note", metavar="TEXT", help=_("conditions or reasons, recorded with the decision"))
