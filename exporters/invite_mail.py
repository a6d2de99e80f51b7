"""The follow-up invite as an e-mail (RFC 6047, iMIP): ``build_invite_message(...) -> EmailMessage``.

Pure: builds the message; sending it over SMTP is the caller's business (``tui/delivery.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from domain.errors import ValidationError
from domain.models import Meeting, Person
from domain.text import clean_email
from exporters._text import index_people, offset_label, wall_clock, zone_of
from exporters.calendar_ics import followup_method, render_followup_ics

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def invite_recipients(meeting: Meeting, people: Mapping[str, Person], sender: str) -> list[Person]:
    """Attendees with an address, in meeting order, without the sender and without duplicates."""
    seen = {sender.casefold()}
    result = []
    for attendee in meeting.attendees:
        person = people.get(attendee.handle)
        if person is None or not person.email or person.email.casefold() in seen:
            continue
        seen.add(person.email.casefold())
        result.append(person)
    return result


def build_invite_message(
    meeting: Meeting,
    *,
    people: Iterable[Person] | Mapping[str, Person],
    sender: str,
    now: datetime,
    minutes: bytes | None = None,
    minutes_filename: str = "minutes.docx",
) -> EmailMessage:
    """The invite (or cancellation) of ``meeting``'s follow-up, ready for ``smtplib.send_message``.

    Contract:
    - Without minutes: ``multipart/alternative`` of ``text/plain`` and
      ``text/calendar; method=REQUEST; charset=utf-8`` (``method=CANCEL`` once cancelled), the
      calendar part being exactly ``render_followup_ics``. With minutes: ``multipart/mixed`` holding
      that alternative part and the .docx as an attachment named ``minutes_filename``.
    - From is the sender address with the chair's name; To lists every attendee with an address
      except the sender; Subject says "Invitation", "Updated invitation" (SEQUENCE > 0) or "Cancelled".
      Non-ASCII names and subjects are encoded by the e-mail package (RFC 2047/2231).
    - Message-ID is derived from the event UID, SEQUENCE and ``now``, so the result is deterministic.
    - Raises ValidationError for an address or display name that contains a line break or other
      header-injection character, and when nobody is left to invite.
    """
    by_handle = index_people(people)
    sender = clean_email(sender)
    chair = by_handle.get(meeting.organizer or "")
    recipients = invite_recipients(meeting, by_handle, sender)
    if not recipients:
        raise ValidationError(
            f"meeting {meeting.id} has no attendees with an e-mail address other than the sender"
        )
    ics = render_followup_ics(meeting, people=by_handle, now=now)
    method = followup_method(meeting)
    assert meeting.next_start is not None  # render_followup_ics refused otherwise

    zone = zone_of(meeting.tz)
    when = f"{wall_clock(meeting.next_start, zone)}–"
    when += (meeting.next_start + timedelta(minutes=meeting.next_minutes)).astimezone(zone).strftime("%H:%M")
    when += f" ({offset_label(meeting.next_start, zone)})"
    if method == "CANCEL":
        prefix = "Cancelled"
    elif meeting.next_sequence > 0:
        prefix = "Updated invitation"
    else:
        prefix = "Invitation"

    message = EmailMessage()
    message["Subject"] = _header_text(f"{prefix}: {meeting.title} @ {wall_clock(meeting.next_start, zone)}")
    message["From"] = _mailbox(chair.name if chair else "", sender)
    message["To"] = [_mailbox(p.name, p.email) for p in recipients]
    if chair is not None and chair.email and chair.email.casefold() != sender.casefold():
        message["Reply-To"] = _mailbox(chair.name, chair.email)
    message["Date"] = format_datetime(now)
    domain = sender.partition("@")[2]
    token = meeting.next_uid.split("@", 1)[0]
    message["Message-ID"] = f"<{token}.{meeting.next_sequence}.{int(now.timestamp())}@{domain}>"

    lines = [
        f"{meeting.title} is cancelled." if method == "CANCEL" else f"You are invited to {meeting.title}.",
        "",
        f"When:  {when}",
    ]
    if meeting.place:
        lines.append(f"Where: {meeting.place}")
    if chair is not None:
        lines.append(f"Chair: {chair.name} <{chair.email}>")
    names = [by_handle[a.handle].name for a in meeting.attendees if a.handle in by_handle]
    lines.append("Who:   " + ", ".join(names))
    lines += ["", f"Follow-up to {meeting.id} of {wall_clock(meeting.held_from, zone)}."]
    if minutes is not None:
        lines.append(f"The minutes are attached ({minutes_filename}).")
    message.set_content("\n".join(lines) + "\n")
    message.add_alternative(
        ics.decode("utf-8"), subtype="calendar", charset="utf-8", params={"method": method}
    )
    if minutes is not None:
        message.add_attachment(
            minutes, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=minutes_filename
        )
    return message


def _header_text(text: str) -> str:
    if "\r" in text or "\n" in text:
        raise ValidationError("a mail header cannot contain a line break")
    return text


def _mailbox(name: str, address: str) -> Address:
    """A mailbox whose name and address cannot smuggle another header in."""
    email = clean_email(address)
    local, _, domain = email.partition("@")
    return Address(display_name=_header_text(name), username=local, domain=domain)
