"""docs/budgets.md: a CLI write (`huddle card add`) end to end on a 5,000-card DB, and memory.

python bench/bench_cli.py [--cards 5000] [--runs 15]
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


def wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - started


def rss_after_loading(db: Path) -> float:
    """Peak RSS (MB) of a process that loads every card through the services."""
    code = (
        "import resource, sys\n"
        "from tui.wiring import build_context\n"
        f"ctx = build_context({str(db)!r}, 'bench')\n"
        "cards = ctx.services.cards.list()\n"
        "print(len(cards), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        generate(db, args.cards)
        precompile()
        bare = [wall([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
        adds = [
            wall(
                [
                    HUDDLE,
                    "--db",
                    str(db),
                    "card",
                    "add",
                    "--dept",
                    "Sales",
                    "--title",
                    f"bench {n}",
                    "--due",
                    "fri",
                ]
            )
            for n in range(args.runs)
        ]
        lists = [
            wall([HUDDLE, "--db", str(db), "card", "list", "--dept", "Sales", "--json"]) for _ in range(5)
        ]
        big = Path(tmp) / "big.json"
        generate(big, 20_000)
        rss = rss_after_loading(big)
    print(f"{'what':44} {'median':>9} {'budget':>9}")
    print(f"{'python -c pass (interpreter floor)':44} {statistics.median(bare):8.3f}s")
    print(f"{f'huddle card add ({args.cards} cards)':44} {statistics.median(adds):8.3f}s {'0.120s':>9}")
    print(f"{f'huddle card list --dept --json ({args.cards})':44} {statistics.median(lists):8.3f}s")
    print(f"{'RSS with 20,000 cards loaded':44} {rss:7.0f}MB {'200MB':>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
