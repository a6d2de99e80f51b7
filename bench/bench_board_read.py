"""The board's reads from the JSON file, in-process, for one or two source trees alternating run by run.

python bench/bench_board_read.py [--cards 20000] [--runs 7] [--checkout OLD --checkout .]

What the app reads for the first board and for a department switch, each on a fresh store (as a new
process opens the file): the first department's first page (``CardService.first_page``: what the first
frame shows), that whole department with its blocked marks (read after the first frame), then from the
same snapshot another department's first page (what a switch shows at once) and that whole department
(read after it); the garbage collector is off for the first page and then frozen, as the app runs them
(``tui.app.resume_collection``). Every tree runs in a process of its own per round (``-P``,
``PYTHONPATH`` = the tree), the trees taking turns, so the machine's load hits them alike; medians, and
the ratio to the first tree. Each read is timed twice: wall time, and the process's CPU time (the
``cpu:`` rows), the steadier figure on a busy machine. Last, a third department's switch is read in a
thread, as the app's worker reads it, while the main thread stands for the event loop (it waits 1 ms, as
in ``select``, then computes about 0.5 ms, over and over): "loop work done meanwhile" is how much of
that work got done while the worker read; the interpreter lock decides it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from bench.installed import ENV, precompile

READS = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from domain.models import Actor
from domain.services import Services
from storage import open_store
db = Path(sys.argv[1])
services = Services.build(open_store(db), lambda: datetime.now(UTC), Actor("bench", "bench"), ZoneInfo("UTC"))
cards = services.cards
def timed(what, read):
    started, cpu = time.perf_counter(), time.process_time()
    result = read()
    print(what, time.perf_counter() - started)
    print("cpu: " + what, time.process_time() - cpu)
    return result
import gc
gc.disable()  # as in the app: the collector is off until the first frame, then freezes what start-up made
page = timed("first page (first board)", lambda: cards.first_page(None, 15))
gc.freeze()
gc.enable()
first = page.department.name
timed("whole department after it", lambda: cards.blocked_among(cards.list(dept=first)))
other = page.departments[1].name
timed("switch: first page", lambda: cards.first_page(other, 15))
timed("switch: whole department", lambda: cards.blocked_among(cards.list(dept=other)))
# A third department's switch read in a thread, as the app's worker does it, while this (main) thread
# stands for the event loop: it waits 1 ms (as in select), then computes for about 0.5 ms, over and over.
import threading
def work():
    total = 0
    for i in range(10000):
        total += i
started = time.perf_counter(); work(); unit = time.perf_counter() - started
third = page.departments[2].name
done = threading.Event()
def switch():
    started = time.perf_counter()
    cards.first_page(third, 15)
    cards.blocked_among(cards.list(dept=third))
    print("switch read in a worker (wall)", time.perf_counter() - started)
    done.set()
worker = threading.Thread(target=switch)
worker.start()
chunks = 0
while not done.is_set():
    time.sleep(0.001)
    work()
    chunks += 1
worker.join()
print("loop work done meanwhile", chunks * unit)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--checkout", type=Path, action="append", help="a source tree (repeat); default: this one"
    )
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.checkout or [Path(__file__).resolve().parent.parent]]
    figures: dict[Path, dict[str, list[float]]] = {tree: {} for tree in trees}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        generate(db, args.cards)
        precompile()
        for _ in range(args.runs):
            for tree in trees:
                env = {**ENV, "PYTHONPATH": str(tree)}
                out = subprocess.run(
                    [sys.executable, "-P", "-c", READS, str(db)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
                for line in out.splitlines():
                    what, seconds = line.rsplit(" ", 1)
                    figures[tree].setdefault(what, []).append(float(seconds))
    names = list(figures[trees[0]])
    print(f"at {args.cards} cards, median of {args.runs} (ms)" + "".join(f" | {tree}" for tree in trees))
    for what in names:
        medians = [statistics.median(figures[tree][what]) * 1000 for tree in trees]
        cells = [
            f"{value:8.1f}" + (f" ({value / medians[0]:.2f}x)" if i else "")
            for i, value in enumerate(medians)
        ]
        print(f"{what:28} " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
