"""When the garbage collector makes its full passes in the terminal app, and what they scan.

Python's full pass scans every object that is not frozen. With a 20,000-card file open that grows with
what is read after the first frame (the whole department, each write's re-read, the dialogs): in 20
edits in a row, 22 full passes that took 25 ms of CPU at first and 140 ms by the last, with the loop
stopped (issue 13). Here, once the first frame is out (``resume``):

- the objects start-up built are frozen (left out of every pass) and the collector is turned back on;
- what survives a full pass is frozen after it, so the next pass scans only what was built since (the
  same 20 edits: 6-40 ms a pass);
- after a second without a key or a click (:meth:`Collector.tick`, on a timer) a full pass runs, so
  passes happen in pauses rather than during keys. Freezing keeps an object that later ends in an
  unreachable cycle (a closed dialog that was open at a pass) until a pass that unfreezes: once the
  frozen objects have doubled since the last such pass, the idle pass unfreezes them all first and
  scans everything (a pass of a few hundred ms, in a pause).

Objects are freed by reference count as always; only cycles wait for a pass.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

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
        """Freeze what exists, freeze after every full pass from now on, and turn the collector on."""
        gc.freeze()
        if self._after_pass not in gc.callbacks:
            gc.callbacks.append(self._after_pass)
        gc.enable()
        self._scanned_all = gc.get_freeze_count()
        self._last_input = self._clock()
        self.active = True

    def _after_pass(self, phase: str, info: dict[str, int]) -> None:
        """After a full pass: freeze what survived it, so the next one scans only what was built since
        instead of everything read since the first frame."""
        if phase == "stop" and info.get("generation") == 2 and self.active:
            gc.freeze()

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
            self._scanned_all = gc.get_freeze_count()
        else:
            gc.collect()  # and :meth:`_after_pass` freezes what survived
        self.passes += 1
        return True


COLLECTOR = Collector()
"""The terminal app's collector policy (started by ``tui.app.resume_collection``)."""
