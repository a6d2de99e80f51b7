"""The composition root shared by the CLI and the TUI: settings + store + clock + actor -> services.

No Textual import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.dates import get_zone, local_zone_name
from domain.errors import StorageError
from domain.models import Actor, Clock
from domain.repository import Journal
from domain.services import Services
from storage import open_store
from tui.config import Settings, load_settings, os_user, resolve_db, resolve_user


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a command or the app needs, built once per process."""

    settings: Settings
    db_path: Path
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

    def open_journal(self, meeting_id: str) -> ClosableJournal:
        """The meeting journal of this OS account for ``meeting_id`` (opened on first append)."""
        from storage.journal import MeetingJournal

        return MeetingJournal(self.db_path, meeting_id, self.os_user)

    def pending_journals(self) -> list[str]:
        """Ids of meetings with a journal left by this OS account (a crash, or a draft kept on leaving)."""
        from storage.journal import pending_journals

        return [meeting_id for meeting_id, user, _ in pending_journals(self.db_path) if user == self.os_user]


class ClosableJournal(Journal, Protocol):
    """A meeting journal whose file handle can be closed when the meeting screen goes away."""

    def close(self) -> None: ...


def build_context(
    db: str | None = None,
    user: str | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock = system_clock,
) -> Context:
    """Resolve the DB and the user, open the store and wire the services."""
    settings = settings or load_settings()
    path, is_default = resolve_db(db, settings)
    if is_default:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create {path.parent}: {exc.strerror}") from exc
    store = open_store(path)
    zone = get_zone(settings.timezone or local_zone_name())
    actor = Actor(handle=resolve_user(user, settings), os_user=os_user())
    return Context(settings, path, Services.build(store, clock, actor, zone), zone, clock)
