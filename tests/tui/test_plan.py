"""The plan area: project goals, milestones, timeline, RACI matrix flags and per-person load."""

from __future__ import annotations

from datetime import date

from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from tests.helpers.guide import seed_plan
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.messages import OpenCard
from tui.screens.plan import PlanScreen
from tui.wiring import Context


def plan_screen(app: HuddleApp) -> PlanScreen:
    screen = app.screen
    assert isinstance(screen, PlanScreen)
    return screen


def column(table: DataTable[object], key: str) -> list[str]:
    return [str(table.get_cell(row, key)) for row in table.rows]


async def test_overview_shows_goals_and_milestones_with_progress(context: Context) -> None:
    seed_plan(context)
    messages: list[Message] = []
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = plan_screen(app)
        summary = str(screen.query_one("#project-summary", Static).render())
        assert "[b]One[/b] launch" in summary
        goals = screen.query_one("#goals-table", DataTable)
        assert column(goals, "goal") == ["Sign 20 pilot customers"]
        assert "67 days left" in column(goals, "deadline")[0]
        milestones = screen.milestone_table
        assert list(milestones.rows) == ["OPS-3", "MKT-3"]
        assert column(milestones, "status") == ["at risk", "on track"]
        assert column(milestones, "preds") == ["OPS-1 late", "MKT-1 open"]
        assert column(milestones, "progress")[0].endswith(" 0%")
        await pilot.press("enter")
        await until(pilot, lambda: any(isinstance(m, OpenCard) for m in messages))
        opened = {id(m): m.card_id for m in messages if isinstance(m, OpenCard)}
        assert list(opened.values()) == ["OPS-3"]


async def test_raci_matrix_flags_missing_roles_and_filters(context: Context) -> None:
    seed_plan(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = plan_screen(app)
        await pilot.press("r")
        table = screen.raci_table
        assert app.focused is table
        assert str(table.get_cell("OPS-1", "person:ann")).strip() == "RA"
        assert str(table.get_cell("MKT-1", "person:ann")).strip() == "C"
        assert str(table.get_cell("MKT-1", "person:bob")).strip() == "I"
        assert str(table.get_cell("OPS-3", "problems")) == "no Accountable, no Responsible"
        assert str(table.get_cell("OPS-1", "problems")) == "ok"
        assert "MKT-2" not in table.rows
        await pilot.press("p")
        assert screen.problems_only is True
        assert set(table.rows) == {"OPS-2", "OPS-3", "OPS-4", "MKT-3"}
        assert "4 of 6 open tasks" in str(screen.query_one("#raci-summary", Static).render())
        await pilot.press("p", "d")
        assert screen.raci_dept == "Operations"
        assert set(table.rows) == {"OPS-1", "OPS-2", "OPS-3", "OPS-4"}
        assert "person:wei" in table.columns
        assert "3 of 4 open tasks in Operations" in str(screen.query_one("#raci-summary", Static).render())
        await pilot.press("d", "d")
        assert screen.raci_dept == ""
        assert len(table.rows) == 6


async def test_load_and_timeline(context: Context) -> None:
    seed_plan(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = plan_screen(app)
        await pilot.press("l")
        load = screen.load_table
        assert next(iter(load.rows)) == "wei"
        assert str(load.get_cell("wei", "total")) == "2"
        assert "2 departments" in str(load.get_cell("wei", "note"))
        await pilot.press("t")
        timeline = screen.timeline
        assert [r.card.id for r in timeline.rows] == ["OPS-1", "MKT-1", "OPS-3", "OPS-4", "MKT-3"]
        text = str(timeline.render())
        assert "◆" in text
        assert max(len(line) for line in text.splitlines()) <= timeline.size.width


async def test_reloads_when_data_changes(context: Context) -> None:
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = plan_screen(app)
        assert list(screen.milestone_table.rows) == ["OPS-3"]
        context.services.cards.add("MKT", "Press day", milestone=True, due=date(2026, 12, 20))
        app.announce_change(object())
        await until(pilot, lambda: list(screen.milestone_table.rows) == ["OPS-3", "MKT-3"])


async def test_records_tab_lists_decisions_and_approves_or_rejects_changes(context: Context) -> None:
    sv = context.services
    meeting = sv.meetings.start("周会", attendees=["ann", "wei"])
    sv.meetings.decide(meeting.id, "采用方案B [b]not markup[/b]")
    sv.records.request_change("推迟发布一周", "vendor delay")
    sv.records.request_change("Add a second pilot city")
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = plan_screen(app)
        await pilot.press("c")
        await settle(pilot)
        changes = screen.change_table
        assert list(changes.rows) == ["CR-2", "CR-1"]
        assert column(changes, "status") == ["open", "open"]
        decisions = screen.query_one("#decision-table", DataTable)
        assert column(decisions, "text") == ["采用方案B [b]not markup[/b]"]
        assert column(decisions, "meeting") == [meeting.id]
        assert column(decisions, "when") == ["Wed 25 Nov 10:00"]  # format_moment, as the rest of the TUI

        await pilot.press("down", "a")  # CR-1
        await pilot.press("y")
        await settle(pilot)
        assert sv.records.change_requests()[0].status.value == "approved"
        assert column(changes, "status")[changes.get_row_index("CR-1")] == "approved"
        activity = screen.query_one("#activity-table", DataTable)
        assert (column(activity, "what")[0], column(activity, "action")[0]) == ("CR-1", "approved")
        assert column(activity, "who")[0].startswith("ann")

        cursor = changes.get_row_index("CR-2")
        changes.move_cursor(row=cursor)
        await pilot.press("x", "n")  # asked, then declined: nothing changes
        await settle(pilot)
        assert {c.id: c.status.value for c in sv.records.change_requests()}["CR-2"] == "open"
        await pilot.press("x", "y")
        await settle(pilot)
        assert {c.id: c.status.value for c in sv.records.change_requests()}["CR-2"] == "rejected"
        changes.move_cursor(row=changes.get_row_index("CR-2"))
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen), "a decided change is not asked about again"
        assert any("already rejected" in n.message for n in app._notifications)

        await pilot.press("o")
        await settle(pilot)
        await pilot.press("a")  # not on the records tab: no approval
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)


async def test_new_change_request_from_the_records_tab(context: Context) -> None:
    from tui.dialogs.fields import FieldsModal

    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # not on the records tab: nothing opens
        assert not isinstance(app.screen, ModalScreen)
        await pilot.press("c", "n")
        assert isinstance(app.screen, FieldsModal)
        await pilot.press("ctrl+s")  # an empty title is refused inline
        modal = app.screen
        assert isinstance(modal, FieldsModal)
        error = modal.query_one("#fields-error", Static)
        assert error.display
        assert str(error.render()) == "change is empty"
        await pilot.press(*"推迟 [b]发布[/b]", "tab", *"vendor late", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)
        (change,) = context.services.records.change_requests()
        assert (change.id, change.title, change.description) == ("CR-1", "推迟 [b]发布[/b]", "vendor late")
        assert column(plan_screen(app).change_table, "title") == ["推迟 [b]发布[/b]"]


async def test_edit_project_and_add_a_goal(context: Context) -> None:
    from tui.dialogs.fields import FieldsModal

    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FieldsModal)
        form.query_one("#field-name", Input).value = "发布项目 Launch"
        form.query_one("#field-vision", Input).value = "[b]All[/b] departments ready together"
        form.query_one("#field-escalate", Input).value = "0"
        await pilot.press("ctrl+s")
        assert app.screen is form, "a threshold of 0 days is refused in the form"
        assert "at least 1" in str(form.query_one("#fields-error", Static).render())
        form.query_one("#field-escalate", Input).value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        project = context.services.directory.project()
        assert (project.name, project.vision, project.blocked_escalation_days) == (
            "发布项目 Launch",
            "[b]All[/b] departments ready together",
            5,
        )
        summary = str(plan_screen(app).query_one("#project-summary", Static).render())
        assert "[b]All[/b] departments" in summary

        await pilot.press("g")
        goal_form = app.screen
        assert isinstance(goal_form, FieldsModal)
        goal_form.query_one("#field-text", Input).value = "三家试点客户上线"
        goal_form.query_one("#field-target", Input).value = "3"
        goal_form.query_one("#field-deadline", Input).value = "someday"
        await pilot.press("ctrl+s")
        assert app.screen is goal_form
        assert "deadline" in str(goal_form.query_one("#fields-error", Static).render())
        goal_form.query_one("#field-deadline", Input).value = "+6w"
        await pilot.press("ctrl+s")
        await settle(pilot)
        (goal,) = context.services.directory.project().goals
        assert (goal.text, goal.target, goal.deadline) == ("三家试点客户上线", "3", date(2027, 1, 6))
        goals = plan_screen(app).query_one("#goals-table", DataTable)
        assert column(goals, "goal") == ["三家试点客户上线"]


async def test_fit_columns_sizes_columns_to_their_widest_cell_at_once() -> None:
    from rich.text import Text
    from textual.app import App, ComposeResult

    from tui.widgets.tables import fit_columns

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(DataTable)
        goal = table.add_column("Goal", key="goal")
        number = table.add_column("N", key="n")
        table.add_row(Text("三家试点客户上线"), "12345", key="a")
        table.add_row(Text("x" * 100), "1", key="b")
        fit_columns(table)  # before any idle-time measuring
        assert table.columns[goal].width == 60, "capped"
        assert table.columns[number].width == 5
        table.remove_row("b")
        fit_columns(table)
        assert table.columns[goal].width == 16, "CJK cells count double"
        await until(pilot, lambda: table.columns[goal].width == 16)
        assert table.columns[goal].width == 16
