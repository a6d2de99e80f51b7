"""One meaning of "blocked" and "overdue": the portfolio's columns, its filters, the board tiles, the
early warnings and the CLI's JSON all agree with ``domain/rules.py``, on the demo and on 5,000 cards."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from bench.generate import generate
from domain import rules
from domain.demo import fill_demo
from domain.models import Card
from tests.helpers.boards import boards, portfolio
from tests.helpers.clock import FixedClock
from tests.helpers.wait import until
from tests.helpers.workspace import make_context
from tui.app import HuddleApp
from tui.cli import main


def add_edge_cases(db: Path, clock: FixedClock) -> None:
    """Cards the old re-derivations got wrong: a blocker that is done, a done card with a reason, a card
    at 100 % progress past its due date, and a card blocked only by a reason."""
    services = make_context(db, clock).services
    dept = services.directory.departments()[0].name
    today = services.cards.today()
    cards = services.cards
    finished = cards.add(dept, "Finished blocker", enforce_wip=False)
    cards.move(finished.id, "Done", enforce_wip=False)
    cards.add(dept, "Waits on a finished card", blocked_by=[finished.id], enforce_wip=False)
    done = cards.add(dept, "Done though a reason is left", blocked_reason="old reason", enforce_wip=False)
    cards.move(done.id, "Done", enforce_wip=False)
    full = cards.add(dept, "All done but not moved", due=today - timedelta(days=3), enforce_wip=False)
    cards.edit(full.id, {"progress": 100})
    cards.add(dept, "Waiting for legal", blocked_reason="legal review", due=today - timedelta(days=1))


def cli_json(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    capsys.readouterr()
    assert main(["--db", str(db), "--user", "ann", *args]) == 0
    return json.loads(capsys.readouterr().out)


async def check_every_view_agrees(db: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]) -> None:
    context = make_context(db, clock)
    cards = context.services.cards.list()
    by_id = {c.id: c for c in cards}
    today: date = context.services.cards.today()
    blocked = {c.id for c in cards if rules.is_blocked(c, by_id)}
    overdue = {c.id for c in cards if rules.is_overdue(c, today)}
    assert blocked
    assert overdue

    def per_dept(ids: set[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for cid in ids:
            counts[by_id[cid].dept] = counts.get(by_id[cid].dept, 0) + 1
        return counts

    listed = cli_json(db, capsys, "card", "list", "--json")
    assert isinstance(listed, list)
    assert {c["id"] for c in listed if c["blocked"]} == blocked
    assert {c["id"] for c in listed if c["overdue"]} == overdue
    for sample in sorted(blocked)[:3] + sorted(overdue)[:3] + sorted(set(by_id) - blocked - overdue)[:3]:
        shown = cli_json(db, capsys, "card", "show", sample, "--json")
        assert isinstance(shown, dict)
        assert (shown["blocked"], shown["overdue"]) == (sample in blocked, sample in overdue)

    warnings = context.services.risks.warnings()
    assert {w.target for w in warnings if w.kind == "overdue"} == overdue
    assert {w.target for w in warnings if w.kind == "blocked"} <= blocked

    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        board = boards(app)
        await until(
            pilot, lambda: bool(board.board_columns) and any(c.tiles for c in board.board_columns), 60
        )
        for column in board.board_columns:
            for tile in column.tiles:
                assert tile.has_class("-blocked") == (tile.card.id in blocked), tile.card.id
                assert tile.has_class("-overdue") == (tile.card.id in overdue), tile.card.id
        await pilot.press("2")
        screen = portfolio(app)
        await until(pilot, lambda: screen.data is not None, 60)
        table = screen.query_one("#summary", DataTable)
        await until(pilot, lambda: table.row_count > 0, 60)
        assert screen.data is not None
        for dept in screen.data.departments:
            assert int(str(table.get_cell(dept.name, "blocked"))) == per_dept(blocked).get(dept.name, 0)
            assert int(str(table.get_cell(dept.name, "overdue"))) == per_dept(overdue).get(dept.name, 0)
        count = screen.query_one("#match-count", Static)

        def matching() -> int | None:
            found = re.match(r"(\d+) of", str(count.render()))
            return int(found.group(1)) if found else None

        for key, expected in (("b", blocked), ("o", overdue)):
            wanted = len(expected)
            await pilot.press(key)
            await until(pilot, lambda: matching() == wanted, 30)  # noqa: B023 (awaited at once)
            assert {c.id for c in screen.shown} <= expected
            await pilot.press(key)
            await until(pilot, lambda: matching() == len(cards), 30)


async def test_demo_views_agree_on_blocked_and_overdue(
    db_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_demo(make_context(db_path, clock).services)
    add_edge_cases(db_path, clock)
    await check_every_view_agrees(db_path, clock, capsys)


@pytest.mark.slow
async def test_5000_card_views_agree_on_blocked_and_overdue(
    db_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(db_path, 5000)
    add_edge_cases(db_path, clock)
    await check_every_view_agrees(db_path, clock, capsys)


def test_rules_on_the_cases_that_used_to_disagree() -> None:
    today = date(2026, 11, 25)
    done = Card(id="A-1", dept="A", title="t", column="Done")
    open_ = Card(id="A-2", dept="A", title="t", column="Doing")
    waits_done = Card(id="A-3", dept="A", title="t", column="To do", blocked_by=("A-1",))
    waits_open = Card(id="A-4", dept="A", title="t", column="To do", blocked_by=("A-1", "A-2"))
    done_reason = Card(id="A-5", dept="A", title="t", column="Done", blocked_reason="x")
    full = Card(id="A-6", dept="A", title="t", column="Doing", progress=100, due=today - timedelta(days=1))
    by_id = {c.id: c for c in (done, open_, waits_done, waits_open, done_reason, full)}
    assert not rules.is_blocked(waits_done, by_id)
    assert rules.is_blocked(waits_open, by_id)
    assert rules.open_blockers(waits_open, by_id) == ("A-2",)
    assert not rules.is_blocked(done_reason, by_id)
    assert not rules.is_overdue(full, today)
    assert rules.is_overdue(replace_progress(full, 99), today)
    assert not rules.is_overdue(replace_progress(full, 99), today - timedelta(days=1))


def replace_progress(card: Card, progress: int) -> Card:
    from dataclasses import replace

    return replace(card, progress=progress)
