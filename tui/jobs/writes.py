"""The app's one write queue: every change this app makes to the data file goes through it.

Jobs run one at a time, in submission order, off the event loop; their callbacks run back on the
event loop. A writer that needs its own ordering thread (the meeting recorder: journal first, then
the data file) holds :meth:`WriteQueue.exclusive` for each write instead, so its writes and the
queued jobs still reach the store one at a time.

Lock order: the queue's lock is taken before the store's transaction lock (the file lock or the
server transaction), never after it; nothing that holds a store lock waits for the queue.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class WriteJob:
    """A change to make off the event loop; callbacks run back on the event loop."""

    label: str
    run: Callable[[], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[Exception], None] | None = None


@dataclass
class WriteFinished(Message):
    """A write job ended (``error`` is None on success); ``version`` is the file's version after it."""

    job: WriteJob
    result: Any
    error: Exception | None
    version: object


class WriteQueue:
    """Serialised writes: ``submit`` on the event loop, one thread runs each job, ``finish`` on the loop.

    ``start(run)`` runs ``run`` off the event loop (the app gives it a thread worker); ``report`` carries
    the :class:`WriteFinished` back to the loop (the app posts it to itself); ``version`` reads the
    data's version right after a job, under the queue's lock; ``after`` runs in the job's thread once
    the lock is released (the app reads the new snapshot there, once for every screen).
    """

    def __init__(
        self,
        start: Callable[[Callable[[], None]], None],
        report: Callable[[WriteFinished], object],
        version: Callable[[], object],
        after: Callable[[object], None] | None = None,
    ) -> None:
        self._start = start
        self._report = report
        self._version = version
        self._after = after
        self._jobs: deque[WriteJob] = deque()
        self._lock = threading.Lock()
        self.submitted = 0
        """How many writes were ever submitted; a load started before a write is stale."""
        self.in_flight = 0
        """Submitted and not yet finished on the event loop."""

    def submit(self, job: WriteJob) -> None:
        """Queue ``job`` (on the event loop)."""
        self.submitted += 1
        self.in_flight += 1
        self._jobs.append(job)
        self._start(self._run_next)

    def _run_next(self) -> None:
        # Every start runs exactly one job. Threads may reach the lock in any order, but each takes the
        # oldest job under it, so jobs still run in submission order.
        with self._lock:
            job = self._jobs.popleft()
            result: Any = None
            error: Exception | None = None
            try:
                result = job.run()
            except Exception as exc:  # every failure is reported to the person, none ends the app
                error = exc
            version = self._version()
        if self._after is not None:
            self._after(version)
        self._report(WriteFinished(job, result, error, version))

    def finish(self, message: WriteFinished, unhandled: Callable[[WriteJob, Exception], None]) -> None:
        """Run the job's callback (on the event loop); an error without ``on_error`` goes to ``unhandled``."""
        self.in_flight -= 1
        job = message.job
        if message.error is None:
            if job.on_done is not None:
                job.on_done(message.result)
        elif job.on_error is not None:
            job.on_error(message.error)
        else:
            unhandled(job, message.error)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the queue for one write made on the caller's own thread (never on the event loop)."""
        with self._lock:
            yield
