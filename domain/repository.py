"""The storage interface the services depend on; ``storage/`` implements it.

A ``Store`` hands out units of work. ``transaction()`` is the only way to change data: the
implementation takes an exclusive lock, reads the current file, lets the caller change it
through the repositories and writes it back atomically when the block ends without error.
``snapshot()`` is a consistent read of the current file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from domain.models import (
    Activity,
    Card,
    ChangeRequest,
    Department,
    Meeting,
    Person,
    Project,
    PublishedEvent,
    Risk,
)

T = TypeVar("T")


class Repository(Protocol[T]):
    """Upsert-by-domain-id access to one kind of object."""

    def get(self, key: str) -> T | None: ...

    def list(self) -> list[T]: ...

    def put(self, item: T) -> None: ...

    def delete(self, key: str) -> None: ...


class CardRepository(Repository[Card], Protocol):
    def list_for_department(self, dept: str) -> list[Card]: ...

    def list_in_column(self, dept: str, column: str) -> list[Card]: ...

    def column_summary(
        self, dept: str, column: str, excluding: str | None = None
    ) -> tuple[int, float | None]:
        """(how many cards, the highest rank) in a column, leaving out card ``excluding``.

        What a card add or a move needs for the WIP limit and the end-of-column rank, without
        reading the column's cards: on a server that is an index lookup, whatever the board's size.
        """
        ...


class ActivityRepository(Protocol):
    def add(self, entry: Activity) -> None: ...

    def for_entity(self, entity_id: str) -> list[Activity]: ...

    def recent(self, limit: int = 50) -> list[Activity]: ...


class UnitOfWork(Protocol):
    # Read-only members: a plain attribute in a Protocol is invariant, so no concrete unit of
    # work (whose attributes have the concrete repository types) would satisfy it.
    @property
    def departments(self) -> Repository[Department]: ...
    @property
    def people(self) -> Repository[Person]: ...
    @property
    def projects(self) -> Repository[Project]: ...
    @property
    def cards(self) -> CardRepository: ...
    @property
    def risks(self) -> Repository[Risk]: ...
    @property
    def meetings(self) -> Repository[Meeting]: ...
    @property
    def change_requests(self) -> Repository[ChangeRequest]: ...
    @property
    def activity(self) -> ActivityRepository: ...
    @property
    def published(self) -> Repository[PublishedEvent]:
        """What Huddle wrote to CalDAV calendars (keyed by ``PublishedEvent.key``)."""
        ...

    def is_empty(self) -> bool:
        """True when the file holds no departments, people, cards, risks or meetings."""
        ...

    def clear(self, *, counters: bool = False) -> None:
        """Remove every record. Counters are kept so ids are never reused, unless ``counters``
        (the demo replaces a whole project and starts its ids again)."""
        ...

    def next_number(self, counter: str) -> int:
        """Allocate the next number of a named sequence (``card:OPS``, ``risk``); never reused."""
        ...


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[UnitOfWork]: ...

    def snapshot(self) -> UnitOfWork: ...

    def version(self) -> object:
        """A cheap token that changes whenever another process writes (inode, mtime, size)."""
        ...

    def describe(self) -> str:
        """Where the data lives, for messages."""
        ...


class Journal(Protocol):
    """Append-only, fsynced record of text typed in a live meeting."""

    def append(self, record: dict[str, object]) -> None: ...

    def records(self) -> Iterator[dict[str, object]]: ...

    def rewrite(self, records: Iterable[Mapping[str, Any]]) -> None: ...

    def clear(self) -> None: ...


class ChangeLog(Protocol):
    """Optional for a Store: which tables changed between two versions whose snapshots it read.

    The app asks after a change notice, so that a screen whose tables did not change (the board, after
    someone edited a risk) does not read or repaint anything; a store without it, or an answer of None,
    means anything may have changed.
    """

    def changed_tables(self, since: object, until: object) -> frozenset[str] | None: ...


class ChangeFeed(Protocol):
    """Optional for a Store: it can tell when any client commits (PostgreSQL's LISTEN/NOTIFY).

    The app checks ``version()`` as soon as the callback runs instead of waiting for its next
    poll; stores without it (the JSON file) are polled.
    """

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` from another thread after a change; returns the function that stops it."""
        ...
