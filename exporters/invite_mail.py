"""The follow-up invite as an e-mail (RFC 6047, iMIP): ``build_invite_message(...) -> EmailMessage``.

Pure: builds the message; sending it over SMTP is the caller's business (``outbound/delivery.py``).
"""

from __future__ import annotations

import email.policy
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from domain.errors import ValidationError
from domain.i18n import _, pgettext
from domain.models import Meeting, Person
from domain.text import clean_email
from exporters._text import index_people, offset_label, wall_clock, zone_of
from exporters.calendar_ics import followup_method, render_followup_ics

POLICY = email.policy.default.clone(refold_source="none")
"""The default policy, except that header lines set raw are written as they are (see
:func:`_name_for_every_client`); headers set the ordinary way are folded as usual."""
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def invite_recipients(meeting: Meeting, people: Mapping[str, Person], sender: str) -> list[Person]:
    """Attendees with an address, in meeting order, without duplicates, without the sender and
    without the chair: the chair sends the invite and is its ORGANIZER, so mailing it to them too
    (when the sender is a shared robot address) would put a second, unanswerable copy in their calendar."""
    seen = {sender.casefold()}
    chair = people.get(meeting.organizer or "")
    if chair is not None and chair.email:
        seen.add(chair.email.casefold())
    result = []
    for attendee in meeting.attendees:
        if attendee.handle == meeting.organizer:
            continue
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
      except the sender and the chair; Subject says "Invitation", "Updated invitation" (SEQUENCE > 0)
      or "Cancelled"; subject and body are in the current language (domain.i18n). Non-ASCII names
      and subjects are encoded by the e-mail package (RFC 2047).
    - The message is 7-bit clean, so any relay takes it without ``BODY=8BITMIME``: a text part that
      is not ASCII is quoted-printable, the attachment base64.
    - The attachment is named twice, for every mail client: RFC 2231 ``filename*`` on
      Content-Disposition (Thunderbird, Gmail, Apple Mail) and an RFC 2047 encoded ``name=`` on
      Content-Type (Outlook over POP/IMAP and QQ Mail ignore RFC 2231 and would show "Untitled
      attachment" or a ``.bin``).
    - Message-ID is ``email.utils.make_msgid`` on the sender's domain: unique even for two sends in
      the same second (the old UID+SEQUENCE+seconds form repeated).
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
        subject = _("Cancelled: {title} @ {when}")
    elif meeting.next_sequence > 0:
        subject = _("Updated invitation: {title} @ {when}")
    else:
        subject = _("Invitation: {title} @ {when}")

    message = EmailMessage(policy=POLICY)
    subject = subject.format(title=meeting.title, when=wall_clock(meeting.next_start, zone))
    message["Subject"] = _header_text(subject)
    message["From"] = _mailbox(chair.name if chair else "", sender)
    message["To"] = [_mailbox(p.name, p.email) for p in recipients]
    if chair is not None and chair.email and chair.email.casefold() != sender.casefold():
        message["Reply-To"] = _mailbox(chair.name, chair.email)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(
        idstring=f"{meeting.id}.{meeting.next_sequence}", domain=sender.partition("@")[2]
    )

    lines = [
        (_("{title} is cancelled.") if method == "CANCEL" else _("You are invited to {title}.")).format(
            title=meeting.title
        ),
        "",
        _("When:  {when}").format(when=when),
    ]
    if meeting.place:
        lines.append(_("Where: {place}").format(place=meeting.place))
    if chair is not None:
        lines.append(_("Chair: {name} <{email}>").format(name=chair.name, email=chair.email))
    names = [by_handle[a.handle].name for a in meeting.attendees if a.handle in by_handle]
    lines.append(_("Who:   {names}").format(names=pgettext("list separator", ", ").join(names)))
    lines += [
        "",
        _("Follow-up to {id} of {when}.").format(id=meeting.id, when=wall_clock(meeting.held_from, zone)),
    ]
    if minutes is not None:
        lines.append(_("The minutes are attached ({filename}).").format(filename=minutes_filename))
    body = "\n".join(lines) + "\n"
    message.set_content(body, cte=_text_cte(body))
    calendar_text = ics.decode("utf-8")
    message.add_alternative(
        calendar_text,
        subtype="calendar",
        charset="utf-8",
        cte=_text_cte(calendar_text),
        params={"method": method},
    )
    if minutes is not None:
        message.add_attachment(
            minutes, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=minutes_filename
        )
        *_others, attachment = message.iter_attachments()
        assert isinstance(attachment, EmailMessage)
        _name_for_every_client(attachment, minutes_filename)
    return message


def _text_cte(text: str) -> str:
    """``7bit`` for ASCII text, else ``quoted-printable`` (any relay passes it; no 8BITMIME needed)."""
    return "7bit" if text.isascii() else "quoted-printable"


def _name_for_every_client(part: EmailMessage, filename: str) -> None:
    """Name the attachment both ways: RFC 2231 ``filename*`` and an RFC 2047 ``name=``.

    Written as raw, pre-folded header lines (``set_raw``; :data:`POLICY` emits raw lines as they
    are): the e-mail package would otherwise decode the encoded word inside the quoted ``name``
    when it folds the header and turn it back into RFC 2231, which is what Outlook and QQ Mail
    cannot read. Continuation lines stay under 78 characters (the first holds the media type,
    which cannot be folded). An ASCII name is written plainly in both places.
    """
    if filename.isascii() and filename.isprintable():
        plain = filename.replace("\\", "\\\\").replace('"', '\\"')
        name, disposition = plain, f'filename="{plain}"'
    else:
        name = "\n ".join(Header(filename, "utf-8", header_name="Content-Type").encode(maxlinelen=76).split())
        # Continuations end on whole characters: some readers decode each piece on its own.
        chunks = [""]
        for char in filename:
            piece = quote(char, safe="")
            if len(chunks[-1]) + len(piece) > 54:
                chunks.append("")
            chunks[-1] += piece
        if len(chunks) == 1:
            disposition = f"filename*=utf-8''{chunks[0]}"
        else:
            pieces = [f"filename*{n}*={chunk}" for n, chunk in enumerate(chunks)]
            pieces[0] = f"filename*0*=utf-8''{chunks[0]}"
            disposition = ";\n ".join(pieces)
    del part["Content-Type"], part["Content-Disposition"]
    part.set_raw("Content-Type", f'{"/".join(DOCX_TYPE)};\n name="{name}"')
    part.set_raw("Content-Disposition", f"attachment;\n {disposition}")


def _header_text(text: str) -> str:
    if "\r" in text or "\n" in text:
        raise ValidationError("a mail header cannot contain a line break")
    return text


def _mailbox(name: str, address: str) -> Address:
    """A mailbox whose name and address cannot smuggle another header in."""
    email = clean_email(address)
    local, _at, domain = email.partition("@")
    return Address(display_name=_header_text(name), username=local, domain=domain)
