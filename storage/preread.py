"""A first read in a short-lived process of its own, collected by a thread of the app: the plumbing
shared by the JSON file's pre-reader (``storage/json_preread.py``) and the PostgreSQL one
(``storage/postgres/preread.py``).

The child answers once, on a pipe: one ``marshal`` value, ``(kind, value)``. A thread of the app
reads the pipe to its end and reaps the child whether or not anyone asks for the answer, so no
child is left behind; :meth:`Collector.close` kills one still running and reaps it. Any failure (the
child crashed, said nothing readable, answered with an error, took too long) means no answer: the
caller then reads in-process, as without the child.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import subprocess
import threading
from typing import IO, Any, Protocol


def pre_read_mode() -> str:
    """``HUDDLE_PRE_READ``, read in one place for both pre-readers: ``"off"`` (``0``: the first board is
    read in-process), ``"spawn"`` (in a new interpreter), else ``"on"`` (the default: a forked child for
    a JSON file, a thread for a server database)."""
    value = os.environ.get("HUDDLE_PRE_READ", "1")
    return "off" if value == "0" else "spawn" if value == "spawn" else "on"


class Child(Protocol):
    """A child process whose standard output (``out``) carries its one answer."""

    pid: int
    out: IO[bytes]

    def wait(self) -> None: ...

    def kill(self) -> None: ...


class Collector:
    """The child, and its answer once it has given one (a thread collects it)."""

    ANSWER = "rows"
    """The kind of answer that carries a value; any other kind is a failure, its value the reason."""

    def __init__(self, child: Child, wait_seconds: float) -> None:
        self._child = child
        self._wait_seconds = wait_seconds
        self._answered = threading.Event()
        self._done = threading.Event()
        self._value: Any = None
        self.failure: str | None = None
        """Why there is no answer (tests, and anyone looking): the child's reason, or what went wrong."""
        self._collector = threading.Thread(target=self._collect, name="huddle-pre-read", daemon=True)
        self._collector.start()

    @property
    def pid(self) -> int:
        return self._child.pid

    def _collect(self) -> None:
        out = self._child.out
        try:
            kind, value = marshal.loads(out.read())
            if kind == self.ANSWER:
                self._value = value
            else:
                self.failure = str(value)
        except Exception as exc:  # a crashed child said nothing readable: the app reads in-process
            self.failure = f"no answer from the pre-reader ({type(exc).__name__})"
        finally:
            self._answered.set()
            out.close()
            self._child.wait()
            self._done.set()

    def answer(self, timeout: float) -> bool:
        """Wait for the child's answer; False (and the child stopped) when it took longer."""
        if not self._answered.wait(timeout):
            self.close()
            self.failure = f"no answer from the pre-reader in {timeout:.0f} s"
            return False
        return True

    def take(self) -> Any:
        """The answer's value, once (None after, or when there was none)."""
        value, self._value = self._value, None
        return value

    def finished(self) -> bool:
        """True once the child has exited and been reaped."""
        return self._done.is_set()

    def close(self) -> None:
        """Stop a child still running and reap it (the app is leaving, or gave up waiting)."""
        if not self._done.is_set():
            self._child.kill()
        self._collector.join(self._wait_seconds)


class SpawnedChild:
    """A child: a new interpreter started with ``argv``, handed ``request`` (marshalled) on stdin, its
    answer on stdout; in its own session (``start_new_session``: its CPU is not the app's share under
    autogroup scheduling) and silent (the terminal is the app's). Both pre-readers' spawned form."""

    def __init__(self, argv: list[str], request: dict[str, Any]) -> None:
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        with contextlib.suppress(OSError):  # it died at once: the collector finds no answer
            self._proc.stdin.write(marshal.dumps(request))
            self._proc.stdin.close()
        self.pid = self._proc.pid
        self.out: IO[bytes] = self._proc.stdout

    def wait(self) -> None:
        self._proc.wait()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self._proc.kill()
