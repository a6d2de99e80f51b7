"""The app's first board page of a JSON data file read in a forked child while the app imports Textual.

Why: the first page at 20,000 cards costs about 50 ms of processor time (reading the 10 MB file,
the record scan, decoding one department: ``storage/records.py``), on the main thread after Textual's
import (~140 ms). A child forked just before that import (``tui.cli``) runs the very same read
(``CardService.first_page`` on the same store) on the machine's other core, and hands back the page
through a pipe, with the file's version (inode, mtime, size) before and after its read.

- **One snapshot.** The child reads one snapshot; it answers only when the file's version was the same
  before and after, and the app uses the page only while that is still the file's version
  (``CardService.first_page``); otherwise, or on any failure (a damaged file: the child's error is
  dropped and the app's own read says it, in the same line), the app reads in-process as before.
- **Nothing written, nothing else touched.** The child only reads, never runs the app's exit handlers
  (``os._exit``), writes nothing to the terminal, and runs in a session of its own (the terminal's
  keys and hang-up are the app's).
- **No child left behind.** The collector thread (``storage.preread.Collector``, shared with the
  PostgreSQL pre-reader) reaps it; the app's exit kills one still running; a child whose app is gone
  meets a closed pipe and exits.
- **The rest is unchanged.** The whole-department read after the first frame, and every later read,
  are the store's own in-process reads.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import marshal
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

from storage.preread import Collector, SpawnedChild

WAIT_SECONDS = 2.0
"""The longest the app waits for the child: its read is ~50 ms of CPU at 20,000 cards; past this the
app reads in-process (and kills the child)."""


class _Forked:
    """A fork of the app that runs ``work`` and writes its answer on a pipe."""

    def __init__(self, work: Callable[[], tuple[str, Any]]) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                os.close(read_end)
                gc.disable()  # no collector passes over the app's objects: nothing to free in ~50 ms
                os.setsid()
                try:
                    answer = work()
                except BaseException as exc:  # the app reads in-process and says it in its own words
                    answer = ("error", f"{type(exc).__name__}: {exc}")
                data = marshal.dumps(answer)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_end, view) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid = pid
        self.out: IO[bytes] = open(read_end, "rb")  # noqa: SIM115 (the collector closes it)
        self._lock = threading.Lock()
        self._reaped = False

    def wait(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with self._lock:
            self._reaped = True

    def kill(self) -> None:
        with self._lock:  # never a pid that was reaped (it may be another process's by now)
            if not self._reaped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)


class _Spawned(SpawnedChild):
    """A new interpreter (this one's, with the app's import path) that reads ``db``'s first page."""

    PROGRAM = (
        "import marshal, sys; request = marshal.load(sys.stdin.buffer); sys.path[:] = request['path']; "
        "from storage.json_preread import serve; serve(request)"
    )

    def __init__(self, db: str, per_column: int) -> None:
        request = {"path": sys.path, "db": db, "per_column": per_column}
        super().__init__([sys.executable, "-c", self.PROGRAM], request)


def serve(request: dict[str, Any]) -> None:
    """The spawned child's work: the first page of ``request["db"]``, its answer on standard output."""
    gc.disable()
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from domain.models import Actor
    from domain.services.cards import CardService
    from storage.json_store import open_store

    def work() -> tuple[str, Any]:
        store = open_store(Path(request["db"]))
        cards = CardService(store, _no_clock, Actor(handle="", os_user=""), ZoneInfo("UTC"))
        seen = store.version()
        page = cards.first_page(None, request["per_column"])
        if store.version() != seen:
            return ("changed", "the file changed during the read")
        return ("page", pickle.dumps((seen, page), protocol=pickle.HIGHEST_PROTOCOL))

    try:
        answer = work()
    except BaseException as exc:
        answer = ("error", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):
        sys.stdout.buffer.write(marshal.dumps(answer))
        sys.stdout.buffer.flush()
    os._exit(0)


def _no_clock() -> Any:
    raise RuntimeError("the pre-reader reads no clock")


class JsonPreRead(Collector):
    """The forked child and the page it read, once it has answered."""

    ANSWER = "page"

    @classmethod
    def start(
        cls, read: Callable[[], tuple[object, Any]], version: Callable[[], object]
    ) -> JsonPreRead | None:
        """Fork a child that runs ``read`` (the version it read, and the page) and checks ``version``
        after it; None when no child can be forked (the app then reads in-process)."""

        def work() -> tuple[str, Any]:
            seen, page = read()
            if version() != seen:
                return ("changed", "the file changed during the read")
            return ("page", pickle.dumps((seen, page), protocol=pickle.HIGHEST_PROTOCOL))

        try:
            child = _Forked(work)
        except OSError:
            return None
        ahead = cls(child, WAIT_SECONDS)
        atexit.register(ahead.close)
        return ahead

    @classmethod
    def spawn(cls, db: str, per_column: int) -> JsonPreRead | None:
        """As ``start``, in a new interpreter that opens ``db`` itself (``HUDDLE_PRE_READ=spawn``)."""
        try:
            child = _Spawned(db, per_column)
        except OSError:
            return None
        ahead = cls(child, WAIT_SECONDS)
        atexit.register(ahead.close)
        return ahead

    def page(self, timeout: float | None = None) -> tuple[object, Any] | None:
        """(the file's version, the page) the child read, waiting for it (``WAIT_SECONDS`` unless told);
        None when there is none."""
        if not self.answer(WAIT_SECONDS if timeout is None else timeout):
            return None
        data = self.take()
        if data is None:
            return None
        try:
            seen, page = pickle.loads(data)
        except Exception as exc:  # never from our own child; read in-process all the same
            self.failure = f"the pre-read page did not load ({type(exc).__name__})"
            return None
        return seen, page
