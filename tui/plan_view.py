"""Pure helpers behind the plan screen: milestone progress, timeline placement, RACI letters, load.

No Textual import: plain functions over domain values, unit-tested in tests/unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.models import Card
from domain.rules import is_done, is_overdue, person_load, raci_problems


@dataclass(frozen=True, slots=True)
class Predecessor:
    card_id: str
    state: str
    """``done``, ``late`` (past due and not done) or ``open``."""


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    card: Card
    predecessors: tuple[Predecessor, ...]
    progress: int
    """0-100: 100 when done, else the share of predecessors done, else the card's own progress."""
    status: str
    """``done``, ``at risk``, ``late`` or ``on track``."""


def predecessor_state(card: Card, today: date) -> str:
    if is_done(card):
        return "done"
    if is_overdue(card, today):
        return "late"
    return "open"


def milestone_rows(cards: Sequence[Card], today: date, at_risk: Iterable[str] = ()) -> list[MilestoneRow]:
    """Milestones by due date, with their direct predecessors and progress."""
    by_id = {c.id: c for c in cards}
    risky = set(at_risk)
    rows = []
    for card in cards:
        if not card.milestone:
            continue
        preds = tuple(
            Predecessor(dep, predecessor_state(by_id[dep], today)) for dep in card.blocked_by if dep in by_id
        )
        if is_done(card):
            progress, status = 100, "done"
        else:
            if preds:
                progress = round(100 * sum(p.state == "done" for p in preds) / len(preds))
            else:
                progress = card.progress
            if is_overdue(card, today):
                status = "late"
            elif card.id in risky or any(p.state == "late" for p in preds):
                status = "at risk"
            else:
                status = "on track"
        rows.append(MilestoneRow(card, preds, progress, status))
    return sorted(rows, key=lambda r: (r.card.due or date.max, r.card.id))


def progress_bar(percent: int, width: int = 10) -> str:
    """A text bar such as ``█████░░░░░ 50%``."""
    filled = round(width * max(0, min(100, percent)) / 100)
    return "█" * filled + "░" * (width - filled) + f" {percent}%"


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class TimelineRow:
    card: Card
    first: int
    """Index of the first week covered (may be < 0 when it started before the window)."""
    last: int
    """Index of the last week covered (may be past the window)."""
    state: str
    """``done``, ``late`` or ``open``."""


def timeline_rows(cards: Iterable[Card], window_start: date, today: date) -> list[TimelineRow]:
    """Cards with a start or due date, placed on weeks counted from ``window_start`` (a Monday)."""
    rows = []
    for card in cards:
        if card.start is None and card.due is None:
            continue
        begin = card.start or card.due
        end = card.due or card.start
        assert begin is not None
        assert end is not None
        first = (week_start(begin) - window_start).days // 7
        last = (week_start(end) - window_start).days // 7
        rows.append(TimelineRow(card, first, last, predecessor_state(card, today)))
    return sorted(
        rows, key=lambda r: (r.card.start or r.card.due or date.max, r.card.due or date.max, r.card.id)
    )


def raci_letters(card: Card, handle: str) -> str:
    """The RACI letters one person holds on a card (the owner counts as Responsible when none is named)."""
    letters = ""
    responsible = card.responsible or ((card.owner,) if card.owner else ())
    if handle in responsible:
        letters += "R"
    if card.accountable == handle:
        letters += "A"
    if handle in card.consulted:
        letters += "C"
    if handle in card.informed:
        letters += "I"
    return letters


@dataclass(frozen=True, slots=True)
class RaciRow:
    card: Card
    letters: Mapping[str, str]
    problems: tuple[str, ...]


def raci_rows(cards: Iterable[Card], handles: Sequence[str], *, problems_only: bool = False) -> list[RaciRow]:
    """Open cards x people with their letters, and what each card's RACI is missing."""
    rows = []
    for card in cards:
        if is_done(card):
            continue
        problems = tuple(raci_problems(card))
        if problems_only and not problems:
            continue
        rows.append(RaciRow(card, {h: raci_letters(card, h) for h in handles}, problems))
    return sorted(rows, key=lambda r: (r.card.dept, r.card.id))


@dataclass(frozen=True, slots=True)
class LoadRow:
    handle: str
    per_dept: Mapping[str, int]
    total: int

    @property
    def departments(self) -> int:
        return sum(1 for n in self.per_dept.values() if n)


def load_rows(cards: Iterable[Card]) -> list[LoadRow]:
    """Open cards per person per department, busiest first."""
    load = person_load(cards)
    rows = [LoadRow(handle, dict(per), sum(per.values())) for handle, per in load.items()]
    return sorted(rows, key=lambda r: (-r.total, r.handle))
