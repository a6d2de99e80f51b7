"""Snapshots of the plan area with the fixed clock: the overview, and the timeline on a small terminal."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.helpers.guide import seed_plan
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import settle, until
from tui.screens.plan import PlanScreen
from tui.wiring import Context


class TestPlanScreen:
    def test_overview_120x40(self, snap_compare: SnapCompare, context: Context) -> None:
        seed_plan(context)
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=(120, 40), run_before=settle)

    def test_timeline_80x24(self, snap_compare: SnapCompare, context: Context) -> None:
        seed_plan(context)

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("t")
            screen = pilot.app.screen
            assert isinstance(screen, PlanScreen)
            await until(pilot, lambda: bool(screen.timeline.rows))
            await settle(pilot)

        assert snap_compare(snapshot_app(context, "plan"), terminal_size=(80, 24), run_before=run_before)
