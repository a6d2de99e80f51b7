"""The store the app opens on a PostgreSQL database: the first frame from the pre-reader, the rest
from a :class:`PgStore` made, and psycopg imported, only when something else is needed.

Why: the app's first board on the server used to wait for ``import psycopg`` (about 170 ms of the
main thread) and the connection on top of what the JSON file costs. This module imports no
psycopg: the first snapshot and the version the app starts from come from
:mod:`storage.postgres.preread`'s child process, which read them while the app loaded Textual.
Everything after that (the whole department, the listener, the version poll, every write) goes to
the real store, made in whichever thread first needs it: the app's workers and the listener's
starter, after the first frame (``HuddleApp`` subscribes once that frame is out), so the import is
off the event loop.

The first snapshot answers exactly what the first page reads (``CardService.first_page``: the
departments, the first department's first cards of each column and their counts, the blockers
they name) from the child's one moment of the database; any other read on it is passed to a
snapshot of the real store, a later moment, as a snapshot taken a little later would be. Used
once: the next snapshot is the real store's. When the child has no page (any failure, or a schema
that is not this Huddle's), the first snapshot is the real store's too: the in-process read, with
its retries and its one-line errors, exactly as without the pre-reader.
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
from storage.postgres.preread import FirstPage, PreRead

if TYPE_CHECKING:
    from storage.postgres.store import PgStore


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
        self._first_lock = threading.Lock()
        self._real: PgStore | None = None
        self._closed = False
        self._ahead = PreRead.start(url, per_column) if pre_read else None
        self._first_taken = self._ahead is None
        """The first page was handed out (or there is none): from now on the real store answers."""

    @property
    def pre_reader(self) -> PreRead | None:
        """The child process (tests: it is gone once the app has its answer)."""
        return self._ahead

    def describe(self) -> str:
        return self._where

    def real(self) -> PgStore:
        """The in-process store, made on first use (importing psycopg)."""
        with self._lock:
            if self._real is None:
                if self._closed:
                    raise StorageError(f"the connection to {self._where} was closed")
                from storage.postgres.store import PgStore

                self._real = PgStore(self.url, retry_seconds=self._retry)
            return self._real

    def _first(self) -> FirstPage | None:
        """The child's answer the first time the app reads (waiting for it), None afterwards."""
        with self._first_lock:
            if self._first_taken:
                return None
            self._first_taken = True
        assert self._ahead is not None
        return self._ahead.page()

    # ----- the Store protocol ------------------------------------------------------------------

    def snapshot(self) -> UnitOfWork:
        first = self._first()
        if first is not None:
            return _FirstView(first, lambda: self.real().snapshot())
        return self.real().snapshot()

    def transaction(self) -> contextlib.AbstractContextManager[UnitOfWork]:
        return self.real().transaction()

    def version(self) -> object:
        """The version the first page was read at while that page is still to be shown (the app asks
        before its first frame), then the server's (the real store: one cheap check)."""
        if not self._first_taken and self._ahead is not None:
            first = self._ahead.page()
            if first is not None:
                return first.version
        return self.real().version()

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Hear of other clients' changes (``PgStore.subscribe``), set up in a thread: making the real
        store imports psycopg, which must not hold up the event loop. The real store's listener calls
        ``callback`` once it is connected, so a change made meanwhile is not missed."""
        stopped = threading.Event()
        stops: list[Callable[[], None]] = []

        def listen() -> None:
            with contextlib.suppress(StorageError):
                stop = self.real().subscribe(callback)
                stops.append(stop)
                if stopped.is_set():
                    stop()

        starter = threading.Thread(target=listen, name="huddle-listen", daemon=True)
        starter.start()

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
        if self._ahead is not None:
            self._ahead.close()
        if real is not None:
            real.close()


class _FirstView:
    """The first snapshot: the pre-read first page, and a real snapshot for anything else."""

    def __init__(self, first: FirstPage, later: Callable[[], UnitOfWork]) -> None:
        self._later_snapshot = later
        self._kept: UnitOfWork | None = None
        self._departments = _FirstDepartments(first, self._later)
        self._cards = _FirstCards(first, self._later)

    def _later(self) -> UnitOfWork:
        if self._kept is None:
            self._kept = self._later_snapshot()
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


class _FirstDepartments:
    """The departments as the pre-reader read them; writes go to the real snapshot (which refuses)."""

    def __init__(self, first: FirstPage, later: Callable[[], UnitOfWork]) -> None:
        self._all = first.departments
        self._later = later

    def get(self, key: str) -> Department | None:
        return next((d for d in self._all if d.name == key), None)

    def put(self, item: Department) -> None:
        self._later().departments.put(item)

    def delete(self, key: str) -> None:
        self._later().departments.delete(key)

    def list(self) -> list[Department]:  # last, as in _FirstCards
        return list(self._all)


class _FirstCards:
    """The first department's first page and the blockers it names; other reads: the real snapshot."""

    def __init__(self, first: FirstPage, later: Callable[[], UnitOfWork]) -> None:
        self._first = first
        self._later = later
        self._known: dict[str, Card | None] = {**first.blockers, **{c.id: c for c in first.cards}}

    def first_in_columns(
        self, dept: str, columns: Sequence[str], per_column: int
    ) -> tuple[list[Card], dict[str, int]]:
        first = self._first
        read = first.departments[0] if first.departments else None
        if read is None or dept != read.name or list(columns) != [c.name for c in read.columns]:
            return self._later_first_in_columns(dept, columns, per_column)
        if per_column > first.per_column:
            return self._later_first_in_columns(dept, columns, per_column)
        taken: dict[str, int] = {}
        page = []
        for card in first.cards:  # in board order: the first ``per_column`` of each column
            taken[card.column] = taken.get(card.column, 0) + 1
            if taken[card.column] <= per_column:
                page.append(card)
        return page, dict(first.counts)

    def _later_first_in_columns(
        self, dept: str, columns: Sequence[str], per_column: int
    ) -> tuple[list[Card], dict[str, int]]:
        found: tuple[list[Card], dict[str, int]] = self._later().cards.first_in_columns(  # type: ignore[attr-defined]
            dept, columns, per_column
        )
        return found

    def get(self, key: str) -> Card | None:
        if key in self._known:
            return self._known[key]
        return self._later().cards.get(key)

    def list_for_department(self, dept: str) -> list[Card]:
        return self._later().cards.list_for_department(dept)

    def list_in_column(self, dept: str, column: str) -> list[Card]:
        return self._later().cards.list_in_column(dept, column)

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
