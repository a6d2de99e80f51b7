"""Shared fixtures: a fixed clock, stores over two backends, wired services, an isolated environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from domain.models import Actor
from domain.repository import Store
from domain.services import Services
from storage import TinyStore, open_store

if TYPE_CHECKING:
    from tests.helpers.pgserver import PgServer
    from tui.wiring import Context

FIXED_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
"""Wednesday 2026-11-25, 10:00 in Asia/Shanghai."""
ZONE = ZoneInfo("Asia/Shanghai")


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**kwargs)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's own config, data and environment out of the tests."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in (
        "HUDDLE_DB",
        "HUDDLE_USER",
        "HUDDLE_CONFIG",
        "HUDDLE_SMTP_PASSWORD",
        "HUDDLE_CALDAV_PASSWORD",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    # Relative dates ("fri", "+3d") resolve against the fixed day in every process, on whatever day CI runs.
    monkeypatch.setenv("HUDDLE_NOW", FIXED_NOW.isoformat())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["memory", "json", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A store on each backend: in memory, a real JSON file on disk, a fresh PostgreSQL database."""
    if request.param == "memory":
        return TinyStore.memory()
    if request.param == "postgres":
        return request.getfixturevalue("pg_store")  # type: ignore[no-any-return]
    return open_store(tmp_path / "huddle.json")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "huddle.json"


def make_services(store: Store, clock: FixedClock, handle: str = "ann") -> Services:
    return Services.build(store, clock, Actor(handle=handle, os_user="tester"), ZONE)


@pytest.fixture
def services(store: Store, clock: FixedClock) -> Services:
    return make_services(store, clock)


@pytest.fixture
def seeded(services: Services) -> Services:
    """Two departments (one Chinese), three people and a few cards."""
    d = services.directory
    d.add_department("Operations", key="OPS")
    d.add_department("市场部", key="MKT")
    d.add_person("ann", "Ann Lee", "ann@example.com", dept="Operations")
    d.add_person("wei", "李伟", "wei@example.com", dept="市场部")
    d.add_person("bob", "Bob Stone", "bob@example.com")
    services.cards.add("OPS", "Rack the new servers", owner="ann")
    services.cards.add("MKT", "发布会场地", owner="wei")
    return services


@pytest.fixture
def file_services(db_path: Path, clock: FixedClock) -> Services:
    return make_services(open_store(db_path), clock)


def make_context(db_path: Path, clock: FixedClock, handle: str = "ann") -> Context:
    """A Context (what the app and the CLI get) on a real data file, with a fixed clock and zone."""
    from tui.config import Settings
    from tui.wiring import Context

    services = make_services(open_store(db_path), clock, handle)
    return Context(Settings(poll_seconds=0.2), db_path, services, ZONE, clock)


def seed_workspace(services: Services) -> None:
    """A small, fixed workspace for TUI tests and snapshots."""
    from datetime import date

    d = services.directory
    d.add_department("Operations", key="OPS")
    d.add_department("市场部", key="MKT")
    d.add_person("ann", "Ann Lee", "ann@example.com", dept="Operations")
    d.add_person("wei", "李伟", "wei@example.com", dept="市场部")
    d.add_person("bob", "Bob Stone", "bob@example.com", dept="Operations")
    c = services.cards
    first = c.add("OPS", "Rack the new servers", owner="ann", due=date(2026, 11, 20))
    c.add("OPS", "[red]Literal[/red] markup [/] title", owner="bob", column="Doing")
    c.add("OPS", "Go-live review", milestone=True, due=date(2026, 12, 15), blocked_by=[first.id])
    c.add("MKT", "发布会场地预订", owner="wei", column="Doing", due=date(2026, 12, 1))
    c.add("MKT", "宣传册设计", owner="wei", column="Done")
    services.risks.add("Vendor ships late", 4, 4, owner="ann")
    services.risks.add("预算超支", 2, 3, owner="wei")


@pytest.fixture
def context(db_path: Path, clock: FixedClock) -> Context:
    """A seeded Context on a real JSON file: what ``make_app`` fixtures build apps from."""
    ctx = make_context(db_path, clock)
    seed_workspace(ctx.services)
    return ctx


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server for the whole run (initdb + pg_ctl), or a skip saying why not."""
    from tests.helpers.pgserver import start_server

    server = start_server()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of a fresh database (schema in place) on the test server."""
    return pg_server.new_database()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    """A PgStore on a fresh database, closed after the test."""
    from storage.postgres import PgStore

    store = PgStore(pg_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English whatever the developer's locale, and a test that switches the
    language (in-process ``--lang``, ``using_language``) cannot leak it into the next one."""
    from domain.i18n import set_language

    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")
