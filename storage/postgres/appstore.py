"""The store the app opens on a PostgreSQL database: the first board from the pre-reader, the rest
from a :class:`PgStore` made, and psycopg imported, only when something else is needed.

Why: the app's first board on the server used to wait for ``import psycopg`` (about 170 ms of the
main thread) and the connection, on top of what the JSON file costs. This module imports no
psycopg: the snapshots and the version the app starts with come from the board that
:mod:`storage.postgres.preread` read through libpq while the app loaded Textual (the
departments, the first department's cards, the blockers they name: one moment of the database).
That covers the first frame and the whole-department read after it. Anything else (another
department, people, meetings, every write, the version poll) makes the real store, in whichever
thread first needs it (the app's workers: off the event loop), and from then on every snapshot is
the real store's. The change listener starts once the real store is wanted, or half a second
(``LISTEN_AFTER``) after the app has its whole first department; when it connects, the app's
version check brings in whatever changed since the pre-reader's read. So psycopg is imported after the
first frame, and the import does not compete with the frame reaching the terminal.

When the child has no board (any failure, or a schema that is not this Huddle's), every snapshot is
the real store's: the in-process read, with its retries and its one-line errors, exactly as without
the pre-reader. A snapshot from the board answers the reads it holds and passes any other read to
a snapshot of the real store (a later moment, as a snapshot taken a little later would be).
One-shot commands never use this: they open :class:`PgStore` directly.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from domain.errors import StorageError
from domain.models import Card, Department
from domain.repository import CardRepository, Repository, UnitOfWork
from domain.services.cards import FIRST_PAGE
from storage.dburl import redact
from storage.postgres import firstpage
from storage.postgres.preread import Board, PreRead, Unknown

if TYPE_CHECKING:
    from storage.postgres.store import PgStore


LISTEN_AFTER = 0.5
"""Seconds the change listener waits after the board has served the whole first department, unless
the real store is made sooner. The listener calls back once it is connected, so a change made
meanwhile is fetched then: it only comes that much later, once, at start-up."""


class AppPgStore:
    """A Huddle database on a PostgreSQL server, as the app opens it (see the module's docstring)."""

    def __init__(
        self,
        url: str,
        *,
        per_column: int = FIRST_PAGE,
        pre_read: bool = True,
        retry_seconds: float | None = None,
    ) -> None:
        self.url = url
        self._retry = retry_seconds
        """How long the reads keep trying to reach the server (``PgStore``'s); None: its default."""
        self._where = redact(url)
        self._lock = threading.Lock()
        """Held while the real store is made (the psycopg import): one thread makes it, others wait."""
        self._real: PgStore | None = None
        self._closed = False
        self._ahead = PreRead.start(url, per_column) if pre_read else None
        self._asked_version = False
        self._wanted = threading.Event()
        """Set once the real store is needed: made for a read or write the child's board cannot
        answer, or the board has served the whole department (the listener may start then)."""
        self._needed = threading.Event()
        """Set once something other than the listener needs the real store (it is being made)."""

    @property
    def pre_reader(self) -> PreRead | None:
        """The child process (tests: it is gone once the app has its answer)."""
        return self._ahead

    def describe(self) -> str:
        return self._where

    def real(self) -> PgStore:
        """The in-process store, made on first use (importing psycopg)."""
        self._needed.set()
        self._wanted.set()
        with self._lock:
            if self._real is None:
                if self._closed:
                    raise StorageError(f"the connection to {self._where} was closed")
                from storage.postgres.store import PgStore

                self._real = PgStore(self.url, retry_seconds=self._retry)
            return self._real

    def board_served(self) -> None:
        """The child's board has given the app its whole department: the listener may start."""
        self._wanted.set()

    def _board(self) -> Board | None:
        """The child's board while the real store is not made yet (waiting for the child), else None."""
        if self._real is not None or self._ahead is None:
            return None
        return self._ahead.board()

    # ----- the Store protocol ------------------------------------------------------------------

    def snapshot(self) -> UnitOfWork:
        board = self._board()
        if board is not None:
            return _BoardView(board, self)
        return self.real().snapshot()

    def transaction(self) -> contextlib.AbstractContextManager[UnitOfWork]:
        return self.real().transaction()

    def version(self) -> object:
        """The first time (the app asks before its first frame), the version the child read at: the
        version of the data the first board shows. Later, the server's (one cheap check): the app's
        version poll is what brings in whatever changed since."""
        if not self._asked_version:
            self._asked_version = True
            board = self._board()
            if board is not None:
                return board.version
        return self.real().version()

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Hear of other clients' changes (``PgStore.subscribe``), set up in a thread (making the real
        store imports psycopg, which must not hold up the event loop) once the real store is wanted:
        at once when the child read nothing or the first page was the whole department, else after
        the app's whole-department read (served from the child's board) or any read or write the
        board cannot answer; when only the board's whole-department read wanted it, ``LISTEN_AFTER``
        later. The listener calls ``callback`` once it is connected, so whatever changed since the
        child's read is looked for then."""
        board = self._board()
        if board is None or board.whole:
            self._wanted.set()
        stopped = threading.Event()
        stops: list[Callable[[], None]] = []

        def listen() -> None:
            self._wanted.wait()
            # Served from the board: give the terminal a moment to take in the first frames before
            # the listener imports psycopg (100-170 ms of CPU holding the GIL); anything that needs
            # the real store meanwhile makes it, and the listener follows at once.
            self._needed.wait(LISTEN_AFTER)
            if stopped.is_set():
                return
            with contextlib.suppress(StorageError):
                stop = self.real().subscribe(callback)
                stops.append(stop)
                if stopped.is_set():
                    stop()

        threading.Thread(target=listen, name="huddle-listen", daemon=True).start()

        def unsubscribe() -> None:
            stopped.set()
            for stop in stops:
                stop()

        return unsubscribe

    def listening(self) -> bool:
        return self._real is not None and self._real.listening()

    def close(self) -> None:
        """Stop the pre-reader if it still runs, and close the real store if it was made."""
        with self._lock:
            self._closed = True
            real, self._real = self._real, None
        self._wanted.set()
        self._needed.set()
        if self._ahead is not None:
            self._ahead.close()
        if real is not None:
            real.close()


class _BoardView:
    """A snapshot from the child's board: the departments, the first department's cards and the
    blockers they name; a real snapshot (made once, on first need) for anything else."""

    def __init__(self, board: Board, store: AppPgStore) -> None:
        self._store = store
        self._kept: UnitOfWork | None = None
        self._departments = _BoardDepartments(board, self._later)
        self._cards = _BoardCards(board, self._later, store)

    def _later(self) -> UnitOfWork:
        if self._kept is None:
            self._kept = self._store.real().snapshot()
        return self._kept

    @property
    def departments(self) -> Repository[Department]:
        return self._departments

    @property
    def cards(self) -> CardRepository:
        return self._cards

    @property
    def people(self) -> Any:
        return self._later().people

    @property
    def projects(self) -> Any:
        return self._later().projects

    @property
    def risks(self) -> Any:
        return self._later().risks

    @property
    def meetings(self) -> Any:
        return self._later().meetings

    @property
    def change_requests(self) -> Any:
        return self._later().change_requests

    @property
    def activity(self) -> Any:
        return self._later().activity

    @property
    def published(self) -> Any:
        return self._later().published

    def is_empty(self) -> bool:
        return self._later().is_empty()

    def clear(self, *, counters: bool = False) -> None:
        self._later().clear(counters=counters)

    def next_number(self, counter: str) -> int:
        return self._later().next_number(counter)


class _BoardDepartments:
    """The departments as the child read them; writes go to the real snapshot (which refuses)."""

    def __init__(self, board: Board, later: Callable[[], UnitOfWork]) -> None:
        self._all = board.departments
        self._later = later

    def get(self, key: str) -> Department | None:
        return next((d for d in self._all if d.name == key), None)

    def put(self, item: Department) -> None:
        self._later().departments.put(item)

    def delete(self, key: str) -> None:
        self._later().departments.delete(key)

    def list(self) -> list[Department]:  # last, as in _BoardCards
        return list(self._all)


class _BoardCards:
    """The first department's cards and the blockers they name; other reads: the real snapshot."""

    def __init__(self, board: Board, later: Callable[[], UnitOfWork], store: AppPgStore) -> None:
        self._board = board
        self._later = later
        self._store = store

    def _ours(self, dept: str) -> bool:
        return self._board.department is not None and dept == self._board.department.name

    def first_in_columns(
        self, dept: str, columns: Sequence[str], per_column: int
    ) -> tuple[list[Card], dict[str, int]]:
        board = self._board
        if self._ours(dept) and list(columns) == board.columns and per_column <= board.per_column:
            return firstpage.first_of_each(board.page, per_column), dict(board.counts)
        found: tuple[list[Card], dict[str, int]] = self._later().cards.first_in_columns(  # type: ignore[attr-defined]
            dept, columns, per_column
        )
        return found

    def list_for_department(self, dept: str) -> list[Card]:
        if not self._ours(dept):
            return self._later().cards.list_for_department(dept)
        cards = self._board.department_cards()
        self._store.board_served()
        return cards

    def list_in_column(self, dept: str, column: str) -> list[Card]:
        if not self._ours(dept):
            return self._later().cards.list_in_column(dept, column)
        return [c for c in self._board.department_cards() if c.column == column]

    def get(self, key: str) -> Card | None:
        found = self._board.card(key)
        if isinstance(found, Unknown):
            return self._later().cards.get(key)
        return found

    def column_summary(
        self, dept: str, column: str, excluding: str | None = None
    ) -> tuple[int, float | None]:
        return self._later().cards.column_summary(dept, column, excluding)

    def put(self, item: Card) -> None:
        self._later().cards.put(item)

    def delete(self, key: str) -> None:
        self._later().cards.delete(key)

    def list(self) -> list[Card]:  # last: inside the class body, ``list`` names this method from here on
        return self._later().cards.list()
