"""Pure helpers behind the plan screen: milestones, timeline placement, RACI letters, load."""

from __future__ import annotations

from datetime import date

from domain.models import Card
from tui.views.plan import (
    load_rows,
    milestone_rows,
    progress_bar,
    raci_letters,
    raci_rows,
    timeline_rows,
    week_start,
)

TODAY = date(2026, 11, 25)


def card(cid: str, **kw: object) -> Card:
    kw.setdefault("column", "To do")
    return Card(id=cid, dept=str(kw.pop("dept", "Ops")), title=f"card {cid}", **kw)  # type: ignore[arg-type]


def test_milestone_progress_and_status() -> None:
    cards = [
        card("A-1", column="Done"),
        card("A-2", due=date(2026, 11, 20)),
        card("A-3", milestone=True, due=date(2026, 12, 15), blocked_by=("A-1", "A-2")),
        card("A-4", milestone=True, due=date(2026, 12, 1), progress=40),
        card("A-5", milestone=True, due=date(2026, 11, 1)),
        card("A-6", milestone=True, column="Done"),
    ]
    rows = {r.card.id: r for r in milestone_rows(cards, TODAY, at_risk={"A-4"})}
    assert [r.card.id for r in milestone_rows(cards, TODAY)] == ["A-5", "A-4", "A-3", "A-6"]
    assert rows["A-3"].progress == 50
    assert rows["A-3"].status == "at risk"
    assert [(p.card_id, p.state) for p in rows["A-3"].predecessors] == [("A-1", "done"), ("A-2", "late")]
    assert (rows["A-4"].progress, rows["A-4"].status) == (40, "at risk")
    assert rows["A-5"].status == "late"
    assert (rows["A-6"].progress, rows["A-6"].status) == (100, "done")


def test_progress_bar() -> None:
    assert progress_bar(50) == "█████░░░░░ 50%"
    assert progress_bar(0, 4) == "░░░░ 0%"
    assert progress_bar(100, 4) == "████ 100%"


def test_timeline_places_cards_on_weeks() -> None:
    start = week_start(TODAY)
    assert start == date(2026, 11, 23)
    rows = timeline_rows(
        [
            card("A-1", start=date(2026, 11, 9), due=date(2026, 11, 24)),
            card("A-2", due=date(2026, 12, 9)),
            card("A-3"),
            card("A-4", start=date(2027, 1, 4)),
        ],
        start,
        TODAY,
    )
    placed = {r.card.id: (r.first, r.last, r.state) for r in rows}
    assert placed == {"A-1": (-2, 0, "late"), "A-2": (2, 2, "open"), "A-4": (6, 6, "open")}
    assert [r.card.id for r in rows] == ["A-1", "A-2", "A-4"]


def test_raci_letters_and_problems() -> None:
    owned = card("A-1", owner="ann", accountable="ann", consulted=("bob",))
    named = card("A-2", owner="ann", responsible=("wei",), informed=("ann",))
    assert raci_letters(owned, "ann") == "RA"
    assert raci_letters(owned, "bob") == "C"
    assert raci_letters(named, "ann") == "I"
    assert raci_letters(named, "wei") == "R"
    rows = raci_rows([owned, named, card("A-3", column="Done")], ["ann", "bob", "wei"])
    assert [(r.card.id, r.problems) for r in rows] == [("A-1", ()), ("A-2", ("no Accountable",))]
    only = raci_rows([owned, named], ["ann"], problems_only=True)
    assert [r.card.id for r in only] == ["A-2"]


def test_load_rows_busiest_first() -> None:
    cards = [
        card("A-1", owner="ann"),
        card("B-1", owner="ann", dept="Mkt"),
        card("A-2", owner="bob"),
        card("A-3", owner="bob", column="Done"),
    ]
    rows = load_rows(cards)
    assert [(r.handle, r.total, r.departments) for r in rows] == [("ann", 2, 2), ("bob", 1, 1)]
