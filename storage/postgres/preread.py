"""The app's first board read in a short-lived process of its own, so that neither importing psycopg
nor connecting is on the way to the first frame.

Why: ``import psycopg`` costs about 170 ms of interpreter time (its libpq binding alone 110 ms),
and the app's main thread cannot overlap it with importing Textual, since both hold the GIL; a
thread gained little. A second process has its own interpreter. Started before Textual is imported,
the child (``libpq_read.py``: the standard library and libpq through ctypes, no psycopg, no
site-packages) connects and runs one statement (``firstpage.PRE_READ``) on the machine's other
core while the app loads Textual, and hands back the rows; it costs a few tens of milliseconds of
processor time in all, less than the app's own read of the JSON file. The app imports psycopg
only after that frame (``appstore.py``).

- **The same connection.** The child loads the libpq psycopg uses (psycopg-binary's bundled one,
  else the system's ``libpq.so.5``), gets the URL on its standard input (never in its argv or an
  environment variable of ours) and inherits the environment as it is, so libpq's service files,
  ``PGPASSFILE``, ``PG*`` settings and TLS options act as in the app.
- **One moment.** One statement: the state row, the departments, every card of the first
  department (its first page marked), its column counts, the blockers its cards name. The app
  decodes the page's documents with the store's codecs and arranges them with the store's own code
  (``firstpage.arrange``), so it is the page the in-process read makes; the rest of the department
  is decoded when the app reads the whole department after its first frame, still without psycopg.
- **Any failure reads in-process**, with the errors of today: the child could not load libpq, the
  server is out of reach, the password is wrong, the schema is not this Huddle's (older: the store
  migrates it; newer: it refuses), the database is fresh, the child crashed, said nothing, or took
  longer than ``WAIT_SECONDS``. The child only ever makes the right answer quicker.
- **No zombie.** A thread of the app reads the pipe to its end and waits for the child, whether or
  not anyone asks for the page; ``close()`` kills a child still running and reaps it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import marshal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import orjson

from domain.models import Card, Department
from storage import codecs
from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA_VERSION
from storage.postgres import firstpage, schema

WAIT_SECONDS = 10.0
"""The longest the app waits for the child's answer: it connects with libpq's 5 s timeout and runs
one indexed statement; past this it is stuck, and the app reads in-process instead."""

CHILD = Path(__file__).with_name("libpq_read.py")
"""The child's program, run by path with ``-S -P``: no site-packages, and not even its own folder on
its import path (so no module of ours can stand in for the standard library's)."""


Row = tuple[str | None, ...]


class Board:
    """What the child read: the first department's page decoded at once (the first frame needs it),
    the rest of that department and the blockers its cards name kept as text until asked for."""

    def __init__(self, rows: list[Row], per_column: int) -> None:
        state = next(row for row in rows if row[0] == "state")
        self.version = int(str(state[1]))
        self.schema = (int(str(state[2])), int(str(state[3])))
        by_seq = sorted((int(str(r[1])), orjson.loads(str(r[4]))) for r in rows if r[0] == "department")
        self.departments = [codecs.department_from_doc(doc) for _, doc in by_seq]
        self.per_column = per_column
        self.columns = [c.name for c in self.departments[0].columns] if self.departments else []
        page_rows: list[tuple[str, dict[str, Any] | None, int]] = []
        self._seq: dict[str, int] = {}
        self._rest: dict[str, str] = {}
        self._blockers: dict[str, str] = {}
        self._missing = {str(r[1]) for r in rows if r[0] == "missing"}
        for kind, a, b, c, doc in rows:
            if kind == "page":
                page_rows.append((str(a), orjson.loads(str(doc)), 0))
                self._seq[str(c)] = int(str(b))
            elif kind == "card":
                self._rest[str(c)] = str(doc)
                self._seq[str(c)] = int(str(b))
            elif kind == "count":
                page_rows.append((str(a), None, int(str(b))))
            elif kind == "blocker":
                self._blockers[str(a)] = str(doc)
        self.page, self.counts = firstpage.arrange(self.columns, page_rows)
        self._cards: dict[str, Card] = {c.id: c for c in self.page}
        self._lock = threading.Lock()
        self._whole: list[Card] | None = None if self._rest else sorted(self.page, key=self._order)

    def _order(self, card: Card) -> int:
        return self._seq[card.id]

    @property
    def department(self) -> Department | None:
        return self.departments[0] if self.departments else None

    @property
    def whole(self) -> bool:
        """The page holds every card of the department (no whole read follows the first frame)."""
        return not self._rest

    def department_cards(self) -> list[Card]:
        """Every card of the first department in write order (as ``list_for_department``), decoded
        the first time (off the event loop: the app's whole-department read runs in a worker)."""
        with self._lock:
            if self._whole is None:
                rest = {key: codecs.card_from_doc(orjson.loads(doc)) for key, doc in self._rest.items()}
                self._cards.update(rest)
                self._whole = sorted(self._cards.values(), key=self._order)
            return list(self._whole)

    def card(self, key: str) -> Card | Unknown | None:
        """The card ``key`` if this read has it (a card of the department, or one its cards name),
        None if its cards name it and there is no such card, else ``UNKNOWN``: ask the server."""
        with self._lock:
            if key in self._cards:
                return self._cards[key]
            if key in self._rest:
                self._cards[key] = codecs.card_from_doc(orjson.loads(self._rest[key]))
                return self._cards[key]
            if key in self._blockers:
                self._cards[key] = codecs.card_from_doc(orjson.loads(self._blockers.pop(key)))
                return self._cards[key]
        return None if key in self._missing else UNKNOWN


class Unknown:
    """``Board.card``: this read cannot tell; the server can."""


UNKNOWN = Unknown()


def bundled_libpq() -> str:
    """The libpq psycopg loads: psycopg-binary's own copy when installed (found without importing
    anything), else the system's, by the name the dynamic linker knows."""
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec("psycopg_binary")
        if spec is not None and spec.submodule_search_locations:
            libs = Path(next(iter(spec.submodule_search_locations))).parent / "psycopg_binary.libs"
            found = sorted(libs.glob("libpq-*.so*"))
            if found:
                return str(found[0])
    return "libpq.so.5"


class PreRead:
    """The child process, and the first page it read once it has answered (a thread collects it)."""

    def __init__(self, proc: subprocess.Popen[bytes], per_column: int) -> None:
        self._proc = proc
        self._per_column = per_column
        self._answered = threading.Event()
        self._done = threading.Event()
        self._rows: list[Row] | None = None
        self._board: Board | None = None
        self._decoding = threading.Lock()
        self.failure: str | None = None
        """Why there is no page (tests, and anyone looking): libpq's message, or what went wrong."""
        self._collector = threading.Thread(target=self._collect, name="huddle-pre-read", daemon=True)
        self._collector.start()

    @classmethod
    def start(cls, url: str, per_column: int) -> PreRead | None:
        """The child started with its request written, or None when it cannot be started at all."""
        request = {"libpq": bundled_libpq(), "url": url, "sql": firstpage.PRE_READ, "params": [per_column]}
        try:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-P", str(CHILD)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the terminal is the app's: nothing of the child's goes there
            )
        except OSError:
            return None
        assert proc.stdin is not None
        with contextlib.suppress(OSError):  # it died at once: the collector finds no answer
            proc.stdin.write(marshal.dumps(request))
            proc.stdin.close()
        return cls(proc, per_column)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _collect(self) -> None:
        out = self._proc.stdout
        assert out is not None
        try:
            kind, value = marshal.loads(out.read())
            if kind == "rows":
                self._rows = value
            else:
                self.failure = str(value)
        except Exception as exc:  # a crashed child said nothing readable: the app reads in-process
            self.failure = f"no answer from the pre-reader ({type(exc).__name__})"
        finally:
            self._answered.set()
            out.close()
            self._proc.wait()
            self._done.set()

    def board(self, timeout: float = WAIT_SECONDS) -> Board | None:
        """What the child read, waiting for it; None when there is none to use (read in-process)."""
        if not self._answered.wait(timeout):
            self.failure = f"no answer from the pre-reader in {timeout:.0f} s"
            self.close()
            return None
        with self._decoding:  # once, whoever asks first (the app's version check, then its board)
            rows, self._rows = self._rows, None
            if rows is not None:
                try:
                    board = Board(orjson.loads(str(rows[0][0])), self._per_column)
                except (
                    KeyError,
                    IndexError,
                    TypeError,
                    ValueError,
                    StopIteration,
                    orjson.JSONDecodeError,
                ) as exc:
                    self.failure = f"the pre-read rows did not decode ({type(exc).__name__}: {exc})"
                else:
                    if board.schema == (schema.SCHEMA_VERSION, DOC_SCHEMA_VERSION):
                        self._board = board
                    else:  # older: the store migrates it; newer: it refuses, in its own words
                        self.failure = f"the database's schema is {board.schema[0]}.{board.schema[1]}"
            return self._board

    def finished(self) -> bool:
        """True once the child has exited and been reaped."""
        return self._done.is_set()

    def close(self) -> None:
        """Stop a child still running and reap it (the app is leaving, or gave up waiting)."""
        if not self._done.is_set():
            with contextlib.suppress(OSError):
                self._proc.kill()
        self._collector.join(WAIT_SECONDS)
