"""The composition root shared by the CLI and the TUI: settings + store + clock + actor -> services.

No Textual import here.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain.dates import get_zone, local_zone_name
from domain.errors import StorageError, ValidationError
from domain.models import Actor, Clock
from domain.repository import Journal
from domain.services import Services
from storage import open_store
from tui.config import Settings, load_settings, os_user, resolve_db, resolve_user, state_dir


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from_environment(environ: Mapping[str, str] = os.environ) -> Clock:
    """The system clock, or one started at ``HUDDLE_NOW`` (ISO 8601 with an offset) that runs on from there.

    ``HUDDLE_NOW`` lets a report be reproduced, and the tests run, on any day: "fri" and "+3d" resolve
    against it, and timers still tick.
    """
    value = environ.get("HUDDLE_NOW", "").strip()
    if not value:
        return system_clock
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"HUDDLE_NOW: {value!r} is not an ISO 8601 date and time") from None
    if start.tzinfo is None:
        raise ValidationError(f"HUDDLE_NOW: {value!r} needs an offset, such as +08:00 or Z")
    offset = start - system_clock()
    return lambda: system_clock() + offset


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a command or the app needs, built once per process."""

    settings: Settings
    db_path: Path
    """The data file; for a server database, a local path beside which the meeting journals live."""
    services: Services
    zone: ZoneInfo
    clock: Clock

    @property
    def zone_name(self) -> str:
        return self.zone.key

    @property
    def os_user(self) -> str:
        """The OS account of this process (journals are kept per account)."""
        return self.services.meetings.actor.os_user

    def open_journal(self, meeting_id: str) -> ClosableJournal | None:
        """This OS account's journal for ``meeting_id``, held (flock) until ``close()``.

        None when another open meeting screen (in this or another process) holds it: a journal in
        use is never mistaken for one left by a crash, and never cleared under its writer.
        """
        from storage.journal import MeetingJournal

        journal = MeetingJournal(self.db_path, meeting_id, self.os_user)
        lock = _try_lock(_claim_path(journal.path))
        return None if lock is None else LockedJournal(journal, lock)

    def pending_journals(self) -> list[str]:
        """Ids of meetings with a journal of this OS account that no open meeting screen holds.

        Such a journal was left by a crash, a kill or a dropped link (or kept for a draft on leaving).
        """
        from storage.journal import pending_journals

        found = []
        for meeting_id, user, path in pending_journals(self.db_path):
            if user != self.os_user:
                continue
            lock = _try_lock(_claim_path(path))
            if lock is not None:
                os.close(lock)
                found.append(meeting_id)
        return found


def _claim_path(journal: Path) -> Path:
    """The hidden lock file beside a journal (journal listings skip names starting with a dot)."""
    return journal.with_name(f".{journal.name}.lock")


def _try_lock(path: Path) -> int | None:
    """An fd holding an exclusive flock on ``path``, or None if someone else holds it."""
    from storage.files import shared_mode

    folder = path.parent
    if not folder.is_dir():
        try:
            os.mkdir(folder, 0o2770 if shared_mode(folder.parent) == 0o660 else 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StorageError(f"cannot create the meeting journal folder {folder}: {exc.strerror}") from exc
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, shared_mode(folder))
    except OSError as exc:
        raise StorageError(f"cannot open {path}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class LockedJournal:
    """A meeting journal plus the flock that marks it in use; ``close()`` releases both."""

    def __init__(self, journal: ClosableJournal, lock_fd: int) -> None:
        self._journal = journal
        self._lock_fd: int | None = lock_fd

    def append(self, record: dict[str, object]) -> None:
        self._journal.append(record)

    def records(self) -> Iterator[dict[str, object]]:
        return self._journal.records()

    def rewrite(self, records: Iterable[Mapping[str, Any]]) -> None:
        self._journal.rewrite(records)

    def clear(self) -> None:
        self._journal.clear()

    def close(self) -> None:
        self._journal.close()
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            os.close(fd)


class ClosableJournal(Journal, Protocol):
    """A meeting journal whose file handle can be closed when the meeting screen goes away."""

    def close(self) -> None: ...


def server_journal_anchor(url: str) -> Path:
    """The local stand-in for a server database's data file: meeting journals live beside it.

    Journals stay on the scribe's machine (typing survives a dropped link to the server), in the
    user's state folder, one folder per database (keyed by the URL without its password).
    """
    from storage.dburl import local_key

    return state_dir() / "servers" / local_key(url) / "huddle"


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror}") from exc


def build_context(
    db: str | None = None,
    user: str | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
) -> Context:
    """Resolve the DB and the user, open the store and wire the services."""
    clock = clock or clock_from_environment()
    settings = settings or load_settings()
    target, is_default = resolve_db(db, settings)
    if isinstance(target, str):
        store = open_store(target)
        path = server_journal_anchor(target)
        _make_folder(path.parent)
    else:
        path = target
        if is_default:
            _make_folder(path.parent)
        store = open_store(path)
    zone = get_zone(settings.timezone or local_zone_name())
    actor = Actor(handle=resolve_user(user, settings), os_user=os_user())
    return Context(settings, path, Services.build(store, clock, actor, zone), zone, clock)
