"""The tmux benches' screen watcher (``bench.bench_startup_tmux.ScreenWatch``): it sees what a program
puts on screen, from tmux's own output notifications, no sooner than it is there, and leaves the
windows their size."""

from __future__ import annotations

import shutil
import sys
import time

import pytest

from bench import bench_startup_tmux as bench

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

LATE_WORD = "import sys, time; time.sleep(0.4); print('ready-' + 'word'); sys.stdout.flush(); time.sleep(30)"
"""A program that shows its word after 0.4 s (spelt in two halves, so that the command line tmux echoes
never shows it)."""


@pytest.mark.parametrize("watch", ["events", "poll"])
def test_the_watcher_sees_the_word_once_it_is_on_screen(monkeypatch: pytest.MonkeyPatch, watch: str) -> None:
    monkeypatch.setattr(bench, "WATCH", watch)
    with bench.tmux_session("huddle-watch-test-"):
        name = f"w{time.monotonic_ns()}"
        start = time.monotonic()
        seconds = bench.open_and_wait(
            name, [sys.executable, "-c", LATE_WORD], {}, lambda s: "ready-word" in s, start, 60.0
        )
        assert seconds >= 0.4  # not before the program printed it
        screen = bench.tmux("capture-pane", "-p", "-t", f"bench:{name}").stdout
        assert "ready-word" in screen
        size = bench.tmux("display-message", "-p", "-t", f"bench:{name}", "#{window_width}x#{window_height}")
        assert size.stdout.strip() == "120x40"  # the control client did not resize the window


def test_a_word_that_never_comes_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "WATCH", "events")
    with bench.tmux_session("huddle-watch-test-"):
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            bench.open_and_wait(
                "never", [sys.executable, "-c", LATE_WORD], {}, lambda s: "absent" in s, start, 1.0
            )
