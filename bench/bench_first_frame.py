"""The board's first frame in CPU time, part by part: what the process itself spends from Textual loaded
to the first frame written, which the machine's load inflates far less than the wall clock.

    python bench/bench_first_frame.py [--runs 9] [--sizes demo,5000,20000] [--checkout DIR ...]
                                      [--screen 120x40]

Each run starts Huddle in a new window of our own tmux server (so it draws into a real terminal of the
given size) under ``bench/first_frame_probe.py``, which notes the process's CPU time (``process_time``:
every thread of it, user and system) and wall time at each start-up mark, the CPU time of the layout,
the frame's rendering (and of it: the column bodies and the scroll bars), the CSS parse and the style
applications, and counts the widgets on the screen when the first frame is written. The window is
closed once the probe has written its figures. Trees and sizes alternate run by run; one warm-up run
each is not counted. Reported: the medians.

With two cores shared by several jobs the wall clock of ``bench_startup_tmux.py`` moves by tens of
milliseconds between runs; the CPU figures here move by a few, so a change of 5 ms in the first frame's
own work shows. What they leave out: time spent waiting for the CPU, and other processes (the JSON
pre-read's child, tmux).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup_tmux import tmux, tmux_session  # noqa: E402
from bench.bench_tui import make_big, make_demo  # noqa: E402
from bench.installed import ENV, precompile  # noqa: E402

PROBE = Path(__file__).resolve().with_name("first_frame_probe.py")
FRAME = "first frame written"
STYLED = "style applications (Stylesheet.apply)"
PARTS = (
    "CSS parse",
    STYLED,
    "layout (Compositor.reflow)",
    "frame render (Compositor.render_update)",
    "  of it: column bodies",
    "  of it: scroll bars",
)
"""The parts ``bench/first_frame_probe.py`` times, in the order printed."""


def one_run(tree: Path, db: Path, config: Path, out: Path, timeout: float = 30.0) -> dict[str, Any]:
    """One start of ``tree``'s Huddle on ``db``: the probe's figures."""
    out.unlink(missing_ok=True)
    env = {
        **ENV,
        "FIRST_FRAME_TREE": str(tree),
        "FIRST_FRAME_OUT": str(out),
        "HUDDLE_TIMELINE": os.devnull,
        "HUDDLE_CONFIG": str(config),
    }
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    name = f"f{time.monotonic_ns()}"
    # COLUMNS and LINES would override the terminal's own size (``shutil.get_terminal_size``); a tmux
    # server started under pytest has them in its environment.
    command = [
        "env",
        "-u",
        "COLUMNS",
        "-u",
        "LINES",
        sys.executable,
        str(PROBE),
        "--db",
        str(db),
        "--user",
        "bench",
    ]
    tmux("new-window", "-d", "-t", "bench", "-n", name, *env_args, "--", *command)
    try:
        deadline = time.monotonic() + timeout
        while not out.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no first frame from {tree} in {timeout:.0f}s")
            time.sleep(0.01)  # a poll interval: the probe writes its file at the first frame
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    finally:
        tmux("kill-window", "-t", f"bench:{name}")
    return report


def show(title: str, runs: list[dict[str, Any]]) -> None:
    """Print the medians of ``runs``: each start-up mark (wall and CPU), each part's CPU, the widgets."""

    def median(values: list[float]) -> str:
        return f"{statistics.median(values):7.1f}" if values else "      -"

    marks = [run["marks"] for run in runs]
    print(f"\n{title}: median of {len(runs)} runs, ms since Textual loaded (wall / CPU)")
    names = {name for m in marks for name in m}
    for name in sorted(names, key=lambda n: statistics.median(m[n][1] for m in marks if n in m)):
        if statistics.median(m[name][1] for m in marks if name in m) >= 0:  # the marks before it: no
            wall = [m[name][0] for m in marks if name in m]
            used = [m[name][1] for m in marks if name in m]
            print(f"  {median(wall)} / {median(used)}  {name}")
    cpu = [run["cpu_ms"] for run in runs]
    print("  CPU of its parts (ms):")
    for part in PARTS:
        print(f"  {median([c.get(part, 0.0) for c in cpu])}  {part}")
    styled = statistics.median(run["calls"].get(STYLED, 0) for run in runs)
    bars = runs[-1]["calls"].get("  of it: scroll bars", 0)
    print(f"  widgets: {runs[-1]['widgets']} and {bars} scroll bars drawn, style applications: {styled:.0f}")
    print("  " + ", ".join(f"{kind} {n}" for kind, n in runs[-1]["kinds"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sizes", default="demo,5000,20000", help="comma-separated: demo and card counts")
    parser.add_argument("--checkout", action="append", default=[], help="a source tree to compare (repeat)")
    parser.add_argument("--screen", default="120x40", help="terminal size, COLUMNSxROWS")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: nothing measured (apt-get install tmux)")
        return 1
    columns, _, rows = args.screen.partition("x")
    if not (columns.isdigit() and rows.isdigit()):
        print(f"--screen wants COLUMNSxROWS, such as 120x40, not {args.screen!r}")
        return 1
    trees = [Path(tree).resolve() for tree in args.checkout] or [ROOT]
    for tree in trees:
        precompile(tree)
    labels = {tree: (f" ({tree.name})" if len(trees) > 1 else "") for tree in trees}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tmux_session("huddle-first-frame-", columns, rows) as work:
        config = work / "none.toml"
        out = work / "frame.json"
        sizes = args.sizes.split(",")
        dbs = {}
        for size in sizes:
            dbs[size] = work / f"{size}.json"
            make_demo(dbs[size]) if size == "demo" else make_big(dbs[size], int(size))
        every: dict[tuple[str, Path], list[dict[str, Any]]] = {(s, t): [] for s in sizes for t in trees}
        for run in range(args.runs + 1):  # the first round warms the page cache and bytecode
            for size in sizes:
                for tree in trees:
                    report = one_run(tree, dbs[size], config, out)
                    if run:
                        every[size, tree].append(report)
        for (size, tree), runs in every.items():
            what = "demo file" if size == "demo" else f"{size} cards"
            show(f"{what}{labels[tree]}, {args.screen}", runs)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
