"""Snapshots of the plan area with the fixed clock: the overview, and the timeline on a small terminal."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.snapshots.conftest import SnapCompare, settle, snapshot_app
from tests.tui.guide_support import until
from tests.tui.test_plan import seed_plan
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
