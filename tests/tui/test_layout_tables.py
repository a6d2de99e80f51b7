"""At 80 columns every table keeps its key columns and drops the least important ones first."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.widgets.tables import drop_order
from tui.wiring import Context

LONG = "为新数据中心采购并安装全部机架、配电单元和冷却设备的长期合同谈判"


def columns(table: DataTable[Any]) -> list[str]:
    return [str(key.value) for key in table.columns]


def table_cells(table: DataTable[Any]) -> int:
    return sum(column.get_render_width(table) for column in table.columns.values())


def crowd(context: Context) -> None:
    """Long Chinese titles and categories, so every table is wider than 80 columns."""
    services = context.services
    services.cards.add("OPS", LONG, owner="ann", milestone=True, column="To do", enforce_wip=False)
    services.risks.add(LONG, 3, 4, category="供应链与采购风险类别", owner="ann")


async def table_at(app: HuddleApp, pilot: Any, selector: str) -> DataTable[Any]:
    await until(pilot, lambda: app.screen.query_one(selector, DataTable).row_count > 0)
    await settle(pilot)
    return app.screen.query_one(selector, DataTable)


async def test_portfolio_keeps_id_title_due_at_80_and_all_at_200(context: Context) -> None:
    crowd(context)
    app = HuddleApp(context, start_mode="portfolio")
    async with app.run_test(size=(80, 24)) as pilot:
        cards = await table_at(app, pilot, "#cards")
        await until(pilot, lambda: table_cells(cards) <= 80)
        assert {"id", "title", "due", "owner"} <= set(columns(cards))
        summary = await table_at(app, pilot, "#summary")
        assert {"dept", "overdue", "blocked", "total"} <= set(columns(summary))
        assert table_cells(summary) <= 80
        await pilot.resize_terminal(200, 40)
        await until(pilot, lambda: "dept" in columns(app.screen.query_one("#cards", DataTable)))
        assert len(columns(app.screen.query_one("#cards", DataTable))) == 7


async def test_risk_register_keeps_id_title_score_status_at_80(context: Context) -> None:
    crowd(context)
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        table = await table_at(app, pilot, "#risk-table")
        assert {"id", "title", "score", "status"} <= set(columns(table))
        assert "category" not in columns(table)
        assert table_cells(table) <= 80


async def test_plan_tables_keep_their_key_columns_at_80(context: Context) -> None:
    crowd(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(80, 24)) as pilot:
        milestones = await table_at(app, pilot, "#milestone-table")
        assert {"id", "title", "due", "status"} <= set(columns(milestones))
        assert table_cells(milestones) <= 80
        await pilot.press("r")
        raci = await table_at(app, pilot, "#raci-table")
        assert {"card", "problems"} <= set(columns(raci))
        assert table_cells(raci) <= 80
        await pilot.press("l")
        load = await table_at(app, pilot, "#load-table")
        assert {"person", "total"} <= set(columns(load))
        assert table_cells(load) <= 80


def test_drop_order_least_important_first() -> None:
    names = ["id", "title", "dept:a", "dept:b", "total", "note"]
    assert drop_order(names, ["id", "title", "total", "dept:*"]) == [
        "note", "dept:b", "dept:a", "total", "title", "id",
    ]  # fmt: skip


def test_live_header_keeps_id_and_state_and_cuts_the_title_in_cells() -> None:
    from rich.cells import cell_len

    from tui.screens.meeting_live import header_line

    assert header_line("M-2", "Weekly", "Ops", "ended", width=0) == "M-2 Weekly · series Ops · ended"
    line = header_line("M-2", LONG, "Ops weekly", "you are the scribe", width=40)
    assert line.startswith("M-2 为新")
    assert line.endswith("… · you are the scribe")
    assert cell_len(line) <= 40
    assert header_line("M-2", LONG, "", "ended", width=11) == "M-2 · ended"
    # Narrower than the id and the state: cut with an ellipsis rather than wrapped out of the header.
    assert header_line("M-2", LONG, "", "ended", width=10) == "M-2 · end…"
    assert cell_len(header_line("M-2", LONG, "", "你是记录人", width=12)) <= 12


async def test_live_meeting_header_shows_state_and_clock_at_80(context: Context, clock: Any) -> None:
    from textual.widgets import Static

    from tests.helpers.meetings import busy_meeting, open_live_for_snapshot

    busy_meeting(context, clock)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live_for_snapshot(pilot)
        title = screen.query_one("#meeting-title", Static)
        await until(pilot, lambda: "you are the scribe" in str(title.content))
        assert "M-2" in str(title.content)
        assert "meeting" in str(screen.query_one("#meeting-clock", Static).content)
        assert title.region.right <= screen.query_one("#meeting-clock", Static).region.x


async def test_live_meeting_header_in_chinese_keeps_state_and_clock_at_80(
    context: Context, clock: Any
) -> None:
    """The clock's Chinese text is wider and arrives after the title was first fitted: the title refits
    to its own new width (measured in cells), so the state is on the one header line, not wrapped off."""
    from rich.cells import cell_len
    from textual.widgets import Static

    from domain.i18n import using_language
    from tests.helpers.meetings import busy_meeting, open_live_for_snapshot

    busy_meeting(context, clock)
    with using_language("zh-CN"):
        app = HuddleApp(context, start_mode="meetings")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_live_for_snapshot(pilot)
            title = screen.query_one("#meeting-title", Static)
            clock_line = screen.query_one("#meeting-clock", Static)

            def fitted() -> bool:
                text = str(title.content)
                return (
                    "会议已进行" in str(clock_line.content)
                    and text.endswith(" · 你是记录人")
                    and 0 < cell_len(text) <= title.size.width
                )

            await until(pilot, fitted)
            assert str(title.content).startswith("M-2 ")
            assert title.region.right <= clock_line.region.x
            assert clock_line.region.right <= 80


async def test_card_detail_shows_every_button_at_80(context: Context) -> None:
    from textual.widgets import Button

    from tui.dialogs.card_detail import CardDetailModal

    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailModal))
        await settle(pilot)
        buttons = list(app.screen.query(Button))
        assert [b.id for b in buttons] == ["move-left", "move-right", "edit", "delete", "close"]
        dialog = app.screen.query_one("#card-detail").content_region
        for button in buttons:
            assert dialog.contains_region(button.region), button.id
