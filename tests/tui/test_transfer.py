"""Import from a file with the plan shown first, and board / register exports, in the app (Pilot)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.screens.dialogs import FieldsModal
from tui.screens.transfer_dialogs import ExportFormatModal, ImportPlanModal
from tui.wiring import Context

DATA = Path(__file__).resolve().parents[1] / "data"
SIZE = (120, 40)


def notes(app: HuddleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def open_plan(pilot: Pilot[None], app: HuddleApp, path: Path) -> ImportPlanModal:
    await until(pilot, lambda: bool(app.area_screens.get("boards")))
    await pilot.press("I")
    await until(pilot, lambda: isinstance(app.screen, FieldsModal))
    app.screen.query_one("#field-file", Input).value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ImportPlanModal), seconds=15)
    modal = app.screen
    assert isinstance(modal, ImportPlanModal)
    return modal


async def test_the_plan_is_shown_and_applied_only_on_apply(context: Context) -> None:
    app = HuddleApp(context)
    before = len(context.services.cards.list())
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_plan(pilot, app, DATA / "trello-board-zh.json")
        shown = str(modal.query_one("#import-plan-text", Static).render())
        assert "department to create: 发布计划" in shown
        assert "cards: 5 to create, 0 to update, 0 unchanged" in shown
        assert "1 attachment(s): Huddle keeps no files" in shown
        assert len(context.services.cards.list()) == before, "showing the plan writes nothing"
        await pilot.click("#import-apply")
        await until(pilot, lambda: any("5 card(s) created" in n for n in notes(app)), seconds=15)
    titles = {c.title for c in context.services.cards.list()}
    assert {"准备发布说明", "中文版", "英文版", "性能压测", "安全评审"} <= titles
    assert len(titles) == before + 5


async def test_cancel_leaves_the_data_file_untouched(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.area_screens.get("boards")))
        data = context.db_path.read_bytes()
        modal = await open_plan(pilot, app, DATA / "tasks-utf8.csv")
        shown = str(modal.query_one("#import-plan-text", Static).render())
        assert "+ Operations / Doing: API 接口开发" in shown, "a sheet without departments goes to this board"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImportPlanModal))
        await app.workers.wait_for_complete()
    assert context.db_path.read_bytes() == data


async def test_a_bad_file_is_a_message_and_nothing_is_written(context: Context, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("标题,截止日期\n买服务器,明年\n", encoding="utf-8")
    app = HuddleApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.area_screens.get("boards")))
        data = context.db_path.read_bytes()
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, FieldsModal))
        app.screen.query_one("#field-file", Input).value = str(bad)
        await pilot.press("enter")
        await until(pilot, lambda: any("bad.csv row 2, field 截止日期 (due)" in n for n in notes(app)))
        assert not isinstance(app.screen, ImportPlanModal)
    assert context.db_path.read_bytes() == data


@pytest.mark.parametrize(("start", "key", "fmt", "name"), [
    ("boards", "c", "csv", "cards-Operations.csv"),
    ("risks", "x", "xlsx", "risks.xlsx"),
    ("risks", "m", "markdown", "risks.md"),
])  # fmt: skip
async def test_export_the_board_or_the_register(
    context: Context,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start: str,
    key: str,
    fmt: str,
    name: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = HuddleApp(context, start_mode=start)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.area_screens.get(start)))
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportFormatModal))
        await pilot.press(key)
        await until(pilot, lambda: any(n.title == "Exported" for n in app._notifications), seconds=15)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportFormatModal))
        await pilot.press(key)
        await until(pilot, lambda: sum(n.title == "Exported" for n in app._notifications) == 2, seconds=15)
    written = tmp_path / name
    assert written.exists()
    copy = tmp_path / (Path(name).stem + "-2" + Path(name).suffix)
    assert copy.exists(), "an existing export is kept; the second one is numbered"
    if fmt == "csv":
        text = written.read_bytes().decode("utf-8-sig")
        assert "Rack the new servers" in text
        assert "发布会场地预订" not in text, "only this department's cards"
    elif fmt == "markdown":
        assert "| R-1 | Vendor ships late |" in written.read_text(encoding="utf-8")
    else:
        shutil.copy(written, tmp_path / "check.xlsx")
        from openpyxl import load_workbook

        rows = list(load_workbook(tmp_path / "check.xlsx").worksheets[0].iter_rows(values_only=True))
        assert {r[1] for r in rows[1:]} == {"Vendor ships late", "预算超支"}
