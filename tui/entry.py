"""The ``huddle`` script: :func:`tui.cli.main` with the cyclic garbage collector set to run less often
while a command runs, from before the first import.

The collector runs a pass every 700 new container objects (its first threshold). Start-up creates
tens of thousands (the modules, classes and functions imported), and decoding the cards table of a
5,000-card file another 60,000 dicts and lists, so a ``card add`` ran about forty passes over young
objects that are all still alive: 5-10 % of its CPU time, more on a loaded machine, where each pass
misses the caches (``bench/bench_cli.py`` alternating the two settings). Objects are still freed by
reference count as before; the collector still runs, every :data:`COMMAND_THRESHOLD` new objects instead
of 700, so the garbage cycles a long command makes are collected as they build up, a few megabytes at
most later than before. The terminal app is long-running: the usual thresholds are back before it
starts (:func:`restore_collector`, called by ``tui.cli`` before it loads Textual).

This module is outside ``tui.cli`` on purpose: importing that package imports the command line's
modules, which is what should already run with the new threshold. ``tests/unit/test_entry.py`` checks
that the script runs its commands through here and that the app gets the usual thresholds.
"""

from __future__ import annotations

import gc

COMMAND_THRESHOLD = 50_000
"""New container objects between two passes of the collector's youngest generation during a command."""

_usual: tuple[int, int, int] | None = None
"""The thresholds before :func:`main` raised the first one (None: it did not run)."""


def main() -> int:
    """Entry point of the ``huddle`` script (``[project.scripts]`` in pyproject.toml)."""
    global _usual
    _usual = gc.get_threshold()
    gc.set_threshold(COMMAND_THRESHOLD, *_usual[1:])
    from tui.cli import main as run

    return run()


def restore_collector() -> None:
    """Give the collector back its usual thresholds (before the terminal app starts)."""
    if _usual is not None:
        gc.set_threshold(*_usual)
