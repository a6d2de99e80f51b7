"""`s` on a series starts the next meeting NOW, whatever slot was planned: the live clock counts from the
real start and the planned time is kept beside it."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Static

from tests.helpers.clock import FixedClock
from tests.helpers.meetings import SIZE, start_meeting
from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meetings import MeetingsScreen
from tui.widgets.meeting_clock import MeetingClock
from tui.wiring import Context

FRIDAY_14H = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
"""Friday 14:00 in Shanghai; the fixed clock says Wednesday 10:00."""


async def test_s_starts_the_next_meeting_now_and_keeps_the_planned_slot(
    context: Context, clock: FixedClock
) -> None:
    meetings = context.services.meetings
    first = start_meeting(context)
    meetings.end(first.id, next_start=FRIDAY_14H)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, lambda: isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings), 30
        )
        await pilot.press("s")
        await until(
            pilot, lambda: isinstance(app.screen, LiveMeetingScreen) and app.screen.view is not None, 30
        )
        screen = app.screen
        assert isinstance(screen, LiveMeetingScreen)
        assert screen.view is not None
        second = meetings.get(screen.view.meeting.id)
        assert second.start == FRIDAY_14H
        assert second.started_at == clock.now.replace(microsecond=0)
        clock.advance(minutes=3)
        shown = screen.query_one("#meeting-clock", MeetingClock)
        await until(pilot, lambda: "meeting 03:00" in str(shown.render()), 30)
        title = str(screen.query_one("#meeting-title", Static).render())
        assert second.id in title
