"""docs/budgets.md: Word minutes of a 3-hour meeting (300 notes, 100 actions) within 1 s, and an
.ics of 1,000 milestones within 0.5 s. Medians of several runs of the pure exporters.

python bench/bench_exports.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Card,
    Decision,
    EntryKind,
    Meeting,
    MinuteEntry,
    Person,
)
from exporters.calendar_ics import render_milestones_ics
from exporters.minutes_docx import render_minutes_docx

MINUTES_BUDGET = 1.0
MILESTONES_BUDGET = 0.5
START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def people(count: int = 12) -> list[Person]:
    return [Person(f"p{i}", f"成员 {i} Member", f"p{i}@example.com", "Operations") for i in range(count)]


def three_hour_meeting(notes: int = 300, actions: int = 100) -> tuple[Meeting, dict[str, Card | None]]:
    """A meeting of 12 agenda items with ``notes`` notes (a few decisions) and ``actions`` action items."""
    agenda = tuple(AgendaItem(f"议题 {i} Topic {i}", 15) for i in range(12))
    entries: list[MinuteEntry] = []
    decisions: list[Decision] = []
    for i in range(notes):
        at = START + timedelta(seconds=36 * i)
        kind = EntryKind.DECISION if i % 15 == 0 else EntryKind.NOTE
        text = f"第 {i} 条记录：供应商确认交付时间，需要财务审批 note {i} with some English words as well"
        entries.append(MinuteEntry(f"n{i}", at, text, kind, i % 12, "p0"))
        if kind == EntryKind.DECISION:
            decisions.append(Decision(f"n{i}", text, at, "M-1", i % 12, "p0"))
    items: list[ActionItem] = []
    cards: dict[str, Card | None] = {}
    for i in range(actions):
        card_id = f"OPS-{i + 1}"
        due = date(2026, 12, 1) + timedelta(days=i % 30)
        title = f"行动项 {i}: prepare the launch checklist"
        items.append(ActionItem(card_id, title, f"p{i % 12}", due, "M-1", START, i % 12))
        cards[card_id] = Card(
            card_id, "Operations", title, "To do", owner=f"p{i % 12}", due=due, meeting_id="M-1"
        )
    meeting = Meeting(
        id="M-1",
        title="发布会筹备会议 Launch prep (3 hours)",
        start=START,
        tz="Asia/Shanghai",
        series="发布会",
        place="会议室 3",
        organizer="p0",
        attendees=tuple(Attendee(f"p{i}", i % 5 != 0) for i in range(12)),
        agenda=agenda,
        notes=tuple(entries),
        decisions=tuple(decisions),
        actions=tuple(items),
        ended_at=START + timedelta(hours=3),
        next_start=START + timedelta(days=7),
    )
    return meeting, cards


def milestones(count: int = 1000) -> list[Card]:
    return [
        Card(f"OPS-{i}", "Operations", f"里程碑 {i} Milestone", "To do", milestone=True,
             due=date(2026, 1, 1) + timedelta(days=i % 700))
        for i in range(count)
    ]  # fmt: skip


def median_seconds(work: Callable[[], bytes], runs: int) -> tuple[float, int]:
    times, size = [], 0
    work()  # warm-up: imports and first-use caches are not what the budget is about
    for _ in range(runs):
        started = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    meeting, cards = three_hour_meeting()
    team = people()
    now = START + timedelta(hours=4)
    minutes, minutes_size = median_seconds(
        lambda: render_minutes_docx(meeting, people=team, action_cards=cards, carried_over=[], now=now),
        args.runs,
    )
    stones = milestones()
    ics, ics_size = median_seconds(
        lambda: render_milestones_ics(stones, calendar_name="Milestones", now=now), args.runs
    )
    rows = [
        ("minutes .docx, 300 notes + 100 actions", minutes, MINUTES_BUDGET, minutes_size),
        (".ics, 1,000 milestones", ics, MILESTONES_BUDGET, ics_size),
    ]
    failed = False
    for label, seconds, budget, size in rows:
        ok = seconds <= budget
        failed |= not ok
        verdict = "ok" if ok else "OVER BUDGET"
        timing = f"median {seconds * 1000:7.1f} ms  budget {budget * 1000:6.0f} ms"
        print(f"{label:<42} {timing}  {size:>8} bytes  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
