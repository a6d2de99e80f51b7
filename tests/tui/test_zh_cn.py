"""The TUI in Simplified Chinese: labels, tiles, the key bar, notifications and the palette speak zh-CN,
and the key bar's clickable spans are measured in cells (two per Chinese character)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Input, Label, Static

from domain.i18n import using_language
from tests.helpers.boards import boards, column, tile, tile_text
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.risk_form import RiskFormModal
from tui.screens.portfolio import PortfolioScreen
from tui.screens.risks import RisksScreen
from tui.widgets.board_column import ColumnHeader
from tui.widgets.key_bar import KeyBar
from tui.wiring import Context


def key_bar_text(app: HuddleApp) -> str:
    return str(app.screen.query_one(KeyBar).content)


async def test_board_key_bar_tiles_and_notifications_in_chinese(context: Context) -> None:
    with using_language("zh-CN"):
        app = HuddleApp(context)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            bar = key_bar_text(app)
            # At 80 columns the bar keeps what fits, then help and the palette (measured in cells).
            for label in ("左移", "新建", "编辑", "帮助", "命令面板"):
                assert label in bar, bar
            for english in ("Help", "Edit", "palette"):
                assert english not in bar, bar
            # The spans that a click maps to a key are in cells: the bar's last span ends at its width.
            spans = app.screen.query_one(KeyBar)._spans
            assert spans[-1][1] == cell_len(bar), (spans, bar)
            assert tile_text(tile(app, "OPS-1")).splitlines()[2].startswith("!11-20 @ann")  # date first
            assert tile_text(tile(app, "OPS-3")).splitlines()[2].endswith("未分配")
            assert "Doing  1/5" in str(column(app, "Doing").query_one(ColumnHeader).render())
            # Every column of the department is drawn at 80 columns (none pushed off to the right).
            for board_column in boards(app).board_columns:
                assert board_column.region.right <= 80, board_column.region

            await pilot.press("ctrl+z")
            await until(pilot, lambda: any(n.message == "没有可撤销的操作" for n in app._notifications))

            commands = [command.title for command in app.get_system_commands(app.screen)]
            assert "看板：新建" in commands, commands
            assert "应用：帮助" in commands, commands

            await pilot.press("question_mark")
            await until(pilot, lambda: bool(app.screen.query("#help-text")))
            help_text = str(app.screen.query_one("#help-text", Static).content)
            for text in ("任何界面", "左移 ←", "总览（按键 2）", "单击列标题", "命令面板"):
                assert text in help_text, help_text


async def test_portfolio_and_risks_in_chinese(context: Context) -> None:
    with using_language("zh-CN"):
        app = HuddleApp(context, start_mode="portfolio")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PortfolioScreen)
            headers = [str(c.label) for c in screen.query_one("#cards").columns.values()]  # type: ignore[attr-defined]
            assert headers[:3] == ["编号", "部门", "列"], headers
            count = str(screen.query_one("#match-count", Static).content)
            assert count.startswith("5 张卡片中 5 张匹配"), count
            assert count.endswith("回车在看板上打开卡片"), count
            assert "逾期" in key_bar_text(app)

            await pilot.press("3")
            await until(pilot, lambda: isinstance(app.screen, RisksScreen) and app.screen.data.risks != ())
            await settle(pilot)
            risks = app.screen
            assert isinstance(risks, RisksScreen)
            assert "固有分值（缓解前）" in str(risks.query_one("#heatmap-caption", Static).content)
            assert "热力图" in key_bar_text(app)
            await pilot.press("t")
            await until(pilot, lambda: any(n.message == "残余分值" for n in app._notifications))


async def test_risk_form_in_chinese_refuses_a_bad_score(context: Context) -> None:
    with using_language("zh-CN"):
        app = HuddleApp(context, start_mode="risks")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, RiskFormModal))
            form = app.screen
            assert str(form.query_one(".dialog-title", Label).content) == "新建风险"
            form.query_one("#field-title", Input).value = "洪水"
            probability = form.query_one("#field-probability", Input)
            probability.value = "7"
            review = form.query_one("#field-review_date", Input)
            review.value = "下周一"
            await until(
                pilot,
                lambda: (
                    "11月30日 周一 (2026-11-30)" in str(form.query_one("#review-resolved", Label).content)
                ),
            )
            await pilot.press("ctrl+s")
            error = form.query_one("#form-error", Static)
            await until(pilot, lambda: "概率必须是 1 到 5 的整数" in str(error.content))
            assert probability.has_class("-invalid")
            assert [r.id for r in context.services.risks.list()] == ["R-1", "R-2"]
