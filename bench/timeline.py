"""The start-up timeline from inside and from outside, in tmux: where the first paint's time goes.

    python -m bench.timeline [--runs 5] [--sizes demo,5000,20000] [--checkout DIR ...]

Each run starts ``huddle`` in a new tmux window (120x40) with ``HUDDLE_TIMELINE`` pointing at a file and
``HUDDLE_TIMELINE_START`` at the monotonic time taken just before tmux is asked to start it, polls the
screen until a card id shows (the outside mark, as ``bench/bench_startup_tmux.py`` measures it), waits a
moment for the whole board, quits with ctrl+q and reads the marks the app wrote (:mod:`tui.timeline`):
interpreter up, command line parsed, store opened, Textual loaded, first page read, compose done, first
tile render, screen and app on_mount, first frame written, whole department shown. Prints the median of
every mark over the runs. Bytecode is written, as an installed copy runs.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup_tmux import CARD_ID, open_and_wait, parse_args, tmux, tmux_session  # noqa: E402
from bench.bench_tui import make_big, make_demo  # noqa: E402
from bench.installed import ENV  # noqa: E402

MARK = re.compile(r"^\s*([\d.]+)\s+\+\s*[\d.]+\s+(.*)$")
SEEN = "card id on screen (tmux, outside)"


def one_run(huddle: list[str], db: Path, config: Path, out: Path, timeout: float = 30.0) -> dict[str, float]:
    """One start: the app's own marks plus the outside one, in ms since the launch."""
    out.unlink(missing_ok=True)
    name = f"t{time.monotonic_ns()}"
    start = time.monotonic()
    env = {
        **ENV,
        "HUDDLE_CONFIG": str(config),
        "HUDDLE_TIMELINE": str(out),
        "HUDDLE_TIMELINE_START": repr(start),
    }
    try:
        command = [*huddle, "--db", str(db)]
        card = lambda screen: CARD_ID.search(screen) is not None  # noqa: E731
        seen = 1000 * open_and_wait(name, command, env, card, start, timeout)
        settle = time.monotonic() + 1.5  # let the whole department arrive, then quit
        while time.monotonic() < settle:
            time.sleep(0.05)
        tmux("send-keys", "-t", f"bench:{name}", "C-q")
        deadline = time.monotonic() + timeout
        while not (out.exists() and out.read_text().endswith("\n")) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        tmux("kill-window", "-t", f"bench:{name}")
    marks: dict[str, float] = {}
    for line in out.read_text().splitlines():
        if match := MARK.match(line):
            marks[match.group(2)] = float(match.group(1))
    marks[SEEN] = seen
    return marks


def show(what: str, runs: list[dict[str, float]]) -> None:
    """Print the median of every mark over ``runs``, in time order, with the step from the one before."""
    names = sorted({n for r in runs for n in r}, key=lambda n: statistics.median(r.get(n, 1e9) for r in runs))
    print(f"\nstart-up timeline, {what}, median of {len(runs)} runs (ms since launch)")
    previous = 0.0
    for name in names:
        median = statistics.median(r[name] for r in runs if name in r)
        print(f"{median:9.1f}  +{median - previous:7.1f}  {name}")
        previous = median


def main() -> int:
    parsed = parse_args(__doc__, runs=5)
    if parsed is None:
        return 1
    args, huddles = parsed
    with tmux_session("huddle-timeline-") as work:
        config = work / "none.toml"
        for size in args.sizes.split(","):
            db = work / f"{size}.json"
            make_demo(db) if size == "demo" else make_big(db, int(size))
            for huddle in huddles.values():
                one_run(huddle, db, config, work / "warm.txt")
            every: dict[str, list[dict[str, float]]] = {tag: [] for tag in huddles}
            for _ in range(args.runs):  # alternated, so that machine noise hits them alike
                for tag, huddle in huddles.items():
                    every[tag].append(one_run(huddle, db, config, work / "t.txt"))
            for tag, runs in every.items():
                show(("demo file" if size == "demo" else f"{size} cards") + tag, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
