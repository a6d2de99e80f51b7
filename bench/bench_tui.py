"""TUI budgets of docs/budgets.md: first painted board vs a bare Textual app, key press to repaint.

    python bench/bench_tui.py [--runs 7] [--cards 5000] [--presses 40] [--keys KIND,...] [--checkout DIR]

(a) First paint: a fresh ``python -c`` process per run, headless, started from here with the monotonic
    start time; the child records the time at which the first widget of interest renders (the first
    card tile for Huddle, the one Static for the bare app) and exits. Runs alternate between the bare
    app, the demo DB and the generated DB so that machine noise hits them alike; medians are compared.
    Two reference rows have no budget: the bare app with Textual's Header and Footer, and a "floor"
    that reads the same file and paints the first board's text in one widget per column.
(b) Key press to repaint: in one process per source tree, on the generated DB, the time from posting a
    key to the compositor drawing the lines of the tile it changed (move right/left, reorder down/up,
    cursor down, ctrl+s saving an edited title, switching department with ] / [ until a tile of the
    other department is drawn, its read in a worker included), and from a key typed in the portfolio
    search to the card list redrawing; p50 and p95 over ``--presses``.

``--checkout DIR`` (repeatable) measures the Huddle of each source tree in the same run, alternating the
first-paint runs and timing the keys of each tree in a process of its own, for before/after figures.
``--keys`` times only the kinds of (b) named (``move,reorder,cursor,edit,switch,filter``, all by default),
and ``--runs 0`` skips (a): ``--runs 0 --keys switch`` times only the department switch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
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
from tui.widgets import board_column
from tui.wiring import build_context
from tui.app import HuddleApp

done = []

def seen(app):
    if not done:
        done.append(True)
        with open(out, "w") as f:
            f.write(str(time.monotonic() - start))
        app.call_later(app.exit)

if hasattr(board_column, "ColumnBody"):  # a tree whose columns draw their tiles
    original = board_column.ColumnBody.render_line
    def render_line(self, y):
        line = original(self, y)
        if self.tile_at(y + self.scroll_offset.y) is not None:
            seen(self.app)
        return line
    board_column.ColumnBody.render_line = render_line
else:  # a tree with a widget per tile
    from tui.widgets.card_tile import CardTile
    original = CardTile.render
    def render(self):
        seen(self.app)
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


KINDS = ("move", "reorder", "cursor", "edit", "switch", "filter")


async def key_to_repaint(db: Path, presses: int, kinds: tuple[str, ...] = KINDS) -> dict[str, list[float]]:
    """Post keys to a running app and time the render of the tile each key changed (``kinds`` only)."""
    from bench.tile_probe import tile_paints
    from tui.app import HuddleApp
    from tui.screens.boards import BoardsScreen
    from tui.wiring import build_context

    painted: list[tuple[float, str, str, bool, str, str, int]] = []

    def paint(card: Any, selected: bool, y: int) -> None:
        painted.append((time.perf_counter(), card.id, card.column, selected, card.title, card.dept, y))

    app = HuddleApp(build_context(str(db), "bench"))
    # The collector as the ``huddle`` command sets it up (``tui.app.run_app``): off until the first frame,
    # then what the tree does after it (a tree without that hook: Python's default).
    from tui import app as app_module

    resume = getattr(app_module, "resume_collection", None)
    idle = getattr(app_module, "collect_when_idle", None)
    if resume is not None:
        gc.disable()
        app.after_first_frame(resume)
    if idle is not None:
        app.after_first_frame(lambda: idle(app))
    results: dict[str, list[float]] = {kind: [] for kind in kinds if kind != "filter"}
    with tile_paints(paint):
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

            def row_of(card_id: str) -> int | None:
                for widget in screen.board_columns:
                    found = widget.tile_for(card_id)
                    if found is not None:
                        return found.region.y
                return None

            async def timed(
                key: str,
                card_id: str | None,
                column: str | None,
                selected: bool | None,
                title: str | None = None,
                *,
                dept: str | None = None,
                not_at: int | None = None,
            ) -> float:
                """Seconds from pressing ``key`` to a tile drawn with these facts (None: any)."""
                painted.clear()
                start = time.perf_counter()
                press = asyncio.create_task(pilot.press(key))
                deadline = start + 30  # a department read at 20,000 cards on a loaded machine
                while time.perf_counter() < deadline:
                    hit = [
                        t
                        for t, cid, col, sel, shown, dep, y in list(painted)
                        if card_id in (None, cid)
                        and column in (None, col)
                        and selected in (None, sel)
                        and title in (None, shown)
                        and dept in (None, dep)
                        and y != not_at
                    ]
                    if hit:
                        await press
                        return hit[0] - start
                    await asyncio.sleep(0.0005)
                await press
                raise RuntimeError(f"no repaint of {card_id} in {column} after {key}")

            for index in range(presses if "move" in kinds else 0):
                card = screen.selected_card
                assert card is not None
                names = screen.column_names
                step = 1 if index % 2 == 0 else -1
                key = "L" if step == 1 else "H"
                target = names[screen.cursor_col + step]
                results["move"].append(await timed(key, card.id, target, True))
                await settle()
            for index in range(presses if "reorder" in kinds else 0):
                card = screen.selected_card
                assert card is not None
                cards = screen.columns[screen.column_names[screen.cursor_col]]
                step = (
                    1
                    if screen.cursor_row == 0 or (index % 2 == 0 and screen.cursor_row < len(cards) - 1)
                    else -1
                )
                results["reorder"].append(
                    await timed("J" if step == 1 else "K", card.id, card.column, True, not_at=row_of(card.id))
                )
                await settle()
            await pilot.press("home")
            await settle()
            for _ in range(presses if "cursor" in kinds else 0):
                cards = screen.columns[screen.column_names[screen.cursor_col]]
                nxt = cards[min(len(cards) - 1, screen.cursor_row + 1)]
                results["cursor"].append(await timed("j", nxt.id, nxt.column, True))
            await settle()
            from textual.widgets import Input

            for index in range(presses if "edit" in kinds else 0):
                card = screen.selected_card
                assert card is not None
                await pilot.press("e")
                await settle()
                title = f"{card.title.split(' ·')[0]} · {index}"
                app.screen.query_one("#title", Input).value = title
                await settle()  # the form draws the typed title before ctrl+s is timed
                results["edit"].append(await timed("ctrl+s", card.id, card.column, True, title))
                await settle()
            for index in range(presses if "switch" in kinds else 0):
                names = [d.name for d in screen.departments]
                assert screen.department is not None
                here = names.index(screen.department.name)
                key = "right_square_bracket" if index % 2 == 0 else "left_square_bracket"
                there = names[(here + (1 if index % 2 == 0 else -1)) % len(names)]
                results["switch"].append(await timed(key, None, None, None, dept=there))
                await settle()
            if "filter" in kinds:
                results["filter"] = await filter_to_repaint(app, pilot, settle, presses)
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


KEY_LABELS = {
    "move": "move card (L / H)",
    "reorder": "reorder card (J / K)",
    "cursor": "cursor down (j)",
    "edit": "save an edit (ctrl+s)",
    "switch": "switch department (] / [)",
    "filter": "portfolio search key",
}


def keys_in_child(
    tree: Path, db: Path, presses: int, kinds: tuple[str, ...] = KINDS
) -> dict[str, list[float]]:
    """:func:`key_to_repaint` in a fresh process running the Huddle of source tree ``tree``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {**ENV, "HUDDLE_CONFIG": os.devnull + ".none"}
    cmd = [
        sys.executable,
        __file__,
        "--keys-child",
        str(tree),
        str(db),
        str(presses),
        ",".join(kinds),
        str(out),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT, env=env, timeout=1800)
    results: dict[str, list[float]] = json.loads(out.read_text())
    out.unlink()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--presses", type=int, default=40, help="0 skips the key press measurement")
    parser.add_argument("--checkout", action="append", default=[], help="a source tree to compare (repeat)")
    parser.add_argument("--keys", default=",".join(KINDS), help="the key presses to time, comma-separated")
    parser.add_argument("--keys-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keys_child:
        tree, db, presses, kinds, out = args.keys_child
        sys.path.insert(0, str(Path(tree).resolve()))
        found = asyncio.run(key_to_repaint(Path(db), int(presses), tuple(kinds.split(","))))
        Path(out).write_text(json.dumps(found))
        return 0
    trees = [Path(tree).resolve() for tree in args.checkout] or [ROOT]
    tags = {tree: (f" ({tree.name})" if args.checkout else "") for tree in trees}
    work = Path(tempfile.mkdtemp(prefix="huddle-bench-"))
    demo, big = work / "demo.json", work / "big.json"
    make_demo(demo)
    make_big(big, args.cards)
    for tree in trees:
        precompile(tree)
    children = {tree: HUDDLE_CHILD.format(root=str(tree)) for tree in trees}
    if args.runs > 0:
        first_paint(BARE_CHILD)  # warm the file cache and bytecode
        for child in children.values():
            first_paint(child, str(demo))
    floor_child = FLOOR_CHILD.format(root=str(ROOT))
    labels = {
        "bare": "bare Textual app (1 Static)",
        "chrome": "+ Header and Footer (ref.)",
        "floor-demo": "floor, demo DB (ref.)",
        "floor-big": f"floor, {args.cards} cards (ref.)",
    }
    for tag in tags.values():
        labels[f"demo{tag}"] = f"Huddle, demo DB{tag}"
        labels[f"big{tag}"] = f"Huddle, {args.cards} cards{tag}"
    kinds = tuple(kind for kind in KINDS if kind in args.keys.split(","))
    times: dict[str, list[float]] = {key: [] for key in labels}
    for _ in range(args.runs):
        times["bare"].append(first_paint(BARE_CHILD))
        times["chrome"].append(first_paint(CHROME_CHILD))
        times["floor-demo"].append(first_paint(floor_child, str(demo)))
        times["floor-big"].append(first_paint(floor_child, str(big)))
        for tree, tag in tags.items():
            times[f"demo{tag}"].append(first_paint(children[tree], str(demo)))
            times[f"big{tag}"].append(first_paint(children[tree], str(big)))
    width = max(28, *(len(label) + 1 for label in labels.values()))
    if args.runs > 0:
        first_paints(times, labels, width, args.runs)
    if args.presses <= 0:
        return 0
    keyed: dict[Path, dict[str, list[float]]] = {tree: {} for tree in trees}
    rounds = 2 if len(trees) > 1 else 1
    for _ in range(rounds):  # the trees take turns, so that machine noise hits them alike
        for tree in trees:
            for key, values in keys_in_child(tree, big, max(2, args.presses // rounds), kinds).items():
                keyed[tree].setdefault(key, []).extend(values)
    print(
        f"\nKey press to repaint on the {args.cards}-card DB ({args.presses} presses each, budget p95 33 ms)"
    )
    print(f"  {'action':<{width}}{'p50 ms':>10}{'p95 ms':>9}{'max ms':>9}{'budget':>8}")
    for key, label in KEY_LABELS.items():
        for tree, tag in tags.items():
            if key not in keyed[tree]:
                continue
            values = keyed[tree][key]
            p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
            verdict = "ok" if p95 <= 33 else "OVER"
            print(f"  {label + tag:<{width}}{p50:>10.1f}{p95:>9.1f}{max(values) * 1000:>9.1f}{verdict:>8}")
    return 0


def first_paints(times: dict[str, list[float]], labels: dict[str, str], width: int, runs: int) -> None:
    bare = statistics.median(times["bare"])
    print(f"First paint, process start to first painted widget (median of {runs}, headless 120x40)")
    print(f"  {'app':<{width}}{'median s':>10}{'min s':>9}{'ratio':>8}{'budget':>8}")
    for key, values in times.items():
        median = statistics.median(values)
        ratio = median / bare
        budget = "ok" if ratio <= 1.5 else "OVER"
        if key in ("bare", "chrome") or key.startswith("floor"):
            budget = ""
        print(f"  {labels[key]:<{width}}{median:>10.3f}{min(values):>9.3f}{ratio:>8.2f}{budget:>8}")


if __name__ == "__main__":
    raise SystemExit(main())
