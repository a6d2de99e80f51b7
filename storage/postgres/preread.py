"""The app's first board read in a short-lived process of its own, so that neither importing psycopg
nor connecting is on the way to the first frame.

Why: ``import psycopg`` costs about 170 ms of interpreter time (its libpq binding alone 110 ms),
and the app's main thread cannot overlap it with importing Textual, since both hold the GIL; a
thread gained little. A second process has its own interpreter. Started before Textual is imported,
the child (``libpq_read.py``: the standard library and libpq through ctypes, no psycopg) connects
and runs one statement (``firstpage.PRE_READ``) on the machine's other core while the app loads
Textual, and hands back the rows. The app imports psycopg only after that frame (``appstore.py``).

- **In a session of its own**, so that on a busy machine its 25-35 ms of processor time (12 of
  them starting the interpreter) is not taken out of the app's own share (``PreRead.start``).
- **The same connection.** The child loads the libpq psycopg uses (psycopg-binary's bundled one,
  else the system's ``libpq.so.5``), gets the URL on its standard input (never in its argv or an
  environment variable of ours) and inherits the environment as it is, so libpq's service files,
  ``PGPASSFILE``, ``PG*`` settings and TLS options act as in the app.
- **One moment.** One statement: the state row, the departments, every card of the first
  department, the blockers its cards name. The app picks the page out of those rows as ``PAGE``
  does, decodes its documents with the store's codecs and arranges them with the store's own code
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
import sys
import threading
from pathlib import Path
from typing import Any

import orjson

from domain.models import Card, Department
from storage import codecs
from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA_VERSION
from storage.postgres import firstpage, schema
from storage.preread import Collector, SpawnedChild

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
    """The child: a new interpreter running ``libpq_read.py`` (``python -S -P``), its request on stdin.

    Not a fork of the app, though that would spare the interpreter's start (12 of the child's 25-35 ms
    of CPU): the fork's copy-on-write faults land on the app's own main thread while it loads
    Textual, and on a quiet machine, where the new interpreter starts on the other core for free, the
    forked start was the slower one (1.04x and 1.13x the JSON file's first paint, against 1.01x and
    1.06x, alternating in tmux)."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__([sys.executable, "-S", "-P", str(CHILD)], request)


class PreRead(Collector):
    """The child process, and the first page it read once it has answered (a thread collects it:
    ``storage.preread.Collector``, shared with the JSON file's pre-reader)."""

    ANSWER = "rows"

    def __init__(self, child: _Spawned, per_column: int) -> None:
        self._per_column = per_column
        self._board: Board | None = None
        self._decoding = threading.Lock()
        super().__init__(child, WAIT_SECONDS)

    @classmethod
    def start(cls, url: str, per_column: int) -> PreRead | None:
        """The child started with its request, or None when it cannot be started at all.

        It runs in a session of its own: away from the terminal (its keys and hang-up are the app's,
        and the app kills and reaps the child itself), and, where Linux schedules by session
        (autogroup, the default of most desktop distributions), beside the app instead of out of
        the app's own share of a busy machine, as the server's backend that answers it is."""
        request = {"libpq": bundled_libpq(), "url": url, "sql": firstpage.PRE_READ, "params": []}
        try:
            child = _Spawned(request)
        except OSError:
            return None
        return cls(child, per_column)

    def board(self, timeout: float = WAIT_SECONDS) -> Board | None:
        """What the child read, waiting for it; None when there is none to use (read in-process)."""
        if not self.answer(timeout):
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
