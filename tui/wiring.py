"""The composition root shared by the CLI and the TUI: settings + store + clock + actor -> services.

No Textual import here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from domain.dates import check_date, get_zone, local_zone_name
from domain.errors import StorageError, ValidationError
from domain.models import Actor, Clock
from domain.repository import Journal
from domain.services import Services
from domain.text import check_utf8, quoted
from storage import open_store
from tui.config import Settings, load_settings, os_user, resolve_db, resolve_user, state_dir

if TYPE_CHECKING:
    from dataclasses import dataclass

    from storage.json_preread import JsonPreRead
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from_environment(environ: Mapping[str, str] = os.environ) -> Clock:
    """The system clock, or one started at ``HUDDLE_NOW`` (ISO 8601 with an offset) that runs on from there.

    ``HUDDLE_NOW`` lets a report be reproduced, and the tests run, on any day: "fri" and "+3d" resolve
    against it, and timers still tick.
    """
    value = check_utf8(environ.get("HUDDLE_NOW", "").strip(), "HUDDLE_NOW")
    if not value:
        return system_clock
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"HUDDLE_NOW: {quoted(value)} is not an ISO 8601 date and time") from None
    if start.tzinfo is None:
        raise ValidationError(f"HUDDLE_NOW: {quoted(value)} needs an offset, such as +08:00 or Z")
    check_date(start, "HUDDLE_NOW")
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
        """The OS account of this process (journals are kept per account); from the services' actor, as
        the meeting service's would build that service (and import its module) before the first frame."""
        return self.services.actor.os_user

    def open_journal(self, meeting_id: str) -> ClosableJournal | None:
        """This OS account's journal for ``meeting_id``, held (flock) until ``close()``.

        None when another open meeting screen (in this or another process) holds it: a journal in
        use is never mistaken for one left by a crash, and never cleared under its writer.
        """
        from storage.journal import claim_journal

        return claim_journal(self.db_path, meeting_id, self.os_user)

    def pending_journals(self) -> list[str]:
        """Ids of meetings with a journal of this OS account that no open meeting screen holds.

        Such a journal was left by a crash, a kill or a dropped link (or kept for a draft on leaving).
        """
        from storage.journal import unclaimed_journals

        return unclaimed_journals(self.db_path, self.os_user)


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
    for_app: bool = False,
) -> Context:
    """Resolve the DB and the user, open the store and wire the services (``for_app``: for the TUI,
    which may open a server database its own way: ``storage.open_store``)."""
    clock = clock or clock_from_environment()
    settings = settings or load_settings()
    target, is_default = resolve_db(db, settings)
    if isinstance(target, str):
        store = open_store(target, for_app=for_app)
        path = server_journal_anchor(target)
        _make_folder(path.parent)
    else:
        path = target
        if is_default:
            _make_folder(path.parent)
        store = open_store(path)
        # The store resolved a data file given through a link to its real path: the journals go beside it too.
        if isinstance(store.path, Path):
            path = store.path
    zone = get_zone(settings.timezone or local_zone_name())
    actor = Actor(handle=resolve_user(user, settings), os_user=os_user())
    return Context(settings, path, Services.build(store, clock, actor, zone), zone, clock)


PRE_READ_FROM_BYTES = 1 << 20
"""Smaller JSON files are read in-process as before: at the demo file the read is ~1 ms, less than the
fork's own cost (the page tables copied, ~1,400 copy-on-write faults in the app while the child lives);
at 5,000 cards (2.6 MB) it is ~15 ms of CPU, at 20,000 (10 MB) ~50 ms."""


def read_first_page_ahead(ctx: Context) -> JsonPreRead | None:
    """For the TUI, just before Textual is imported: a JSON data file's first board page (a file of at
    least :data:`PRE_READ_FROM_BYTES`) is read in a forked child meanwhile (``storage/json_preread.py``),
    and the board's first read takes it when the file is still the version it read. A server database
    has its own pre-reader (``open_store``).
    ``HUDDLE_PRE_READ=0`` turns it off (the benches compare the two)."""
    from storage.preread import pre_read_mode

    mode = pre_read_mode()
    if mode == "off":
        return None

    store = ctx.services.store
    # A TinyStore cannot exist before its module is loaded; a server database never loads it, and
    # asking ``storage`` for the class would import the JSON store there before the first frame.
    json_store = sys.modules.get("storage.json_store")
    if json_store is None or not isinstance(store, json_store.TinyStore) or store.path is None:
        return None
    try:
        if store.path.stat().st_size < PRE_READ_FROM_BYTES:
            return None  # a small file: today's read costs less than the fork
    except OSError:
        return None  # no file yet (or unreadable): today's read says so
    from domain.services.cards import FIRST_PAGE
    from storage.json_preread import JsonPreRead

    cards = ctx.services.cards

    def read() -> tuple[object, object]:
        seen = store.version()
        return seen, cards.first_page(None, FIRST_PAGE)

    if mode == "spawn":
        ahead = JsonPreRead.spawn(str(store.path), FIRST_PAGE)
    else:
        ahead = JsonPreRead.start(read, store.version)
    if ahead is not None:
        cards.expect_first_page(ahead.page)
    return ahead
