"""Write a realistic Huddle DB of N cards over 8 departments, with risks and meetings in proportion.

    python bench/generate.py --cards 5000 --db /tmp/big.json

Goes through the storage layer (one locked transaction, bulk inserts), so the file is exactly what
Huddle itself writes. Proportions follow docs/budgets.md: 5,000 cards, 200 risks, 300 meetings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.models import (
    DEFAULT_COLUMNS,
    ActionItem,
    Attendee,
    Card,
    Department,
    EntryKind,
    Meeting,
    MeetingStatus,
    MinuteEntry,
    Person,
    Risk,
    ScoreChange,
)
from storage import open_store

DEPTS = [
    ("研发部", "RND"),
    ("市场部", "MKT"),
    ("Operations", "OPS"),
    ("Sales", "SAL"),
    ("财务部", "FIN"),
    ("Legal", "LEG"),
    ("人力资源部", "HR"),
    ("Support", "SUP"),
]
WORDS = [
    "接口",
    "评审",
    "发布",
    "测试",
    "预算",
    "合同",
    "migration",
    "review",
    "launch",
    "vendor",
    "dashboard",
    "培训",
    "客户",
    "report",
    "security",
    "design",
    "数据",
    "采购",
    "onboarding",
    "audit",
]


def generate(path: Path, cards: int, seed: int = 7) -> dict[str, int]:
    """Fill ``path`` (replacing its content) and return what was written."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    today = now.date()
    risks_n = max(1, cards * 200 // 5000)
    meetings_n = max(1, cards * 300 // 5000)
    store = open_store(path)
    with store.transaction() as uow:
        uow.clear()
        people: list[Person] = []
        for name, key in DEPTS:
            uow.departments.put(Department(name, key))
            for i in range(6):
                handle = f"{key.lower()}{i}"
                people.append(Person(handle, f"{name} 成员 {i}", f"{handle}@example.com", name))
        uow.people.put_many(people)
        made: list[Card] = []
        for n in range(cards):
            name, key = DEPTS[n % len(DEPTS)]
            number = uow.next_number(f"card:{key}")
            column = DEFAULT_COLUMNS[rng.randrange(len(DEFAULT_COLUMNS))][0]
            earlier = [c.id for c in made[-40:] if c.dept == name]
            deps = tuple(rng.sample(earlier, 1)) if earlier and rng.random() < 0.15 else ()
            made.append(
                Card(
                    id=f"{key}-{number}",
                    dept=name,
                    title=" ".join(rng.sample(WORDS, 3)) + f" #{n}",
                    column=column,
                    rank=float(number * 1024),
                    owner=f"{key.lower()}{rng.randrange(6)}",
                    due=today + timedelta(days=rng.randrange(-20, 90)) if rng.random() < 0.8 else None,
                    milestone=rng.random() < 0.03,
                    blocked_by=deps,
                    blocked_since=now - timedelta(days=rng.randrange(10)) if deps else None,
                    progress=100 if column == "Done" else 0,
                    created_at=now,
                    created_by="generator",
                    updated_at=now,
                    updated_by="generator",
                )
            )
        uow.cards.put_many(made)
        risks = []
        for n in range(risks_n):
            p, i = rng.randrange(1, 6), rng.randrange(1, 6)
            risks.append(
                Risk(
                    id=f"R-{uow.next_number('risk')}",
                    title=f"风险 risk {n}: " + " ".join(rng.sample(WORDS, 2)),
                    probability=p,
                    impact=i,
                    owner=rng.choice(people).handle,
                    review_date=today + timedelta(days=rng.randrange(-10, 60)),
                    history=(ScoreChange(now, p, i, None, None, "generator"),),
                    created_at=now,
                    updated_at=now,
                )
            )
        uow.risks.put_many(risks)
        meetings = []
        for n in range(meetings_n):
            start = now - timedelta(days=7 * (meetings_n - n))
            attendees = tuple(Attendee(p.handle) for p in rng.sample(people, 6))
            notes = tuple(
                MinuteEntry(f"{n}-{k}", start + timedelta(minutes=k), f"纪要 note {k} " + rng.choice(WORDS))
                for k in range(12)
            )
            actions = tuple(
                ActionItem(
                    made[rng.randrange(len(made))].id,
                    "follow up",
                    attendees[0].handle,
                    today,
                    f"M-{n + 1}",
                    start,
                )
                for _ in range(2)
            )
            meetings.append(
                Meeting(
                    id=f"M-{uow.next_number('meeting')}",
                    title=f"周会 Weekly sync {n}",
                    start=start,
                    tz="Asia/Shanghai",
                    series="周会 Weekly sync",
                    attendees=attendees,
                    notes=(*notes, MinuteEntry(f"{n}-d", start, "决定 decision", EntryKind.DECISION)),
                    actions=actions,
                    status=MeetingStatus.ENDED,
                    ended_at=start + timedelta(hours=1),
                )
            )
        uow.meetings.put_many(meetings)
    return {"cards": cards, "risks": risks_n, "meetings": meetings_n, "people": len(people)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.db, args.cards, args.seed)
    elapsed = time.perf_counter() - started
    size = args.db.stat().st_size / 1e6
    print(f"wrote {args.db}: {counts} in {elapsed:.2f} s ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
