"""Every screen at 80x24 (the smallest terminal Huddle promises), with the fixed clock.

Boards, portfolio, heatmap, Plan timeline and the close phase already have 80x24 snapshots in their own
files; these are the rest: what a narrow terminal must still show (key columns, dates, every button).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.helpers.clock import FixedClock
from tests.helpers.meetings import busy_meeting, open_live_for_snapshot, open_summary_for_snapshot
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import quiet, settle, until
from tui.dialogs.card_detail import CardDetailModal
from tui.dialogs.help import HelpScreen
from tui.screens.meetings import MeetingsScreen
from tui.wiring import Context

SIZE = (80, 24)


def press_then_settle(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def table_filled(selector: str, *keys: str) -> Any:
    """Press ``keys``, then wait for the table ``selector`` to have rows."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await until(pilot, lambda: pilot.app.screen.query_one(selector, DataTable).row_count > 0)
        await settle(pilot)

    return run


class TestSmallTerminal:
    def test_card_detail(self, snap_compare: SnapCompare, context: Context) -> None:
        async def run(pilot: Pilot[Any]) -> None:
            await press_then_settle("enter")(pilot)
            await until(pilot, lambda: isinstance(pilot.app.screen, CardDetailModal))

        assert snap_compare(snapshot_app(context, "boards"), terminal_size=SIZE, run_before=run)

    def test_help(self, snap_compare: SnapCompare, context: Context) -> None:
        async def run(pilot: Pilot[Any]) -> None:
            await press_then_settle("question_mark")(pilot)
            await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

        assert snap_compare(snapshot_app(context, "boards"), terminal_size=SIZE, run_before=run)

    def test_risk_register(self, snap_compare: SnapCompare, context: Context) -> None:
        run = table_filled("#risk-table", "r")
        assert snap_compare(snapshot_app(context, "risks"), terminal_size=SIZE, run_before=run)

    def test_plan_overview(self, snap_compare: SnapCompare, context: Context) -> None:
        run = table_filled("#milestone-table")
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=SIZE, run_before=run)

    def test_plan_raci(self, snap_compare: SnapCompare, context: Context) -> None:
        run = table_filled("#raci-table", "r")
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=SIZE, run_before=run)

    def test_plan_load(self, snap_compare: SnapCompare, context: Context) -> None:
        run = table_filled("#load-table", "l")
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=SIZE, run_before=run)

    def test_plan_records(self, snap_compare: SnapCompare, context: Context) -> None:
        run = press_then_settle("c")
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=SIZE, run_before=run)

    def test_meeting_list(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        busy_meeting(context, clock)

        async def run(pilot: Pilot[Any]) -> None:
            await until(
                pilot,
                lambda: isinstance(pilot.app.screen, MeetingsScreen) and bool(pilot.app.screen.data.meetings),
            )
            await quiet(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run)

    def test_live_meeting(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        busy_meeting(context, clock)

        async def run(pilot: Pilot[Any]) -> None:
            await open_live_for_snapshot(pilot)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run)

    def test_summary(self, snap_compare: SnapCompare, context: Context, clock: FixedClock) -> None:
        second = busy_meeting(context, clock)
        context.services.meetings.end(second.id, next_start=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))

        async def run(pilot: Pilot[Any]) -> None:
            await open_summary_for_snapshot(pilot, second.id)

        assert snap_compare(snapshot_app(context, "meetings"), terminal_size=SIZE, run_before=run)
