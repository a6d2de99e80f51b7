"""TUI budgets of docs/budgets.md: first painted board vs a bare Textual app, key press to repaint.

    python bench/bench_tui.py [--runs 7] [--cards 5000] [--presses 40]

(a) First paint: a fresh ``python -c`` process per run, headless, started from here with the monotonic
    start time; the child records the time at which the first widget of interest renders (the first
    card tile for Huddle, the one Static for the bare app) and exits. Runs alternate between the bare
    app, the demo DB and the generated DB so that machine noise hits them alike; medians are compared.
    Two reference rows have no budget: the bare app with Textual's Header and Footer, and a "floor"
    that reads the same file and paints the first board's text in one widget per column.
(b) Key press to repaint: in one process, on the generated DB, the time from posting a key to the
    compositor drawing the lines of the tile it changed (move right/left, cursor down, ctrl+s saving an
    edited title), and from a key
    typed in the portfolio search to the card list redrawing; p50 and p95 over ``--presses``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.installed import ENV, precompile  # noqa: E402

PROBE = """
class Probe(Static):
    done = False
    def render(self):
        if not Probe.done:
            Probe.done = True
            with open(out, "w") as f:
                f.write(str(time.monotonic() - start))
            self.app.call_later(self.app.exit)
        return super().render()
"""
"""A Static that writes the seconds since ``start`` to ``out`` when it first renders, then exits."""

BARE_CHILD = (
    """
import os, sys, time
start = float(sys.argv[1]); out = sys.argv[2]
from textual.app import App
from textual.widgets import Static
"""
    + PROBE
    + """
class Bare(App[None]):
    def compose(self):
        yield Probe("hello")

Bare().run(headless=True, size=(120, 40))
"""
)

CHROME_CHILD = BARE_CHILD.replace(
    "from textual.widgets import Static", "from textual.widgets import Footer, Header, Static"
).replace('yield Probe("hello")', 'yield Header(); yield Probe("hello"); yield Footer()')
"""For reference only: Textual's minimal app shape (header, one widget, footer)."""

FLOOR_CHILD = (
    """
import sys, time
start = float(sys.argv[1]); out = sys.argv[2]; db = sys.argv[3]
sys.path.insert(0, {root!r})
from textual.app import App
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static
from tui.widgets.card_tile import tile_content
from tui.wiring import build_context
"""
    + PROBE
    + """
class Floor(App[None]):
    CSS = "Probe {{ width: 1fr; height: 1fr; }}"
    def compose(self):
        services = build_context(db, "bench").services
        dept = services.directory.departments()[0]
        cards = services.cards.list(dept=dept.name)
        today = services.cards.today()
        with Horizontal():
            for column in dept.columns:
                page = [c for c in cards if c.column == column.name][:15]
                yield Probe(Content("\\n\\n").join([tile_content(c, today, blocked=False) for c in page]))

Floor().run(headless=True, size=(120, 40))
"""
)
"""For reference only: the least a board can do in this stack (our imports, the read, one text widget
per column, no header, tabs or keys); shows how much of the budget the data and the imports take."""

HUDDLE_CHILD = """
import os, sys, time
start = float(sys.argv[1]); out = sys.argv[2]; db = sys.argv[3]
sys.path.insert(0, {root!r})
from tui.widgets.card_tile import CardTile
from tui.wiring import build_context
from tui.app import HuddleApp

original = CardTile.render
done = []

def render(self):
    if not done:
        done.append(True)
        with open(out, "w") as f:
            f.write(str(time.monotonic() - start))
        self.app.call_later(self.app.exit)
    return original(self)

CardTile.render = render
HuddleApp(build_context(db, "bench")).run(headless=True, size=(120, 40))
"""


def first_paint(code: str, *args: str) -> float:
    """Seconds from spawning ``python -c code`` to the probe's first render."""
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as handle:
        out = handle.name
    env = {**ENV, "HUDDLE_CONFIG": os.devnull + ".none"}
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", code, str(start), out, *args], check=True, cwd=ROOT, env=env, timeout=60
    )
    value = float(Path(out).read_text())
    os.unlink(out)
    return value


def make_demo(path: Path) -> None:
    huddle = Path(sys.executable).parent / "huddle"
    cmd = [str(huddle)] if huddle.exists() else [sys.executable, "-m", "tui.cli"]
    subprocess.run([*cmd, "--db", str(path), "demo"], check=True, cwd=ROOT, capture_output=True)


def make_big(path: Path, cards: int) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--cards", str(cards), "--db", str(path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def key_to_repaint(db: Path, presses: int) -> dict[str, list[float]]:
    """Post keys to a running app and time the render of the tile each key changed."""
    from tui.app import HuddleApp
    from tui.screens.boards import BoardsScreen
    from tui.widgets.card_tile import CardTile
    from tui.wiring import build_context

    painted: list[tuple[float, str, str, bool, str]] = []
    original = CardTile.render_lines

    def render_lines(self: CardTile, crop: Any) -> Any:
        lines = original(self, crop)
        card = self.card
        painted.append((time.perf_counter(), card.id, card.column, self.has_class("-selected"), card.title))
        return lines

    CardTile.render_lines = render_lines  # type: ignore[method-assign,assignment]
    app = HuddleApp(build_context(str(db), "bench"))
    results: dict[str, list[float]] = {"move": [], "cursor": [], "edit": []}
    try:
        async with app.run_test(size=(120, 40)) as pilot:

            async def settle() -> None:
                from textual.worker import WorkerCancelled

                for _ in range(3):
                    # an exclusive poll or reload superseded by a newer one ends cancelled
                    with contextlib.suppress(WorkerCancelled):
                        await app.workers.wait_for_complete()
                    await pilot.pause()

            await settle()
            screen = app.screen
            assert isinstance(screen, BoardsScreen)

            async def timed(
                key: str, card_id: str, column: str, selected: bool, title: str | None = None
            ) -> float:
                painted.clear()
                start = time.perf_counter()
                press = asyncio.create_task(pilot.press(key))
                deadline = start + 5
                while time.perf_counter() < deadline:
                    hit = [
                        t
                        for t, cid, col, sel, shown in painted
                        if cid == card_id and col == column and sel == selected and title in (None, shown)
                    ]
                    if hit:
                        await press
                        return hit[0] - start
                    await asyncio.sleep(0.0005)
                await press
                raise RuntimeError(f"no repaint of {card_id} in {column} after {key}")

            for index in range(presses):
                card = screen.selected_card
                assert card is not None
                names = screen.column_names
                step = 1 if index % 2 == 0 else -1
                key = "L" if step == 1 else "H"
                target = names[screen.cursor_col + step]
                results["move"].append(await timed(key, card.id, target, True))
                await settle()
            await pilot.press("home")
            await settle()
            for _ in range(presses):
                cards = screen.columns[screen.column_names[screen.cursor_col]]
                nxt = cards[min(len(cards) - 1, screen.cursor_row + 1)]
                results["cursor"].append(await timed("j", nxt.id, nxt.column, True))
            await settle()
            from textual.widgets import Input

            for index in range(presses):
                card = screen.selected_card
                assert card is not None
                await pilot.press("e")
                await settle()
                title = f"{card.title.split(' ·')[0]} · {index}"
                app.screen.query_one("#title", Input).value = title
                results["edit"].append(await timed("ctrl+s", card.id, card.column, True, title))
                await settle()
            results["filter"] = await filter_to_repaint(app, pilot, settle, presses)
    finally:
        CardTile.render_lines = original  # type: ignore[method-assign]
    return results


async def filter_to_repaint(app: Any, pilot: Any, settle: Any, presses: int) -> list[float]:
    """Portfolio: time from a key typed in the search box to the card list drawing the new rows."""
    from textual.widgets import DataTable

    await pilot.press("2")
    await settle()
    await pilot.press("slash")
    await settle()
    table = app.screen.query_one("#cards", DataTable)
    drawn: list[float] = []
    original = table.render_lines

    def render_lines(crop: Any) -> Any:
        drawn.append(time.perf_counter())
        return original(crop)

    table.render_lines = render_lines
    times: list[float] = []
    words = ["rev", "发布", "launch", "接口", "ops"]
    for index in range(presses):
        word = words[index % len(words)]
        await pilot.press("ctrl+u") if index else None
        for char in word[:-1]:
            await pilot.press(char)
        await settle()
        drawn.clear()
        start = time.perf_counter()
        press = asyncio.create_task(pilot.press(word[-1]))
        while not drawn and time.perf_counter() < start + 5:  # noqa: ASYNC110 - polling is the measurement
            await asyncio.sleep(0.0005)
        await press
        times.append(drawn[0] - start)
        await settle()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--presses", type=int, default=40, help="0 skips the key press measurement")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="huddle-bench-"))
    demo, big = work / "demo.json", work / "big.json"
    make_demo(demo)
    make_big(big, args.cards)
    precompile()
    huddle_child = HUDDLE_CHILD.format(root=str(ROOT))
    first_paint(BARE_CHILD)  # warm the file cache and bytecode
    first_paint(huddle_child, str(demo))
    floor_child = FLOOR_CHILD.format(root=str(ROOT))
    times: dict[str, list[float]] = {
        "bare": [],
        "chrome": [],
        "floor-demo": [],
        "floor-big": [],
        "demo": [],
        "big": [],
    }
    for _ in range(args.runs):
        times["bare"].append(first_paint(BARE_CHILD))
        times["chrome"].append(first_paint(CHROME_CHILD))
        times["floor-demo"].append(first_paint(floor_child, str(demo)))
        times["floor-big"].append(first_paint(floor_child, str(big)))
        times["demo"].append(first_paint(huddle_child, str(demo)))
        times["big"].append(first_paint(huddle_child, str(big)))
    bare = statistics.median(times["bare"])
    print(f"First paint, process start to first painted widget (median of {args.runs}, headless 120x40)")
    print(f"  {'app':<28}{'median s':>10}{'min s':>9}{'ratio':>8}{'budget':>8}")
    labels = {
        "bare": "bare Textual app (1 Static)",
        "chrome": "+ Header and Footer (ref.)",
        "floor-demo": "floor, demo DB (ref.)",
        "floor-big": f"floor, {args.cards} cards (ref.)",
        "demo": "Huddle, demo DB",
        "big": f"Huddle, {args.cards} cards",
    }
    for key, values in times.items():
        median = statistics.median(values)
        ratio = median / bare
        budget = "ok" if ratio <= 1.3 else "OVER"
        if key in ("bare", "chrome") or key.startswith("floor"):
            budget = ""
        print(f"  {labels[key]:<28}{median:>10.3f}{min(values):>9.3f}{ratio:>8.2f}{budget:>8}")
    if args.presses <= 0:
        return 0
    results = asyncio.run(key_to_repaint(big, args.presses))
    print(
        f"\nKey press to repaint on the {args.cards}-card DB ({args.presses} presses each, budget p95 33 ms)"
    )
    print(f"  {'action':<28}{'p50 ms':>10}{'p95 ms':>9}{'max ms':>9}{'budget':>8}")
    for key, values in results.items():
        p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
        label = {
            "move": "move card (L / H)",
            "cursor": "cursor down (j)",
            "edit": "save an edit (ctrl+s)",
            "filter": "portfolio search key",
        }[key]
        verdict = "ok" if p95 <= 33 else "OVER"
        print(f"  {label:<28}{p50:>10.1f}{p95:>9.1f}{max(values) * 1000:>9.1f}{verdict:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
