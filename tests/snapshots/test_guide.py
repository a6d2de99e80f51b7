"""Snapshots of the close phase at 120x40 and 80x24: the Plan overview with actuals, acceptance, slack
and reviews due; a milestone's criteria dialog; the timeline's critical path; the close step; the agenda
prep picker in Meetings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.helpers.guide import seed_close
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import settle, until
from tui.screens.dialogs import FieldsModal
from tui.screens.milestone_dialogs import AgendaPrepModal, MilestoneModal
from tui.screens.plan import PlanScreen
from tui.wiring import Context

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]


async def plan_loaded(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PlanScreen) and bool(app.screen.data.facts))
    await settle(pilot)


def then(*steps: Callable[[Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        for step in steps:
            await step(pilot)
        await settle(pilot)

    return run_before


async def open_criteria(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, PlanScreen)
    screen.milestone_table.move_cursor(row=1)
    await pilot.press("m")
    await until(pilot, lambda: isinstance(pilot.app.screen, MilestoneModal))


async def show_timeline(pilot: Pilot[Any]) -> None:
    await pilot.press("t")
    screen = pilot.app.screen
    assert isinstance(screen, PlanScreen)
    await until(pilot, lambda: bool(screen.timeline.rows))


async def close_step(pilot: Pilot[Any]) -> None:
    await pilot.press("C")
    await until(pilot, lambda: isinstance(pilot.app.screen, FieldsModal))


async def prep_picker(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("p")
    await until(pilot, lambda: isinstance(pilot.app.screen, AgendaPrepModal))


class TestClosePhase:
    @pytest.mark.parametrize("size", SIZES)
    def test_overview(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        seed_close(context)
        assert snap_compare(snapshot_app(context, "plan"), terminal_size=size, run_before=plan_loaded)

    @pytest.mark.parametrize("size", SIZES)
    def test_milestone_criteria(
        self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]
    ) -> None:
        seed_close(context)
        context.services.milestones.accept("OPS-3", "1", evidence="wiki/runbook")
        app = snapshot_app(context, "plan")
        assert snap_compare(app, terminal_size=size, run_before=then(plan_loaded, open_criteria))

    @pytest.mark.parametrize("size", SIZES)
    def test_critical_path(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        seed_close(context)
        app = snapshot_app(context, "plan")
        assert snap_compare(app, terminal_size=size, run_before=then(plan_loaded, show_timeline))

    @pytest.mark.parametrize("size", SIZES)
    def test_close_step(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        seed_close(context)
        app = snapshot_app(context, "plan")
        assert snap_compare(app, terminal_size=size, run_before=then(plan_loaded, close_step))

    @pytest.mark.parametrize("size", SIZES)
    def test_agenda_prep(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        seed_close(context)
        app = snapshot_app(context, "meetings")
        assert snap_compare(app, terminal_size=size, run_before=prep_picker)
