"""The risks area: heatmap selection, inherent/residual toggle, movement, register sort/filter, warnings."""

from __future__ import annotations

from datetime import date

from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, TabbedContent

from domain.dates import format_moment
from tests.helpers.clock import FixedClock
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.messages import OpenCard
from tui.screens.risks import RisksScreen
from tui.widgets.heatmap_grid import HeatmapGrid
from tui.widgets.warning_list import WarningList
from tui.wiring import Context


def focus_of(app: HuddleApp) -> object:
    """The focused widget, typed loosely so successive checks do not narrow it."""
    return app.focused


def risks_screen(app: HuddleApp) -> RisksScreen:
    screen = app.screen
    assert isinstance(screen, RisksScreen)
    return screen


def listed_ids(screen: RisksScreen) -> list[str]:
    options = screen.cell_list
    return [
        str(options.get_option_at_index(n).id)
        for n in range(options.option_count)
        if options.get_option_at_index(n).id is not None
    ]


def table_ids(screen: RisksScreen) -> list[str]:
    table = screen.table
    return [
        str(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value) for row in range(table.row_count)
    ]


async def test_starts_on_the_worst_cell_and_lists_its_risks(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        assert screen.grid.cursor == (4, 4)
        assert listed_ids(screen) == ["R-1"]
        assert screen.grid.has_class("-compact") is False


async def test_keyboard_and_mouse_select_cells(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        await pilot.press("down", "down", "left")
        assert screen.grid.cursor == (2, 3)
        assert listed_ids(screen) == ["R-2"]
        await pilot.press("down", "down")
        assert screen.grid.cursor is None
        assert listed_ids(screen) == []
        await pilot.click("#cell-4-4")
        await until(pilot, lambda: screen.grid.cursor == (4, 4))
        assert screen.grid.cursor == (4, 4)
        assert listed_ids(screen) == ["R-1"]
        await pilot.click("#cell-1-1")
        await until(pilot, lambda: listed_ids(screen) == [])
        assert listed_ids(screen) == []
        assert "No risks in this cell" in str(screen.cell_list.get_option_at_index(0).prompt)


async def test_enter_on_a_cell_lists_and_opens_a_risk_with_its_history(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        await pilot.press("enter")
        assert focus_of(app) is screen.cell_list
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "RiskDetailModal")
        detail = app.screen
        assert type(detail).__name__ == "RiskDetailModal"
        history = detail.query_one("#history-table", DataTable)
        assert history.row_count == 1
        change = detail.risk.history[0]  # type: ignore[attr-defined]
        today = context.services.risks.today()
        when = str(history.get_cell_at(Coordinate(0, 0)))
        assert when == format_moment(change.at, context.zone, today=today)
        assert when[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        await pilot.press("escape")
        assert app.screen is screen


async def test_toggle_between_inherent_and_residual(context: Context) -> None:
    context.services.risks.edit("R-1", {"residual_probability": 2, "residual_impact": 2})
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        assert screen.view is not None
        assert screen.view.cell((4, 4)).risk_ids == ("R-1",)
        await pilot.press("t")
        assert screen.residual is True
        assert screen.view.residual is True
        assert screen.view.cell((2, 2)).risk_ids == ("R-1",)
        assert screen.view.cell((4, 4)).count == 0
        assert screen.view.unassessed == ("R-2",)
        await pilot.press("down", "down", "down", "down", "down")
        assert screen.grid.cursor is None
        assert listed_ids(screen) == ["R-2"]
        await pilot.press("t")
        assert screen.view.cell((4, 4)).risk_ids == ("R-1",)


async def test_movement_since_a_date_marks_the_previous_cell(context: Context, clock: FixedClock) -> None:
    clock.advance(days=3)
    context.services.risks.edit("R-1", {"probability": 5, "impact": 5})
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        await pilot.press("m")
        await pilot.press(*"2026-11-26", "enter")
        await until(pilot, lambda: screen.since == date(2026, 11, 26))
        assert screen.since == date(2026, 11, 26)
        assert screen.view is not None
        assert screen.view.cell((5, 5)).arrows == "↗"
        assert screen.view.cell((4, 4)).previous_ids == ("R-1",)
        screen.grid.select((5, 5))
        await until(pilot, lambda: "P4 I4 → P5 I5" in str(screen.cell_list.get_option_at_index(0).prompt))
        prompt = str(screen.cell_list.get_option_at_index(0).prompt)
        assert "P4 I4 → P5 I5" in prompt
        screen.grid.select((4, 4))
        await until(pilot, lambda: listed_ids(screen) == ["was:R-1"])
        assert listed_ids(screen) == ["was:R-1"]
        await pilot.press("m")
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await until(pilot, lambda: screen.since is None)
        assert screen.since is None


async def test_movement_prompt_rejects_a_bad_date(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m", *"someday", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "SinceModal")
        assert type(app.screen).__name__ == "SinceModal"
        assert "cannot read date" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        assert risks_screen(app).since is None


async def test_register_sorts_by_header_and_s_and_filters(context: Context) -> None:
    context.services.risks.add("Key engineer leaves", 3, 2, owner="bob", category="people")
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        await pilot.press("r")
        assert focus_of(app) is screen.table
        assert table_ids(screen) == ["R-1", "R-2", "R-3"]
        table = screen.table
        x = table.columns[next(iter(table.columns))].get_render_width(table) + 2
        await pilot.click("#risk-table", offset=(x, 0))
        await until(pilot, lambda: screen.sort_column == "title")
        assert screen.sort_column == "title"
        assert table_ids(screen) == ["R-3", "R-1", "R-2"]
        await pilot.click("#risk-table", offset=(x, 0))
        await until(pilot, lambda: screen.sort_reverse is True)
        assert screen.sort_reverse is True
        assert table_ids(screen) == ["R-2", "R-1", "R-3"]
        await pilot.press("s")
        assert screen.sort_column == "category"
        assert table_ids(screen)[0] == "R-3"
        await pilot.press("slash")
        assert focus_of(app) is screen.query_one("#risk-filter", Input)
        await pilot.press(*"owner:wei")
        await until(pilot, lambda: table_ids(screen) == ["R-2"])
        assert table_ids(screen) == ["R-2"]
        await pilot.press("ctrl+a", "ctrl+k", *"vendor")
        await until(pilot, lambda: table_ids(screen) == ["R-1"])
        assert table_ids(screen) == ["R-1"]
        await pilot.press("ctrl+a", "ctrl+k", *"band:amber")
        await until(pilot, lambda: sorted(table_ids(screen)) == ["R-2", "R-3"])
        assert sorted(table_ids(screen)) == ["R-2", "R-3"]
        await pilot.press("enter")
        assert focus_of(app) is screen.table
        await pilot.press("slash")
        await until(pilot, lambda: focus_of(app) is screen.query_one("#risk-filter", Input))
        await pilot.press("escape")  # issue 11: Esc leaves the filter too, keeping what it filters
        await until(pilot, lambda: focus_of(app) is screen.table)
        assert sorted(table_ids(screen)) == ["R-2", "R-3"]


async def test_user_text_is_shown_literally(context: Context) -> None:
    context.services.risks.add("[red]x[/] [b]boom", 4, 4)
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        prompts = [str(screen.cell_list.get_option_at_index(n).prompt) for n in range(2)]
        assert any("[red]x[/] [b]boom" in p for p in prompts)
        await pilot.press("r")
        cells = [str(screen.table.get_row("R-3")[1])]
        assert cells == ["[red]x[/] [b]boom"]


async def test_warnings_list_and_jump_to_risk_and_card(context: Context) -> None:
    context.services.risks.edit("R-2", {"review_date": date(2026, 11, 20)})
    messages: list[Message] = []
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        await pilot.press("w")
        warning_list = screen.query_one(WarningList)
        assert focus_of(app) is warning_list
        kinds = [w.kind for w in warning_list.warnings]
        assert kinds == ["milestone-at-risk", "overdue", "risk-review"]
        review = warning_list.warnings[2].message
        assert "on Fri 20 Nov" in review
        assert "2026-11-20" not in review
        assert str(screen.tabs.get_tab("warnings-tab").label) == "Warnings (3)"
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: screen.query_one(TabbedContent).active == "register-tab")
        assert screen.query_one(TabbedContent).active == "register-tab"
        assert focus_of(app) is screen.table
        assert screen.selected_register_risk() is not None
        assert screen.selected_register_risk().id == "R-2"  # type: ignore[union-attr]
        assert screen.grid.cursor == (2, 3)
        await pilot.press("w", "home", "enter")
        await until(pilot, lambda: any(isinstance(m, OpenCard) for m in messages))
        opened = {m.card_id for m in messages if isinstance(m, OpenCard)}
        assert opened == {"OPS-3"}


async def test_warning_list_shows_an_empty_state(context: Context) -> None:
    cards = context.services.cards
    for card in cards.list():
        if card.column != "Done":
            cards.move(card.id, "Done", enforce_wip=False)
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        option_list = screen.query_one(WarningList)
        assert option_list.warnings == ()
        assert "No early warnings" in str(option_list.get_option_at_index(0).prompt)
        assert str(screen.tabs.get_tab("warnings-tab").label) == "Warnings"


async def test_data_changed_elsewhere_reloads(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = risks_screen(app)
        context.services.risks.add("Strike at the port", 4, 4)
        app.announce_change(object())
        await until(pilot, lambda: listed_ids(screen) == ["R-1", "R-3"])


async def test_compact_heatmap_on_a_small_terminal(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = risks_screen(app).query_one(HeatmapGrid)
        assert grid.compact is True
        assert grid.region.bottom <= 23
        assert risks_screen(app).query_one("#cell-risks", OptionList).region.width >= 20


async def test_blocked_cards_escalate_after_project_threshold(context: Context, clock: FixedClock) -> None:
    context.services.directory.update_project(name="Launch", escalate_after_days=1)
    clock.advance(days=2)
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        warnings = risks_screen(app).warning_list.warnings
        assert [(w.kind, w.target) for w in warnings if w.kind == "blocked"] == [("blocked", "OPS-3")]


async def test_risk_detail_opens_a_linked_card(context: Context) -> None:
    context.services.risks.edit("R-1", {"linked_cards": ["OPS-1"]})
    messages: list[Message] = []
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await until(pilot, lambda: bool(app.screen.query("#linked-cards")))
        linked = app.screen.query_one("#linked-cards", OptionList)
        assert "OPS-1 Rack the new servers" in str(linked.get_option_at_index(0).prompt)
        linked.focus()
        linked.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: {m.card_id for m in messages if isinstance(m, OpenCard)} == {"OPS-1"})
        assert {m.card_id for m in messages if isinstance(m, OpenCard)} == {"OPS-1"}
        assert app.current_mode == "boards"


async def test_open_risk_from_another_area_shows_it_in_the_register(context: Context) -> None:
    from textual.widgets import DataTable

    from tui.app import HuddleApp
    from tui.messages import OpenRisk

    def cursor_key(app: HuddleApp) -> object:
        risks = app.area_screens.get("risks")
        if app.current_mode != "risks" or risks is None:
            return None
        table = risks.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_mode == "boards")
        assert app.current_mode == "boards"
        app.screen.post_message(OpenRisk("R-2"))
        for _ in range(60):
            await pilot.pause(0.05)
            if cursor_key(app) == "R-2":
                break
        assert app.current_mode == "risks"
        assert cursor_key(app) == "R-2"
