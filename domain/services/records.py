"""Change requests with approve/reject, and the decision log across meetings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import N_, _
from domain.models import (
    Activity,
    ChangeRequest,
    ChangeStatus,
    Decision,
    EntryKind,
    MeetingStatus,
    MinuteEntry,
)
from domain.services.base import Service, require_card, require_meeting
from domain.text import clean_text, clean_title


class RecordService(Service):
    """The paper trail: change requests, decisions and the activity feed."""

    def request_change(
        self,
        title: str,
        description: str = "",
        *,
        scope: str = "",
        schedule_days: int = 0,
        cost: float | None = None,
        cards: Sequence[str] = (),
    ) -> ChangeRequest:
        """Record a change request with its impact (scope, schedule days, cost) and the cards it changes."""
        if cost is not None and (cost != cost or cost in (float("inf"), float("-inf"))):
            raise ValidationError(_("cost must be a number"))
        if abs(schedule_days) > 3650:
            raise ValidationError(
                _("schedule impact of {schedule_days} days is more than ten years").format(
                    schedule_days=schedule_days
                )
            )
        with self.store.transaction() as uow:
            number = uow.next_number("change")
            request = ChangeRequest(
                id=f"CR-{number}",
                title=clean_title(title),
                description=clean_text(description, N_("description"), required=False),
                requested_by=self.actor.handle,
                created_at=self.now(),
                scope=clean_text(scope, N_("scope"), required=False),
                schedule_days=schedule_days,
                cost=cost,
                cards=tuple(dict.fromkeys(require_card(uow, c).id for c in cards)),
            )
            uow.change_requests.put(request)
            self.record(uow, "change", request.id, "requested", request.title)
        return request

    def decide_change(
        self, change_id: str, approve: bool, *, meeting_id: str | None = None, note: str = ""
    ) -> ChangeRequest:
        """Approve or reject; with ``meeting_id`` the verdict is also a decision of that live meeting."""
        note = clean_text(note, N_("note"), required=False)
        with self.store.transaction() as uow:
            request = uow.change_requests.get(change_id.strip().upper())
            if request is None:
                raise NotFoundError("change request", change_id)
            if request.status != ChangeStatus.OPEN:
                raise ConflictError(
                    _("{id} was already {value}").format(id=request.id, value=request.status.value)
                )
            status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
            request = replace(request, status=status, decided_by=self.actor.handle, decided_at=self.now())
            if meeting_id is not None:
                meeting = require_meeting(uow, meeting_id)
                if meeting.status == MeetingStatus.ENDED:
                    raise ConflictError(
                        _("meeting {id} has ended; decide the change in a live meeting").format(id=meeting.id)
                    )
                text = f"{request.id} {status.value}: {request.title} ({impact_text(request)})"
                if note:
                    text += f" — {note}"
                index = meeting.current_item if meeting.agenda else None
                entry_id = os.urandom(16).hex()
                entry = MinuteEntry(entry_id, self.now(), text, EntryKind.DECISION, index, self.actor.handle)
                decision = Decision(entry_id, text, entry.at, meeting.id, index, self.actor.handle)
                uow.meetings.put(
                    replace(meeting, notes=(*meeting.notes, entry), decisions=(*meeting.decisions, decision))
                )
                request = replace(request, meeting_id=meeting.id, decision_id=decision.id)
                self.record(uow, "meeting", meeting.id, "decision", text[:80])
            uow.change_requests.put(request)
            self.record(uow, "change", request.id, status.value, request.title)
        return request

    def link_cards(self, change_id: str, cards: Sequence[str]) -> ChangeRequest:
        """Record which cards a change altered or created."""
        with self.store.transaction() as uow:
            request = uow.change_requests.get(change_id.strip().upper())
            if request is None:
                raise NotFoundError("change request", change_id)
            ids = [require_card(uow, c).id for c in cards]
            request = replace(request, cards=tuple(dict.fromkeys([*request.cards, *ids])))
            uow.change_requests.put(request)
            self.record(uow, "change", request.id, "cards linked", ", ".join(ids))
        return request

    def change_requests(self) -> list[ChangeRequest]:
        return self.store.snapshot().change_requests.list()

    def decisions(self) -> list[Decision]:
        """Every decision from every meeting, newest first."""
        meetings = self.store.snapshot().meetings.list()
        return sorted((d for m in meetings for d in m.decisions), key=lambda d: d.at, reverse=True)

    def feed(self, limit: int = 50) -> list[Activity]:
        return self.store.snapshot().activity.recent(limit)


def impact_text(request: ChangeRequest) -> str:
    """``scope: ...; +5 days; cost 2000`` (what is known of a change's impact)."""
    parts = []
    if request.scope:
        parts.append(f"scope: {request.scope}")
    if request.schedule_days:
        parts.append(f"{request.schedule_days:+d} days")
    if request.cost is not None:
        parts.append(f"cost {request.cost:g}")
    return "; ".join(parts) or "impact not estimated"
