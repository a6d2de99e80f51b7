"""Meetings in the TUI tests: the window size, a started meeting, the live screen opened."""

from __future__ import annotations

from textual.pilot import Pilot

from domain.models import Meeting
from tests.helpers.wait import until
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meetings import MeetingsScreen
from tui.wiring import Context

SIZE = (120, 40)


def start_meeting(context: Context, **kwargs: object) -> Meeting:
    meetings = context.services.meetings
    meeting = meetings.start(
        "Weekly ops sync",
        attendees=["ann", "wei", "bob"],
        tz="Asia/Shanghai",
        series="Ops weekly",
        agenda=[("Intro", 5), ("Budget review", 15), ("发布会筹备", 20)],
        **kwargs,  # type: ignore[arg-type]
    )
    return meetings.goto_item(meeting.id, 0)


async def open_live(pilot: Pilot[None]) -> LiveMeetingScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, LiveMeetingScreen) and app.screen.view is not None)
    assert isinstance(app.screen, LiveMeetingScreen)
    return app.screen
