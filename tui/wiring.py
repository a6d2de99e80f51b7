"""The composition root shared by the CLI and the TUI: settings + store + clock + actor -> services.

No Textual import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.dates import get_zone, local_zone_name
from domain.errors import StorageError
from domain.models import Actor, Clock
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
