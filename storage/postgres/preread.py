"""The app's first board read through libpq itself, started before Textual is imported, so that
neither importing psycopg nor connecting is on the way to the first frame.

Why: ``import psycopg`` costs about 170 ms of interpreter time (its libpq binding alone 110 ms),
and the app's main thread cannot overlap it with importing Textual, since both hold the GIL.
libpq called through ctypes needs no psycopg (``libpq_read.py``: the standard library and libpq),
and ctypes lets go of the GIL while libpq connects, waits for the server and loads, so:

- **In a thread of the app** (the default, ``_Threaded``): it holds the GIL only to import ctypes
  and to take the answer, ~2 ms of the main thread's time, and uses ~6 ms of processor time in all.
- **Or in a child process** (``HUDDLE_PRE_READ=spawn``, ``_Spawned``): a new interpreter running
  ``libpq_read.py`` on the machine's other core, in a session of its own. It costs the machine
  ~20 ms of processor time (9 of them starting the interpreter): free on an idle core, but on a
  machine whose cores are busy it is taken from everything else, the app included, and the first
  paint followed it (``bench/bench_postgres.py`` (c), docs/performance.md).

The rest is the same either way:

- **The same connection.** The reader loads the libpq psycopg uses (psycopg-binary's bundled one,
  else the system's ``libpq.so.5``; in the thread, the very copy psycopg links to later) with the
  environment as it is, so libpq's service files, ``PGPASSFILE``, ``PG*`` settings and TLS options
  act as in the app. A child gets the URL on its standard input (never in its argv or an
  environment variable of ours).
- **One moment.** One statement: the state row, the departments, every card of the first
  department, the blockers its cards name. The app picks the page out of those rows as ``PAGE``
  does, decodes its documents with the store's codecs and arranges them with the store's own code
  (``firstpage.arrange``), so it is the page the in-process read makes; the rest of the department
  is decoded when the app reads the whole department after its first frame, still without psycopg.
- **Any failure reads in-process**, with the errors of today: libpq could not be loaded, the
  server is out of reach, the password is wrong, the schema is not this Huddle's (older: the store
  migrates it; newer: it refuses), the database is fresh, the child crashed, said nothing, or the
  answer took longer than ``WAIT_SECONDS``. The reader only ever makes the right answer quicker.
- **Nothing left behind.** A thread of the app reads the answer's pipe to its end and waits for the
  reader, whether or not anyone asks for the page; ``close()`` (or giving up waiting) cancels the
  thread's statement still running (libpq's cancel request, so the server stops it too), or kills
  a child still running and reaps it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import marshal
import os
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from domain.models import Card, Department
from storage import codecs
from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA_VERSION
from storage.postgres import firstpage, schema
from storage.preread import Collector, SpawnedChild, pre_read_mode

if TYPE_CHECKING:
    import ctypes

WAIT_SECONDS = 10.0
"""The longest the app waits for the child's answer: it connects with libpq's 5 s timeout and runs
one indexed statement; past this it is stuck, and the app reads in-process instead."""

CHILD = Path(__file__).with_name("libpq_read.py")
"""The child's program, run by path with ``-S -P``: no site-packages, and not even its own folder on
its import path (so no module of ours can stand in for the standard library's)."""


Row = tuple[str | None, ...]


class Board:
    """What the child read: the first department's page decoded at once (the first frame needs it),
    the rest of that department and the blockers its cards name kept as documents until asked for."""

    def __init__(self, value: list[Any], per_column: int) -> None:
        (version, sql_schema, doc_schema), departments, cards, blockers = value
        self.version = int(version)
        self.schema = (int(sql_schema), int(doc_schema))
        self.departments = [codecs.department_from_doc(doc) for doc in departments]  # in write order
        self.per_column = per_column
        self.columns = [c.name for c in self.departments[0].columns] if self.departments else []
        # Each column's cards in board order (rank, then id in code point order, as ``PAGE``'s
        # ``COLLATE "C"``); the first ``per_column`` of each are the page, as ``PAGE`` picks them.
        # The documents come in write order: a card's place in that list is its order.
        by_column: dict[str, list[tuple[float, str, dict[str, Any]]]] = {}
        self._seq: dict[str, int] = {}
        named: set[str] = set()
        for seq, doc in enumerate(cards):
            key = doc["id"]
            self._seq[key] = seq
            by_column.setdefault(doc["column"], []).append((float(doc.get("rank", 0.0)), key, doc))
            named.update(doc.get("blocked_by", ()))
        page_rows: list[tuple[str, dict[str, Any] | None, int]] = []
        self._rest: dict[str, dict[str, Any]] = {}
        for col, entries in by_column.items():
            entries.sort(key=_rank_and_id)
            page_rows.append((col, None, len(entries)))
            page_rows += [(col, doc, 0) for _, _, doc in entries[:per_column]]
            self._rest.update((key, doc) for _, key, doc in entries[per_column:])
        self._blockers: dict[str, dict[str, Any]] = {doc["id"]: doc for doc in blockers}
        self._missing = named - self._seq.keys() - self._blockers.keys()
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
                rest = {key: codecs.card_from_doc(doc) for key, doc in self._rest.items()}
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
                self._cards[key] = codecs.card_from_doc(self._rest[key])
                return self._cards[key]
            if key in self._blockers:
                self._cards[key] = codecs.card_from_doc(self._blockers.pop(key))
                return self._cards[key]
        return None if key in self._missing else UNKNOWN


def _rank_and_id(entry: tuple[float, str, dict[str, Any]]) -> tuple[float, str]:
    return entry[0], entry[1]


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


class _Spawned(SpawnedChild):
    """The child (``HUDDLE_PRE_READ=spawn``): a new interpreter running ``libpq_read.py``
    (``python -S -P``), its request on stdin.

    Not a fork of the app, though that would spare the interpreter's start: the fork's copy-on-write
    faults land on the app's own main thread while it loads Textual (+13 ms of its CPU by the first
    frame, measured with ``time.thread_time``, against the spawned child's 0), and on a quiet machine
    the forked start was the slower one (1.04x and 1.13x the JSON file's first paint, against 1.01x
    and 1.06x, alternating in tmux)."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__([sys.executable, "-S", "-P", str(CHILD)], request)


class _Threaded:
    """The read in a thread of the app itself: ``libpq_read``'s code on libpq through ctypes, which
    lets go of the GIL while libpq connects and waits for the server, so the thread holds the
    interpreter only to import ctypes and to take the answer (a few ms), where a new interpreter
    costs the machine 20 ms of processor time (see the module's docstring). The answer goes through
    a pipe, as a child's would, for the same collector; ``kill`` cancels a statement still running
    (libpq's cancel request), after which libpq returns and the thread ends."""

    def __init__(self, request: dict[str, Any]) -> None:
        read_end, self._write_end = os.pipe()
        self.out: IO[bytes] = open(read_end, "rb")  # noqa: SIM115 (the collector closes it)
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._conn: tuple[ctypes.CDLL, int] | None = None
        self._thread = threading.Thread(
            target=self._run, args=(request,), name="huddle-pre-read-libpq", daemon=True
        )
        self._thread.start()

    def _run(self, request: dict[str, Any]) -> None:
        try:
            from storage.postgres import libpq_read

            data = marshal.dumps(libpq_read.answer(request, self._watch))
        except BaseException as exc:  # ctypes itself did not load: the app reads in-process
            data = marshal.dumps(("failed", f"{type(exc).__name__}: {exc}"))
        with contextlib.suppress(OSError), open(self._write_end, "wb") as out:
            out.write(data)

    def _watch(self, lib: ctypes.CDLL, conn: int | None) -> None:
        with self._lock:
            self._conn = None if conn is None else (lib, conn)

    def wait(self) -> None:
        self._thread.join()

    def kill(self) -> None:
        with self._lock:  # never a connection being closed
            if self._conn is not None:
                lib, conn = self._conn
                cancel = lib.PQgetCancel(conn)
                if cancel:
                    import ctypes  # loaded already: the connection was made through it

                    lib.PQcancel(cancel, ctypes.create_string_buffer(256), 256)
                    lib.PQfreeCancel(cancel)


class PreRead(Collector):
    """The child process, and the first page it read once it has answered (a thread collects it:
    ``storage.preread.Collector``, shared with the JSON file's pre-reader)."""

    ANSWER = "rows"

    def __init__(self, child: _Spawned | _Threaded, per_column: int) -> None:
        self._per_column = per_column
        self._board: Board | None = None
        self._decoding = threading.Lock()
        super().__init__(child, WAIT_SECONDS)

    @classmethod
    def start(cls, url: str, per_column: int) -> PreRead | None:
        """The reader started with its request (a thread; a child with ``HUDDLE_PRE_READ=spawn``), or
        None when it cannot be started at all.

        A child runs in a session of its own: away from the terminal (its keys and hang-up are the
        app's, and the app kills and reaps the child itself), and, where Linux schedules by session
        (autogroup, the default of most desktop distributions), beside the app instead of out of
        the app's own share of a busy machine, as the server's backend that answers it is."""
        request = {"libpq": bundled_libpq(), "url": url, "sql": firstpage.PRE_READ, "params": []}
        try:
            child = _Spawned(request) if pre_read_mode() == "spawn" else _Threaded(request)
        except (OSError, RuntimeError):  # no process, or no thread, to be had
            return None
        return cls(child, per_column)

    def board(self, timeout: float | None = None) -> Board | None:
        """What the child read, waiting for it (``WAIT_SECONDS`` unless told); None when there is none
        to use (read in-process)."""
        if not self.answer(WAIT_SECONDS if timeout is None else timeout):
            return None
        with self._decoding:  # once, whoever asks first (the app's version check, then its board)
            rows: list[Row] | None = self.take()
            if rows is not None:
                try:
                    board = Board(orjson.loads(str(rows[0][0])), self._per_column)
                except (
                    AttributeError,
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
