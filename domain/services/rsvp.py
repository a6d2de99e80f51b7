"""RSVP: attendees' replies (METHOD:REPLY) to the follow-up invite, matched to meetings and stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.i18n import N_, _, pgettext
from domain.models import Meeting, Person, RsvpAnswer, RsvpReply
from domain.rules import reply_supersedes, rsvp_status_text
from domain.services.base import Service
from domain.text import printable


@dataclass(frozen=True, slots=True)
class RsvpOutcome:
    """What became of one reply: ``recorded``, ``unchanged``, ``outdated`` or ``unmatched``."""

    reply: RsvpReply
    result: str
    meeting_id: str | None = None
    handle: str | None = None
    detail: str = ""
    """Why, in English (``--json`` writes it so in every language)."""
    template: str = ""
    """``detail``'s message id, translated for :meth:`line`, with ``values`` as its fields."""
    values: tuple[tuple[str, object], ...] = ()

    def line(self) -> str:
        """One line for the report, such as ``M-1 @bob accepted (reply.eml)``, in the current language."""
        where = printable(self.reply.source)
        status = rsvp_status_text(self.reply.status)
        detail = _(self.template).format(**dict(self.values)) if self.template else self.detail
        if self.result == "unmatched":
            return _("unmatched: {email} {status} ({where}): {detail}").format(
                email=printable(self.reply.email), status=status, where=where, detail=detail
            )
        text = _("{meeting} @{handle} {status} ({where})").format(
            meeting=self.meeting_id, handle=self.handle, status=status, where=where
        )
        if self.result == "recorded":
            return text
        results = {
            "unchanged": pgettext("rsvp result", "unchanged"),
            "outdated": pgettext("rsvp result", "outdated"),
        }
        return _("{line}: {result}, {detail}").format(
            line=text, result=results.get(self.result, self.result), detail=detail
        )


def _outcome(
    reply: RsvpReply, result: str, meeting_id: str | None, handle: str | None, template: str, **values: object
) -> RsvpOutcome:
    """An outcome whose detail is ``template`` (an ``N_`` message) with ``values``, kept in English."""
    return RsvpOutcome(
        reply, result, meeting_id, handle, template.format(**values), template, tuple(values.items())
    )


class RsvpService(Service):
    """Records replies; a reply that matches no meeting or attendee is reported, never an error."""

    def record_replies(self, replies: Sequence[RsvpReply]) -> list[RsvpOutcome]:
        """Match each reply by the follow-up's UID and the attendee's address, and store the answer.

        One transaction for the batch, so a mailbox read either lands whole or not at all (the
        caller marks mails as read only afterwards). The stored answer changes only when the reply
        is newer (``rules.reply_supersedes``); reading the same reply twice changes nothing.
        """
        outcomes: list[RsvpOutcome] = []
        with self.store.transaction() as uow:
            by_uid = {m.next_uid: m for m in uow.meetings.list() if m.next_start is not None}
            by_email: dict[str, Person] = {p.email.casefold(): p for p in uow.people.list() if p.email}
            for reply in replies:
                meeting = by_uid.get(reply.uid)
                outcome = self._match(reply, meeting, by_email)
                if outcome.result == "recorded" and meeting is not None and outcome.handle:
                    meeting = self._store(meeting, outcome.handle, reply)
                    uow.meetings.put(meeting)
                    by_uid[meeting.next_uid] = meeting
                    self.record(uow, "meeting", meeting.id, "rsvp", f"@{outcome.handle} {reply.status.value}")
                outcomes.append(outcome)
        return outcomes

    def _match(self, reply: RsvpReply, meeting: Meeting | None, by_email: dict[str, Person]) -> RsvpOutcome:
        if meeting is None:
            return _outcome(
                reply,
                "unmatched",
                None,
                None,
                N_("no follow-up meeting has the UID {uid}"),
                uid=printable(reply.uid),
            )
        person = by_email.get(reply.email.casefold())
        if person is None or person.handle not in {a.handle for a in meeting.attendees}:
            return _outcome(
                reply,
                "unmatched",
                meeting.id,
                None,
                N_("{email} is not an attendee of {meeting}"),
                email=printable(reply.email),
                meeting=meeting.id,
            )
        if reply.sequence > meeting.next_sequence:
            return _outcome(
                reply,
                "unmatched",
                meeting.id,
                person.handle,
                N_("it answers invite sequence {sequence}, but {meeting}'s is {current}"),
                sequence=reply.sequence,
                meeting=meeting.id,
                current=meeting.next_sequence,
            )
        current = next((a for a in meeting.rsvp if a.handle == person.handle), None)
        if current is not None and (current.status, current.sequence, current.stamp) == (
            reply.status,
            reply.sequence,
            reply.stamp,
        ):
            return _outcome(reply, "unchanged", meeting.id, person.handle, N_("already recorded"))
        if not reply_supersedes(current, reply.sequence, reply.stamp):
            assert current is not None
            return _outcome(
                reply,
                "outdated",
                meeting.id,
                person.handle,
                N_("a newer answer ({status}, sequence {sequence}) is kept"),
                status=current.status.value,
                sequence=current.sequence,
            )
        return RsvpOutcome(reply, "recorded", meeting.id, person.handle)

    def _store(self, meeting: Meeting, handle: str, reply: RsvpReply) -> Meeting:
        answer = RsvpAnswer(handle, reply.status, reply.sequence, reply.stamp, self.now())
        kept = tuple(a for a in meeting.rsvp if a.handle != handle)
        return replace(meeting, rsvp=(*kept, answer))
