"""Meetings in the TUI tests: the window size, a started meeting, the live screen opened."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from domain.models import Meeting
from tests.helpers.clock import FixedClock
from tests.helpers.wait import quiet, until
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meeting_summary import MeetingSummaryScreen
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


def busy_meeting(context: Context, clock: FixedClock) -> Meeting:
    """A series with an ended first meeting (one open action carried over) and a live second one."""
    meetings = context.services.meetings
    today, clock.now = clock.now, datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # held a week ago
    first = start_meeting(context, at=clock.now)
    meetings.action(first.id, "ann", date(2026, 11, 24), "Order the [red]racks[/red]")
    meetings.end(first.id, next_start=datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    clock.now = today
    clock.advance(minutes=1)
    second = meetings.start_next(first.id, at=clock())
    meetings.goto_item(second.id, 0)
    meetings.set_present(second.id, "bob", False)
    meetings.note(second.id, "Racks arrive [red]Monday[/]")
    meetings.decide(second.id, "采用方案B，下周一开始试运行")
    meetings.action(second.id, "wei", date(2026, 11, 27), "确认发布会场地")
    meetings.raise_risk(second.id, "Vendor may ship late")
    clock.advance(minutes=7)
    return second


async def open_live_for_snapshot(pilot: Pilot[Any], key: str = "enter") -> LiveMeetingScreen:
    """Open the highlighted meeting's live screen (``f``: follow it) and let its first paint land."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings))
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, LiveMeetingScreen) and app.screen.view is not None)
    await quiet(pilot)
    assert isinstance(app.screen, LiveMeetingScreen)
    return app.screen


async def open_summary_for_snapshot(pilot: Pilot[Any], meeting_id: str) -> MeetingSummaryScreen:
    """Open ``meeting_id``'s summary from the meetings list and let it paint."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings))
    option_list = app.screen.query_one("#meeting-list", OptionList)
    option_list.highlighted = option_list.get_option_index(meeting_id)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, MeetingSummaryScreen) and app.screen.view is not None)
    await quiet(pilot)
    assert isinstance(app.screen, MeetingSummaryScreen)
    return app.screen
