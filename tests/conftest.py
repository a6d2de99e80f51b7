"""Shared fixtures: a fixed clock, stores over two backends, wired services, an isolated environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from domain.repository import Store
from domain.services import Services
from storage import TinyStore, open_store
from tests.helpers.clock import FIXED_NOW, FixedClock
from tests.helpers.workspace import add_team, make_context, make_services, seed_workspace

if TYPE_CHECKING:
    from tests.helpers.delivery import Radicale, Server, World
    from tests.helpers.pgserver import PgServer
    from tui.wiring import Context


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


@pytest.fixture
def services(store: Store, clock: FixedClock) -> Services:
    return make_services(store, clock)


@pytest.fixture
def seeded(services: Services) -> Services:
    """Two departments (one Chinese), three people and a few cards."""
    add_team(services)
    services.cards.add("OPS", "Rack the new servers", owner="ann")
    services.cards.add("MKT", "发布会场地", owner="wei")
    return services


@pytest.fixture
def file_services(db_path: Path, clock: FixedClock) -> Services:
    return make_services(open_store(db_path), clock)


@pytest.fixture
def context(db_path: Path, clock: FixedClock) -> Context:
    """A seeded Context on a real JSON file: what ``make_app`` fixtures build apps from."""
    ctx = make_context(db_path, clock)
    seed_workspace(ctx.services)
    return ctx


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server for the whole run (initdb + pg_ctl), or a skip saying why not."""
    from tests.helpers.pgserver import server_or_skip

    with server_or_skip() as server:
        yield server


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


# ----- the delivery world (tests/exporters, tests/outbound): helpers in tests.helpers.delivery -----


@pytest.fixture
def world(seeded: Services, clock: FixedClock, db_path: Path) -> World:
    """A finished meeting M-1 with everything the minutes show; ann chairs, wei is absent."""
    from tests.helpers.delivery import build_world

    return build_world(seeded, clock, db_path)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server on 127.0.0.1 accepting mail without login."""
    from tests.helpers.delivery import running_smtp

    with running_smtp() as server:
        yield server


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    """Radicale on 127.0.0.1 with a login for alice and an empty calendar, its storage in tmp_path."""
    from tests.helpers.delivery import running_radicale

    with running_radicale(tmp_path) as server:
        yield server


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
