"""docs/budgets.md: a CLI write (`huddle card add`) end to end on a 5,000-card DB, the reads, and memory.

python bench/bench_cli.py [--cards 5000] [--runs 15] [--no-rss]

Runs are alternated (one of each command per round) so that load on the shared machine falls on every
figure alike; medians are reported, with each command's ratio to ``python -c pass`` (the interpreter
floor). Bytecode is written first and ``PYTHONDONTWRITEBYTECODE`` is unset, as an installed copy runs
(see bench/installed.py). The budget is ``card add`` at most 8x the floor at 5,000 cards; ``card move``
(a write that changes a card in place) is held to it too. The reads (``card list`` of every card and of
one department, as JSON and as the table, and ``card show``) have no budget of their own: they are
reported so that a listing's cost stays what it prints.
"""

from __future__ import annotations

import argparse
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

HUDDLE = str(Path(sys.executable).with_name("huddle"))
FLOOR = "python -c pass (interpreter floor)"
BUDGET = 8.0
"""``card add`` at most this many times ``python -c pass`` (docs/budgets.md)."""


def wall(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, from the kernel's account of the child) of one run.

    CPU time is the steadier figure on a shared machine: other people's load stretches the wall clock
    of every process, but hardly what a process itself spends."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return elapsed, usage.ru_utime + usage.ru_stime


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


def commands(db: Path, huddle: str, tag: str = "") -> dict[str, list[str]]:
    """The measured Huddle commands by label (``tag`` names the script when several are compared)."""
    return {
        f"huddle --help{tag}": [huddle, "--help"],
        f"huddle card add{tag}": [
            huddle,
            "--db",
            str(db),
            "card",
            "add",
            "--dept",
            "Sales",
            "--title",
            "bench",
            "--due",
            "fri",
        ],
        f"huddle card list --json{tag}": [huddle, "--db", str(db), "card", "list", "--json"],
        f"huddle card list{tag}": [huddle, "--db", str(db), "card", "list"],
        f"huddle card list --dept --json{tag}": [
            huddle,
            "--db",
            str(db),
            "card",
            "list",
            "--dept",
            "Sales",
            "--json",
        ],
        f"huddle card list --dept{tag}": [huddle, "--db", str(db), "card", "list", "--dept", "Sales"],
        f"huddle card show{tag}": [huddle, "--db", str(db), "card", "show", "SAL-3"],
        # Two moves, to and fro, so that every run moves the card (a write like card add's, in place).
        f"huddle card move SAL-1 Doing{tag}": [
            huddle,
            "--db",
            str(db),
            "card",
            "move",
            "SAL-1",
            "Doing",
            "--force",
        ],
        f"huddle card move SAL-1 Done{tag}": [
            huddle,
            "--db",
            str(db),
            "card",
            "move",
            "SAL-1",
            "Done",
            "--force",
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-rss", action="store_true", help="skip the 20,000-card memory figure")
    parser.add_argument(
        "--huddle",
        action="append",
        help="a huddle script to measure (default: this venv's); repeat to compare checkouts in one run",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        generate(db, args.cards)
        precompile()
        scripts = args.huddle or [HUDDLE]
        cmds = {FLOOR: [sys.executable, "-c", "pass"]}
        for number, script in enumerate(scripts, 1):
            cmds |= commands(db, script, f" [{number}]" if len(scripts) > 1 else "")
        times: dict[str, list[float]] = {label: [] for label in cmds}
        cpu: dict[str, list[float]] = {label: [] for label in cmds}
        for _ in range(args.runs):
            for label, cmd in cmds.items():
                elapsed, spent = wall(cmd)
                times[label].append(elapsed)
                cpu[label].append(spent)
        rss = None
        if not args.no_rss:
            big = Path(tmp) / "big.json"
            generate(big, 20_000)
            rss = rss_after_loading(big)
    floor = statistics.median(times[FLOOR])
    cpu_floor = statistics.median(cpu[FLOOR])
    print(f"{args.cards} cards, {args.runs} alternated runs, medians; load average {os.getloadavg()[0]:.1f}")
    print(f"{'what':44} {'wall':>9} {'ratio':>7} {'CPU':>9} {'ratio':>7} {'budget':>7}")
    for label, values in times.items():
        median, spent = statistics.median(values), statistics.median(cpu[label])
        budget = f"{BUDGET:.0f}x" if label.startswith(("huddle card add", "huddle card move")) else ""
        print(
            f"{label:44} {median * 1000:7.1f}ms {median / floor:6.1f}x "
            f"{spent * 1000:7.1f}ms {spent / cpu_floor:6.1f}x {budget:>7}"
        )
    for number, script in enumerate(scripts, 1):
        if len(scripts) > 1:
            print(f"[{number}] {script}")
    if rss is not None:
        print(f"{'RSS with 20,000 cards loaded':44} {rss:7.0f}MB {'':>7} {'200MB':>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
