"""Snapshots of the meetings list, the live meeting, the meeting summary and each Plan tab in zh-CN, at
80x24 and 120x40 (issue 16). Each app is built and run inside ``using_language("zh-CN")``; the autouse
fixture of tests/conftest.py puts every test back to English."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from domain.i18n import using_language
from tests.helpers.clock import FixedClock
from tests.helpers.guide import seed_plan
from tests.helpers.meetings import busy_meeting, open_live, open_summary_for_snapshot
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import quiet, settle, until
from tui.screens.meetings import MeetingsScreen
from tui.screens.plan import PlanScreen
from tui.wiring import Context

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
class TestMeetingsInChinese:
    def test_meeting_list(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock, size: tuple[int, int]
    ) -> None:
        busy_meeting(context, clock)
        other = context.services.meetings.start("发布会筹备会议", attendees=["wei"], tz="Asia/Shanghai")
        context.services.meetings.end(other.id, next_start=datetime(2026, 12, 3, 6, 30, tzinfo=UTC))

        async def run_before(pilot: Pilot[Any]) -> None:
            await until(
                pilot,
                lambda: isinstance(pilot.app.screen, MeetingsScreen) and bool(pilot.app.screen.data.meetings),
            )
            await quiet(pilot)

        with using_language("zh-CN"):
            assert snap_compare(snapshot_app(context, "meetings"), terminal_size=size, run_before=run_before)

    def test_live_meeting(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock, size: tuple[int, int]
    ) -> None:
        busy_meeting(context, clock)

        async def run_before(pilot: Pilot[Any]) -> None:
            # Nothing typed: the preview under the line is the capture hint (the preview of a typed line is
            # domain.capture's text, translated in its own change); the Pilot test types in Chinese.
            screen = await open_live(pilot)
            await until(pilot, lambda: "回车记录笔记" in str(screen.query_one("#capture-preview").render()))
            await quiet(pilot)

        with using_language("zh-CN"):
            assert snap_compare(snapshot_app(context, "meetings"), terminal_size=size, run_before=run_before)

    def test_summary(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock, size: tuple[int, int]
    ) -> None:
        second = busy_meeting(context, clock)
        context.services.meetings.end(second.id, next_start=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))

        async def run_before(pilot: Pilot[Any]) -> None:
            await open_summary_for_snapshot(pilot, second.id)

        with using_language("zh-CN"):
            assert snap_compare(snapshot_app(context, "meetings"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", ["overview", "timeline", "raci", "load", "records"])
def test_plan_tab_in_chinese(
    snap_compare: SnapCompare, context: Context, size: tuple[int, int], tab: str
) -> None:
    seed_plan(context)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlanScreen)
        screen.action_show_tab(tab)
        await until(pilot, lambda: screen.tabs.active == f"{tab}-tab")
        if tab == "timeline":
            await until(pilot, lambda: bool(screen.timeline.rows))
        await settle(pilot)

    with using_language("zh-CN"):
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=size, run_before=run_before)
