"""The boards, portfolio, risks (heatmap, register, warnings), help, palette, card detail, the card form,
the people and column set-up dialogs, and the import and export dialogs in Simplified Chinese, at 80x24
and 120x40, with the fixed clock: labels, key bar and column headers measured in cells hold in a language
whose characters take two cells each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from domain.i18n import using_language
from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import settle
from tui.wiring import Context

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def steps(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Let the area load, then press each key and let its work finish."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def chinese_snapshot(
    snap_compare: SnapCompare, context: Context, mode: str, size: tuple[int, int], *keys: str
) -> bool:
    """The app built and run in zh-CN (the autouse fixture puts the language back afterwards)."""
    with using_language("zh-CN"):
        app = snapshot_app(context, mode, title="huddle.json")
        return snap_compare(app, terminal_size=size, run_before=steps(*keys))


@pytest.mark.parametrize("size", SIZES)
class TestChinese:
    def test_board(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size)

    def test_card_detail(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "j", "enter")

    def test_help(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "question_mark")

    def test_portfolio(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "portfolio", size)

    def test_risk_heatmap(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "risks", size)

    def test_risk_register(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "risks", size, "r")

    def test_risk_warnings(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "risks", size, "w")

    def test_palette(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "ctrl+p")

    def test_import_form(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "I")

    def test_export_format(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "E")

    def test_card_form(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "e")

    def test_people(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "P")

    def test_column_setup(self, snap_compare: SnapCompare, context: Context, size: tuple[int, int]) -> None:
        assert chinese_snapshot(snap_compare, context, "boards", size, "C")
