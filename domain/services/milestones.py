"""Milestones: acceptance criteria accepted (or waived) by the Accountable, and review meetings."""

from __future__ import annotations

import builtins
import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from domain import rules
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import N_, _
from domain.models import (
    DONE_COLUMN,
    Card,
    Criterion,
    Decision,
    EntryKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinuteEntry,
    ReviewOutcome,
    RiskStatus,
)
from domain.repository import UnitOfWork
from domain.services.base import Service, require_card, require_meeting
from domain.services.meetings import MeetingService
from domain.text import clean_text, clean_title

OUTCOME_WORDS = {
    "passed": ReviewOutcome.PASSED,
    "conditions": ReviewOutcome.CONDITIONS,
    "passed-with-conditions": ReviewOutcome.CONDITIONS,
    "failed": ReviewOutcome.FAILED,
}
"""What people type for a review outcome."""

OUTCOME_TEXT = {
    ReviewOutcome.PASSED: "passed",
    ReviewOutcome.CONDITIONS: "passed with conditions",
    ReviewOutcome.FAILED: "failed",
}


class MilestoneService(Service):
    """One method per thing done to a milestone; each is one transaction and one activity entry."""

    def list(self) -> builtins.list[Card]:
        """Every milestone card, by due date."""
        cards = [c for c in self.store.snapshot().cards.list() if c.milestone]
        return sorted(cards, key=lambda c: (c.due is None, c.due, c.id))

    def get(self, card_id: str) -> Card:
        return _milestone(self.store.snapshot(), card_id)

    def reviews_due(self, horizon_days: int = 7) -> builtins.list[Card]:
        uow = self.store.snapshot()
        return rules.reviews_due(
            uow.cards.list(), uow.meetings.list(), self.today(), horizon_days=horizon_days
        )

    def reviews_of(self, card_id: str) -> builtins.list[Meeting]:
        """The review meetings held for a milestone, oldest first."""
        meetings = self.store.snapshot().meetings.list()
        return sorted(
            (m for m in meetings if m.milestone_id == card_id.strip().upper()), key=lambda m: m.start
        )

    def add_criterion(self, card_id: str, text: str) -> tuple[Card, Criterion]:
        """Add an acceptance criterion; it is accepted later by the milestone's Accountable."""
        text = clean_title(text, N_("criterion"))
        with self.store.transaction() as uow:
            card = _milestone(uow, card_id)
            if rules.milestone_done(card):
                raise ConflictError(_("milestone {id} is already done and accepted").format(id=card.id))
            number = max((int(c.id.split("-")[1]) for c in card.criteria), default=0) + 1
            criterion = Criterion(f"AC-{number}", text)
            card = self._touch(replace(card, criteria=(*card.criteria, criterion)), card)
            uow.cards.put(card)
            self.record(uow, "card", card.id, "criterion added", f"{criterion.id} {text[:60]}")
        return card, criterion

    def accept(self, card_id: str, criterion_id: str, evidence: str = "") -> tuple[Card, Criterion]:
        """The Accountable accepts a criterion; the last one accepted moves the milestone to Done."""
        evidence = clean_text(evidence, N_("evidence"), required=False)
        return self._resolve(card_id, criterion_id, waived=False, note=evidence)

    def waive(self, card_id: str, criterion_id: str, reason: str) -> tuple[Card, Criterion]:
        """The Accountable waives a criterion; the reason is kept on the criterion and in the activity."""
        reason = clean_text(reason, N_("reason"))
        return self._resolve(card_id, criterion_id, waived=True, note=reason)

    def _resolve(self, card_id: str, criterion_id: str, *, waived: bool, note: str) -> tuple[Card, Criterion]:
        with self.store.transaction() as uow:
            card = _milestone(uow, card_id)
            if not card.accountable:
                raise ConflictError(
                    _(
                        "milestone {id} has no Accountable to accept it; set one with 'huddle card "
                        "edit {id} --accountable HANDLE'"
                    ).format(id=card.id)
                )
            if self.actor.handle != card.accountable:
                raise ConflictError(
                    _(
                        "only {id}'s Accountable ({accountable}) can accept or waive its criteria, "
                        "not {handle}"
                    ).format(id=card.id, accountable=card.accountable, handle=self.actor.handle)
                )
            wanted = criterion_id.strip().upper()
            if wanted.isdigit():
                wanted = f"AC-{wanted}"
            criterion = next((c for c in card.criteria if c.id == wanted), None)
            if criterion is None:
                known = ", ".join(c.id for c in card.criteria) or "none yet"
                raise NotFoundError(
                    "criterion", criterion_id, _("{id} has: {known}").format(id=card.id, known=known)
                )
            if criterion.state != "open":
                raise ConflictError(
                    _("{id} {id2} was already {state}").format(
                        id=card.id, id2=criterion.id, state=criterion.state
                    )
                )
            now = self.now()
            resolved = replace(
                criterion,
                accepted_at=now,
                accepted_by=self.actor.handle,
                waived=waived,
                evidence="" if waived else note,
                waive_reason=note if waived else "",
            )
            updated = replace(card, criteria=tuple(resolved if c.id == wanted else c for c in card.criteria))
            if not rules.open_criteria(updated) and not rules.is_done(updated):
                updated = self._finish(uow, updated)
            updated = self._touch(updated, card)
            uow.cards.put(updated)
            verb = "criterion waived" if waived else "criterion accepted"
            self.record(uow, "card", card.id, verb, f"{resolved.id}: {note[:60]}" if note else resolved.id)
        return updated, resolved

    def _finish(self, uow: UnitOfWork, card: Card) -> Card:
        """Move an accepted milestone to its board's Done column (the end of it)."""
        done = [c for c in uow.cards.list_in_column(card.dept, DONE_COLUMN) if c.id != card.id]
        dept = uow.departments.get(card.dept)
        if dept is None or dept.column(DONE_COLUMN) is None:
            return replace(card, progress=100)
        rank = rules.rank_between(max((c.rank for c in done), default=None), None)
        return replace(card, column=DONE_COLUMN, rank=rank, progress=100)

    def _touch(self, card: Card, before: Card) -> Card:
        return replace(
            card, updated_at=self.now(), updated_by=self.actor.handle, sequence=before.sequence + 1
        )

    def review(
        self,
        card_id: str,
        *,
        at: datetime | None = None,
        tz: str = "UTC",
        attendees: Sequence[str] = (),
        place: str = "",
    ) -> Meeting:
        """Start the review meeting of a milestone, its agenda built from the milestone's state.

        Agenda: the acceptance criteria, late or open predecessors, open risks linked to the milestone
        or its predecessors, open action items of earlier reviews, then the outcome. Attendees default
        to the Accountable, the Responsible people and the owners of open predecessors.
        """
        uow = self.store.snapshot()
        card = _milestone(uow, card_id)
        cards = {c.id: c for c in uow.cards.list()}
        preds = [cards[d] for d in card.blocked_by if d in cards]
        open_preds = [p.id for p in preds if not rules.is_done(p)]
        late = rules.late_predecessors(card, cards, self.today())
        watched = {card.id, *card.blocked_by}
        risks = [
            r.id
            for r in uow.risks.list()
            if r.status in (RiskStatus.OPEN, RiskStatus.MITIGATING) and watched & set(r.linked_cards)
        ]
        earlier = [m for m in uow.meetings.list() if m.milestone_id == card.id]
        actions = [
            a.card_id
            for m in earlier
            for a in m.actions
            if (c := cards.get(a.card_id)) is not None and not rules.is_done(c)
        ]
        criteria = card.criteria
        agenda: list[tuple[str, int, Sequence[str]]] = [
            (
                f"Acceptance criteria ({sum(c.state != 'open' for c in criteria)}/{len(criteria)} accepted)",
                15,
                (card.id,),
            ),
            (
                f"Predecessors: {len(late)} late, {len(open_preds)} open" if preds else "Predecessors: none",
                10,
                tuple(dict.fromkeys([*late, *open_preds])),
            ),
            (f"Open risks linked to {card.id} ({len(risks)})", 10, tuple(risks)),
            (f"Open action items from earlier reviews ({len(actions)})", 5, tuple(actions)),
            ("Outcome: passed, passed with conditions, or failed", 5, (card.id,)),
        ]
        if not attendees:
            people = {p.handle for p in uow.people.list()}
            wanted = [card.accountable, *card.responsible, card.owner]
            wanted += [cards[p].owner for p in open_preds]
            attendees = [h for h in dict.fromkeys(wanted) if h and h in people]
        meetings = MeetingService(self.store, self.clock, self.actor, self.zone)
        return meetings.start(
            f"Milestone review: {card.title}",
            attendees=attendees,
            at=at,
            tz=tz,
            agenda=agenda,
            place=place,
            kind=MeetingKind.REVIEW,
            milestone_id=card.id,
        )

    def record_outcome(self, meeting_id: str, outcome: str | ReviewOutcome, note: str = "") -> Meeting:
        """End a review with its outcome, recorded as a decision of the meeting."""
        value = outcome if isinstance(outcome, ReviewOutcome) else OUTCOME_WORDS.get(outcome.strip().lower())
        if value is None:
            raise ValidationError(
                _(
                    "review outcome {outcome!r}: say passed, conditions (passed with conditions) or failed"
                ).format(outcome=outcome)
            )
        note = clean_text(note, N_("note"), required=False)
        with self.store.transaction() as uow:
            meeting = require_meeting(uow, meeting_id)
            if meeting.kind != MeetingKind.REVIEW or meeting.milestone_id is None:
                raise ConflictError(_("{id} is not a milestone review").format(id=meeting.id))
            if meeting.outcome is not None:
                raise ConflictError(
                    _("{id} already ended with outcome {OUTCOME_TEXT}").format(
                        id=meeting.id, OUTCOME_TEXT=OUTCOME_TEXT[meeting.outcome]
                    )
                )
            if meeting.status == MeetingStatus.ENDED:
                raise ConflictError(_("meeting {id} has ended; its minutes are closed").format(id=meeting.id))
            card = uow.cards.get(meeting.milestone_id)
            title = card.title if card else meeting.milestone_id
            text = f"Review of {meeting.milestone_id} {title}: {OUTCOME_TEXT[value]}" + (
                f" — {note}" if note else ""
            )
            index = len(meeting.agenda) - 1 if meeting.agenda else None
            entry = MinuteEntry(
                os.urandom(16).hex(), self.now(), text, EntryKind.DECISION, index, self.actor.handle
            )
            decision = Decision(entry.id, text, entry.at, meeting.id, entry.agenda_index, self.actor.handle)
            meeting = replace(
                meeting,
                outcome=value,
                notes=(*meeting.notes, entry),
                decisions=(*meeting.decisions, decision),
            )
            uow.meetings.put(meeting)
            self.record(uow, "meeting", meeting.id, "review outcome", text[:80])
        return meeting


def _milestone(uow: UnitOfWork, card_id: str) -> Card:
    card = require_card(uow, card_id)
    if not card.milestone:
        raise ConflictError(
            _("{id} is not a milestone; make it one with 'huddle card edit {id} --milestone'").format(
                id=card.id
            )
        )
    return card
