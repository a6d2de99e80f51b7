"""Snapshots of meeting mode at 120x40 with the fixed clock (the agenda timers read the injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from domain.capture import CaptureKind, JournalEntry, draft_record
from storage.journal import MeetingJournal
from tests.helpers.clock import FixedClock
from tests.helpers.meetings import (
    busy_meeting,
    open_live_for_snapshot,
    open_summary_for_snapshot,
    start_meeting,
)
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import quiet, until
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.end_meeting import EndMeetingModal
from tui.dialogs.resume_meeting import ResumeMeetingModal
from tui.dialogs.start_meeting import StartMeetingModal
from tui.screens.meetings import MeetingsScreen
from tui.wiring import Context

SIZE = (120, 40)


class TestMeetingMode:
    def test_meeting_list(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        busy_meeting(context, clock)
        other = context.services.meetings.start("发布会筹备会议", attendees=["wei"], tz="Asia/Shanghai")
        context.services.meetings.end(other.id, next_start=datetime(2026, 12, 3, 6, 30, tzinfo=UTC))

        async def run_before(pilot: Pilot[Any]) -> None:
            await until(
                pilot,
                lambda: isinstance(pilot.app.screen, MeetingsScreen) and bool(pilot.app.screen.data.meetings),
            )
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_live_meeting_typing_an_action(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock
    ) -> None:
        busy_meeting(context, clock)

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = await open_live_for_snapshot(pilot)
            screen.minutes_log.capture_input.insert_text_at_cursor("/a @wei next mon 订机票和酒店")
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_live_meeting_bad_line_kept_with_message(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock
    ) -> None:
        busy_meeting(context, clock)

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = await open_live_for_snapshot(pilot)
            screen.minutes_log.capture_input.insert_text_at_cursor("/a @zed fri Book the venue")
            await pilot.press("enter")
            # An unknown owner is offered as a guest first; declined, the line stays with its message.
            await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))
            await pilot.press("n")
            await until(pilot, lambda: pilot.app.screen is screen)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_follower_read_only(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        busy_meeting(context, clock)

        async def run_before(pilot: Pilot[Any]) -> None:
            await open_live_for_snapshot(pilot, "f")

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_start_form(self, snap_compare: SnapCompare, context: Context) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await quiet(pilot)
            await pilot.press("n")
            await until(pilot, lambda: isinstance(pilot.app.screen, StartMeetingModal))
            form = pilot.app.screen
            form.query_one("#form-title", Input).value = "发布会筹备会议"
            form.query_one("#form-attendees", Input).value = "ann, 李伟, @bob"
            form.query_one("#form-agenda", TextArea).text = "Venue 10m\n预算 15分钟\nAOB"
            form.query_one("#form-when", Input).value = "fri 14:00"
            form.query_one("#form-title", Input).focus()
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_end_dialog(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        busy_meeting(context, clock)

        async def run_before(pilot: Pilot[Any]) -> None:
            await open_live_for_snapshot(pilot)
            await pilot.press("alt+e")
            await until(pilot, lambda: isinstance(pilot.app.screen, EndMeetingModal))
            pilot.app.screen.query_one("#end-next", Input).value = "next wed 10:00"
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_summary(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        second = busy_meeting(context, clock)
        context.services.meetings.end(second.id, next_start=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))

        async def run_before(pilot: Pilot[Any]) -> None:
            await open_summary_for_snapshot(pilot, second.id)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)

    def test_resume_offer(self, snap_compare: SnapCompare, context: Context) -> None:
        meeting = start_meeting(context)
        journal = MeetingJournal(context.db_path, meeting.id, context.os_user)
        journal.append(JournalEntry("e1", CaptureKind.DECISION, "Budget approved 预算通过", 0).to_record())
        journal.append(draft_record("Next step: 联系供应"))
        journal.close()

        async def run_before(pilot: Pilot[Any]) -> None:
            await until(pilot, lambda: isinstance(pilot.app.screen, ResumeMeetingModal))
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run_before)
