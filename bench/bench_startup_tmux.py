"""First paint as users see it: in tmux, from outside the process, to the first card on screen.

    python bench/bench_startup_tmux.py [--runs 9] [--sizes demo,5000,20000] [--checkout DIR ...]

Each run opens a new tmux window of 120x40 running one program and polls ``capture-pane -p`` until
what the person waits for is on screen: the bare Textual app's one word, or the first card id
(``ABC-12``) of Huddle's board. The clock starts just before tmux is asked to start the program, so
tmux's own start-up is in every figure alike; the programs alternate run by run so that machine noise
hits them the same. Bytecode is written, as an installed copy runs (see ``bench/installed.py``).

``--checkout DIR`` (repeatable) runs the Huddle of that source tree instead of this venv's ``huddle``
script (``python -c`` with DIR first on the path), so a before/after pair is measured in one run.

Reported: the median of each program and its ratio to the bare Textual app (docs/budgets.md:
at most 1.5x at the demo, 5,000 and 20,000 cards).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_tui import make_big, make_demo  # noqa: E402
from bench.installed import ENV, huddle_commands  # noqa: E402

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App[None]):
    def compose(self):
        yield Static("bare-textual-ready")

Bare().run()
"""
"""The reference: Textual's smallest app, one widget with one word."""

CARD_ID = re.compile(r"\b[A-Z]{2,8}-\d+\b")
SOCKET = f"huddle-bench-{os.getpid()}"
"""Our own tmux server: another checkout's benchmark running beside this one keeps its own."""


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False)


def parse_args(doc: str | None, runs: int) -> tuple[argparse.Namespace, dict[str, list[str]]] | None:
    """The options both tmux benches take (``--runs``, ``--sizes``, ``--checkout``) and the Huddle
    command of each tree by label; None, after saying why, when tmux is not installed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--sizes", default="demo,5000,20000", help="comma-separated: demo and card counts")
    parser.add_argument("--checkout", action="append", default=[], help="a source tree to compare (repeat)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: nothing measured (apt-get install tmux)")
        return None
    return args, {(f" {k}" if k else k): v for k, v in huddle_commands(args.checkout).items()}


@contextlib.contextmanager
def tmux_session(prefix: str, columns: str = "120", rows: str = "40") -> Iterator[Path]:
    """Our own tmux server with a session of that size (120x40 unless told), and a work folder; both
    gone afterwards."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    tmux("kill-server")
    tmux("new-session", "-d", "-s", "bench", "-x", columns, "-y", rows)
    try:
        yield work
    finally:
        tmux("kill-server")
        shutil.rmtree(work, ignore_errors=True)


def time_to_screen(command: list[str], seen: Callable[[str], bool], timeout: float = 30.0) -> float:
    """Seconds from asking tmux to start ``command`` until ``seen(screen text)`` is true."""
    name = f"run{time.monotonic_ns()}"
    env_args = [arg for key, value in ENV.items() for arg in ("-e", f"{key}={value}")]
    start = time.monotonic()
    tmux("new-window", "-d", "-t", "bench", "-n", name, *env_args, "--", *command)
    try:
        while time.monotonic() - start < timeout:
            screen = tmux("capture-pane", "-p", "-t", f"bench:{name}").stdout
            if seen(screen):
                return time.monotonic() - start
            time.sleep(0.002)  # a poll interval, not a wait for a result: the loop checks the screen
        raise TimeoutError(f"{command!r} showed nothing recognisable in {timeout:.0f}s")
    finally:
        tmux("kill-window", "-t", f"bench:{name}")


def main() -> int:
    parsed = parse_args(__doc__, runs=9)
    if parsed is None:
        return 1
    args, huddles = parsed
    results: dict[str, list[float]] = {}
    with tmux_session("huddle-bench-") as work:
        config = work / "none.toml"
        programs: dict[str, tuple[list[str], Callable[[str], bool]]] = {
            "bare Textual app": ([sys.executable, "-c", BARE], lambda s: "bare-textual-ready" in s),
        }
        for size in args.sizes.split(","):
            db = work / f"{size}.json"
            if size == "demo":
                make_demo(db)
            else:
                make_big(db, int(size))
            for tag, huddle in huddles.items():
                cmd = ["env", f"HUDDLE_CONFIG={config}", *huddle, "--db", str(db), "--user", "bench"]
                programs[(f"Huddle, {size} cards" if size != "demo" else "Huddle, demo") + tag] = (
                    cmd,
                    lambda s: CARD_ID.search(s) is not None,
                )
        results = {name: [] for name in programs}
        for command, seen in programs.values():
            time_to_screen(command, seen)  # warm the page cache and the bytecode once
        for _ in range(args.runs):
            for name, (command, seen) in programs.items():
                results[name].append(time_to_screen(command, seen))
    reference = statistics.median(results["bare Textual app"])
    print(f"first paint in tmux (120x40), {args.runs} alternating runs, medians")
    width = max(28, *(len(name) for name in results))
    print(f"{'what':{width}} {'median':>9} {'ratio':>7}  budget")
    for name, values in results.items():
        median = statistics.median(values)
        budget = "" if name.startswith("bare") else ("1.5x ok" if median / reference <= 1.5 else "1.5x OVER")
        print(f"{name:{width}} {median * 1000:7.0f}ms {median / reference:6.2f}x  {budget}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
