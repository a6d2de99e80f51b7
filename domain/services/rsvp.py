"""RSVP: attendees' replies (METHOD:REPLY) to the follow-up invite, matched to meetings and stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.models import Meeting, Person, RsvpAnswer, RsvpReply
from domain.rules import reply_supersedes
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

    def line(self) -> str:
        """One line for the report, such as ``M-1 @bob accepted (reply.eml)``."""
        where = f" ({printable(self.reply.source)})"
        if self.result == "unmatched":
            return f"unmatched: {printable(self.reply.email)} {self.reply.status.value}{where}: {self.detail}"
        text = f"{self.meeting_id} @{self.handle} {self.reply.status.value}"
        if self.result == "recorded":
            return text + where
        return f"{text}{where}: {self.result}, {self.detail}"


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
            return RsvpOutcome(
                reply, "unmatched", detail=f"no follow-up meeting has the UID {printable(reply.uid)}"
            )
        person = by_email.get(reply.email.casefold())
        if person is None or person.handle not in {a.handle for a in meeting.attendees}:
            return RsvpOutcome(
                reply,
                "unmatched",
                meeting.id,
                detail=f"{printable(reply.email)} is not an attendee of {meeting.id}",
            )
        if reply.sequence > meeting.next_sequence:
            return RsvpOutcome(
                reply,
                "unmatched",
                meeting.id,
                person.handle,
                f"it answers invite sequence {reply.sequence}, but {meeting.id}'s is {meeting.next_sequence}",
            )
        current = next((a for a in meeting.rsvp if a.handle == person.handle), None)
        if current is not None and (current.status, current.sequence, current.stamp) == (
            reply.status,
            reply.sequence,
            reply.stamp,
        ):
            return RsvpOutcome(reply, "unchanged", meeting.id, person.handle, "already recorded")
        if not reply_supersedes(current, reply.sequence, reply.stamp):
            assert current is not None
            return RsvpOutcome(
                reply,
                "outdated",
                meeting.id,
                person.handle,
                f"a newer answer ({current.status.value}, sequence {current.sequence}) is kept",
            )
        return RsvpOutcome(reply, "recorded", meeting.id, person.handle)

    def _store(self, meeting: Meeting, handle: str, reply: RsvpReply) -> Meeting:
        answer = RsvpAnswer(handle, reply.status, reply.sequence, reply.stamp, self.now())
        kept = tuple(a for a in meeting.rsvp if a.handle != handle)
        return replace(meeting, rsvp=(*kept, answer))
