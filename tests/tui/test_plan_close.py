"""The close phase in the Plan area and in Meetings: criteria accepted and waived from the milestone
dialog, reviews due, slack and the critical path, goal actuals, agenda prep, retrospective, close."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static

from domain.models import MeetingKind, ReviewOutcome
from tests.helpers.guide import seed_close
from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.dialogs.agenda_prep import AgendaPrepModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.fields import FieldsModal
from tui.dialogs.milestone import MilestoneModal
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.plan import PlanScreen
from tui.wiring import Context


async def loaded_plan(pilot: Pilot[None]) -> PlanScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PlanScreen) and bool(app.screen.data.facts))
    screen = app.screen
    assert isinstance(screen, PlanScreen)
    await until(pilot, lambda: screen.milestone_table.row_count > 0)
    return screen


def cells(table: DataTable[object], key: str) -> list[str]:
    return [str(table.get_cell(row, key)) for row in table.rows]


async def test_overview_shows_actuals_acceptance_slack_and_reviews_due(context: Context) -> None:
    seed_close(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded_plan(pilot)
        goals = screen.query_one("#goals-table", DataTable)
        assert cells(goals, "actual") == [
            "2 (Fri 20 Nov)",
            "92% (Tue 24 Nov)",
        ]  # dates as the language writes them
        assert cells(goals, "progress")[0].endswith(" 67%")
        table = screen.milestone_table
        assert list(table.rows) == ["MKT-3", "OPS-3"]
        assert cells(table, "accepted") == ["-", "0/2"]
        assert cells(table, "slack")[1] == "+0d critical"
        due = str(screen.query_one("#reviews-due", Static).render())
        assert "Reviews due: MKT-3 Launch event booked (Sat 28 Nov)" in due
        await pilot.press("t")
        timeline = screen.timeline
        await until(pilot, lambda: bool(timeline.rows))
        by_id = {r.card.id: r for r in timeline.rows}
        assert by_id["OPS-3"].critical
        assert by_id["OPS-1"].critical
        assert by_id["OPS-1"].slack == 20  # OPS-3 (5 days) must start by 12-10; OPS-1 is due 11-20
        assert "+20d" in str(timeline.render())


async def test_accept_and_waive_from_the_milestone_dialog_then_done(context: Context) -> None:
    seed_close(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded_plan(pilot)
        screen.milestone_table.move_cursor(row=1)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MilestoneModal))
        dialog = app.screen
        assert isinstance(dialog, MilestoneModal)
        assert list(dialog.table.rows) == ["AC-1", "AC-2"]
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        app.screen.query_one("#field-evidence", Input).value = "wiki/runbook"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: context.services.cards.get("OPS-3").criteria[0].state == "accepted")
        assert context.services.cards.get("OPS-3").criteria[0].evidence == "wiki/runbook"
        await until(pilot, lambda: cells(screen.milestone_table, "accepted")[1] == "1/2")
        screen.milestone_table.move_cursor(row=1)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MilestoneModal))
        await pilot.press("down", "w")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await pilot.press("ctrl+s")  # an empty reason is refused in the form
        error = app.screen.query_one("#fields-error", Static)
        await until(pilot, lambda: bool(error.display))
        app.screen.query_one("#field-reason", Input).value = "监控在二期验证"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: context.services.cards.get("OPS-3").column == "Done")
        assert context.services.cards.get("OPS-3").criteria[1].waive_reason == "监控在二期验证"
        await until(pilot, lambda: "done" in cells(screen.milestone_table, "status"))


async def test_review_goal_value_and_close_from_the_plan(context: Context) -> None:
    seed_close(context)
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded_plan(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        services = context.services
        await until(pilot, lambda: any(m.kind == MeetingKind.REVIEW for m in services.meetings.list()))
        review = next(m for m in services.meetings.list() if m.kind == MeetingKind.REVIEW)
        assert review.milestone_id == "MKT-3"

        await pilot.press("G")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        app.screen.query_one("#field-value", Input).value = "3"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: services.directory.project().goals[0].actuals[-1].value == "3")
        await until(
            pilot, lambda: cells(screen.query_one("#goals-table", DataTable), "progress")[0].endswith("100%")
        )

        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        assert "items still open" in str(app.screen.query_one(".dialog-title", Static).render())
        app.screen.query_one("#field-reason", Input).value = "budget year ends"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: services.directory.project().closed)
        assert services.directory.project().close_reason == "budget year ends"
        await pilot.press("g")  # a write on a closed project is refused with a message, nothing changes
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        app.screen.query_one("#field-text", Input).value = "One more goal"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "read-only" in str(app.screen.query_one("#fields-error", Static).render()))
        assert len(services.directory.project().goals) == 2


async def test_prep_picker_starts_the_meeting_with_the_picked_items(context: Context) -> None:
    seed_close(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MeetingsScreen))
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, AgendaPrepModal))
        prep = app.screen
        assert isinstance(prep, AgendaPrepModal)
        picker = prep.query_one("#prep-picks", SelectionList)
        keys = [s.key for s in prep.shown]
        assert keys == ["overdue:Operations", "risks", "milestone:MKT-3", "changes"]
        prep.query_one("#prep-attendees", Input).value = "wei"
        await until(pilot, lambda: [s.key for s in prep.shown] == ["risks", "milestone:MKT-3", "changes"])
        picker.deselect("risks")
        prep.query_one("#prep-title", Input).value = "Weekly sync"
        await pilot.press("ctrl+s")
        services = context.services
        await until(pilot, lambda: isinstance(app.screen, LiveMeetingScreen))
        meeting = next(m for m in services.meetings.list() if m.title == "Weekly sync")
        assert [(a.title, a.refs) for a in meeting.agenda] == [
            ("Milestone review due: MKT-3 Launch event booked (2026-11-28)", ("MKT-3",)),
            ("Open change requests (1)", ("CR-1",)),
        ]
        assert [a.handle for a in meeting.attendees] == ["wei"]


async def test_review_outcome_and_retro_in_meetings(context: Context) -> None:
    seed_close(context)
    services = context.services
    review = services.milestones.review("MKT-3", tz="Asia/Shanghai")
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MeetingsScreen))
        screen = app.screen
        assert isinstance(screen, MeetingsScreen)
        await until(pilot, lambda: any(m.id == review.id for m in screen.data.meetings))
        option = next(i for i in range(screen.meeting_list.option_count)
                      if screen.meeting_list.get_option_at_index(i).id == review.id)  # fmt: skip
        screen.meeting_list.highlighted = option
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        app.screen.query_one("#field-outcome", Input).value = "passed"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: services.meetings.get(review.id).outcome == ReviewOutcome.PASSED)
        services.meetings.end(review.id)

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: any(m.kind == MeetingKind.RETRO for m in services.meetings.list()))
        retro = next(m for m in services.meetings.list() if m.kind == MeetingKind.RETRO)
        assert [a.title for a in retro.agenda] == [
            "What worked and should spread",
            "What went wrong, and why",
            "What to change next time",
        ]


def test_card_detail_lists_the_acceptance_criteria(context: Context) -> None:
    from tui.dialogs.card_detail import CardDetail, detail_content

    seed_close(context)
    context.services.milestones.accept("OPS-3", "AC-1", evidence="wiki")
    card = context.services.cards.get("OPS-3")
    text = detail_content(CardDetail(card), date(2026, 11, 25)).plain
    assert "Acceptance (1/2)" in text
    assert "AC-1 [accepted] Runbook reviewed by Ops — ann" in text
    assert "AC-2 [open] 监控告警已验证" in text


async def test_change_request_with_impact_and_the_closed_banner(context: Context) -> None:
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded_plan(pilot)
        await pilot.press("c", "n")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        form = app.screen
        form.query_one("#field-title", Input).value = "单点登录 SSO"
        form.query_one("#field-scope", Input).value = "SAML login"
        form.query_one("#field-days", Input).value = "soon"
        await pilot.press("ctrl+s")
        assert "whole number" in str(form.query_one("#fields-error", Static).render())
        form.query_one("#field-days", Input).value = "5"
        form.query_one("#field-cost", Input).value = "1200"
        await pilot.press("ctrl+s")
        services = context.services
        await until(pilot, lambda: bool(services.records.change_requests()))
        (change,) = services.records.change_requests()
        assert (change.scope, change.schedule_days, change.cost) == ("SAML login", 5, 1200.0)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        await until(
            pilot, lambda: cells(screen.change_table, "impact") == ["scope: SAML login; +5 days; cost 1200"]
        )
        services.closing.close(force=True, reason="pilot ends")
        screen.reload()
        await pilot.press("o")
        summary = screen.query_one("#project-summary", Static)
        await until(pilot, lambda: "Closed on Wed 25 Nov (read-only): pilot ends" in str(summary.render()))
