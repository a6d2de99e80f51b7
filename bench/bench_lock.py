"""docs/budgets.md: 16 writers x 25 ``card add`` at 5,000 cards; every write lands, slowest within 5 s.

python bench/bench_lock.py [--cards 5000] [--writers 16] [--adds 25] [--source DIR]

Each writer is its own process with the services open on one data file; all start together (a go
file), then add their cards back to back, timing each ``cards.add`` from the call to its return (the
wait for the lock plus the transaction). At the end the file must hold every acknowledged card.
``--source`` runs another checkout's code (``git worktree add``) against the same harness, for a
before/after comparison in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from bench.installed import ENV, precompile

WRITER = """
import contextlib, json, os, sys, time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from domain.models import Actor
from domain.services import Services
from storage import open_store, json_store
db, writer, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
held = []
taken = json_store.exclusive_lock
@contextlib.contextmanager
def timed_lock(*args, **kwargs):  # how long this writer holds the lock: the queue's turn
    with taken(*args, **kwargs):
        started = time.perf_counter()
        try:
            yield
        finally:
            held.append(time.perf_counter() - started)
json_store.exclusive_lock = timed_lock
actor = Actor(f"w{writer}", "bench")
services = Services.build(open_store(db), lambda: datetime.now(UTC), actor, ZoneInfo("UTC"))
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
seconds, ids = [], []
for n in range(count):
    started = time.perf_counter()
    ids.append(services.cards.add("Sales", f"writer {writer} card {n}", enforce_wip=False).id)
    seconds.append(time.perf_counter() - started)
print(json.dumps({"seconds": seconds, "held": held, "ids": ids}), flush=True)
"""


def run(
    db: Path, writers: int, adds: int, env: dict[str, str]
) -> tuple[list[float], list[float], set[str], float]:
    """Each write's seconds from the call to its return, and the seconds it held the lock; the acknowledged
    ids; the wall time of the whole run."""
    go = db.with_name("go")
    procs = [
        subprocess.Popen(
            # -P: the current folder must not shadow the code chosen by --source (PYTHONPATH)
            [sys.executable, "-P", "-c", WRITER, str(db), str(w), str(adds), str(go)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(writers)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    go.touch()
    seconds: list[float] = []
    held: list[float] = []
    acknowledged: set[str] = set()
    for proc in procs:
        assert proc.stdout is not None
        out = json.loads(proc.stdout.readline())
        seconds += out["seconds"]
        held += out["held"]
        acknowledged |= set(out["ids"])
        proc.wait()
    return seconds, held, acknowledged, time.perf_counter() - started


def stored_ids(db: Path) -> set[str]:
    raw = json.loads(db.read_bytes())
    return {doc["id"] for doc in raw["cards"].values()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--adds", type=int, default=25)
    parser.add_argument("--source", type=Path, help="run this checkout's code instead (PYTHONPATH)")
    args = parser.parse_args()
    env = dict(ENV)
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        generate(db, args.cards)
        precompile()
        before = stored_ids(db)
        seconds, held, acknowledged, total = run(db, args.writers, args.adds, env)
        lost = acknowledged - stored_ids(db)
        extra = stored_ids(db) - before - acknowledged
    seconds.sort()
    held.sort()
    p95 = seconds[int(len(seconds) * 0.95) - 1]
    print(
        f"{args.writers} writers x {args.adds} adds at {args.cards} cards ({os.cpu_count()} cores): "
        f"{len(acknowledged)} acknowledged, {len(lost)} lost, {len(extra)} unacknowledged in the file"
    )
    print(f"{'per write':12} {'median':>8} {'p95':>8} {'slowest':>8} {'budget':>8}   all done in")
    print(
        f"{'':12} {statistics.median(seconds):7.3f}s {p95:7.3f}s {seconds[-1]:7.3f}s {'5.000s':>8}"
        f"   {total:.1f}s"
    )
    # The slowest write waits for the writers queued before it: about their number times the time each
    # holds the lock (read, change, encode, write, fsync, replace), so the hold time is the lever.
    print(
        f"{'lock held':12} {statistics.median(held):7.3f}s {held[int(len(held) * 0.95) - 1]:7.3f}s "
        f"{held[-1]:7.3f}s {'':>8}   {sum(held):.1f}s held in all"
    )
    return 0 if not lost and len(acknowledged) == args.writers * args.adds and seconds[-1] <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
