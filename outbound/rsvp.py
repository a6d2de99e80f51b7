"""RSVP intake from saved files: ``huddle rsvp import FILE...`` (.ics or .eml, as a mail client saves them).

Every file is read and parsed before anything is stored, so one unreadable file changes nothing.
A file without a reply in it, and a reply that matches no meeting or attendee, are reported
lines, not errors: people forward all sorts of mail to the chair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.models import RsvpReply
from domain.services import Services
from domain.services.rsvp import RsvpOutcome
from domain.text import printable

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A reply is a few kilobytes; a larger file (a mail with big attachments) is still read up to this."""


@dataclass(frozen=True, slots=True)
class RsvpReport:
    """What a read of replies did: one outcome per reply, plus notes about sources without replies."""

    outcomes: tuple[RsvpOutcome, ...]
    notes: tuple[str, ...] = ()
    """Sources without replies, in English (``--json``)."""
    shown_notes: tuple[str, ...] = ()
    """The same in the current language (the report's lines); empty: ``notes`` as they are."""

    def lines(self) -> list[str]:
        lines = [o.line() for o in self.outcomes] + list(self.shown_notes or self.notes)
        recorded = sum(1 for o in self.outcomes if o.result == "recorded")
        unmatched = sum(1 for o in self.outcomes if o.result == "unmatched")
        lines.append(
            _("{recorded} answer(s) recorded, {unmatched} unmatched, {n} reply(ies) read").format(
                recorded=recorded, unmatched=unmatched, n=len(self.outcomes)
            )
        )
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "replies": [
                {
                    "meeting": o.meeting_id,
                    "handle": o.handle,
                    "email": o.reply.email,
                    "status": o.reply.status.value,
                    "sequence": o.reply.sequence,
                    "result": o.result,
                    "detail": o.detail,
                    "source": o.reply.source,
                }
                for o in self.outcomes
            ],
            "notes": list(self.notes),
        }


def import_files(services: Services, paths: Sequence[Path]) -> RsvpReport:
    """Read the replies in ``paths`` and record them; a file that cannot be read is a ValidationError."""
    from outbound.itip import parse_replies

    replies: list[RsvpReply] = []
    notes: list[str] = []
    shown: list[str] = []
    for path in paths:
        name = printable(str(path))
        found = parse_replies(read_reply_file(path), name)
        if not found:
            template = N_("{name}: no calendar reply (METHOD:REPLY) in it")
            notes.append(template.format(name=name))
            shown.append(_(template).format(name=name))
        replies += found
    outcomes = tuple(services.rsvp.record_replies(replies)) if replies else ()
    return RsvpReport(outcomes, tuple(notes), tuple(shown))


def read_reply_file(path: Path) -> bytes:
    """The bytes of a saved reply; missing, unreadable, folder or oversized files are ValidationErrors."""
    name = printable(str(path))
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise ValidationError(
            _("{name} is a folder, not a saved reply (.ics or .eml)").format(name=name)
        ) from None
    except OSError as exc:
        raise ValidationError(
            _("cannot read {name}: {value}").format(name=name, value=exc.strerror or exc)
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            _("{name} is larger than {value} MB; not a reply").format(
                name=name, value=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    return data
