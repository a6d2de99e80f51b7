"""What the meeting screens show, as plain values (no Textual): times in the meeting's zone, the list of
meetings by series, the side panel of one meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.dates import format_moment, get_zone
from domain.i18n import _, ngettext, pgettext
from domain.models import Meeting, MeetingKind, MeetingStatus, Person
from domain.rules import rsvp_counts, rsvp_summary


def when_text(moment: datetime, zone_name: str) -> str:
    """``Wed 2 Dec 2026 10:00 Asia/Shanghai`` / ``2026年12月2日 周三 10:00 Asia/Shanghai``: a time as
    people in the meeting read it (with the year and the zone)."""
    return _("{moment} {zone}").format(moment=format_moment(moment, get_zone(zone_name)), zone=zone_name)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the meetings list; the screen draws the text literally."""

    text: str
    id: str | None = None
    """The option id (a meeting id, or ``next:ID`` for an upcoming follow-up); None for a heading."""


def short_when(moment: datetime, zone_name: str) -> str:
    """``Wed 2 Dec 10:00`` / ``12月2日 周三 10:00``: a time in the meeting's zone, short enough for a
    list row (never the year)."""
    zone = get_zone(zone_name)
    return format_moment(moment, zone, today=moment.astimezone(zone).date())


def status_text(status: MeetingStatus) -> str:
    """A meeting's status as shown; the stored value stays ``planned``/``live``/``ended``."""
    texts = {
        MeetingStatus.PLANNED: pgettext("meeting status", "planned"),
        MeetingStatus.LIVE: pgettext("meeting status", "live"),
        MeetingStatus.ENDED: pgettext("meeting status", "ended"),
    }
    return texts.get(status, status.value)


def series_key(meeting: Meeting) -> str:
    """The series a meeting belongs to: its series name, else its title."""
    return meeting.series or meeting.title


def kind_lines(meeting: Meeting) -> list[str]:
    """A review's milestone and outcome, or a retrospective's nature, for the side panel."""
    if meeting.kind == MeetingKind.REVIEW:
        outcome = meeting.outcome.value if meeting.outcome else _("not recorded yet (o records it)")
        return [_("Review of milestone {id}: {outcome}").format(id=meeting.milestone_id, outcome=outcome)]
    if meeting.kind == MeetingKind.RETRO:
        return [_("Retrospective: items 1-3 are its sections")]
    return []


def meeting_detail(meeting: Meeting, people: dict[str, Person]) -> str:
    """The side panel for the highlighted meeting."""
    names = [people[a.handle].name if a.handle in people else a.handle for a in meeting.attendees]
    comma = pgettext("list separator", ", ")
    lines = [
        f"{meeting.id} {meeting.title}",
        _("Series: {series}").format(series=meeting.series or "—"),
        _("Starts: {when}").format(when=when_text(meeting.start, meeting.tz)),
        _("Status: {status}").format(status=status_text(meeting.status)),
        *kind_lines(meeting),
        _("Attendees: {names}").format(names=comma.join(names) or "—"),
        "",
        _("Agenda:"),
        *(
            _("  {n}. {title} ({minutes} min)").format(n=i + 1, title=a.title, minutes=a.minutes)
            + (f"  [{', '.join(a.refs)}]" if a.refs else "")
            for i, a in enumerate(meeting.agenda)
        ),
        "",
        _("{entries} · {decisions} · {actions}").format(
            entries=ngettext("{n} entry", "{n} entries", len(meeting.notes)).format(n=len(meeting.notes)),
            decisions=ngettext("{n} decision", "{n} decisions", len(meeting.decisions)).format(
                n=len(meeting.decisions)
            ),
            actions=ngettext("{n} action", "{n} actions", len(meeting.actions)).format(
                n=len(meeting.actions)
            ),
        ),
    ]
    if meeting.carried_over:
        lines.append(_("Carried over: {ids}").format(ids=", ".join(meeting.carried_over)))
    if meeting.next_start:
        when = when_text(meeting.next_start, meeting.tz)
        if meeting.next_cancelled:
            lines.append(_("Next: {when} (cancelled)").format(when=when))
        else:
            lines.append(_("Next: {when}").format(when=when))
        if rsvp_counts(meeting):
            lines.append(_("Replies: {replies}").format(replies=rsvp_summary(meeting)))
    return "\n".join(lines)


def meeting_rows(meetings: Sequence[Meeting]) -> list[ListRow]:
    """The list: live meetings, upcoming follow-ups, then every series with its meetings, newest first."""
    options: list[ListRow] = []
    live = [m for m in meetings if m.status == MeetingStatus.LIVE]
    if live:
        options.append(ListRow(_("Live now")))
        for m in live:
            text = _("  ● {id} {title} · started {when}").format(
                id=f"{m.id:<5}", title=m.title, when=short_when(m.held_from, m.tz)
            )
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
        options.append(ListRow(_("Upcoming")))
        for when, m in sorted(upcoming, key=lambda pair: pair[0]):
            text = _("  ○ {series} · {when} (after {id}; enter starts it)").format(
                series=series_key(m), when=short_when(when, m.tz), id=m.id
            )
            if replies := rsvp_counts(m):
                text += f" · {replies}"
            options.append(ListRow(text, f"next:{m.id}"))
    by_series: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.status != MeetingStatus.LIVE:
            by_series[series_key(meeting)].append(meeting)
    for series, items in sorted(by_series.items(), key=lambda kv: -max(m.start.timestamp() for m in kv[1])):
        options.append(ListRow(_("Series: {series}").format(series=series)))
        for m in sorted(items, key=lambda m: m.start, reverse=True):
            counts = _("{decided}, {actions}").format(
                decided=ngettext("{n} decided", "{n} decided", len(m.decisions)).format(n=len(m.decisions)),
                actions=ngettext("{n} action", "{n} actions", len(m.actions)).format(n=len(m.actions)),
            )
            text = f"    {m.id:<5} {short_when(m.held_from, m.tz)} · {status_text(m.status)} · {counts}"
            options.append(ListRow(text, m.id))
    return options
