"""When the garbage collector makes its full passes in the terminal app: in a pause between keys.

Python's full pass scans every object that is not frozen. In an app with a 20,000-card file open that is
tens of thousands of objects (the snapshot read since the first frame, the whole department, each write's
re-read), 50-100 ms a pass with the loop stopped, and with Python's thresholds one came every edit or so:
the tail of every key press's repaint (issue 13). Here, once the first frame is out (``resume``):

- the objects start-up built are frozen (left out of every pass) and the collector is turned back on;
- an automatic full pass waits for 10 times as many young passes as Python's default, so a burst of keys
  meets one rarely (young passes still free short-lived cycles as before);
- after a second without a key or a click (:meth:`Collector.tick`, on a timer) a full pass runs and what
  survives it is frozen too, so the next automatic pass scans only what was built since. Freezing keeps
  an object that later ends in an unreachable cycle until the next unfrozen pass: once the frozen objects
  have doubled since the last one, the idle pass unfreezes them all first and scans everything.

Objects are freed by reference count as always; only cycles wait for a pass.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FULL_PASS_EVERY = 100
"""Young (generation 1) passes between two automatic full passes (Python's default: 10)."""
IDLE_SECONDS = 1.0
"""No key or mouse event for this long: the app is idle, a full pass may run."""
TICK_SECONDS = 0.5
"""How often the app asks :meth:`Collector.tick` whether to run one."""
REFREEZE_GROWTH = 2
"""Unfreeze and scan everything once the frozen objects are this many times those of the last such pass."""


class Collector:
    """The app's collection policy; inert until :meth:`resume` (tests and other hosts keep Python's)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.active = False
        self._last_input = 0.0
        self._scanned_all = 0
        """Frozen objects after the last pass that scanned everything."""
        self.passes = 0
        """Idle full passes so far (for tests)."""

    def resume(self) -> None:
        """Freeze what exists, raise the full-pass threshold and turn the collector on."""
        gc.freeze()
        young, middle, _old = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_PASS_EVERY)
        gc.enable()
        self._scanned_all = gc.get_freeze_count()
        self._last_input = self._clock()
        self.active = True

    def touch(self) -> None:
        """A key or mouse event came: the next pass waits for the next pause."""
        self._last_input = self._clock()

    def tick(self) -> bool:
        """Run a full pass if the app is idle and something reached the oldest generation since the
        last one; True when it ran."""
        if not self.active or self._clock() - self._last_input < IDLE_SECONDS:
            return False
        if gc.get_count()[2] == 0:  # no young pass since the last full one: nothing new to scan
            return False
        if gc.get_freeze_count() >= REFREEZE_GROWTH * max(1, self._scanned_all):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._scanned_all = gc.get_freeze_count()
        else:
            gc.collect()
            gc.freeze()
        self.passes += 1
        return True


COLLECTOR = Collector()
"""The terminal app's collector policy (started by ``tui.app.resume_collection``)."""
