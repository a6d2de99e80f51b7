"""The PostgreSQL backend against the JSON file: write latency by size, refresh latency, many clients.

    python bench/bench_postgres.py [--sizes 5000,20000,100000] [--writes 30] [--clients 50]

Starts its own throwaway PostgreSQL server (fsync on, as a real one) in a temporary folder.

(a) Write latency: on a project of N generated cards (bench/generate.py; the same documents copied
    into PostgreSQL with ``db copy``'s code), one client alternately adds a card and moves one
    between two unlimited columns; p50 and p95 per backend and size, the sizes alternating write by
    write. The JSON file rewrites the whole project each time, so at 100,000 cards it runs a quarter
    of the writes.
(b) Refresh: a headless app shows the board; another client (its own store and connections) edits
    the title of the card on screen; the time from that write returning to the app drawing the tile
    with the new title. PostgreSQL: LISTEN/NOTIFY; JSON: the 1 s version poll.
(c) First paint of the board at 5,000 cards on both backends: ``huddle`` started in tmux, timed from
    outside until a card id is on screen (bench_startup_tmux's method), the backends alternating, each
    run once the app before it has exited; also the run-by-run ratios (each PostgreSQL run against
    the JSON run just before it) with their median and quartiles, and the processor time used by
    the moment the card is seen: the app's with the pre-reader's, and the server's (from /proc).
    ``--checkout DIR`` (repeat) runs the app of each source tree instead, all alternating, and adds
    each backend's run-by-run ratio of the last tree to the first (before/after in one run):
    ``python bench/bench_postgres.py --only c --paints 15 --checkout /tmp/base --checkout .``
(d) 50 client processes at once, each adding cards with a short pause between writes: per-write
    latency p50/p95 and the total rate, on both backends at 5,000 cards.
Budgets: PostgreSQL write p50 at 100,000 within 1.5x of 5,000; refresh p95 within 0.2 s; first
paint on PostgreSQL no slower than the JSON file's.
"""

from __future__ import annotations

import argparse
import asyncio
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

from bench.bench_tui import percentile  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.installed import ENV, huddle_commands, precompile  # noqa: E402


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:8.1f} ms   p95 {percentile(values, 95) * 1000:8.1f} ms"


def services_on(target: str, handle: str = "bench") -> Any:
    from domain.dates import get_zone
    from domain.models import Actor
    from domain.services import Services
    from storage import open_store
    from tui.wiring import system_clock

    return Services.build(open_store(target), system_clock, Actor(handle, "bench"), get_zone("Asia/Shanghai"))


class WriteSeries:
    """One client's writes on one project: a card add, then a move between Backlog and To do."""

    def __init__(self, target: str) -> None:
        self.services = services_on(target)
        self.services.cards.get("OPS-1")  # connect and warm up outside the timing
        self.seconds: list[float] = []

    def write(self, n: int) -> None:
        started = time.perf_counter()
        if n % 2 == 0:
            self.services.cards.add("OPS", f"bench write {n} 基准")
        else:
            self.services.cards.move("OPS-1", "To do" if n % 4 == 1 else "Backlog")
        self.seconds.append(time.perf_counter() - started)


async def refresh_latency(target: str, samples: int) -> list[float]:
    """Seconds from another client's write returning to this app drawing the changed tile."""
    from bench.tile_probe import tile_paints
    from tui.app import HuddleApp
    from tui.screens.boards import BoardsScreen
    from tui.wiring import build_context

    painted: list[tuple[float, str, str]] = []

    def paint(card: Any, selected: bool, y: int) -> None:
        painted.append((time.perf_counter(), card.id, card.title))

    other = services_on(target, "other")
    results = []
    app = HuddleApp(build_context(target, "viewer"))
    with tile_paints(paint):
        async with app.run_test(size=(120, 40)):
            deadline = time.monotonic() + 60
            while not painted and time.monotonic() < deadline:  # noqa: ASYNC110 (the probe is a plain list)
                await asyncio.sleep(0.01)
            screen = app.screen
            assert isinstance(screen, BoardsScreen)
            card = screen.selected_card
            assert card is not None
            for n in range(samples):
                title = f"refreshed {n} 刷新"
                painted.clear()
                await asyncio.to_thread(other.cards.edit, card.id, {"title": title})
                written = time.perf_counter()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    hit = [t for t, cid, shown in painted if cid == card.id and shown == title]
                    if hit:
                        results.append(hit[0] - written)
                        break
                    await asyncio.sleep(0.001)
                else:
                    raise RuntimeError(f"the app never showed {title!r}")
                await asyncio.sleep(0.05)  # let the repaint finish before the next write
    return results


CLIENT = """
import json, random, sys, time
sys.path.insert(0, {root!r})
from bench.bench_postgres import services_on
target, go, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
services = services_on(target, "client")
services.cards.get("OPS-1")
print("ready", flush=True)
while not __import__("os").path.exists(go):
    time.sleep(0.005)
from domain.errors import HuddleError
seconds, errors = [], []
for n in range(count):
    time.sleep(random.uniform(0.0, 0.1))
    started = time.perf_counter()
    try:
        services.cards.add("OPS", f"client write {{n}}")
    except HuddleError as exc:  # the lock waited too long: what a person would be told
        errors.append(str(exc))
        continue
    seconds.append(time.perf_counter() - started)
print(json.dumps({{"seconds": seconds, "errors": errors}}), flush=True)
"""


def many_clients(target: str, clients: int, each: int) -> tuple[list[float], float, int]:
    """Per-write seconds over ``clients`` processes writing at once, the writes per second, and how
    many writes were refused (a lock waited on too long)."""
    go = Path(tempfile.mkdtemp()) / "go"
    code = CLIENT.format(root=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, target, str(go), str(each)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=ENV,
        )
        for _ in range(clients)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    go.touch()
    outputs = [proc.communicate(timeout=600)[0] for proc in procs]
    elapsed = time.perf_counter() - started
    reports = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    seconds = [value for report in reports for value in report["seconds"]]
    refused = sum(len(report["errors"]) for report in reports)
    return seconds, len(seconds) / elapsed, refused


def first_paint_both(
    variants: dict[str, tuple[list[str], str]], folder: Path, runs: int, server_data: Path | None = None
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    """The first card on screen, as users see it: each variant's ``huddle`` command on its target
    (label: (command, target)) in tmux, timed from outside the process (``bench_startup_tmux``'s
    method), the variants alternating run by run in the order given, bytecode written.
    Each run starts once the app of the run before has exited: under load an app takes a good part of
    a second to end after its window closes, and that work would fall on the next run.

    Also, at the moment the card is seen, the processor time the app has used (its own and that of
    the children it has reaped: the pre-reader) and what the server's processes used meanwhile (the
    backends that exited are the postmaster's reaped children), from ``/proc`` in clock ticks: on a
    machine whose cores are all busy, wall time follows the processor time of everything involved."""
    from bench.bench_startup_tmux import CARD_ID, open_and_wait, tmux, tmux_session

    config = folder / "none.toml"
    postmaster = int((server_data / "postmaster.pid").read_text().split()[0]) if server_data else None

    def server_cpu() -> float:
        if postmaster is None:
            return 0.0
        total = _cpu(postmaster, children=True)
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _parent(int(entry)) == postmaster:
                total += _cpu(int(entry), children=False)
        return total

    def one(huddle: list[str], target: str) -> tuple[float, float, float]:
        name = f"run{time.monotonic_ns()}"
        command = ["env", f"HUDDLE_CONFIG={config}", *huddle, "--db", target, "--user", "bench"]
        before = server_cpu()
        start = time.monotonic()
        pid = ""
        try:
            seen = open_and_wait(name, command, ENV, lambda s: CARD_ID.search(s) is not None, start, 60)
            pid = tmux("display-message", "-p", "-t", f"bench:{name}", "#{pane_pid}").stdout.strip()
            return seen, _cpu(int(pid), children=True), server_cpu() - before
        finally:
            tmux("kill-window", "-t", f"bench:{name}")
            deadline = time.monotonic() + 30
            while pid and _running(int(pid)) and time.monotonic() < deadline:
                time.sleep(0.01)

    paint: dict[str, list[float]] = {label: [] for label in variants}
    app_cpu: dict[str, list[float]] = {label: [] for label in variants}
    server: dict[str, list[float]] = {label: [] for label in variants}
    with tmux_session("huddle-pg-paint-"):
        for huddle, target in variants.values():
            one(huddle, target)  # the page cache, the bytecode and the server's caches warm
        for _ in range(runs):
            for label, (huddle, target) in variants.items():
                seen, used, served = one(huddle, target)
                paint[label].append(seen)
                app_cpu[label].append(used)
                server[label].append(served)
    return paint, app_cpu, server


def paint_variants(targets: dict[str, str], checkouts: list[str]) -> dict[str, tuple[list[str], str]]:
    """(command, target) by label: both backends with this venv's ``huddle``, or with each source tree
    of ``checkouts`` (run from its own tree), the JSON file first in each pair."""
    if not checkouts:
        huddle = [str(Path(sys.executable).with_name("huddle"))]
        return {backend: (huddle, target) for backend, target in targets.items()}
    variants = {}
    for tree, huddle in huddle_commands(checkouts).items():
        for backend, target in sorted(targets.items(), key=lambda item: item[0] != "json"):
            variants[f"{backend} {tree}"] = (huddle, target)
    return variants


def ratio_line(what: str, over: list[float], under: list[float]) -> str:
    """Run by run ``over / under`` (each run against the one just before it): median and quartiles."""
    pairs = sorted(o / u for o, u in zip(over, under, strict=True))
    quartiles = statistics.quantiles(pairs, n=4) if len(pairs) > 1 else pairs * 3
    return (
        f"  run by run ({what}): median {statistics.median(pairs):.2f}x, "
        f"quartiles {quartiles[0]:.2f}-{quartiles[2]:.2f}x, "
        f"quicker in {sum(p < 1 for p in pairs)} of {len(pairs)}; "
        f"ratio of medians {statistics.median(over) / statistics.median(under):.2f}x"
    )


TICK = os.sysconf("SC_CLK_TCK")


def _quartiles_ms(values: list[float]) -> str:
    low, _, high = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{low * 1000:5.0f}-{high * 1000:5.0f} ms"


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def _cpu(pid: int, *, children: bool) -> float:
    """Seconds of processor time of ``pid`` (with its reaped children's), 0 once it is gone."""
    try:
        fields = _stat(pid)
    except (OSError, IndexError):
        return 0.0
    return sum(int(value) for value in fields[11 : 15 if children else 13]) / TICK


def _parent(pid: int) -> int | None:
    try:
        return int(_stat(pid)[1])
    except (OSError, IndexError, ValueError):
        return None


def _running(pid: int) -> bool:
    """Whether process ``pid`` is still there (a zombie waiting for tmux to reap it counts as gone)."""
    try:
        return _stat(pid)[0] != "Z"
    except (OSError, IndexError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--refreshes", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--each", type=int, default=6, help="writes per client in (d)")
    parser.add_argument("--only", default="abcd", help="which parts to run, such as 'ac'")
    parser.add_argument("--paints", type=int, default=11, help="first-paint runs per backend in (c)")
    parser.add_argument(
        "--checkout",
        action="append",
        default=[],
        help="(c): a source tree to run the app from (repeat to compare)",
    )
    args = parser.parse_args()
    precompile()
    from storage import open_store, transfer
    from tests.helpers.pgserver import start_server

    server = start_server(fsync=True)
    if isinstance(server, str):
        print(f"skipped: {server}")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="huddle-bench-pg-"))
    failed = []
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
        targets: dict[int, dict[str, str]] = {}
        print("(a) write latency: card add / move, one client")
        print(f"{'cards':>8}  {'backend':<10} {'writes':>6}  latency")
        write_p50: dict[int, float] = {}
        for size in sizes:
            path = folder / f"cards{size}.json"
            started = time.perf_counter()
            generate(path, size)
            made = time.perf_counter() - started
            url = server.new_database(f"bench{size}_")
            started = time.perf_counter()
            transfer.load(open_store(url), transfer.dump(open_store(path)))
            copied = time.perf_counter() - started
            targets[size] = {"json": str(path), "postgresql": url}
            print(
                f"{size:>8}  (generated in {made:.1f} s, {path.stat().st_size / 1e6:.1f} MB; "
                f"copied to PostgreSQL in {copied:.1f} s)",
                flush=True,
            )
        server.sql("CHECKPOINT")  # the copies' WAL written out before timing, as on a server at rest
        os.sync()
        for backend in ("postgresql", "json") if "a" in args.only else ():
            # Sizes alternate write by write, so that the machine's load hits them alike.
            writers = {size: WriteSeries(targets[size][backend]) for size in sizes}
            for n in range(args.writes):
                for size in sizes:
                    if backend == "json" and size > 20000 and n % 4:
                        continue  # the file rewrites 50 MB a write: a quarter as many
                    writers[size].write(n)
            for size in sizes:
                seconds = writers[size].seconds
                if backend == "postgresql":
                    write_p50[size] = statistics.median(seconds)
                print(f"{size:>8}  {backend:<10} {len(seconds):>6}  {ms(seconds)}", flush=True)
        if len(write_p50) > 1 and "a" in args.only:
            small, big = min(write_p50), max(write_p50)
            ratio = write_p50[big] / write_p50[small]
            verdict = "within" if ratio <= 1.5 else "OVER"
            print(f"budget: PostgreSQL write p50 at {big} is {ratio:.2f}x that at {small} ({verdict} 1.5x)")
            if ratio > 1.5:
                failed.append("write scaling")
        base = targets[min(sizes)]
        if "b" in args.only:
            print(f"\n(b) refresh: another client's write -> this app repaints the tile ({min(sizes)} cards)")
        for backend, target in base.items() if "b" in args.only else ():
            seconds = asyncio.run(refresh_latency(target, args.refreshes))
            print(f"  {backend:<10} n={len(seconds):<3} {ms(seconds)}", flush=True)
            if backend == "postgresql":
                verdict = "within" if percentile(seconds, 95) <= 0.2 else "OVER"
                print(f"budget: refresh p95 {percentile(seconds, 95) * 1000:.0f} ms ({verdict} 200 ms)")
                if verdict == "OVER":
                    failed.append("refresh")
        if "c" in args.only:
            variants = paint_variants(base, args.checkout)
            paint, app_cpu, server_cpu = first_paint_both(variants, folder, args.paints, server.data)
            print(
                f"\n(c) first painted board, {min(sizes)} cards, fresh process "
                f"(median of {args.paints}, alternating; load average {os.getloadavg()[0]:.1f})"
            )
            for label, values in paint.items():
                print(
                    f"  {label:<24} median {statistics.median(values) * 1000:7.0f} ms   "
                    f"quartiles {_quartiles_ms(values)}   "
                    f"CPU by then: app {statistics.median(app_cpu[label]) * 1000:4.0f} ms (median), "
                    f"server {statistics.mean(server_cpu[label]) * 1000:4.1f} ms (mean)"
                )
            trees = [label.removeprefix("json") for label in variants if label.startswith("json")]
            for tree in trees:
                print(
                    ratio_line(
                        f"PostgreSQL / the JSON run before it{tree}",
                        paint["postgresql" + tree],
                        paint["json" + tree],
                    )
                )
            for backend in ("json", "postgresql") if len(trees) > 1 else ():
                last, first = backend + trees[-1], backend + trees[0]
                print(ratio_line(f"{last} / {first}", paint[last], paint[first]))
            pg, js = paint["postgresql" + trees[-1]], paint["json" + trees[-1]]
            ratio = statistics.median(pg) / statistics.median(js)
            verdict = "OVER" if ratio > 1 else "within"
            print(f"budget: PostgreSQL first paint {ratio:.2f}x the JSON file's{trees[-1]} ({verdict} 1x)")
            if ratio > 1:
                failed.append("first paint")
        if "d" in args.only:
            print(f"\n(d) {args.clients} clients at once, {args.each} card adds each ({min(sizes)} cards)")
        for backend, target in base.items() if "d" in args.only else ():
            seconds, rate, refused = many_clients(target, args.clients, args.each)
            print(
                f"  {backend:<10} n={len(seconds):<4} {ms(seconds)}   {rate:6.1f} writes/s   "
                f"{refused} refused (lock wait too long)",
                flush=True,
            )
    finally:
        server.destroy()
        for child_path in folder.iterdir():
            child_path.unlink()
        os.rmdir(folder)
    if failed:
        print(f"\nover budget: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
