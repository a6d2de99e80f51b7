"""Leaving cleanly when the terminal goes away: which signals mean a hang-up, and the last resorts.

Headless on purpose (no Textual): the app's signal handler calls these, possibly while the event loop
is stuck on screen output, so nothing here may wait on the loop. See ``HuddleApp.hang_up``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
JOB_CONTROL_SIGNALS = (signal.SIGCONT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)
"""Ignored once hung up: the SIGCONT that follows SIGHUP makes Textual's driver start a second
screen-output thread, and shutdown then waits forever on its full queue; SIGTSTP/SIGTTOU would stop us."""
GRACE_SECONDS = 3.0
"""After a hang-up the app has this long to shut down cleanly; then the process ends anyway."""
BACKSTOP_SECONDS = 3
"""A kernel alarm this much later still ends the process if no Python thread can run at all."""


def detach_terminal() -> None:
    """Point stdin, stdout and stderr at /dev/null: no thread may read or write the hung-up terminal."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)


def start_exit_watchdog(seconds: float, code: int) -> None:
    """End the process ``seconds`` from now whatever its threads are doing (they may be deadlocked).

    A daemon thread calls ``os._exit``; a ``SIGALRM`` with the default action (terminate) a little later
    covers the case where no Python code runs any more. Must be called on the main thread.
    """

    def expire() -> None:
        time.sleep(seconds)
        os._exit(code)

    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(seconds) + BACKSTOP_SECONDS)
    threading.Thread(target=expire, name="huddle-exit-watchdog", daemon=True).start()
