"""``bench/bench_first_frame.py`` measures what it says: the probe runs the real app in a real terminal
(tmux, 120x40) and reports the first frame's marks, parts and widgets.

The probe wraps Textual's ``Compositor.reflow`` / ``render_update`` (a private module) and the
stylesheet's ``parse`` / ``apply``, and reads the app through ``textual._context.active_app``:
:func:`test_the_textual_parts_the_probe_wraps_are_there` fails first when an upgrade moves them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.bench_first_frame import FRAME, PARTS, STYLED, one_run
from bench.bench_startup_tmux import tmux_session
from bench.bench_tui import make_demo

ROOT = Path(__file__).resolve().parents[2]


def test_the_textual_parts_the_probe_wraps_are_there() -> None:
    from textual._compositor import Compositor
    from textual._context import active_app
    from textual.css.stylesheet import Stylesheet
    from textual.scrollbar import ScrollBar

    for owner, name in [
        (Compositor, "reflow"),
        (Compositor, "render_update"),
        (Stylesheet, "parse"),
        (Stylesheet, "apply"),
        (ScrollBar, "render_lines"),
    ]:
        assert callable(getattr(owner, name)), f"{owner.__name__}.{name}"
    assert callable(active_app.get)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_probe_reports_the_first_frame_of_the_real_app() -> None:
    with tmux_session("huddle-first-frame-", "120", "40") as work:
        db = work / "demo.json"
        make_demo(db)
        # The probe writes its file once the first frame is out; a loaded machine gets a minute.
        report = one_run(ROOT, db, work / "none.toml", work / "frame.json", timeout=120.0)
    assert report["screen"] == [120, 40]
    marks = report["marks"]
    loaded_wall, loaded_cpu = marks["tui.app imported (Textual loaded)"]
    assert loaded_wall == pytest.approx(0, abs=1)  # the clocks start at Textual loaded
    assert loaded_cpu == pytest.approx(0, abs=1)
    frame_wall, frame_cpu = marks[FRAME]
    assert frame_wall > 0
    assert frame_cpu > 0
    assert marks["board: compose done"][1] < frame_cpu
    cpu = report["cpu_ms"]
    for part in PARTS:
        if "scroll bars" not in part:  # the demo's columns do not overflow: no scroll bar to draw
            assert cpu[part] > 0, part
    assert cpu["  of it: column bodies"] < cpu["frame render (Compositor.render_update)"] < frame_cpu
    assert report["calls"][STYLED] > 20
    assert report["kinds"]["ColumnBody"] == report["kinds"]["BoardColumn"] > 0
    assert report["widgets"] == sum(report["kinds"].values())
