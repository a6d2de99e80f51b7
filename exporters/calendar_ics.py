"""iCalendar files: the follow-up meeting invite (and its cancellation), milestones, action items.

Pure: domain objects in, bytes out. UIDs and SEQUENCE numbers come from the domain objects (stored,
never regenerated); DTSTAMP is the ``now`` the caller passes. icalendar escapes TEXT values, so a
line break in a title stays inside SUMMARY and can never start a new property.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from domain.errors import ValidationError
from domain.models import Card, Meeting, MeetingStatus, Person
from domain.rules import is_done
from domain.text import clean_email
from exporters._text import display_name, index_people, wall_clock, xml_safe, zone_of

PRODID = "-//Huddle//Huddle meeting minutes//EN"
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"})


@dataclass(frozen=True, slots=True)
class CalendarObject:
    """One CalDAV calendar object resource: a VCALENDAR holding one event (and its VTIMEZONE)."""

    uid: str
    data: bytes
    summary: str


def followup_method(meeting: Meeting) -> str:
    """``CANCEL`` for a cancelled follow-up meeting, else ``REQUEST``."""
    return "CANCEL" if meeting.next_cancelled else "REQUEST"


def render_followup_ics(
    meeting: Meeting, *, people: Iterable[Person] | Mapping[str, Person], now: datetime
) -> bytes:
    """The iTIP message (RFC 5546) for the follow-up meeting set when ``meeting`` ended.

    Contract:
    - ``METHOD:REQUEST`` with one VEVENT; when the follow-up is cancelled, ``METHOD:CANCEL`` with
      ``STATUS:CANCELLED``. UID is ``meeting.next_uid`` and SEQUENCE ``meeting.next_sequence`` (the
      service raises it on reschedule and cancel), so calendars update the event they already have.
    - DTSTART/DTEND carry ``TZID=<meeting.tz>`` and the calendar holds the matching VTIMEZONE
      (built from the zoneinfo database, covering the year before to two years after); a UTC meeting
      is written with ``Z`` times and no VTIMEZONE.
    - ORGANIZER is the chair; every attendee with an address is an ATTENDEE with ``RSVP=TRUE``
      and ``PARTSTAT=NEEDS-ACTION`` (the chair: ``ROLE=CHAIR``, ``PARTSTAT=ACCEPTED``).
    - Raises ValidationError when there is no follow-up meeting, no chair with an e-mail address,
      or an address that could inject a header or property.
    """
    event, timezones = _followup_event(meeting, index_people(people), now)
    calendar = _calendar(followup_method(meeting))
    for tz in timezones:
        calendar.add_component(tz)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def render_milestones_ics(cards: Iterable[Card], *, calendar_name: str, now: datetime) -> bytes:
    """Milestones as all-day events (``METHOD:PUBLISH``) for importing into a calendar.

    Contract: one VEVENT per card with ``milestone`` set and a due date (other cards are skipped),
    ``DTSTART;VALUE=DATE`` = due, ``DTEND`` = the next day, ``TRANSP:TRANSPARENT``, UID = ``card.uid``,
    SEQUENCE = ``card.sequence``. No milestones gives a valid calendar with no events.
    """
    calendar = _calendar("PUBLISH", calendar_name)
    for card in cards:
        if card.milestone and card.due is not None:
            calendar.add_component(_milestone_event(card, now))
    return bytes(calendar.to_ical())


def render_actions_ics(
    cards: Iterable[Card],
    *,
    calendar_name: str,
    now: datetime,
    people: Iterable[Person] | Mapping[str, Person] = (),
) -> bytes:
    """Action items as all-day events on their due date (``METHOD:PUBLISH``).

    Most calendars ignore VTODO, hence events. Contract: one VEVENT per card with a due date (cards
    without one are skipped); SUMMARY is the title, prefixed with "Done: " once the card is done;
    DESCRIPTION names the card id, owner, state and originating meeting; UID = ``card.uid``.
    """
    by_handle = index_people(people)
    calendar = _calendar("PUBLISH", calendar_name)
    for card in cards:
        if card.due is None:
            continue
        done = is_done(card)
        lines = [f"Card {card.id} ({card.dept})", f"State: {'done' if done else card.column}"]
        if card.owner:
            lines.append(f"Owner: {display_name(card.owner, by_handle)}")
        if card.meeting_id:
            lines.append(f"From meeting {card.meeting_id}")
        event = Event.new(
            uid=card.uid,
            stamp=now.astimezone(UTC),
            start=card.due,
            end=card.due + timedelta(days=1),
            summary=xml_safe(("Done: " if done else "") + card.title),
            description="\n".join(lines),
            sequence=card.sequence,
            categories=["Action item"],
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def render_calendar_objects(
    *,
    meetings: Iterable[Meeting],
    milestones: Iterable[Card],
    people: Iterable[Person] | Mapping[str, Person],
    now: datetime,
) -> list[CalendarObject]:
    """One calendar object resource per follow-up meeting and milestone, for a CalDAV PUT each.

    Contract: no METHOD (RFC 4791 forbids it in stored objects), exactly one VEVENT per object plus
    its VTIMEZONE; a cancelled follow-up is kept with ``STATUS:CANCELLED`` so a re-push updates it.
    Meetings without a follow-up and cards that are not dated milestones are skipped. A follow-up
    whose chair has no address is skipped too, rather than failing the whole push.
    """
    by_handle = index_people(people)
    objects: list[CalendarObject] = []
    for meeting in meetings:
        if meeting.next_start is None:
            continue
        try:
            event, timezones = _followup_event(meeting, by_handle, now)
        except ValidationError:
            continue
        objects.append(_object(event, timezones))
    for card in milestones:
        if card.milestone and card.due is not None:
            objects.append(_object(_milestone_event(card, now), []))
    return objects


def _object(event: Event, timezones: list[Timezone]) -> CalendarObject:
    calendar = _calendar(None)
    for tz in timezones:
        calendar.add_component(tz)
    calendar.add_component(event)
    return CalendarObject(str(event["UID"]), bytes(calendar.to_ical()), str(event["SUMMARY"]))


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    """A VCALENDAR without the random calendar UID that ``Calendar.new()`` would add."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        one_line = " ".join(xml_safe(name).split())
        calendar.add("name", one_line)
        calendar.add("x-wr-calname", one_line)
    return calendar


def _milestone_event(card: Card, now: datetime) -> Event:
    assert card.due is not None
    event = Event.new(
        uid=card.uid,
        stamp=now.astimezone(UTC),
        start=card.due,
        end=card.due + timedelta(days=1),
        summary=xml_safe(f"Milestone: {card.title}"),
        description=f"Card {card.id} ({card.dept})",
        sequence=card.sequence,
        categories=["Milestone"],
    )
    event.add("transp", "TRANSPARENT")
    return event


def _address(person: Person) -> vCalAddress:
    """``mailto:`` address of ``person``; an address with line breaks or separators is refused."""
    address = vCalAddress(f"mailto:{clean_email(person.email)}")
    address.params["CN"] = xml_safe(person.name).replace("\n", " ")
    return address


def _followup_event(
    meeting: Meeting, people: Mapping[str, Person], now: datetime
) -> tuple[Event, list[Timezone]]:
    if meeting.next_start is None:
        hint = (
            ""
            if meeting.status == MeetingStatus.ENDED
            else f" (set one with 'meeting end {meeting.id} --next')"
        )
        raise ValidationError(f"meeting {meeting.id} has no follow-up meeting{hint}")
    chair = people.get(meeting.organizer or "")
    if chair is None or not chair.email:
        raise ValidationError(
            f"meeting {meeting.id} has no chair with an e-mail address; an invite needs one"
        )
    zone = zone_of(meeting.tz)
    start, end, timezones = _zoned(meeting.next_start, meeting.next_minutes, zone)
    organizer = _address(chair)
    attendees = []
    for attendee in meeting.attendees:
        person = people.get(attendee.handle)
        if person is None or not person.email:
            continue
        address = _address(person)
        address.params["CUTYPE"] = "INDIVIDUAL"
        if person.handle == chair.handle:
            address.params["ROLE"] = "CHAIR"
            address.params["PARTSTAT"] = "ACCEPTED"
        else:
            address.params["ROLE"] = "REQ-PARTICIPANT"
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
        attendees.append(address)
    description = (
        f"Follow-up to {meeting.title} ({meeting.id}, {wall_clock(meeting.held_from, zone)} {zone.key})."
    )
    if meeting.agenda:
        description += "\nAgenda:\n" + "\n".join(f"- {item.title}" for item in meeting.agenda)
    kwargs: dict[str, Any] = {}
    if meeting.place:
        kwargs["location"] = xml_safe(meeting.place)
    event = Event.new(
        uid=meeting.next_uid,
        stamp=now.astimezone(UTC),
        start=start,
        end=end,
        summary=xml_safe(meeting.title),
        description=xml_safe(description),
        sequence=meeting.next_sequence,
        organizer=organizer,
        attendees=attendees,
        **kwargs,
    )
    event.add("status", "CANCELLED" if meeting.next_cancelled else "CONFIRMED")
    return event, timezones


def _zoned(start: datetime, minutes: int, zone: ZoneInfo) -> tuple[datetime, datetime, list[Timezone]]:
    """Start and end as wall-clock times in ``zone`` plus the VTIMEZONE they need (none for UTC)."""
    end = start + timedelta(minutes=minutes)
    if zone.key in _UTC_NAMES:
        return start.astimezone(UTC), end.astimezone(UTC), []
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    timezone = Timezone.from_tzinfo(
        zone,
        tzid=zone.key,
        first_date=date(local_start.year - 1, 1, 1),
        last_date=date(local_end.year + 2, 1, 1),
    )
    return local_start, local_end, [timezone]
