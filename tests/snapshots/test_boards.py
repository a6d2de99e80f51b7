"""What a person sees on the boards and the portfolio, at 120x40 and 80x24, with a fixed clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tests.helpers.snapshots import SnapCompare, snapshot_app
from tests.helpers.wait import settle
from tui.app import HuddleApp
from tui.wiring import Context


def make_app(context: Context) -> HuddleApp:
    return snapshot_app(context, "boards", title="huddle.json")


def steps(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Let the board load, then press each key and let its work finish."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


class TestBoardScreen:
    def test_board(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps())

    def test_board_small_terminal(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(80, 24), run_before=steps())

    def test_card_moved_right(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("L"))

    def test_over_wip_column(self, snap_compare: SnapCompare, context: Context) -> None:
        context.services.directory.set_wip_limit("Operations", "Doing", 1)
        context.services.cards.add("OPS", "Second in Doing", column="Doing", owner="ann", enforce_wip=False)
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("l", "l"))

    def test_chinese_department(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(
            make_app(context), terminal_size=(120, 40), run_before=steps("right_square_bracket")
        )

    def test_edit_form(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("e"))

    def test_edit_form_small_terminal(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(80, 24), run_before=steps("e"))

    def test_card_detail(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("j", "enter"))

    def test_delete_confirmation(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(80, 24), run_before=steps("x"))

    def test_help(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("question_mark"))


class TestPortfolio:
    def test_portfolio(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("2"))

    def test_portfolio_small_terminal(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(80, 24), run_before=steps("2"))

    def test_portfolio_overdue_filter(self, snap_compare: SnapCompare, context: Context) -> None:
        assert snap_compare(make_app(context), terminal_size=(120, 40), run_before=steps("2", "o"))
