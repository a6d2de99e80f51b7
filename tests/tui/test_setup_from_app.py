"""Board set-up and people from the app (issue 11 items 3, 4 and the smaller points of 11).

Columns and WIP limits through the column dialog, a WIP override after a yes, people and departments
added and edited, an unknown attendee or action owner added as a guest from the meeting form and the
capture line, Esc on a filled form, the goal deadline's resolved date, the Plan's message for a broken
file and the cursor on a new card. Every wait is on a condition.
"""

from __future__ import annotations

import json

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from domain.capture import known_people
from domain.models import Person
from tests.helpers.boards import boards, tile_ids
from tests.helpers.meetings import SIZE, open_live, start_meeting
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.card_form import CardFormModal
from tui.dialogs.column_setup import ColumnSetupModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.fields import FieldsModal
from tui.dialogs.people import PeopleModal
from tui.dialogs.person_form import PersonFormModal
from tui.dialogs.start_meeting import StartMeetingModal
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.plan import PlanScreen
from tui.wiring import Context


def column_names(context: Context) -> list[tuple[str, int | None]]:
    _dept, columns = context.services.directory.columns("Operations")
    return [(c.name, c.wip_limit) for c, _n in columns]


async def fill(pilot: Pilot[None], values: dict[str, str]) -> None:
    """Type ``values`` into the open FieldsModal's fields by key."""
    for key, value in values.items():
        pilot.app.screen.query_one(f"#field-{key}", Input).value = value


async def open_columns(pilot: Pilot[None], app: HuddleApp) -> ColumnSetupModal:
    await pilot.press("C")
    await until(pilot, lambda: isinstance(app.screen, ColumnSetupModal))
    assert isinstance(app.screen, ColumnSetupModal)
    return app.screen


async def test_columns_are_added_renamed_moved_limited_and_removed_from_the_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = column_names(context)
        await open_columns(pilot, app)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"name": "QA", "wip": "2", "before": "Done"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: ("QA", 2) in column_names(context))
        names = [n for n, _limit in column_names(context)]
        assert names.index("QA") == names.index("Done") - 1
        await until(pilot, lambda: "QA" in boards(app).column_names)

        modal = await open_columns(pilot, app)
        modal.query_one(OptionList).highlighted = boards(app).column_names.index("QA")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"name": "质检"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: ("质检", 2) in column_names(context))

        modal = await open_columns(pilot, app)
        modal.query_one(OptionList).highlighted = boards(app).column_names.index("质检")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"wip": "-1"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "negative" in str(app.screen.query_one("#fields-error", Static).content))
        await fill(pilot, {"wip": "0"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: ("质检", None) in column_names(context))

        modal = await open_columns(pilot, app)
        modal.query_one(OptionList).highlighted = boards(app).column_names.index("质检")
        await pilot.press("K")
        await until(pilot, lambda: [n for n, _l in column_names(context)].index("质检") == len(before) - 2)

        modal = await open_columns(pilot, app)
        modal.query_one(OptionList).highlighted = boards(app).column_names.index("质检")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: column_names(context) == before)
        await until(pilot, lambda: "质检" not in boards(app).column_names)


async def test_removing_a_column_with_cards_is_refused_with_the_count(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = column_names(context)
        modal = await open_columns(pilot, app)
        modal.query_one(OptionList).highlighted = boards(app).column_names.index("Backlog")
        await pilot.press("x")
        error = modal.query_one("#column-error", Static)
        await until(pilot, lambda: error.display)
        assert "2 cards are still in it" in str(error.content)
        assert isinstance(app.screen, ColumnSetupModal)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ColumnSetupModal))
        assert column_names(context) == before


async def test_a_wip_refusal_offers_a_confirmed_override(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "To do", 1)
    context.services.cards.add("OPS", "Fills To do", column="To do")
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "WIP limit (1/1)" in str(app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmModal))
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "Backlog"
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: context.services.cards.get("OPS-1").column == "To do")
        await until(pilot, lambda: "OPS-1" in tile_ids(app, "To do"))


async def test_people_are_added_and_edited_from_the_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PeopleModal))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, PersonFormModal))
        await fill(pilot, {"handle": "Sofia", "name": "Sofia Rossi", "email": "bad"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "not valid" in str(app.screen.query_one("#fields-error", Static).content))
        await fill(pilot, {"email": "sofia@example.org", "dept": "市场部"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(p.handle == "sofia" for p in context.services.directory.people()))
        assert context.services.directory.person("sofia").dept == "市场部"

        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PeopleModal))
        modal = app.screen
        assert isinstance(modal, PeopleModal)
        modal.query_one(OptionList).highlighted = [p.handle for p in modal.people].index("sofia")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, PersonFormModal))
        await fill(pilot, {"name": "索菲亚", "dept": ""})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: context.services.directory.person("sofia").name == "索菲亚")
        assert context.services.directory.person("sofia").dept is None


async def test_departments_are_added_and_renamed_from_the_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"name": "Legal", "key": "LEG"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: getattr(boards(app).department, "name", None) == "Legal")
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"name": "法务部"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "法务部" in [d.name for d in context.services.directory.departments()])
        assert "Legal" not in [d.name for d in context.services.directory.departments()]


async def test_unknown_attendee_is_added_as_a_guest_from_the_start_form(context: Context) -> None:
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, StartMeetingModal))
        form = app.screen
        form.query_one("#form-title", Input).value = "Sync"
        form.query_one("#form-attendees", Input).value = "ann, @sofia"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Add @sofia as a guest?" in str(app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PersonFormModal))
        assert app.screen.query_one("#field-handle", Input).value == "sofia"
        await fill(pilot, {"name": "Sofia Rossi", "email": "sofia@example.org"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form)
        await until(
            pilot, lambda: "Sofia Rossi" in str(form.query_one("#form-attendees-preview", Static).content)
        )
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(context.services.meetings.list()))
        (meeting,) = context.services.meetings.list()
        assert [a.handle for a in meeting.attendees] == ["ann", "sofia"]


async def test_unknown_action_owner_is_added_from_the_capture_line(context: Context) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        screen.minutes_log.capture_input.insert_text_at_cursor("/a @sofia fri Book the hall")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PersonFormModal))
        await fill(pilot, {"name": "Sofia Rossi", "email": "sofia@example.org", "dept": "operations"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LiveMeetingScreen))
        await until(pilot, lambda: bool(context.services.meetings.get(meeting.id).actions))
        (action,) = context.services.meetings.get(meeting.id).actions
        card = context.services.cards.get(action.card_id)
        assert (card.owner, card.dept, card.title) == ("sofia", "Operations", "Book the hall")
        assert screen.draft == ""


def test_known_hint_lists_everyone_or_says_how_many_more() -> None:
    people = [Person(f"p{i:02}", f"P {i}", f"p{i}@example.org") for i in range(20)]
    assert known_people(people[:3]) == "@p00, @p01, @p02"
    hint = known_people(people)
    assert hint.startswith("@p00, @p01")
    assert hint.endswith("@p07 ... and 12 more")
    assert known_people([]) == "nobody yet"


async def test_escape_on_a_filled_form_asks_and_an_empty_one_closes(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CardFormModal))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))
        form = app.screen
        await pilot.press(*"Half typed")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await until(pilot, lambda: app.screen is form)
        assert form.query_one("#title", Input).value == "Half typed"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (ConfirmModal, CardFormModal)))
        assert not [c for c in context.services.cards.list("OPS") if c.title == "Half typed"]


async def test_goal_deadline_shows_the_resolved_date(context: Context) -> None:
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        await fill(pilot, {"text": "Ship", "deadline": "+1w"})
        preview = app.screen.query_one(".resolved", Static)
        await until(pilot, lambda: "2026-12-02" in str(preview.content))
        await fill(pilot, {"deadline": "someday"})
        await until(pilot, lambda: "not a date" in str(preview.content))


async def test_plan_shows_one_readable_line_for_a_broken_file(context: Context) -> None:
    data = json.loads(context.db_path.read_text("utf-8"))
    cards = data["cards"]
    del cards[next(iter(cards))]["title"]
    context.db_path.write_text(json.dumps(data), "utf-8")
    app = HuddleApp(context, start_mode="plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        summary = screen.query_one("#project-summary", Static)
        await until(pilot, lambda: "Cannot read the plan" in str(summary.content))
        await pilot.resize_terminal(100, 30)  # a repaint with nothing read keeps the line
        await settle(pilot)
        text = str(summary.content)
        assert "Cannot read the plan" in text
        assert "\n" not in text
        assert str(context.db_path) in text
        assert "_load" not in text
        messages = [n.message for n in app._notifications]
        assert not any("_load" in m for m in messages), messages


async def test_cursor_goes_to_a_new_card_even_when_a_reload_comes_between(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))
        await pilot.press(*"Cable the racks")
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: any(c.title == "Cable the racks" for c in context.services.cards.list("OPS"))
        )
        (card,) = [c for c in context.services.cards.list("OPS") if c.title == "Cable the racks"]
        screen.reload()  # a change notice arriving after the write: it must not take the cursor away
        await settle(pilot)
        await until(pilot, lambda: screen.selected_id == card.id)
        screen.reload()
        await settle(pilot)
        assert screen.selected_id == card.id


async def test_a_new_card_for_a_full_column_is_added_past_the_limit_only_after_a_yes(
    context: Context,
) -> None:
    context.services.directory.set_wip_limit("Operations", "To do", 1)
    context.services.cards.add("OPS", "Fills To do", column="To do")
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))
        await pilot.press(*"One more")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))
        form = app.screen
        assert form.query_one("#title", Input).value == "One more"
        assert "WIP limit" in str(form.query_one("#form-error", Static).content)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: any(c.title == "One more" for c in context.services.cards.list("OPS")))
        (card,) = [c for c in context.services.cards.list("OPS") if c.title == "One more"]
        assert card.column == "To do"
