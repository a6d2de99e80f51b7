"""Portfolio: every department at once, filters, search across all cards (Chinese too)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from tests.helpers.boards import boards, portfolio
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.wiring import Context


def listed(app: HuddleApp) -> list[str]:
    return [card.id for card in portfolio(app).shown]


async def open_portfolio(app: HuddleApp, pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def test_summary_has_departments_by_columns_with_counts(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "Doing", 1)
    context.services.cards.add("OPS", "Second in Doing", column="Doing", enforce_wip=False)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        table = portfolio(app).query_one("#summary", DataTable)
        assert table.row_count == 2
        ops = [str(cell) for cell in table.get_row("Operations")]
        assert ops[:6] == ["Operations", "2", "0", "2/1 over", "0/3", "0"]
        assert ops[6:] == ["1", "1", "4"]
        mkt = [str(cell) for cell in table.get_row("市场部")]
        assert mkt[:6] == ["市场部", "0", "0", "1/5", "0/3", "1"]
        assert listed(app) == ["OPS-1", "OPS-3", "OPS-2", "OPS-4", "MKT-1", "MKT-2"]


async def test_search_finds_chinese_and_markup_like_titles(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("slash")
        search = portfolio(app).query_one("#search", Input)
        assert app.focused is search
        await pilot.press(*"发布")
        await until(pilot, lambda: listed(app) == ["MKT-1"])
        assert listed(app) == ["MKT-1"]
        await pilot.press("enter")  # issue 11: Enter in the search box moves to the results
        await until(pilot, lambda: app.focused is portfolio(app).query_one("#cards", DataTable))
        search.focus()
        await until(pilot, lambda: app.focused is search)
        search.value = "[/]"
        await until(pilot, lambda: listed(app) == ["OPS-2"])
        assert listed(app) == ["OPS-2"]
        table = portfolio(app).query_one("#cards", DataTable)
        assert str(table.get_cell("OPS-2", "title")) == "[red]Literal[/red] markup [/] title"
        search.value = "ops wei"
        await until(pilot, lambda: listed(app) == [])
        assert listed(app) == []
        search.value = "mkt 宣传"
        await until(pilot, lambda: listed(app) == ["MKT-2"])
        assert listed(app) == ["MKT-2"]
        await pilot.press("escape")
        assert search.value == ""
        assert len(listed(app)) == 5


async def test_slash_on_the_boards_searches_all_cards(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert app.current_mode == "portfolio"
        assert app.focused is portfolio(app).query_one("#search", Input)
        await pilot.press(*"rack", "enter")
        assert listed(app) == ["OPS-1"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "boards"
        assert boards(app).selected_id == "OPS-1"


async def test_flag_filters(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("o")
        assert listed(app) == ["OPS-1"]
        await pilot.press("o", "b")
        assert listed(app) == ["OPS-3"]
        await pilot.press("b", "m")
        assert listed(app) == ["OPS-3"]
        await pilot.press("m")
        assert len(listed(app)) == 5


async def test_owner_and_tag_filters(context: Context) -> None:
    context.services.cards.edit("MKT-2", {"tags": ["print"]})
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        screen = portfolio(app)
        screen.query_one("#owner-filter", Select).value = "wei"
        await until(pilot, lambda: listed(app) == ["MKT-1", "MKT-2"])
        assert listed(app) == ["MKT-1", "MKT-2"]
        screen.query_one("#tag-filter", Select).value = "print"
        await until(pilot, lambda: listed(app) == ["MKT-2"])
        assert listed(app) == ["MKT-2"]
        screen.query_one("#owner-filter", Select).value = Select.NULL
        screen.query_one("#tag-filter", Select).value = Select.NULL
        await until(pilot, lambda: len(listed(app)) == 5)
        assert len(listed(app)) == 5


async def test_enter_on_a_card_opens_its_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert app.current_mode == "boards"
        screen = boards(app)
        assert screen.department is not None
        assert screen.department.name == "市场部"
        assert screen.selected_id == "MKT-1"


async def test_portfolio_follows_changes(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("1", "L", "2")
        await settle(pilot)
        table = portfolio(app).query_one("#cards", DataTable)
        assert str(table.get_cell("OPS-1", "column")) == "To do"
