"""The plain-value people and meetings the calendar tests build (no store: the exporters are pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.dates import parse_datetime
from domain.models import Attendee, Meeting, Person

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


ANN = Person("ann", "Ann Lee", "ann@example.com")


WEI = Person("wei", "李伟", "wei@example.com")


BOB = Person("bob", 'Bob, Jr. "the" Builder', "bob@example.com")


def meeting_in(zone: str, wall: str, **changes: Any) -> Meeting:
    """A meeting chaired by ann whose follow-up is at wall-clock ``wall`` in ``zone``."""
    next_start = parse_datetime(wall, date(2026, 1, 1), ZoneInfo(zone))
    base = Meeting(
        id="M-4",
        title="Weekly sync",
        start=next_start - timedelta(days=7),
        tz=zone,
        organizer="ann",
        attendees=(Attendee("ann"), Attendee("wei"), Attendee("bob", present=False)),
        next_start=next_start,
        next_minutes=45,
    )
    return replace(base, **changes)
