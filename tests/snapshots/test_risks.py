"""Snapshots of the risks heatmap with the fixed clock: a wide terminal with movement, and a small one."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.pilot import Pilot

from tests.helpers.clock import FixedClock
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import settle
from tui.screens.risks import RisksScreen
from tui.wiring import Context


class TestRiskScreen:
    def test_heatmap_with_movement_120x40(
        self, snap_compare: SnapCompare, context: Context, clock: FixedClock
    ) -> None:
        risks = context.services.risks
        risks.add("Not yet scored: customs rules", None, None, owner="bob")
        risks.add("[red]Literal[/] markup in a risk", 2, 5, owner="ann")
        clock.advance(days=3)
        risks.edit("R-1", {"probability": 5, "impact": 5})
        risks.edit("R-2", {"probability": 1})

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, RisksScreen)
            screen.since = date(2026, 11, 26)
            await pilot.pause()

        assert snap_compare(snapshot_app(context, "risks"), terminal_size=(120, 40), run_before=run_before)

    def test_heatmap_80x24(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(snapshot_app(context, "risks"), terminal_size=(80, 24), run_before=settle)
