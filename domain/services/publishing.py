"""The record of what Huddle published to CalDAV calendars (uid, href, ETag per calendar)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from domain.models import PublishedEvent, published_key
from domain.services.base import Service


class PublishingService(Service):
    """Read and update the push record; ``outbound.caldav`` decides what to write with it.

    The record is what makes a push safe: an event is only ever updated against the ETag Huddle
    last saw and only ever deleted when this record says Huddle wrote it.
    """

    def published(self, calendar: str) -> builtins.list[PublishedEvent]:
        """Every event Huddle wrote to the calendar collection ``calendar`` and has not removed."""
        return [p for p in self.store.snapshot().published.list() if p.calendar == calendar]

    def record_push(
        self, calendar: str, *, written: Sequence[PublishedEvent], removed: Sequence[str]
    ) -> None:
        """Store the events just written (new ETags) and forget the UIDs just removed, in one write."""
        if not written and not removed:
            return
        with self.store.transaction() as uow:
            for event in written:
                uow.published.put(event)
            for uid in removed:
                uow.published.delete(published_key(calendar, uid))
            detail = f"{len(written)} written, {len(removed)} removed"
            self.record(uow, "calendar", calendar, "push", detail)
