"""LISTEN on the change channel in a daemon thread, calling back when any client commits.

One dedicated autocommit connection per store. When it drops (server restart, a terminated
backend, a network cut) the thread reconnects with a growing pause, and calls back once it is
listening again, because changes committed while it was down were not heard. Meanwhile the app
keeps its cheap version poll (one counter row), so nothing is missed, only heard later.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from storage.postgres.store import _Pool

WAKE_SECONDS = 0.5
"""How often the thread looks up from waiting to see whether it should stop."""


class ChangeListener:
    """Callbacks run in the listener thread: keep them short (post a message, set a flag)."""

    def __init__(self, pool: _Pool, channel: str) -> None:
        self._pool = pool
        self._channel = channel
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self.connected = False
        self.reconnects = 0
        self.serial = 0
        """Counts the connections made: a row cache trusts what it read only on the same one."""
        self._thread = threading.Thread(target=self._run, name="huddle-listen", daemon=True)
        self._thread.start()

    def add(self, callback: Callable[[], None]) -> Callable[[], None]:
        with self._lock:
            self._callbacks.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    def stop(self) -> None:
        self._stop.set()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=1)
        self._thread.join(timeout=5)

    def _notify(self) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            with contextlib.suppress(Exception):  # a listener's bug must not end the thread
                callback()

    def _run(self) -> None:
        pause = 0.1
        while not self._stop.is_set():
            try:
                conn = self._pool.connect(autocommit=True)
            except psycopg.Error:
                self._stop.wait(pause)
                pause = min(pause * 2, 2.0)
                continue
            self._conn = conn
            try:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                self.serial += 1
                self.connected = True
                pause = 0.1
                self._notify()  # whatever happened while nobody listened
                while not self._stop.is_set():
                    for _notice in conn.notifies(timeout=WAKE_SECONDS, stop_after=1):
                        self._notify()
            except psycopg.Error:
                self.reconnects += 1
            finally:
                self.connected = False
                self._conn = None
                with contextlib.suppress(psycopg.Error):
                    conn.close()
