"""Boards: navigation, moves, forms, detail, delete, undo, mouse, departments, literal text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Button, Input, Static

from tests.helpers.boards import boards, click_tile, column, edit_form, tile, tile_ids, tile_text
from tests.helpers.clock import FixedClock
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.card_detail import CardDetailModal
from tui.dialogs.card_form import CardFormModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.department_picker import DepartmentPickerModal
from tui.screens.boards import BoardsScreen
from tui.views.board import PAGE_SIZE
from tui.widgets.board_column import ColumnHeader
from tui.widgets.department_bar import DepartmentBar
from tui.widgets.key_bar import KeyBar
from tui.wiring import Context


async def test_opens_on_first_department_with_tiles_and_counts(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        assert screen.department is not None
        assert screen.department.name == "Operations"
        assert tile_ids(app, "Backlog") == ["OPS-1", "OPS-3"]
        assert tile_ids(app, "Doing") == ["OPS-2"]
        header = column(app, "Doing").query_one(ColumnHeader)
        assert "Doing  1/5" in str(header.render())
        assert screen.selected_id == "OPS-1"
        assert tile(app, "OPS-1").has_class("-selected")


async def test_tile_shows_id_owner_due_overdue_blocked_and_milestone(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        overdue = tile(app, "OPS-1")
        assert overdue.has_class("-overdue")
        text = tile_text(overdue)
        assert "OPS-1" in text
        assert "Rack the new servers" in text
        assert "@ann" in text
        assert "overdue 11-20" in text
        milestone = tile(app, "OPS-3")
        assert milestone.has_class("-milestone")
        assert milestone.has_class("-blocked")
        assert "◆" in tile_text(milestone)
        assert "blocked" in tile_text(milestone)
        assert not milestone.has_class("-overdue")


async def test_markup_like_title_is_shown_literally(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert "[red]Literal[/red] markup [/] title" in tile_text(tile(app, "OPS-2"))


async def test_over_wip_column_is_marked(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "Doing", 1)
    context.services.cards.add("OPS", "One too many", column="Doing", enforce_wip=False)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        doing = column(app, "Doing")
        assert doing.has_class("-over-wip")
        assert "over WIP" in str(doing.query_one(ColumnHeader).render())
        assert not column(app, "Backlog").has_class("-over-wip")


async def test_arrows_and_hjkl_move_the_cursor(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        await pilot.press("down")
        assert screen.selected_id == "OPS-3"
        await pilot.press("k")
        assert screen.selected_id == "OPS-1"
        await pilot.press("l", "l")
        assert screen.selected_id == "OPS-2"
        assert column(app, "Doing").header.has_class("-current")
        await pilot.press("h", "left")
        assert screen.selected_id == "OPS-1"
        await pilot.press("right", "right", "right")
        assert screen.selected_card is None
        assert screen.cursor_col == 3


async def test_move_card_right_and_left_writes_the_file(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        assert tile_ids(app, "To do") == ["OPS-1"]
        assert boards(app).selected_id == "OPS-1"
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "To do"
        await pilot.press("shift+right", "shift+left", "H")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "Backlog"
        assert "OPS-1" in tile_ids(app, "Backlog")


async def test_move_refused_at_wip_limit_without_writing(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "To do", 1)
    context.services.cards.add("OPS", "Fills To do", column="To do")
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "Backlog"
        assert tile_ids(app, "Backlog")[0] == "OPS-1"


async def test_reorder_inside_a_column(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        assert tile_ids(app, "Backlog") == ["OPS-3", "OPS-1"]
        await settle(pilot)
        backlog = [c.id for c in context.services.cards.list("OPS") if c.column == "Backlog"]
        assert backlog == ["OPS-3", "OPS-1"]
        await pilot.press("K")
        await settle(pilot)
        backlog = [c.id for c in context.services.cards.list("OPS") if c.column == "Backlog"]
        assert backlog == ["OPS-1", "OPS-3"]


async def test_new_card_form_adds_a_card_in_the_current_column(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n")
        assert isinstance(app.screen, CardFormModal)
        await pilot.press(*"Order cables")
        app.screen.query_one("#owner", Input).value = "bob"
        app.screen.query_one("#due", Input).value = "+3d"
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = [c for c in context.services.cards.list("OPS") if c.title == "Order cables"]
        assert len(added) == 1
        card = added[0]
        assert (card.column, card.owner, card.due) == ("To do", "bob", date(2026, 11, 28))
        assert boards(app).selected_id == card.id


async def test_edit_form_shows_resolved_date_live_and_saves(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await edit_form(pilot)
        assert form.query_one("#title", Input).value == "Rack the new servers"
        form.query_one("#due", Input).focus()
        form.query_one("#due", Input).value = ""
        await pilot.press(*"fri")
        await until(pilot, lambda: "Fri 2026-11-27" in str(form.query_one("#due-resolved", Static).render()))
        assert "Fri 2026-11-27" in str(form.query_one("#due-resolved", Static).render())
        form.query_one("#due", Input).value = "next mon"
        await until(pilot, lambda: "Mon 2026-11-30" in str(form.query_one("#due-resolved", Static).render()))
        assert "Mon 2026-11-30" in str(form.query_one("#due-resolved", Static).render())
        form.query_one("#due", Input).value = "明天"
        await until(pilot, lambda: "2026-11-26" in str(form.query_one("#due-resolved", Static).render()))
        assert "2026-11-26" in str(form.query_one("#due-resolved", Static).render())
        form.query_one("#tags", Input).value = "infra, 硬件"
        await pilot.press("ctrl+s")
        await settle(pilot)
        card = context.services.cards.get("OPS-1")
        assert card.due == date(2026, 11, 26)
        assert card.tags == ("infra", "硬件")
        history = context.services.cards.history("OPS-1")
        assert history[-1].action == "edited"


async def test_an_edit_shows_on_the_board_before_the_file_is_written(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await edit_form(pilot)
        form.query_one("#title", Input).value = "新服务器 [b]x[/b]"
        with app.writes.exclusive():  # the disk is slow: the write cannot finish yet
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "新服务器 [b]x[/b]" in tile_text(tile(app, "OPS-1")))
            assert "新服务器 [b]x[/b]" in tile_text(tile(app, "OPS-1"))
            assert context.services.cards.get("OPS-1").title == "Rack the new servers"
        await settle(pilot)
        assert context.services.cards.get("OPS-1").title == "新服务器 [b]x[/b]"
        assert "新服务器 [b]x[/b]" in tile_text(tile(app, "OPS-1"))


async def test_bad_date_and_control_characters_are_refused_in_the_form(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await edit_form(pilot)
        form.query_one("#due", Input).value = "someday"
        await until(pilot, lambda: "not a date" in str(form.query_one("#due-resolved", Static).render()))
        assert "not a date" in str(form.query_one("#due-resolved", Static).render())
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert "cannot read date" in str(form.query_one("#form-error", Static).render())
        form.query_one("#due", Input).value = ""
        form.query_one("#title", Input).value = "evil \x1b[31m title"
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert "control character" in str(form.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").title == "Rack the new servers"


async def test_service_error_reopens_the_form_with_what_was_typed(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await edit_form(pilot)
        form.query_one("#title", Input).value = "Rack them all"
        form.query_one("#owner", Input).value = "nobody"
        await pilot.press("ctrl+s")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, CardFormModal)
        assert again is not form
        assert again.query_one("#title", Input).value == "Rack them all"
        assert "nobody" in str(again.query_one("#form-error", Static).render())
        assert context.services.cards.get("OPS-1").title == "Rack the new servers"


async def test_delete_asks_first(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert context.services.cards.get("OPS-1")
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert "OPS-1" not in {c.id for c in context.services.cards.list()}
        assert "OPS-1" not in tile_ids(app, "Backlog")


async def test_detail_shows_dependencies_and_history_and_moves_by_button(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CardDetailModal)
        text = str(detail.query_one("#detail-text", Static).render())
        assert "Blocked by" in text
        assert "OPS-1  Rack the new servers" in text
        assert "created" in text
        assert "ann (tester)" in text
        await pilot.click("#move-right")
        await settle(pilot)
        assert context.services.cards.get("OPS-3").column == "To do"
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#detail-text", Static).render())
        assert "moved" in text
        assert "Blocking" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, CardDetailModal)


async def test_detail_of_blocker_lists_what_it_blocks(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#detail-text", Static).render())
        blocking = text.split("Blocking", 1)[1]
        assert "OPS-3  Go-live review" in blocking


async def test_click_selects_and_header_click_moves_the_selected_card(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await click_tile(pilot, app, "OPS-2")
        assert boards(app).selected_id == "OPS-2"
        await pilot.click(column(app, "Review").query_one(ColumnHeader))
        assert tile_ids(app, "Review") == ["OPS-2"]
        await settle(pilot)
        assert context.services.cards.get("OPS-2").column == "Review"


async def test_double_click_opens_detail(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await click_tile(pilot, app, "OPS-3", times=2)
        await settle(pilot)
        assert isinstance(app.screen, CardDetailModal)
        assert app.screen.detail.card.id == "OPS-3"


async def test_key_bar_lists_the_keys_and_a_click_presses_one(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        text = str(bar.render())
        for shown in ("Move →", "New", "Edit", "Delete", "Help"):
            assert shown in text
        start = next(start for start, _end, key in bar._spans if key == "n")
        await pilot.click(bar, offset=(start + 1, 0))
        await settle(pilot)
        assert isinstance(app.screen, CardFormModal)


async def test_undo_move_edit_and_delete(context: Context) -> None:
    app = HuddleApp(context)
    cards = context.services.cards
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert cards.get("OPS-1").column == "To do"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cards.get("OPS-1").column == "Backlog"
        assert "OPS-1" in tile_ids(app, "Backlog")

        await pilot.press("e")
        app.screen.query_one("#title", Input).value = "Renamed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cards.get("OPS-1").title == "Renamed"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cards.get("OPS-1").title == "Rack the new servers"

        await pilot.press("x", "y")
        await settle(pilot)
        assert "OPS-1" not in {c.id for c in cards.list()}
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cards.get("OPS-1").title == "Rack the new servers"
        assert "OPS-1" in tile_ids(app, "Backlog")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(app.undo) == 0


async def test_undo_of_a_new_card_removes_it(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Temporary", "ctrl+s")
        await settle(pilot)
        assert any(c.title == "Temporary" for c in context.services.cards.list())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not any(c.title == "Temporary" for c in context.services.cards.list())


async def test_switch_department_by_keys_tabs_and_picker(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = boards(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.department is not None
        assert screen.department.name == "市场部"
        assert tile_ids(app, "Doing") == ["MKT-1"]
        assert "发布会场地预订" in tile_text(tile(app, "MKT-1"))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.department.name == "Operations"
        bar = app.screen.query_one(DepartmentBar)
        start = next(start for start, _end, name in bar._spans if name == "市场部")
        await pilot.click(bar, offset=(start + 2, 0))  # the bar has one cell of padding
        await settle(pilot)
        assert screen.department.name == "市场部"
        assert bar.active == "市场部"
        await pilot.press("d")
        assert isinstance(app.screen, DepartmentPickerModal)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert screen.department.name == "Operations"


async def test_big_column_draws_one_page_and_pages_on(context: Context, clock: FixedClock) -> None:
    with context.services.store.transaction() as uow:
        base = uow.cards.get("OPS-1")
        assert base is not None
        from dataclasses import replace

        for n in range(2000):
            uow.cards.put(replace(base, id=f"OPS-{100 + n}", title=f"Bulk {n}", rank=10_000.0 + n, due=None))
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        backlog = column(app, "Backlog")
        assert len(backlog.cards) == 2002
        assert len(backlog.tiles) == PAGE_SIZE
        body = backlog.body
        assert f"+{2002 - PAGE_SIZE} more" in body.line_texts()[-1]  # the row below the last tile
        await pilot.press("end")
        await settle(pilot)
        assert boards(app).selected_id == "OPS-2099"
        assert backlog.tiles[-1].card.id == "OPS-2099"
        assert len(backlog.tiles) <= PAGE_SIZE
        assert not body.more
        assert "above" in body.line_texts()[0]
        await pilot.press("home")
        await settle(pilot)
        assert boards(app).selected_id == "OPS-1"
        assert backlog.tiles[0].card.id == "OPS-1"
        assert not body.above
        assert "OPS-1" in body.line_texts()[0]
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert boards(app).selected_id == f"OPS-{100 + 28}"
        assert backlog.first_row == 30 // PAGE_SIZE * PAGE_SIZE


async def test_number_keys_and_help_list_every_area(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text", Static).render())
        for expected in (
            "Everywhere",
            "Boards (key 1)",
            "Portfolio (key 2)",
            "Risks (key 3)",
            "Move →",
            "Undo",
        ):
            assert expected in text
        assert "shift+→, L" in text or "shift+right" in text or "⇧" in text
        await pilot.press("escape")
        assert app.screen is boards(app)


async def test_buttons_in_dialogs_work_by_mouse(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.click("#no")
        await settle(pilot)
        assert context.services.cards.get("OPS-1")
        await pilot.press("e")
        await pilot.click("#cancel")
        assert app.screen is boards(app)
        await pilot.press("x")
        assert isinstance(app.screen.query_one("#yes", Button), Button)
        await pilot.click("#yes")
        await settle(pilot)
        assert "OPS-1" not in {c.id for c in context.services.cards.list()}


async def test_ctrl_z_inside_a_dialog_does_not_undo_the_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("e", "ctrl+z")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "To do"
        assert isinstance(app.screen, CardFormModal)
        await pilot.press("escape", "ctrl+z")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "Backlog"


async def test_corrupt_file_at_start_is_a_message_not_a_crash(context: Context) -> None:
    context.db_path.write_text('{"cards": {"1": ', "utf-8")
    before = context.db_path.read_bytes()
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(str(context.db_path) in m for m in messages), messages
        assert boards(app).department is None
        empty = app.screen.query_one("#board-empty", Static)
        assert empty.display
        assert str(empty.content).startswith("Could not read the board:")
    assert context.db_path.read_bytes() == before


async def test_department_bar_keeps_the_active_department_in_view() -> None:
    from textual.app import App, ComposeResult

    from domain.models import Department

    departments = [Department(name=f"研发{i}部门", key=f"D{i}") for i in range(12)]

    class BarApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DepartmentBar(departments, departments[-1].name)

    app = BarApp()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(DepartmentBar)
        top, underline = str(bar.render()).split("\n")
        assert top.startswith("‹ ")
        assert top.endswith("研发11部门")
        assert "━" * 10 in underline  # the active name (10 cells wide) is underlined
        assert bar._spans[-1][2] == "研发11部门"
        assert bar._spans[-1][1] <= bar.size.width


async def test_first_frame_reads_one_page_then_the_whole_department(context: Context) -> None:
    """The first board is each column's first page with the columns' real counts; the whole department
    follows after the first frame, and keys pressed before it act on the whole column, in order."""
    from dataclasses import replace

    with context.services.store.transaction() as uow:
        base = uow.cards.get("OPS-1")
        assert base is not None
        for n in range(40):
            uow.cards.put(replace(base, id=f"OPS-{100 + n}", title=f"Bulk {n}", rank=10_000.0 + n, due=None))
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        backlog = column(app, "Backlog")
        header = backlog.query_one(ColumnHeader)
        assert "Backlog  42" in str(header.render())  # the count of the whole column, from the start
        await pilot.press("end", "K")  # the last card of the column, then one up
        await until(pilot, lambda: len(backlog.cards) == 42 and boards(app).selected_id == "OPS-139")
        await settle(pilot)
        assert [c.id for c in backlog.cards][-2:] == ["OPS-139", "OPS-138"]
        assert boards(app).counts is None
        assert "Backlog  42" in str(header.render())


def test_the_timeline_names_each_step_to_the_first_frame(
    context: Context, tmp_path: Path, db_path: Path
) -> None:
    """HUDDLE_TIMELINE: one start writes its marks, in order, from the store read to the first frame."""
    import os
    import re
    import subprocess
    import sys

    out = tmp_path / "timeline.txt"
    code = (
        "import sys\n"
        "from tui.app import HuddleApp\n"
        "from tui import timeline\n"
        "from tui.wiring import build_context\n"
        "shown = HuddleApp._display\n"
        "def display(self, screen, renderable):\n"
        "    shown(self, screen, renderable)\n"
        "    if renderable is not None:\n"
        "        self.call_later(self.exit)\n"
        "HuddleApp._display = display\n"
        "HuddleApp(build_context(sys.argv[1], 'ann')).run(headless=True, size=(120, 40))\n"
        "timeline.write_report()\n"
    )
    env = {**os.environ, "HUDDLE_TIMELINE": str(out), "HUDDLE_CONFIG": str(tmp_path / "none.toml")}
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, env=env, timeout=120)
    lines = out.read_text().splitlines()[1:]
    names = [m.group(1) for line in lines if (m := re.match(r"^\s*[\d.]+\s+\+\s*[\d.]+\s+(.*)$", line))]
    order = ["board: first page read", "board: compose done", "first tile render", "first frame (headless)"]
    assert [n for n in names if n in order] == order


async def test_a_department_switch_shows_its_first_page_then_the_whole_department(context: Context) -> None:
    """``]`` to a department with a column of 2,002 cards: its first page arrives first (a read of one
    page per column, every column's count in the header), then the whole department; a key pressed
    meanwhile waits for it and acts on the whole board (``end`` goes to the column's last card)."""
    with context.services.store.transaction() as uow:
        base = uow.cards.get("MKT-1")
        assert base is not None
        from dataclasses import replace

        first = uow.departments.get("市场部")
        assert first is not None
        name = first.columns[0].name
        for n in range(2002):
            uow.cards.put(
                replace(
                    base, id=f"MKT-{100 + n}", column=name, title=f"批量 {n}", rank=10_000.0 + n, due=None
                )
            )
    loaded: list[int | None] = []
    seen: list[object] = []  # a message bubbles: the hook sees it at each node it reaches

    def record(message: object) -> None:
        if isinstance(message, BoardsScreen.Loaded) and not any(message is other for other in seen):
            seen.append(message)
            counts = message.data.counts
            loaded.append(None if counts is None else sum(counts.values()))

    app = HuddleApp(context)
    async with app.run_test(size=(120, 40), message_hook=record) as pilot:
        await settle(pilot)
        screen = boards(app)
        before = len(loaded)
        await pilot.press("right_square_bracket", "end")
        await until(pilot, lambda: len(loaded) >= before + 2 and screen.counts is None)
        await settle(pilot)
        assert screen.department is not None
        assert screen.department.name == "市场部"
        total = len(context.services.cards.list(dept="市场部"))
        assert loaded[before] == total  # the page first, with the department's count
        assert loaded[before + 1] is None  # then the whole department
        bulk = column(app, name)
        assert len(bulk.cards) == 2002
        assert screen.selected_id == "MKT-2101"
        assert bulk.tiles[-1].card.id == "MKT-2101"
