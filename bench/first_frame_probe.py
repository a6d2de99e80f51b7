"""Run Huddle with a probe on its first frame: the CPU time of the process, part by part, from Textual
loaded to the first frame written (``bench/bench_first_frame.py`` starts this in tmux).

    FIRST_FRAME_TREE=DIR FIRST_FRAME_OUT=FILE HUDDLE_TIMELINE=/dev/null \\
        python bench/first_frame_probe.py --db FILE

``FIRST_FRAME_TREE`` is the source tree to run (first on the path); ``FIRST_FRAME_OUT`` receives one JSON
object once the first frame is written (written to a side file, then renamed, so a reader never sees
half of it). The probe leans on the start-up marks of :mod:`tui.timeline` and wraps a few Textual
methods (public classes, their rendering and styling entry points); a part a tree does not have
(``ColumnBody`` before one widget per column) is left out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

TREE = os.environ["FIRST_FRAME_TREE"]
OUT = os.environ["FIRST_FRAME_OUT"]
sys.path.insert(0, TREE)

from tui import timeline  # noqa: E402

LOADED = "tui.app imported (Textual loaded)"
FRAME = "first frame written"

cpu: dict[str, float] = {}
"""CPU seconds per part (outermost call only, a part that calls itself is counted once)."""
calls: dict[str, int] = {}
marks: dict[str, tuple[float, float]] = {}
"""Each start-up mark: (wall, CPU) seconds since Textual was loaded."""
_start: tuple[float, float] | None = None
_depth: dict[str, int] = {}


def _timed(owner: type, name: str, part: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        calls[part] = calls.get(part, 0) + 1
        if _depth.get(part):
            return original(*args, **kwargs)
        _depth[part] = 1
        began = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            _depth[part] = 0
            cpu[part] = cpu.get(part, 0.0) + time.process_time() - began

    setattr(owner, name, timed)


def _install() -> None:
    from textual._compositor import Compositor
    from textual.css.stylesheet import Stylesheet
    from textual.scrollbar import ScrollBar

    _timed(Compositor, "reflow", "layout (Compositor.reflow)")
    _timed(Compositor, "render_update", "frame render (Compositor.render_update)")
    _timed(Stylesheet, "parse", "CSS parse")
    _timed(Stylesheet, "apply", "style applications (Stylesheet.apply)")
    _timed(ScrollBar, "render_lines", "  of it: scroll bars")
    try:
        from tui.widgets.board_column import ColumnBody
    except ImportError:
        return
    _timed(ColumnBody, "render_lines", "  of it: column bodies")


def _write() -> None:
    from textual._context import active_app

    app = active_app.get()
    widgets = list(app.screen.walk_children(with_self=True))
    kinds: dict[str, int] = {}
    for widget in widgets:
        kinds[type(widget).__name__] = kinds.get(type(widget).__name__, 0) + 1
    report = {
        "screen": list(app.size),
        "marks": marks,
        "cpu_ms": {part: seconds * 1000 for part, seconds in cpu.items()},
        "calls": calls,
        "widgets": len(widgets),
        "kinds": kinds,
    }
    with open(OUT + ".part", "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    os.replace(OUT + ".part", OUT)


_mark = timeline.mark


def mark(what: str, at: float | None = None) -> None:
    global _start
    _mark(what, at)
    if what == LOADED and _start is None:
        _install()  # before the clocks start: the probe's own set-up is not the app's
        _start = (time.perf_counter(), time.process_time())
    if _start is not None and what not in marks:
        marks[what] = ((time.perf_counter() - _start[0]) * 1000, (time.process_time() - _start[1]) * 1000)
        if what == FRAME:
            _write()


timeline.mark = mark

from tui.cli import main  # noqa: E402

sys.exit(main())
