"""docs/budgets.md: ``huddle card add`` and ``card list --json`` at 5,000 cards vs ``python -c pass``.

python bench/bench_store.py [--cards 5000] [--runs 15] [--source DIR]

The three commands alternate in every round (so the machine's load hits them alike), bytecode written
as an installed copy runs; the table shows medians and the ratio to ``python -c pass`` (budget 8x for
``card add``). A second table breaks one command's storage cost down in-process (parse, shape check,
encode, and a whole ``cards.add`` / first board page through the services), to tell the store's share
from the CLI's fixed start-up. ``--source`` runs another checkout's code (``git worktree add``), for a
before/after comparison with one harness.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from bench.installed import ENV, precompile

HUDDLE = str(Path(sys.executable).with_name("huddle"))

BREAKDOWN = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from domain.models import Actor
from domain.services import Services
from storage import open_store
db = Path(sys.argv[1])
runs = int(sys.argv[2])

def best(make):
    # a fresh store each run: a CLI process opens the file once, with nothing cached
    times = []
    for _ in range(runs):
        actor = Actor("bench", "bench")
        services = Services.build(open_store(db), lambda: datetime.now(UTC), actor, ZoneInfo("UTC"))
        started = time.perf_counter()
        make(services)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]

print("cards.add", best(lambda s: s.cards.add("Sales", "breakdown", enforce_wip=False)))
print("cards.list(dept)", best(lambda s: s.cards.list(dept="Sales")))
first = getattr(__import__("domain.services.cards", fromlist=["CardService"]).CardService, "first_page", None)
if first is not None:
    print("cards.first_page(dept)", best(lambda s: s.cards.first_page("Sales")))
print("cards.list() + blocked_among", best(lambda s: s.cards.blocked_among(s.cards.list())))
if hasattr(__import__("domain.services.cards", fromlist=["CardService"]).CardService, "listing"):
    print("cards.listing() (card list)", best(lambda s: s.cards.listing()))
    print("cards.listing(dept)", best(lambda s: s.cards.listing("Sales")))
"""


def wall(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", type=Path, help="run this checkout's code instead (PYTHONPATH)")
    args = parser.parse_args()
    env = dict(ENV)
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
    rows: dict[str, list[float]] = {"python -c pass": [], "card add": [], "card list --dept --json": []}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        generate(db, args.cards)
        precompile()
        base = [HUDDLE, "--db", str(db), "--user", "bench"]
        for n in range(args.runs):
            rows["python -c pass"].append(wall([sys.executable, "-c", "pass"], env))
            rows["card add"].append(wall([*base, "card", "add", "--dept", "Sales", "--title", f"b{n}"], env))
            rows["card list --dept --json"].append(
                wall([*base, "card", "list", "--dept", "Sales", "--json"], env)
            )
        out = subprocess.run(
            # -P: the current folder must not shadow the code chosen by --source (PYTHONPATH)
            [sys.executable, "-P", "-c", BREAKDOWN, str(db), str(args.runs)],
            check=True, capture_output=True, text=True, env=env,
        ).stdout  # fmt: skip
    floor = statistics.median(rows["python -c pass"])
    print(f"{'at ' + str(args.cards) + ' cards':28} {'median':>9} {'ratio':>7} {'budget':>7}")
    for what, times in rows.items():
        median = statistics.median(times)
        budget = "8x" if what == "card add" else ""
        print(f"{what:28} {median * 1000:7.1f}ms {median / floor:6.1f}x {budget:>7}")
    print("\nin-process, fresh store each run (median):")
    for line in out.splitlines():
        what, seconds = line.rsplit(" ", 1)
        print(f"  {what:26} {float(seconds) * 1000:7.1f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
