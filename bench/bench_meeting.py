"""Meeting mode on a 5,000-card DB: how long a captured line takes to be durable (journal fsync) and to
be committed to the shared data file, through the same recorder the live meeting screen uses.

python bench/bench_meeting.py [--cards 5000] [--lines 30]

Three measurements:
- the journal alone: append + fsync of one record;
- lines captured one at a time (a scribe typing): submit -> fsynced in the journal, submit -> in the DB;
- a burst of lines submitted at once: the journal keeps up even while DB writes queue behind each other.
The kill -9 loss itself is measured by tests/tui/test_meeting_kill.py (a real process killed while typing).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from domain.capture import CaptureKind, JournalEntry, draft_record
from domain.dates import get_zone
from domain.models import Actor
from domain.services import Services
from storage import open_store
from storage.journal import MeetingJournal
from tui.meeting_recorder import EntryCommitted, EntryDurable, EntryFailed, MeetingRecorder

DURABLE_BUDGET = 1.0
"""docs/budgets.md: typed text is journaled within one second."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<44} n={len(ms):<3} median {statistics.median(ms):7.2f} ms"
        f"   p95 {percentile(ms, 0.95):7.2f} ms   max {max(ms):7.2f} ms"
    )


class Collector:
    """Receives recorder events on its threads; lets the caller wait for a given entry."""

    def __init__(self) -> None:
        self.durable: dict[str, float] = {}
        self.committed: dict[str, float] = {}
        self.failed: list[str] = []
        self.changed = threading.Condition()

    def __call__(self, event: object) -> None:
        with self.changed:
            if isinstance(event, EntryDurable):
                self.durable[event.entry_id] = event.seconds
            elif isinstance(event, EntryCommitted):
                self.committed[event.entry.id] = event.seconds
            elif isinstance(event, EntryFailed):
                self.failed.append(event.message)
            self.changed.notify_all()

    def wait_committed(self, count: int, timeout: float = 120) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.committed) + len(self.failed) >= count, timeout):
                raise TimeoutError(f"only {len(self.committed)} of {count} lines committed")
        if self.failed:
            raise RuntimeError(self.failed[0])


def entries(count: int, prefix: str, owners: list[str]) -> list[JournalEntry]:
    """A realistic mix: mostly notes, some decisions and action items (which also create cards)."""
    result = []
    for i in range(count):
        if i % 6 == 5:
            result.append(JournalEntry(f"{prefix}{i}", CaptureKind.ACTION, f"跟进事项 {i} follow up", 0,
                                       owners[i % len(owners)], None))  # fmt: skip
        elif i % 6 == 2:
            result.append(
                JournalEntry(f"{prefix}{i}", CaptureKind.DECISION, f"决定 {i}: go with option B", 0)
            )
        else:
            result.append(JournalEntry(f"{prefix}{i}", CaptureKind.NOTE, f"会议记录 note {i} " + "x" * 60, 0))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.json"
        started = time.perf_counter()
        generate(db, args.cards)
        print(f"generated {args.cards} cards in {time.perf_counter() - started:.1f} s "
              f"({db.stat().st_size / 1e6:.1f} MB)")  # fmt: skip

        journal_probe = MeetingJournal(db, "M-PROBE", "bench")
        appends = []
        for i in range(200):
            t0 = time.perf_counter()
            journal_probe.append(draft_record(f"draft {i} 正在输入的内容 " + "y" * 80))
            appends.append(time.perf_counter() - t0)
        journal_probe.clear()

        services = Services.build(
            open_store(db), system_clock, Actor("bench", "bench"), get_zone("Asia/Shanghai")
        )
        people = services.directory.people()
        owners = [p.handle for p in people if p.dept][:6]
        meeting = services.meetings.start(
            "Bench sync", attendees=owners, tz="Asia/Shanghai", agenda=[("Everything", 180)]
        )
        services.meetings.goto_item(meeting.id, 0)

        collector = Collector()
        journal = MeetingJournal(db, meeting.id, "bench")
        recorder = MeetingRecorder(services.meetings, meeting.id, journal, collector)
        threads = [
            threading.Thread(target=recorder.journal_loop, daemon=True),
            threading.Thread(target=recorder.db_loop, daemon=True),
        ]
        for thread in threads:
            thread.start()

        typed = entries(args.lines, "one-", owners)
        for number, entry in enumerate(typed, 1):
            recorder.capture(entry)
            collector.wait_committed(number)
        one_durable = [collector.durable[e.id] for e in typed]
        one_committed = [collector.committed[e.id] for e in typed]

        burst = entries(args.lines, "burst-", owners)
        for entry in burst:
            recorder.capture(entry)
        collector.wait_committed(2 * args.lines)
        burst_durable = [collector.durable[e.id] for e in burst]
        burst_committed = [collector.committed[e.id] for e in burst]

        recorder.stop()
        for thread in threads:
            thread.join(timeout=30)

        print(describe("journal append + fsync (one record)", appends))
        print(describe("one line at a time: durable (journal fsync)", one_durable))
        print(describe("one line at a time: committed to the DB", one_committed))
        print(describe(f"burst of {args.lines}: durable (journal fsync)", burst_durable))
        print(describe(f"burst of {args.lines}: committed to the DB", burst_committed))
        worst = max(one_durable + burst_durable)
        verdict = "ok" if worst <= DURABLE_BUDGET else "OVER BUDGET"
        print(
            f"worst time to durable {worst * 1000:.1f} ms (budget {DURABLE_BUDGET * 1000:.0f} ms): {verdict}"
        )
        return 0 if worst <= DURABLE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
