"""Waiting on a condition with a deadline: the one way the tests wait (never a fixed sleep).

The deadlines are wall-clock and generous: the machine has two cores shared by many test runs, and a
deadline only decides when a test that will never pass gives up, never how long a passing one takes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.css.query import NoMatches
from textual.message_pump import MessagePump
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
        await workers_finished(pilot)
        await pilot.pause()


async def workers_finished(pilot: Pilot[Any], seconds: float = DEADLINE) -> None:
    """Wait until every worker of the app has finished: succeeded, failed or been cancelled.

    Not ``App.workers.wait_for_complete()``: that raises ``WorkerCancelled`` when a load is replaced by a
    newer one (``exclusive=True``) while it waits, which is the app working as meant, not a failure.
    """
    deadline = time.monotonic() + seconds
    while running := [w.name for w in pilot.app.workers if not w.is_finished]:
        if time.monotonic() > deadline:
            raise AssertionError(f"workers still running: {running}")
        await asyncio.sleep(0.01)  # a poll interval: the workers run meanwhile


RESIDENT_WORKERS = frozenset({"meeting-journal", "meeting-db"})
"""Worker groups that live as long as their screen (the meeting recorder's loops): never waited for."""


def busy(app: App[Any]) -> bool:
    """Whether ``app`` still has work a person would see the result of: a worker running (other than the
    resident ones), a message waiting in any node's queue, a write queued or running, or a live
    meeting's line not yet stored."""
    if any(not w.is_finished and w.group not in RESIDENT_WORKERS for w in app.workers):
        return True
    nodes: list[MessagePump] = [app, *app.screen_stack, *app.screen.walk_children()]
    if any(node.message_queue_size for node in nodes):
        return True
    writes = getattr(app, "writes", None)
    if writes is not None and writes.in_flight:
        return True
    return bool(getattr(app.screen, "pending", None))


async def quiet(pilot: Pilot[Any], seconds: float = DEADLINE, passes: int = 3) -> None:
    """Let the app run until it is idle (:func:`busy` is false) for ``passes`` passes of the event loop in
    a row (a message handled may post the next); fail after ``seconds``.

    For what :func:`settle` cannot wait for (screens with resident workers), and before asserting that
    something did *not* happen: every consequence of what was done has had its turn.
    """
    deadline = time.monotonic() + seconds
    calm = 0
    while calm < passes:
        await pilot.pause()
        calm = 0 if busy(pilot.app) else calm + 1
        if time.monotonic() > deadline:
            raise AssertionError("the app did not become idle in time")


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
