"""Reading attendees' answers (iTIP ``METHOD:REPLY``, RFC 5546 3.2.3) out of .ics files and e-mails.

Pure: bytes in, ``RsvpReply`` values out; matching them to meetings is ``RsvpService``'s job. A
calendar client answers an invite with an iMIP mail (RFC 6047) whose ``text/calendar`` part (or
``.ics`` attachment) holds the REPLY: one VEVENT with the invite's UID and SEQUENCE, a DTSTAMP and
the answering ATTENDEE with its PARTSTAT. Everything else (invites, cancellations, ordinary mail)
yields no replies, never an error; only bytes that claim to be a calendar and cannot be read are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.errors import ValidationError
from domain.i18n import _
from domain.models import RsvpReply, RsvpStatus

PARTSTATS = {
    "ACCEPTED": RsvpStatus.ACCEPTED,
    "DECLINED": RsvpStatus.DECLINED,
    "TENTATIVE": RsvpStatus.TENTATIVE,
    "NEEDS-ACTION": RsvpStatus.NO_ANSWER,
}
"""PARTSTAT values an answer can carry; DELEGATED and the rest are not an answer Huddle shows."""
CALENDAR_TYPES = ("text/calendar", "application/ics")
MAX_ADDRESS = 254


def is_calendar(data: bytes) -> bool:
    """True when ``data`` is iCalendar text (after an optional byte-order mark and blank lines)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def parse_replies(data: bytes, source: str) -> list[RsvpReply]:
    """Every reply in ``data``: an iCalendar file, or an e-mail with calendar parts or attachments.

    Contract: only ``METHOD:REPLY`` calendars count; each ATTENDEE with an answer PARTSTAT and a
    ``mailto:`` address gives one reply, with the VEVENT's UID, SEQUENCE (0 when absent) and DTSTAMP
    (UTC, None when absent). The same reply found twice in one mail (inline part and attachment)
    is returned once. Raises ValidationError naming ``source`` for calendar text that does not parse.
    """
    if is_calendar(data):
        return _unique(_from_calendar(data, source))
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    replies: list[RsvpReply] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith(".ics"):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload.strip():
            replies += _from_calendar(payload, source)
    return _unique(replies)


def _from_calendar(data: bytes, source: str) -> list[RsvpReply]:
    from icalendar import Calendar

    try:
        calendars: Any = Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValidationError(
            _("{source}: not a readable iCalendar file ({exc})").format(source=source, exc=exc)
        ) from None
    if not calendars:
        # icalendar returns nothing for text whose components are never closed (a cut-off file).
        raise ValidationError(
            _("{source}: not a readable iCalendar file (it is cut off or has no END:VCALENDAR)").format(
                source=source
            )
        )
    replies: list[RsvpReply] = []
    for calendar in calendars:
        if str(calendar.get("METHOD", "")).strip().upper() != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            replies += _from_event(event, source)
    return replies


def _from_event(event: Any, source: str) -> list[RsvpReply]:
    uid = str(event.get("UID", "")).strip()
    if not uid:
        return []
    try:
        sequence = int(str(event.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    stamp = _stamp(event.get("DTSTAMP"))
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    replies = []
    for attendee in attendees:
        status = PARTSTATS.get(str(attendee.params.get("PARTSTAT", "")).upper())
        address = str(attendee)
        if address[:7].lower() == "mailto:":
            address = address[7:]
        address = address.strip()
        if status is None or "@" not in address or len(address) > MAX_ADDRESS:
            continue
        replies.append(RsvpReply(uid, address, status, max(sequence, 0), stamp, source))
    return replies


def _stamp(prop: Any) -> datetime | None:
    value = getattr(prop, "dt", None)
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _unique(replies: list[RsvpReply]) -> list[RsvpReply]:
    seen: set[tuple[object, ...]] = set()
    result = []
    for reply in replies:
        key = (reply.uid, reply.email.casefold(), reply.status, reply.sequence, reply.stamp)
        if key not in seen:
            seen.add(key)
            result.append(reply)
    return result
