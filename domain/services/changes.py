"""Change requests with approve/reject, and the decision log across meetings."""

from __future__ import annotations

from dataclasses import replace

from domain.errors import ConflictError, NotFoundError
from domain.models import Activity, ChangeRequest, ChangeStatus, Decision
from domain.services.base import Service
from domain.text import clean_text, clean_title


class RecordService(Service):
    """The paper trail: change requests, decisions and the activity feed."""

    def request_change(self, title: str, description: str = "") -> ChangeRequest:
        with self.store.transaction() as uow:
            number = uow.next_number("change")
            request = ChangeRequest(
                id=f"CR-{number}",
                title=clean_title(title),
                description=clean_text(description, "description", required=False),
                requested_by=self.actor.handle,
                created_at=self.now(),
            )
            uow.change_requests.put(request)
            self.record(uow, "change", request.id, "requested", request.title)
        return request

    def decide_change(self, change_id: str, approve: bool) -> ChangeRequest:
        with self.store.transaction() as uow:
            request = uow.change_requests.get(change_id.strip().upper())
            if request is None:
                raise NotFoundError("change request", change_id)
            if request.status != ChangeStatus.OPEN:
                raise ConflictError(f"{request.id} was already {request.status.value}")
            status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
            request = replace(request, status=status, decided_by=self.actor.handle, decided_at=self.now())
            uow.change_requests.put(request)
            self.record(uow, "change", request.id, status.value, request.title)
        return request

    def change_requests(self) -> list[ChangeRequest]:
        return self.store.snapshot().change_requests.list()

    def decisions(self) -> list[Decision]:
        """Every decision from every meeting, newest first."""
        meetings = self.store.snapshot().meetings.list()
        return sorted((d for m in meetings for d in m.decisions), key=lambda d: d.at, reverse=True)

    def feed(self, limit: int = 50) -> list[Activity]:
        return self.store.snapshot().activity.recent(limit)
