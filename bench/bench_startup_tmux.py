"""First paint as users see it: in tmux, from outside the process, to the first card on screen.

    python bench/bench_startup_tmux.py [--runs 9] [--sizes demo,5000,20000] [--checkout DIR ...]

Each run opens a new tmux window of 120x40 running one program and watches its screen until what the
person waits for is on screen: the bare Textual app's one word, or the first card id (``ABC-12``) of
Huddle's board. The watcher is a tmux control-mode client (``tmux -C``, :class:`ScreenWatch`): tmux tells
it each time the program writes to its window, and only then does it ask for the screen (``capture-pane``
over the same client). ``--watch poll`` keeps the earlier watcher, a ``capture-pane -p`` process every
2 ms, which itself used ~57% of one of the machine's two cores (1.14 s of CPU in 2 s, measured with
``os.times``), and so took a core's share from whatever the program under test runs beside its main
thread (Huddle's pre-reader) but not from the bare app. The clock starts just before tmux is asked to
start the program, so tmux's own start-up is in every figure alike; the programs alternate run by run
so that machine noise hits them the same. Bytecode is written, as an installed copy runs (see
``bench/installed.py``).

``--checkout DIR`` (repeatable) runs the Huddle of that source tree instead of this venv's ``huddle``
script (``python -c`` with DIR first on the path), so a before/after pair is measured in one run.

Reported: the median of each program and its ratio to the bare Textual app (docs/budgets.md:
at most 1.5x at the demo, 5,000 and 20,000 cards).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

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
    parser.add_argument(
        "--watch",
        choices=("events", "poll"),
        default="events",
        help="how the screen is watched: tmux's control mode (events) or capture-pane every 2 ms (poll)",
    )
    args = parser.parse_args()
    global WATCH
    WATCH = args.watch
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
        global _watch
        if _watch is not None:
            _watch.close()  # before the server goes, or the client reports its end
            _watch = None
        tmux("kill-server")
        shutil.rmtree(work, ignore_errors=True)


WATCH = "events"
"""How :func:`time_to_screen` watches the screen: ``events`` (:class:`ScreenWatch`) or ``poll``."""


class ScreenWatch:
    """A tmux control-mode client on the ``bench`` session: it waits until a window's screen (started
    by :func:`new_window`) shows what is looked for, asking for the screen only when tmux says the
    window had output (``%output``), so the watcher costs next to no processor time while it waits.

    Control mode's protocol: every command sent gets one ``%begin ... %end`` (or ``%error``) block, whose
    last flag is 1 for this client's own commands; notifications (``%output %PANE data``, ...) come
    between blocks."""

    def __init__(self, columns: str = "120", rows: str = "40") -> None:
        self._client = subprocess.Popen(
            ["tmux", "-L", SOCKET, "-C", "attach", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._client.stdin is not None
        assert self._client.stdout is not None
        self._in = self._client.stdin
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, args=(self._client.stdout,), daemon=True).start()
        self._send(f"refresh-client -C {columns}x{rows}")  # the client never resizes the windows
        self._reply(10.0)

    def _read(self, out: IO[bytes]) -> None:
        """Every line the client prints, as it comes (a thread: the client is never left blocked on a
        full pipe while the bench does something else, such as letting an app settle)."""
        for line in out:
            self._lines.put(line.rstrip(b"\n"))
        self._lines.put(b"%exit")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._in.close()
        self._client.wait(timeout=10)

    def _send(self, command: str) -> None:
        self._in.write(command.encode() + b"\n")
        self._in.flush()

    def _line(self, deadline: float) -> bytes:
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("nothing recognisable on screen in time") from None
        if line == b"%exit":
            raise RuntimeError("the tmux control client ended")
        return line

    def _next(self, deadline: float) -> tuple[str, list[bytes]]:
        """The next event: ``("reply", lines)`` for a block of one of our commands, else
        ``("output", [pane id])`` for a window's output or ``("other", [line])``."""
        while True:
            line = self._line(deadline)
            if line.startswith(b"%begin "):
                mine = line.split()[-1] == b"1"
                lines: list[bytes] = []
                while not (line := self._line(deadline)).startswith((b"%end ", b"%error ")):
                    lines.append(line)
                if mine:
                    return "reply", lines
            elif line.startswith(b"%output "):
                return "output", [line.split(b" ", 2)[1]]
            else:
                return "other", [line]

    def _reply(self, timeout: float) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while True:
            kind, lines = self._next(deadline)
            if kind == "reply":
                return lines

    def wait_for(self, pane: str, seen: Callable[[str], bool], deadline: float) -> None:
        """Return once ``seen(the pane's screen text)`` is true, looking after each output of the pane."""
        asked = False  # a capture is on its way
        again = False  # output came since that capture was asked for
        while True:
            kind, lines = self._next(deadline)
            if kind == "output" and lines[0].decode() == pane:
                if asked:
                    again = True
                else:
                    self._send(f"capture-pane -p -t {pane}")
                    asked = True
            elif kind == "reply" and asked:
                if seen(b"\n".join(lines).decode("utf-8", "replace")):
                    return
                asked = again
                again = False
                if asked:
                    self._send(f"capture-pane -p -t {pane}")


_watch: ScreenWatch | None = None


def new_window(name: str, command: list[str], env: dict[str, str]) -> str:
    """Start ``command`` with ``env`` in a new window ``name`` of the ``bench`` session (a ``tmux``
    process, whose argument list needs no quoting); its pane's id. Output the pane writes meanwhile
    waits in the control client's pipe."""
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    window = ["new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "bench", "-n", name]
    return tmux(*window, *env_args, "--", *command).stdout.strip()


def open_and_wait(
    name: str,
    command: list[str],
    env: dict[str, str],
    seen: Callable[[str], bool],
    start: float,
    timeout: float,
) -> float:
    """Start ``command`` in a new window ``name`` of the ``bench`` session, with ``env``; the seconds from
    ``start`` (a ``time.monotonic()`` taken by the caller just before) until ``seen(screen text)`` is
    true. The window stays open."""
    if WATCH == "events":
        global _watch  # one client per tmux server, made at its first run
        if _watch is None:
            _watch = ScreenWatch()
        _watch.wait_for(new_window(name, command, env), seen, start + timeout)
        return time.monotonic() - start
    pane = new_window(name, command, env)
    while time.monotonic() - start < timeout:
        if seen(tmux("capture-pane", "-p", "-t", pane).stdout):
            return time.monotonic() - start
        time.sleep(0.002)  # a poll interval, not a wait for a result: the loop checks the screen
    raise TimeoutError(f"{command!r} showed nothing recognisable in {timeout:.0f}s")


def time_to_screen(command: list[str], seen: Callable[[str], bool], timeout: float = 30.0) -> float:
    """Seconds from asking tmux to start ``command`` until ``seen(screen text)`` is true."""
    name = f"run{time.monotonic_ns()}"
    try:
        return open_and_wait(name, command, ENV, seen, time.monotonic(), timeout)
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
