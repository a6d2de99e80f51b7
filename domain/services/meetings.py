"""Meetings: start, capture notes/decisions/actions/risks live, end with a follow-up, carry over."""

from __future__ import annotations

import builtins
import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from domain.dates import check_date, get_zone
from domain.errors import ConflictError, ValidationError
from domain.i18n import N_, _
from domain.models import (
    MAX_MEETING_MINUTES,
    ActionItem,
    AgendaItem,
    Attendee,
    Card,
    Decision,
    EntryKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinuteEntry,
    Risk,
)
from domain.repository import UnitOfWork
from domain.rules import is_done
from domain.services.base import Service, require_card, require_dept, require_meeting, require_person
from domain.services.cards import CardService
from domain.text import clean_text, clean_title

ACTION_COLUMN = "To do"


class MeetingService(Service):
    """One method per thing said in the room; every method is idempotent when given an entry id."""

    def start(
        self,
        title: str,
        *,
        attendees: Sequence[str] = (),
        at: datetime | None = None,
        tz: str = "UTC",
        series: str = "",
        agenda: Sequence[tuple[str, int] | tuple[str, int, Sequence[str]]] = (),
        place: str = "",
        carried_over: Sequence[str] = (),
        kind: MeetingKind = MeetingKind.REGULAR,
        milestone_id: str | None = None,
    ) -> Meeting:
        """Start a meeting NOW (``started_at``); ``at`` only records when it was planned (default: now)."""
        title = clean_title(title)
        tz = get_zone(tz).key
        if at is not None:
            check_date(at, "start")
        timeboxes = [
            (
                clean_title(item[0], N_("agenda item")),
                _minutes(item[1], "agenda timebox"),
                tuple(item[2]) if len(item) > 2 else (),
            )
            for item in agenda
        ]
        # Whole seconds: what minutes and JSON show, and an end read a moment later is never "before" it.
        now = self.now().replace(microsecond=0)
        with self.store.transaction() as uow:
            handles = tuple(dict.fromkeys(require_person(uow, a).handle for a in attendees))
            number = uow.next_number("meeting")
            meeting = Meeting(
                id=f"M-{number}",
                title=title,
                start=at or now,
                started_at=now,
                tz=tz,
                series=clean_title(series, N_("series")) if series else "",
                place=clean_text(place, N_("place"), required=False),
                organizer=self.actor.handle
                if uow.people.get(self.actor.handle)
                else (handles[0] if handles else None),
                attendees=tuple(Attendee(h) for h in handles),
                agenda=tuple(AgendaItem(t, m, refs=r) for t, m, r in timeboxes),
                carried_over=tuple(carried_over),
                status=MeetingStatus.LIVE,
                created_by=self.actor.handle,
                kind=kind,
                milestone_id=milestone_id,
            )
            uow.meetings.put(meeting)
            self.record(uow, "meeting", meeting.id, "started", meeting.title)
        return meeting

    def start_next(
        self, previous_id: str, *, at: datetime | None = None, title: str | None = None
    ) -> Meeting:
        """Start the next meeting of a series: attendees, agenda and open action items carry over."""
        uow = self.store.snapshot()
        prev = require_meeting(uow, previous_id)
        # Items carried into ``prev`` that are still open carry on, even from before the series had a name.
        still_open = [
            cid for cid in prev.carried_over if (c := uow.cards.get(cid)) is not None and not is_done(c)
        ]
        own = [card.id for _point, card in self._open_actions(uow, prev.series or prev.id)]
        open_ids = list(dict.fromkeys([*still_open, *own]))
        return self.start(
            title or prev.title,
            attendees=[a.handle for a in prev.attendees],
            at=at or prev.next_start,
            tz=prev.tz,
            series=prev.series or prev.title,
            agenda=[(item.title, item.minutes) for item in prev.agenda],
            place=prev.place,
            carried_over=open_ids,
        )

    def get(self, meeting_id: str) -> Meeting:
        return require_meeting(self.store.snapshot(), meeting_id)

    def list(self) -> list[Meeting]:
        return sorted(self.store.snapshot().meetings.list(), key=lambda m: (m.start, int(m.id.split("-")[1])))

    def note(
        self, meeting_id: str, text: str, *, entry_id: str | None = None, agenda_index: int | None = None
    ) -> MinuteEntry:
        text = clean_text(text, N_("note"))
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            existing = next((n for n in meeting.notes if entry_id and n.id == entry_id), None)
            if existing:
                return existing
            entry = self._entry(meeting, text, EntryKind.NOTE, entry_id, agenda_index)
            uow.meetings.put(replace(meeting, notes=(*meeting.notes, entry)))
            self.record(uow, "meeting", meeting.id, "note", text[:80])
        return entry

    def decide(
        self, meeting_id: str, text: str, *, entry_id: str | None = None, agenda_index: int | None = None
    ) -> Decision:
        text = clean_text(text, N_("decision"))
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            existing = next((d for d in meeting.decisions if entry_id and d.id == entry_id), None)
            if existing:
                return existing
            entry = self._entry(meeting, text, EntryKind.DECISION, entry_id, agenda_index)
            decision = Decision(entry.id, text, entry.at, meeting.id, entry.agenda_index, self.actor.handle)
            uow.meetings.put(
                replace(meeting, notes=(*meeting.notes, entry), decisions=(*meeting.decisions, decision))
            )
            self.record(uow, "meeting", meeting.id, "decision", text[:80])
        return decision

    def action(
        self,
        meeting_id: str,
        owner: str,
        due: date | None,
        text: str,
        *,
        entry_id: str | None = None,
        agenda_index: int | None = None,
    ) -> tuple[ActionItem, Card]:
        """Record an action item and create its card on the owner's department board."""
        text = clean_title(text, N_("action item"))
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            if entry_id and (done := next((n for n in meeting.notes if n.id == entry_id), None)):
                item = next(a for a in meeting.actions if a.at == done.at and a.text == done.text)
                return item, require_card(uow, item.card_id)
            person = require_person(uow, owner)
            if not person.dept:
                raise ValidationError(
                    _(
                        "{handle} has no department, so the action has no board; set one with "
                        "'huddle person add {handle} ... --dept NAME'"
                    ).format(handle=person.handle)
                )
            dept = require_dept(uow, person.dept)
            column = ACTION_COLUMN if dept.column(ACTION_COLUMN) else dept.columns[0].name
            card = CardService(self.store, self.clock, self.actor, self.zone).add_in(
                uow,
                dept.name,
                text,
                column=column,
                owner=person.handle,
                due=due,
                meeting_id=meeting.id,
                enforce_wip=False,
            )
            entry = self._entry(meeting, text, EntryKind.ACTION, entry_id, agenda_index)
            item = ActionItem(card.id, text, person.handle, due, meeting.id, entry.at, entry.agenda_index)
            uow.meetings.put(
                replace(meeting, notes=(*meeting.notes, entry), actions=(*meeting.actions, item))
            )
            self.record(uow, "meeting", meeting.id, "action", f"{card.id} @{person.handle} {text[:60]}")
        return item, card

    def raise_risk(self, meeting_id: str, text: str, *, entry_id: str | None = None) -> Risk:
        """Record a risk raised in the room; it enters the register unassessed."""
        text = clean_title(text, N_("risk"))
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            if entry_id and any(n.id == entry_id for n in meeting.notes):
                found = next(
                    (r for r in uow.risks.list() if r.meeting_id == meeting.id and r.title == text), None
                )
                if found:
                    return found
            number = uow.next_number("risk")
            now = self.now()
            risk = Risk(
                id=f"R-{number}",
                title=text,
                meeting_id=meeting.id,
                created_at=now,
                created_by=self.actor.handle,
                updated_at=now,
            )
            uow.risks.put(risk)
            entry = self._entry(meeting, f"{risk.id}: {text}", EntryKind.RISK, entry_id, None)
            uow.meetings.put(replace(meeting, notes=(*meeting.notes, entry)))
            self.record(uow, "risk", risk.id, "created", f"raised in {meeting.id}")
        return risk

    def goto_item(self, meeting_id: str, index: int) -> Meeting:
        """Make agenda item ``index`` current, stopping the clock of the one before."""
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            if not 0 <= index < len(meeting.agenda):
                raise ValidationError(
                    _("the agenda has {n} item(s); there is no item {value}").format(
                        n=len(meeting.agenda), value=index + 1
                    )
                )
            now = self.now()
            agenda = list(meeting.agenda)
            cur = agenda[meeting.current_item] if meeting.current_item < len(agenda) else None
            if cur is not None and cur.started_at is not None:
                spent = int((now - cur.started_at).total_seconds())
                agenda[meeting.current_item] = replace(
                    cur, started_at=None, elapsed_seconds=cur.elapsed_seconds + spent
                )
            agenda[index] = replace(agenda[index], started_at=now)
            meeting = replace(meeting, agenda=tuple(agenda), current_item=index)
            uow.meetings.put(meeting)
        return meeting

    def next_item(self, meeting_id: str) -> Meeting:
        meeting = self.get(meeting_id)
        if meeting.current_item + 1 >= len(meeting.agenda):
            raise ConflictError(_("this is the last agenda item"))
        return self.goto_item(meeting_id, meeting.current_item + 1)

    def add_agenda_item(self, meeting_id: str, title: str, minutes: int = 10) -> Meeting:
        title = clean_title(title, N_("agenda item"))
        minutes = _minutes(minutes, "agenda timebox")
        with self.store.transaction() as uow:
            meeting = self._live(uow, meeting_id)
            meeting = replace(meeting, agenda=(*meeting.agenda, AgendaItem(title, minutes)))
            uow.meetings.put(meeting)
        return meeting

    def set_present(self, meeting_id: str, handle: str, present: bool) -> Meeting:
        with self.store.transaction() as uow:
            meeting = require_meeting(uow, meeting_id)
            person = require_person(uow, handle)
            attendees = [a for a in meeting.attendees if a.handle != person.handle]
            old = [a for a in meeting.attendees if a.handle == person.handle]
            if old:
                attendees = [
                    replace(a, present=present) if a.handle == person.handle else a for a in meeting.attendees
                ]
            else:
                attendees.append(Attendee(person.handle, present))
            meeting = replace(meeting, attendees=tuple(attendees))
            uow.meetings.put(meeting)
        return meeting

    def end(self, meeting_id: str, *, next_start: datetime | None = None, next_minutes: int = 60) -> Meeting:
        next_minutes = _minutes(next_minutes, "the follow-up's length")
        if next_start is not None:
            check_date(next_start, "next meeting")
        with self.store.transaction() as uow:
            meeting = require_meeting(uow, meeting_id)
            if meeting.status == MeetingStatus.ENDED:
                raise ConflictError(_("meeting {id} has already ended").format(id=meeting.id))
            now = self.now()
            if now < meeting.held_from:
                raise ValidationError(
                    _("meeting {id} cannot end before it started ({value})").format(
                        id=meeting.id, value=meeting.held_from.isoformat()
                    )
                )
            if next_start is not None and next_start <= meeting.start:
                raise ValidationError(_("the next meeting must start after this one"))
            _check_length(next_minutes)
            agenda = tuple(
                replace(
                    a,
                    started_at=None,
                    elapsed_seconds=a.elapsed_seconds + int((now - a.started_at).total_seconds()),
                )
                if a.started_at
                else a
                for a in meeting.agenda
            )
            meeting = replace(
                meeting,
                status=MeetingStatus.ENDED,
                ended_at=now,
                agenda=agenda,
                next_start=next_start,
                next_minutes=next_minutes,
            )
            uow.meetings.put(meeting)
            self.record(
                uow,
                "meeting",
                meeting.id,
                "ended",
                f"next {next_start.isoformat() if next_start else 'none'}",
            )
        return meeting

    def reschedule_next(
        self, meeting_id: str, next_start: datetime, next_minutes: int | None = None
    ) -> Meeting:
        """Move the follow-up meeting; the invite keeps its UID and its SEQUENCE goes up."""
        check_date(next_start, "next meeting")
        if next_minutes is not None:
            next_minutes = _minutes(next_minutes, "the follow-up's length")
        with self.store.transaction() as uow:
            meeting = require_meeting(uow, meeting_id)
            if next_start <= meeting.start:
                raise ValidationError(_("the next meeting must start after this one"))
            meeting = replace(
                meeting,
                next_start=next_start,
                next_minutes=next_minutes or meeting.next_minutes,
                next_sequence=meeting.next_sequence + (1 if meeting.next_start is not None else 0),
                next_cancelled=False,
            )
            uow.meetings.put(meeting)
            self.record(uow, "meeting", meeting.id, "rescheduled", next_start.isoformat())
        return meeting

    def cancel_next(self, meeting_id: str) -> Meeting:
        with self.store.transaction() as uow:
            meeting = require_meeting(uow, meeting_id)
            if meeting.next_start is None:
                raise ConflictError(
                    _("meeting {id} has no follow-up meeting to cancel").format(id=meeting.id)
                )
            if not meeting.next_cancelled:
                meeting = replace(meeting, next_cancelled=True, next_sequence=meeting.next_sequence + 1)
                uow.meetings.put(meeting)
                self.record(uow, "meeting", meeting.id, "cancelled follow-up")
        return meeting

    def open_actions(self, series: str) -> builtins.list[tuple[ActionItem, Card]]:
        """Action items of a series whose cards are not done, oldest first."""
        return self._open_actions(self.store.snapshot(), series)

    def action_cards(self, meeting: Meeting) -> dict[str, Card | None]:
        """The current card of each action item (None if the card was deleted)."""
        uow = self.store.snapshot()
        return {a.card_id: uow.cards.get(a.card_id) for a in meeting.actions}

    def live_meetings(self) -> builtins.list[Meeting]:
        return [m for m in self.list() if m.status == MeetingStatus.LIVE]

    def _open_actions(self, uow: UnitOfWork, series: str) -> builtins.list[tuple[ActionItem, Card]]:
        result = []
        for meeting in sorted(uow.meetings.list(), key=lambda m: m.start):
            if (meeting.series or meeting.id) != series and meeting.series != series:
                continue
            for item in meeting.actions:
                card = uow.cards.get(item.card_id)
                if card is not None and not is_done(card):
                    result.append((item, card))
        return result

    def _live(self, uow: UnitOfWork, meeting_id: str) -> Meeting:
        meeting = require_meeting(uow, meeting_id)
        if meeting.status == MeetingStatus.ENDED:
            raise ConflictError(_("meeting {id} has ended; its minutes are closed").format(id=meeting.id))
        return meeting

    def _entry(
        self, meeting: Meeting, text: str, kind: EntryKind, entry_id: str | None, agenda_index: int | None
    ) -> MinuteEntry:
        index = meeting.current_item if agenda_index is None and meeting.agenda else agenda_index
        return MinuteEntry(entry_id or os.urandom(16).hex(), self.now(), text, kind, index, self.actor.handle)


def _minutes(value: int, what: str) -> int:
    """A duration in whole minutes, 1 to MAX_MEETING_MINUTES: zero, negative and endless ones are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("{what} must be a whole number of minutes, not {value}").format(
                what=what, value=str(value)[:40]
            )
        )
    if value < 1:
        raise ValidationError(
            _("{what} must last at least 1 minute, not {value}").format(what=what, value=value)
        )
    if value > MAX_MEETING_MINUTES:
        raise ValidationError(
            _("{what} must last at most {MAX_MEETING_MINUTES} minutes, not {value}").format(
                what=what, MAX_MEETING_MINUTES=MAX_MEETING_MINUTES, value=str(value)[:40]
            )
        )
    return value


def follow_up_end(meeting: Meeting) -> datetime | None:
    """When the follow-up meeting ends."""
    return (
        None if meeting.next_start is None else meeting.next_start + timedelta(minutes=meeting.next_minutes)
    )


def _check_length(minutes: int) -> None:
    """A follow-up lasts at least one minute: a calendar event must end after it starts (RFC 5545)."""
    if minutes < 1:
        raise ValidationError(
            _("the follow-up must last at least 1 minute, not {minutes}").format(minutes=minutes)
        )
