"""The storage interface the services depend on; ``storage/`` implements it.

A ``Store`` hands out units of work. ``transaction()`` is the only way to change data: the
implementation takes an exclusive lock, reads the current file, lets the caller change it
through the repositories and writes it back atomically when the block ends without error.
``snapshot()`` is a consistent read of the current file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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

    def clear(self) -> None:
        """Remove every record (counters are kept so ids are never reused)."""
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
