"""The start-up timeline: what happens between process start and the first frame, for anyone to run.

    HUDDLE_TIMELINE=1 huddle --db FILE          # the timeline goes to stderr once the app has exited
    HUDDLE_TIMELINE=/tmp/t.txt huddle --db FILE # or to that file
    python -m bench.timeline                    # in tmux, with the first card seen from outside

Each mark is the milliseconds since the process started: ``HUDDLE_TIMELINE_START`` (a
``time.monotonic()`` reading taken by whoever launched us, as ``bench/timeline.py`` does) when set,
otherwise the kernel's start time of this process (``/proc/self/stat``, 10 ms resolution).
Only the standard library here, and when the variable is unset :func:`mark` is one global lookup and a
return. The CLI's commands never import it (their start-up is measured by ``bench/bench_cli.py``).
"""

from __future__ import annotations

import os
import sys
import time

ENABLED = bool(os.environ.get("HUDDLE_TIMELINE"))
"""Read once at import: a mark costs nothing measurable when off."""

_marks: list[tuple[str, float]] = []
_once: set[str] = set()


def _process_start() -> float:
    """The process's start on the ``time.monotonic()`` clock."""
    given = os.environ.get("HUDDLE_TIMELINE_START")
    if given:
        try:
            return float(given)
        except ValueError:
            pass
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # seconds after boot
        # CLOCK_BOOTTIME counts from boot like the kernel's start time; shift it onto monotonic.
        return time.monotonic() - (time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic()


_START = _process_start() if ENABLED else 0.0


def mark(what: str, at: float | None = None) -> None:
    """Note that ``what`` happened now, or ``at`` (a ``time.monotonic()`` reading taken before this
    module was imported: the CLI does not load it for its commands); only the first time counts."""
    if not ENABLED or what in _once:
        return
    _once.add(what)
    _marks.append((what, time.monotonic() if at is None else at))


def marks() -> list[tuple[str, float]]:
    """The marks so far in time order, as (name, milliseconds since the process started)."""
    return [(what, (at - _START) * 1000) for what, at in sorted(_marks, key=lambda m: m[1])]


def report() -> str:
    """The timeline as text, one mark a line with the time since start and since the previous mark."""
    lines = ["huddle start-up timeline (ms since process start)"]
    previous = 0.0
    for what, ms in marks():
        lines.append(f"{ms:9.1f}  +{ms - previous:7.1f}  {what}")
        previous = ms
    return "\n".join(lines) + "\n"


def write_report() -> None:
    """Write the timeline where ``HUDDLE_TIMELINE`` says (``1``: stderr); called once the app ended."""
    if not ENABLED:
        return
    target = os.environ.get("HUDDLE_TIMELINE", "")
    text = report()
    if target in ("1", "true", "yes", "stderr"):
        sys.stderr.write(text)
        return
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
