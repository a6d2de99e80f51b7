"""An open app's CPU per change made by someone else (docs/budgets.md: at most 15 ms at 5,000 cards).

    python bench/bench_refresh.py [--cards 5000] [--changes 30] [--batch 5] [--other-table]
                                  [--checkout DIR ...]

The app runs in tmux (120x40) on a generated file. Another process (the ``huddle`` command) edits the
title of a card the first board shows; the app's poll sees the new version, re-reads and repaints, and
we wait until the new title is on screen, then a little longer. The app's CPU time (user + system,
``/proc/PID/stat``) over that stretch, less its idle rate (the poll timer, measured before on the same
process), is the cost of one change. ``/proc`` counts in clock ticks (10 ms), so each measurement spans
``--batch`` changes and is divided by their number. Reported: the median over ``--changes`` changes.
``--other-table`` edits a risk instead (the board shows no risk: it should cost next to nothing; the
wait is then a fixed second per change for the poll to see it). ``--checkout DIR`` runs that source
tree's app instead (repeatable; alternated batch by batch for a before/after pair).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup_tmux import CARD_ID, tmux  # noqa: E402
from bench.bench_tui import make_big  # noqa: E402
from bench.installed import ENV, huddle_commands  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
IDLE_SECONDS = 10.0
"""Long enough that one clock tick (10 ms) is 1 ms/s of idle rate, subtracted from every second measured."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def screen(window: str) -> str:
    return tmux("capture-pane", "-p", "-t", f"bench:{window}").stdout


def wait_for(window: str, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in screen(window):
            return
        time.sleep(0.01)  # a poll interval: the loop checks the screen
    raise TimeoutError(f"{text!r} not on screen in {timeout:.0f}s")


class OpenApp:
    """One app in a tmux window, its pid and idle CPU rate."""

    def __init__(self, name: str, command: list[str], db: Path, config: Path) -> None:
        self.window = name
        env = {**ENV, "HUDDLE_CONFIG": str(config)}
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        tmux("new-window", "-d", "-t", "bench", "-n", name, *env_args, "--", *command, "--db", str(db))
        deadline = time.monotonic() + 30
        while not (found := CARD_ID.search(screen(name))) and time.monotonic() < deadline:
            time.sleep(0.02)
        if found is None:
            raise TimeoutError("the board did not show")
        self.card = found.group(0)
        self.pid = int(tmux("display", "-p", "-t", f"bench:{name}", "#{pane_pid}").stdout.strip())
        time.sleep(2.0)  # a settling period before the idle rate is taken (the whole board loads)
        before, start = cpu_seconds(self.pid), time.monotonic()
        time.sleep(IDLE_SECONDS)  # the idle measurement window itself
        self.idle_rate = (cpu_seconds(self.pid) - before) / (time.monotonic() - start)

    def changes(self, huddle: list[str], db: Path, n: int, batch: int, other_table: bool) -> float:
        """CPU seconds the app spent per change, over ``batch`` edits made by another process."""
        before, start = cpu_seconds(self.pid), time.monotonic()
        for k in range(batch):
            title = f"refresh-{n}-{k}-{time.monotonic_ns() % 100000}"
            what = ["risk", "edit", "R-1"] if other_table else ["card", "edit", self.card]
            subprocess.run(
                [*huddle, "--db", str(db), "--user", "other", *what, "--title", title],
                check=True,
                capture_output=True,
                env=ENV,
            )
            if other_table:
                time.sleep(1.2)  # one poll interval and a little: nothing on the board changes
            else:
                wait_for(self.window, title)
        time.sleep(0.5)  # the repaint's tail; the idle rate is subtracted for the whole stretch
        spent = cpu_seconds(self.pid) - before
        return max(0.0, spent - self.idle_rate * (time.monotonic() - start)) / batch

    def close(self) -> None:
        tmux("kill-window", "-t", f"bench:{self.window}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--batch", type=int, default=5, help="changes per CPU measurement")
    parser.add_argument("--other-table", action="store_true", help="edit a risk instead of a card")
    parser.add_argument("--checkout", action="append", default=[], help="a source tree to compare (repeat)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: nothing measured (apt-get install tmux)")
        return 1
    cli = [str(Path(sys.executable).with_name("huddle"))]
    # The writer: the installed command makes each change from outside the apps measured.
    apps = huddle_commands(args.checkout, "Huddle")
    work = Path(tempfile.mkdtemp(prefix="huddle-refresh-"))
    db = work / "big.json"
    make_big(db, args.cards)
    tmux("kill-server")
    tmux("new-session", "-d", "-s", "bench", "-x", "120", "-y", "40")
    results: dict[str, list[float]] = {name: [] for name in apps}
    opened: dict[str, OpenApp] = {}
    try:
        for index, (name, command) in enumerate(apps.items()):
            opened[name] = OpenApp(f"app{index}", command, db, work / "none.toml")
        for n in range(max(1, args.changes // args.batch)):
            for name, app in opened.items():  # each open app repaints every change; one is measured
                results[name].append(app.changes(cli, db, n, args.batch, args.other_table))
    finally:
        for app in opened.values():
            app.close()
        tmux("kill-server")
        shutil.rmtree(work, ignore_errors=True)
    what = "a risk" if args.other_table else "a card on the board"
    print(
        f"CPU per change made by another process to {what}, {args.cards} cards, {args.changes} changes "
        f"in batches of {args.batch} (budget 15 ms)"
    )
    for name, values in results.items():
        median = statistics.median(values) * 1000
        verdict = "ok" if median <= 15 else "OVER"
        idle = opened[name].idle_rate * 1000
        worst = max(values) * 1000
        print(f"  {name:32} median {median:6.1f} ms  max {worst:6.1f} ms  {verdict}  (idle {idle:.1f} ms/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
