"""What the meeting screens show, as plain values (no Textual): times in the meeting's zone, the list of
meetings by series, the side panel of one meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.dates import get_zone
from domain.models import Meeting, MeetingKind, MeetingStatus, Person
from domain.rules import rsvp_counts, rsvp_summary


def when_text(moment: datetime, zone_name: str) -> str:
    """``Wed 02 Dec 2026 10:00 Asia/Shanghai``: a time as people in the meeting read it."""
    return f"{moment.astimezone(get_zone(zone_name)):%a %d %b %Y %H:%M} {zone_name}"


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the meetings list; the screen draws the text literally."""

    text: str
    id: str | None = None
    """The option id (a meeting id, or ``next:ID`` for an upcoming follow-up); None for a heading."""


def short_when(moment: datetime, zone_name: str) -> str:
    """``Wed 02 Dec 10:00``: a time in the meeting's zone, short enough for a list row."""
    return f"{moment.astimezone(get_zone(zone_name)):%a %d %b %H:%M}"


def series_key(meeting: Meeting) -> str:
    """The series a meeting belongs to: its series name, else its title."""
    return meeting.series or meeting.title


def kind_lines(meeting: Meeting) -> list[str]:
    """A review's milestone and outcome, or a retrospective's nature, for the side panel."""
    if meeting.kind == MeetingKind.REVIEW:
        outcome = meeting.outcome.value if meeting.outcome else "not recorded yet (o records it)"
        return [f"Review of milestone {meeting.milestone_id}: {outcome}"]
    if meeting.kind == MeetingKind.RETRO:
        return ["Retrospective: items 1-3 are its sections"]
    return []


def meeting_detail(meeting: Meeting, people: dict[str, Person]) -> str:
    """The side panel for the highlighted meeting."""
    names = [people[a.handle].name if a.handle in people else a.handle for a in meeting.attendees]
    lines = [
        f"{meeting.id} {meeting.title}",
        f"Series: {meeting.series or '—'}",
        f"Starts: {when_text(meeting.start, meeting.tz)}",
        f"Status: {meeting.status.value}",
        *kind_lines(meeting),
        f"Attendees: {', '.join(names) or '—'}",
        "",
        "Agenda:",
        *(
            f"  {i + 1}. {a.title} ({a.minutes} min)" + (f"  [{', '.join(a.refs)}]" if a.refs else "")
            for i, a in enumerate(meeting.agenda)
        ),
        "",
        f"{len(meeting.notes)} entries · {len(meeting.decisions)} decisions · {len(meeting.actions)} actions",
    ]
    if meeting.carried_over:
        lines.append(f"Carried over: {', '.join(meeting.carried_over)}")
    if meeting.next_start:
        cancelled = " (cancelled)" if meeting.next_cancelled else ""
        lines.append(f"Next: {when_text(meeting.next_start, meeting.tz)}{cancelled}")
        if rsvp_counts(meeting):
            lines.append(f"Replies: {rsvp_summary(meeting)}")
    return "\n".join(lines)


def meeting_rows(meetings: Sequence[Meeting]) -> list[ListRow]:
    """The list: live meetings, upcoming follow-ups, then every series with its meetings, newest first."""
    options: list[ListRow] = []
    live = [m for m in meetings if m.status == MeetingStatus.LIVE]
    if live:
        options.append(ListRow("Live now"))
        for m in live:
            text = f"  ● {m.id:<5} {m.title} · started {short_when(m.held_from, m.tz)}"
            options.append(ListRow(text, m.id))
    latest: dict[str, Meeting] = {}
    for meeting in meetings:
        latest[series_key(meeting)] = meeting
    upcoming = [
        (m.next_start, m)
        for m in latest.values()
        if m.status == MeetingStatus.ENDED and m.next_start is not None and not m.next_cancelled
    ]
    if upcoming:
        options.append(ListRow("Upcoming"))
        for when, m in sorted(upcoming, key=lambda pair: pair[0]):
            text = f"  ○ {series_key(m)} · {short_when(when, m.tz)} (after {m.id}; enter starts it)"
            if replies := rsvp_counts(m):
                text += f" · {replies}"
            options.append(ListRow(text, f"next:{m.id}"))
    by_series: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.status != MeetingStatus.LIVE:
            by_series[series_key(meeting)].append(meeting)
    for series, items in sorted(by_series.items(), key=lambda kv: -max(m.start.timestamp() for m in kv[1])):
        options.append(ListRow(f"Series: {series}"))
        for m in sorted(items, key=lambda m: m.start, reverse=True):
            counts = f"{len(m.decisions)} decided, {len(m.actions)} actions"
            text = f"    {m.id:<5} {short_when(m.held_from, m.tz)} · {m.status.value} · {counts}"
            options.append(ListRow(text, m.id))
    return options
