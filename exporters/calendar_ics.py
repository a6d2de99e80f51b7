"""iCalendar files: the follow-up meeting invite (and its cancellation), milestones, action items.

Pure: domain objects in, bytes out. UIDs and SEQUENCE numbers come from the domain objects (stored,
never regenerated); DTSTAMP is the ``now`` the caller passes. icalendar escapes TEXT values, so a
line break in a title stays inside SUMMARY and can never start a new property.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from domain.errors import ValidationError
from domain.i18n import _
from domain.models import Card, Meeting, MeetingStatus, Person
from domain.rules import is_done
from domain.text import clean_email
from exporters._text import display_name, index_people, wall_clock, xml_safe, zone_of
from exporters._vtimezone import build_vtimezone

PRODID = "-//Huddle//Huddle meeting minutes//EN"
VTIMEZONE_YEARS_AHEAD = 3
"""Years after the event scanned for zone changes; a yearly rule still in force then is left open."""
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
      (built from the zoneinfo database as yearly RRULE observances, see ``exporters._vtimezone``);
      a UTC meeting is written with ``Z`` times and no VTIMEZONE.
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


def render_milestones_ics(
    cards: Iterable[Card], *, calendar_name: str, now: datetime, organizer: Person | None = None
) -> bytes:
    """Milestones as all-day events (``METHOD:PUBLISH``) for importing into a calendar.

    Contract: one VEVENT per card with ``milestone`` set and a due date (other cards are skipped),
    ``DTSTART;VALUE=DATE`` = due, ``DTEND`` = the next day, ``TRANSP:TRANSPARENT``, UID = ``card.uid``,
    SEQUENCE = ``card.sequence``, ORGANIZER = ``organizer`` (see :func:`feed_organizer`), which
    RFC 5546 requires in a PUBLISH event. No milestones gives a valid calendar with no events.
    """
    calendar = _calendar("PUBLISH", calendar_name)
    publisher = feed_organizer(organizer, calendar_name)
    for card in cards:
        if card.milestone and card.due is not None:
            event = _milestone_event(card, now)
            event.add("organizer", publisher)
            calendar.add_component(event)
    return bytes(calendar.to_ical())


FEED_ADDRESS = "mailto:noreply@huddle.invalid"
"""ORGANIZER of a feed whose exporter has no address: ``.invalid`` (RFC 2606) can never be mailed."""


def feed_organizer(person: Person | None, calendar_name: str) -> vCalAddress:
    """The ORGANIZER of a PUBLISH feed: the person exporting it when they have an address, else
    :data:`FEED_ADDRESS` named after the calendar. iTIP checkers (libical) refuse PUBLISH without one."""
    if person is not None and person.email:
        return _address(person)
    address = vCalAddress(FEED_ADDRESS)
    address.params["CN"] = " ".join(xml_safe(calendar_name).split()) or "Huddle"
    return address


def action_uid(card: Card) -> str:
    """The UID of ``card`` in the action-item feed: derived from ``card.uid`` (so stable) but never
    equal to it, because the same card can also be a milestone, and a calendar that imports both
    feeds would let one event replace the other."""
    local, at, domain = card.uid.partition("@")
    return f"{local}-action{at}{domain}"


def render_actions_ics(
    cards: Iterable[Card],
    *,
    calendar_name: str,
    now: datetime,
    people: Iterable[Person] | Mapping[str, Person] = (),
    organizer: Person | None = None,
) -> bytes:
    """Action items as all-day events on their due date (``METHOD:PUBLISH``).

    Most calendars ignore VTODO, hence events. Contract: one VEVENT per card with a due date (cards
    without one are skipped); SUMMARY is the title, prefixed with "Done: " once the card is done;
    DESCRIPTION names the card id, owner, state and originating meeting; UID = :func:`action_uid`;
    ORGANIZER as in :func:`render_milestones_ics`.
    """
    by_handle = index_people(people)
    calendar = _calendar("PUBLISH", calendar_name)
    publisher = feed_organizer(organizer, calendar_name)
    for card in cards:
        if card.due is None:
            continue
        done = is_done(card)
        lines = [
            _("Card {id} ({dept})").format(id=card.id, dept=card.dept),
            _("State: {state}").format(state=_("done") if done else card.column),
        ]
        if card.owner:
            lines.append(_("Owner: {person}").format(person=display_name(card.owner, by_handle)))
        if card.meeting_id:
            lines.append(_("From meeting {id}").format(id=card.meeting_id))
        event = Event.new(
            uid=action_uid(card),
            stamp=now.astimezone(UTC),
            start=card.due,
            end=card.due + timedelta(days=1),
            organizer=publisher,
            summary=xml_safe(_("Done: {title}").format(title=card.title) if done else card.title),
            description="\n".join(lines),
            sequence=card.sequence,
            categories=[_("Action item")],
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
        summary=xml_safe(_("Milestone: {title}").format(title=card.title)),
        description=_("Card {id} ({dept})").format(id=card.id, dept=card.dept),
        sequence=card.sequence,
        categories=[_("Milestone")],
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
    if meeting.next_minutes < 1:
        raise ValidationError(
            f"the follow-up of {meeting.id} lasts {meeting.next_minutes} minutes; "
            "an event must end after it starts"
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
    description = _("Follow-up to {title} ({id}, {when} {zone}).").format(
        title=meeting.title, id=meeting.id, when=wall_clock(meeting.held_from, zone), zone=zone.key
    )
    if meeting.agenda:
        description += "\n" + _("Agenda:") + "\n" + "\n".join(f"- {item.title}" for item in meeting.agenda)
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
    """Start and end as wall-clock times in ``zone`` plus the VTIMEZONE they need (none for UTC).

    A time in the repeated hour of a fall-back that is its second occurrence (``fold=1``) cannot be
    written as a wall-clock time: RFC 5545 reads an ambiguous local time as the first occurrence.
    Such a start or end is written in UTC instead (``...Z``, which RFC 5545 allows beside a TZID
    start), so an hour-long meeting ending at 01:30 EST is never read as ending at 01:30 EDT, i.e.
    as zero-length. The input side refuses ambiguous starts (``domain.dates.parse_datetime``).
    """
    end = start + timedelta(minutes=minutes)
    if zone.key in _UTC_NAMES:
        return start.astimezone(UTC), end.astimezone(UTC), []
    local_start, local_end = (_unambiguous(moment, zone) for moment in (start, end))
    first_year = min(local_start.year, local_end.year) - 1
    last_year = max(local_start.year, local_end.year) + VTIMEZONE_YEARS_AHEAD
    return local_start, local_end, [build_vtimezone(zone.key, first_year, last_year)]


def _unambiguous(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` on ``zone``'s clock, or in UTC when that wall-clock time also means an earlier instant."""
    local = moment.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local
