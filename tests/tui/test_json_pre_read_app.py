"""The app on a JSON file as ``huddle`` starts it: the first board page from the forked pre-reader
(``tui.wiring.read_first_page_ahead``), then the whole department from the app's own read; a file
changed after the child's read shows as it is now."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.helpers.boards import boards, column, tile_ids
from tests.helpers.clock import FixedClock
from tests.helpers.preread import patient_json_pre_read
from tests.helpers.wait import poll, until
from tests.helpers.workspace import make_context
from tui import wiring
from tui.app import HuddleApp
from tui.widgets.board_column import ColumnHeader
from tui.wiring import Context, read_first_page_ahead


@pytest.fixture(autouse=True)
def _patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the child's answer was used: wait for it past the 2 s fallback, which a loaded
    machine can hold the child up beyond (``tests.helpers.preread``)."""
    patient_json_pre_read(monkeypatch)


@pytest.fixture(autouse=True)
def _any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspaces here are small files: pre-read them all the same (``PRE_READ_FROM_BYTES``)."""
    monkeypatch.setattr(wiring, "PRE_READ_FROM_BYTES", 0)


def _fill(context: Context) -> Context:
    with context.services.store.transaction() as uow:
        base = uow.cards.get("OPS-1")
        assert base is not None
        for n in range(40):
            uow.cards.put(replace(base, id=f"OPS-{100 + n}", title=f"机房 {n} 号", rank=1e4 + n, due=None))
    return make_context(context.db_path, FixedClock())


async def test_the_pre_read_page_then_the_whole_department(context: Context) -> None:
    fresh = _fill(context)
    ahead = read_first_page_ahead(fresh)
    assert ahead is not None
    app = HuddleApp(fresh)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(tile_ids(app, "Backlog")))
        assert ahead.failure is None
        backlog = column(app, "Backlog")
        assert "Backlog  42" in str(backlog.query_one(ColumnHeader).render())
        await until(pilot, lambda: len(boards(app).columns.get("Backlog", [])) == 42)
        titles = {c.title for c in boards(app).columns["Backlog"]}
        assert {f"机房 {n} 号" for n in range(40)} <= titles
        assert poll(ahead.finished)


async def test_a_change_after_the_childs_read_is_shown(context: Context) -> None:
    fresh = _fill(context)
    ahead = read_first_page_ahead(fresh)
    assert ahead is not None
    assert poll(ahead.finished)
    other = make_context(context.db_path, FixedClock())
    other.services.cards.add("OPS", "另一个进程加的卡片")
    app = HuddleApp(fresh)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(tile_ids(app, "Backlog")))
        assert "Backlog  43" in str(column(app, "Backlog").query_one(ColumnHeader).render())
        await until(pilot, lambda: len(boards(app).columns.get("Backlog", [])) == 43)
        assert "另一个进程加的卡片" in {c.title for c in boards(app).columns["Backlog"]}
