"""Waiting on a condition with a deadline: the one way the tests wait (never a fixed sleep).

The deadlines are wall-clock and generous: the machine has two cores shared by many test runs, and a
deadline only decides when a test that will never pass gives up, never how long a passing one takes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.pilot import Pilot

DEADLINE = 30.0
"""Seconds a condition may take under heavy load."""


def holds(predicate: Callable[[], bool]) -> bool:
    """``predicate()``, where a widget not mounted yet (the screen is still changing) counts as not yet."""
    try:
        return predicate()
    except NoMatches:
        return False


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], seconds: float = DEADLINE) -> None:
    """Let the app run until ``predicate`` holds; fail after ``seconds``.

    For what never ends by itself (the meeting recorder's loops), where ``settle`` would wait forever.
    """
    deadline = time.monotonic() + seconds
    while not holds(predicate):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let the app's workers finish and the messages they post be handled, ``rounds`` times over.

    One round covers a load and the repaint that applies it; a write takes four (write -> change
    notice -> reload -> repaint). The condition is "no worker left", which Textual reports itself;
    a round with nothing left to do costs one pass of the message queue. Not for screens whose
    workers never end (the meeting recorder): wait on what should be seen with :func:`until`.
    """
    await pilot.pause()
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def eventually(condition: Callable[[], bool], seconds: float = DEADLINE) -> bool:
    """Whether ``condition()`` holds within ``seconds``, polled while the event loop runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def poll(condition: Callable[[], bool], seconds: float = DEADLINE, step: float = 0.01) -> bool:
    """Whether ``condition()`` holds within ``seconds``, for code outside an event loop."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def wait_for(predicate: Callable[[], bool], seconds: float, what: str, step: float = 0.05) -> None:
    """Poll ``predicate`` until it holds; fail naming ``what`` after ``seconds`` (processes, terminals)."""
    if not poll(predicate, seconds, step):
        raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
