"""A meeting started early is recorded when it was really held: the Word minutes (reopened with
python-docx), the follow-up invite and its calendar part carry the real date and times, not the plan."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import docx
import icalendar
import pytest

from domain.errors import ValidationError
from domain.services import Services
from exporters.invite_mail import build_invite_message
from exporters.minutes_docx import render_minutes_docx
from tests.helpers.clock import FixedClock

PLANNED = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
"""Friday 2026-11-27 14:00 in Shanghai; the clock says Wednesday 2026-11-25 10:00 there."""
NEXT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_minutes_and_invite_of_a_meeting_started_early(seeded: Services, clock: FixedClock) -> None:
    meetings = seeded.meetings
    meeting = meetings.start("周会 Weekly", attendees=["ann", "wei"], at=PLANNED, tz="Asia/Shanghai")
    assert meeting.start == PLANNED
    assert meeting.started_at == clock.now
    clock.advance(minutes=47)
    ended = meetings.end(meeting.id, next_start=NEXT)
    assert ended.ended_at == clock.now

    minutes = render_minutes_docx(
        ended,
        people=seeded.directory.people(),
        action_cards={},
        carried_over=[],
        now=clock.now,
    )
    rows = {row.cells[0].text: row.cells[1].text for row in docx.Document(BytesIO(minutes)).tables[0].rows}
    assert rows["Date"] == "2026-11-25 (Wed)"
    assert rows["Time"] == "10:00–10:47 (Asia/Shanghai, UTC+08:00)"

    message = build_invite_message(
        ended, people=seeded.directory.people(), sender="ann@example.com", now=clock.now
    )
    text = next(p for p in message.iter_parts() if p.get_content_type() == "text/plain").get_content()
    assert f"Follow-up to {ended.id} of 2026-11-25 (Wed) 10:00" in text
    assert "2026-11-27" not in text
    ics = next(p for p in message.iter_parts() if p.get_content_type() == "text/calendar").get_content()
    description = str(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["DESCRIPTION"])
    assert "2026-11-25 (Wed) 10:00" in description


def test_a_meeting_cannot_end_before_it_started(seeded: Services, clock: FixedClock) -> None:
    meeting = seeded.meetings.start("Sync", attendees=["ann"], tz="Asia/Shanghai")
    clock.advance(minutes=-5)
    with pytest.raises(ValidationError, match="cannot end before it started"):
        seeded.meetings.end(meeting.id)
    assert seeded.meetings.get(meeting.id).ended_at is None
