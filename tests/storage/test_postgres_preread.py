"""The app's first board read ahead (storage/postgres/preread.py, appstore.py), in a thread of the app
(the default) and in a child process (``HUDDLE_PRE_READ=spawn``): the same page as the in-process
read, the same one-line errors, no child or thread left behind, later changes seen."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from domain.errors import HuddleError
from domain.services import Services
from domain.services.cards import BoardPage
from storage import open_store
from storage.postgres import PgStore
from storage.postgres.appstore import AppPgStore
from storage.postgres.preread import PreRead
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PASSWORD_ROLE, PgServer, free_port
from tests.helpers.preread import patient_pg_pre_read
from tests.helpers.wait import poll
from tests.helpers.workspace import make_services

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, params=["thread", "spawn"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test with the read in a thread of the app, and in a child process."""
    monkeypatch.setenv("HUDDLE_PRE_READ", "spawn" if request.param == "spawn" else "1")
    return str(request.param)


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "huddle-pre-read-libpq"]


@pytest.fixture(autouse=True)
def _patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the child's answer (or its own reason for failing) was used: wait for it past
    the 10 s fallback, which a loaded machine can hold the child up beyond (``tests.helpers.preread``)."""
    patient_pg_pre_read(monkeypatch)


@pytest.fixture
def app_store(pg_url: str) -> Iterator[Callable[..., AppPgStore]]:
    """``AppPgStore`` makers whose stores are closed (and children reaped) at the end."""
    made: list[AppPgStore] = []

    def make(url: str = pg_url, **options: float) -> AppPgStore:
        store = AppPgStore(url, **options)  # type: ignore[arg-type]
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def fill(services: Services) -> None:
    """Two boards; Operations has more cards in Backlog than a page shows, a page card blocked by a
    card on the other board, one blocked by a card on its own page, and one by a card since deleted."""
    services.directory.add_department("Operations", key="OPS")
    services.directory.add_department("研发部", key="RND")
    blocker = services.cards.add("RND", "研发 的 阻塞")
    gone = services.cards.add("RND", "要删除的")
    first = services.cards.add("OPS", "运维 0")
    services.cards.add("OPS", "等 研发", blocked_by=[blocker.id])
    services.cards.add("OPS", "等 运维 0", blocked_by=[first.id])
    services.cards.add("OPS", "等 已删除", blocked_by=[gone.id])
    for n in range(4, 12):
        services.cards.add("OPS", f"运维 {n}")
    services.cards.move("OPS-6", "To do")
    services.cards.delete(gone.id)


def started(other: Services, make: Callable[..., AppPgStore]) -> tuple[AppPgStore, PreRead]:
    """The boards filled by ``other``, then an app store and its pre-reader, just started."""
    fill(other)
    store = make()
    assert store.pre_reader is not None
    return store, store.pre_reader


def first_page(services: Services) -> BoardPage:
    return services.cards.first_page(None, per_column=4)


def error_of(read: Callable[[], object]) -> str:
    with pytest.raises(HuddleError) as caught:
        read()
    return str(caught.value)


def test_the_first_page_from_the_pre_reader_equals_the_in_process_read(
    other: Services, app_store: Callable[..., AppPgStore], clock: FixedClock
) -> None:
    fill(other)
    store = app_store()
    page = first_page(make_services(store, clock))
    assert page == first_page(other)
    assert page.department is not None
    assert page.department.name == "Operations"
    assert sum(page.counts.values()) == 12
    assert len(page.cards) == 5
    assert page.blocked == first_page(other).blocked
    assert {"OPS-2", "OPS-3"} <= page.blocked  # by RND-1, off the page; by OPS-1, on it
    assert store.pre_reader is not None
    assert store.pre_reader.failure is None
    services = make_services(store, clock)
    whole = services.cards.list(dept="Operations")  # the app's read after its first frame
    assert whole == other.cards.list(dept="Operations")
    assert services.cards.blocked_among(whole) == other.cards.blocked_among(whole)
    assert services.directory.departments() == other.directory.departments()
    assert store.listening() is False  # nothing but the child has talked to the server yet


def test_pre_read_off_reads_in_process(
    other: Services, pg_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``HUDDLE_PRE_READ=0`` turns the server's pre-read off as it does a file's: the same page, read
    in-process, and no reader thread or child started."""
    fill(other)
    monkeypatch.setenv("HUDDLE_PRE_READ", "0")
    store = open_store(pg_url, for_app=True)
    assert isinstance(store, AppPgStore)
    try:
        assert store.pre_reader is None
        assert reader_threads() == []
        assert first_page(make_services(store, clock)) == first_page(other)
    finally:
        store.close()


def test_the_app_store_reads_its_first_page_without_importing_psycopg(
    other: Services, pg_url: str, mode: str
) -> None:
    fill(other)
    program = textwrap.dedent(
        """
        import sys
        from storage import open_store
        from tests.helpers.preread import PATIENT
        from storage.postgres import preread
        preread.WAIT_SECONDS = PATIENT  # the child's answer, however long a loaded machine takes
        from domain.services.cards import CardService
        from domain.models import Actor
        from zoneinfo import ZoneInfo
        store = open_store(sys.argv[1], for_app=True)
        cards = CardService(store, None, Actor("ann", "ann"), ZoneInfo("UTC"))
        version = store.version()
        page = cards.first_page(None, 4)
        whole = cards.list(dept="Operations")
        blocked = cards.blocked_among(whole)
        print(len(page.cards), len(whole), len(blocked), "psycopg" in sys.modules, version)
        store.close()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program, pg_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HUDDLE_PRE_READ": "spawn" if mode == "spawn" else "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "12", "2", "False", str(other.store.version())]


def test_the_pre_reader_is_gone_once_the_page_is_in_and_no_zombie_is_left(
    other: Services, app_store: Callable[..., AppPgStore], clock: FixedClock, mode: str
) -> None:
    store, child = started(other, app_store)
    first_page(make_services(store, clock))
    assert poll(child.finished), "the pre-reader did not exit"
    if mode == "thread":
        assert child.pid == os.getpid()
        assert not [t for t in reader_threads() if t.is_alive()]
        return
    with pytest.raises(ChildProcessError):  # reaped: no zombie left for anyone to wait for
        os.waitpid(child.pid, os.WNOHANG)
    assert not Path(f"/proc/{child.pid}").exists()


def test_the_app_still_sees_later_changes_and_hears_of_them(
    other: Services, app_store: Callable[..., AppPgStore], clock: FixedClock
) -> None:
    fill(other)
    store = app_store()
    services = make_services(store, clock)
    started = store.version()
    assert first_page(services) == first_page(other)
    heard: list[int] = []
    stop = store.subscribe(lambda: heard.append(1))
    try:
        assert services.cards.list(dept="Operations") == other.cards.list(dept="Operations")
        assert poll(store.listening), "the listener did not come up after the whole board was read"
        assert poll(lambda: len(heard) >= 1), "the listener did not call back once connected"
        before = len(heard)
        other.cards.edit("OPS-1", {"title": "changed after the first page 首页之后"})
        assert poll(lambda: len(heard) > before), "the other client's change was not heard"
        assert store.version() != started
        assert services.cards.get("OPS-1").title == "changed after the first page 首页之后"
        assert first_page(services) == first_page(other)
        added = services.cards.add("OPS", "written through the app store")
        assert other.cards.get(added.id).title == "written through the app store"
    finally:
        stop()


def test_a_killed_pre_reader_means_the_app_reads_in_process(
    other: Services, app_store: Callable[..., AppPgStore], clock: FixedClock, mode: str
) -> None:
    if mode == "thread":
        pytest.skip("a child process only: the thread's stuck statement is cancelled (test below)")
    store, child = started(other, app_store)
    os.kill(child.pid, signal.SIGKILL)
    assert poll(child.finished)
    assert first_page(make_services(store, clock)) == first_page(other)


def test_a_statement_still_waiting_when_the_app_gives_up_is_cancelled_and_the_app_reads_in_process(
    other: Services, pg_url: str, app_store: Callable[..., AppPgStore], clock: FixedClock, mode: str
) -> None:
    import psycopg

    fill(other)
    with psycopg.connect(pg_url) as locker, psycopg.connect(pg_url, autocommit=True) as watcher:
        locker.execute("LOCK TABLE cards IN ACCESS EXCLUSIVE MODE")  # held until the block ends
        store = app_store()
        reader = store.pre_reader
        assert reader is not None

        def waiting_for_the_lock() -> bool:
            row = watcher.execute(  # its own connection: a transaction sees one snapshot of this view
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'huddle' "
                "AND wait_event_type = 'Lock'"
            ).fetchone()
            return row is not None and row[0] == 1

        assert poll(waiting_for_the_lock), "the pre-reader's statement never waited for the lock"
        assert reader.board(timeout=0.01) is None  # the app gives up waiting (here at once)
        assert "no answer from the pre-reader" in str(reader.failure)
        # Cancelled (the thread) or killed (the child), not left waiting for the lock to go.
        assert poll(reader.finished), "the pre-reader was still waiting"
        assert not [t for t in reader_threads() if t.is_alive()]
        if mode == "thread":  # the server stopped it too (a killed child's backend waits on)
            assert poll(lambda: not waiting_for_the_lock())
    assert first_page(make_services(store, clock)) == first_page(other)  # read in-process


def test_a_newer_schema_is_the_same_one_line_error(
    pg_url: str, pg_server: PgServer, app_store: Callable[..., AppPgStore], clock: FixedClock
) -> None:
    pg_server.sql("INSERT INTO huddle_schema (version, name) VALUES (99, 'from the future')", db_of(pg_url))
    in_process = PgStore(pg_url)
    try:
        expected = error_of(lambda: first_page(make_services(in_process, clock)))
    finally:
        in_process.close()
    store = app_store()
    assert store.version() is None  # as the in-process store says while it cannot read
    shown = error_of(lambda: first_page(make_services(store, clock)))
    assert shown == expected
    assert "newer Huddle" in shown
    assert "\n" not in shown
    assert store.pre_reader is not None
    assert "schema is 99." in str(store.pre_reader.failure)


def test_a_down_server_is_the_same_one_line_error(
    app_store: Callable[..., AppPgStore], clock: FixedClock
) -> None:
    url = f"postgresql://huddle@127.0.0.1:{free_port()}/nowhere"
    in_process = PgStore(url, retry_seconds=0.3)
    expected = error_of(lambda: first_page(make_services(in_process, clock)))
    store = app_store(url, retry_seconds=0.3)
    shown = error_of(lambda: first_page(make_services(store, clock)))
    assert shown == expected
    assert shown.startswith("cannot reach the Huddle database postgresql://huddle@127.0.0.1:")
    assert "\n" not in shown
    assert store.pre_reader is not None
    assert "refused" in str(store.pre_reader.failure)


def password_role(pg_server: PgServer, database: str) -> None:
    pg_server.sql(
        f"DO $$ BEGIN CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'pa55-秘密'; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PASSWORD_ROLE}", database)
    pg_server.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PASSWORD_ROLE}", database)


def pgpass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    """A libpq password file named by PGPASSFILE: the child inherits the environment as it is."""
    path = tmp_path / "pgpass"
    path.write_text(line + "\n")
    path.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(path))


def test_a_wrong_password_is_the_same_one_line_error_and_never_shown(
    pg_server: PgServer,
    pg_url: str,
    app_store: Callable[..., AppPgStore],
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    password_role(pg_server, db_of(pg_url))
    pgpass(tmp_path, monkeypatch, f"127.0.0.1:{pg_server.port}:*:{PASSWORD_ROLE}:wrong-错误")
    url = f"postgresql://{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{db_of(pg_url)}"
    in_process = PgStore(url)
    try:
        expected = error_of(lambda: first_page(make_services(in_process, clock)))
    finally:
        in_process.close()
    store = app_store(url)
    shown = error_of(lambda: first_page(make_services(store, clock)))
    assert shown == expected
    assert "password authentication failed" in shown
    assert "wrong-错误" not in shown
    assert "\n" not in shown
    assert store.pre_reader is not None
    assert "password authentication failed" in str(store.pre_reader.failure)


def test_the_password_and_service_files_and_a_password_in_the_url_reach_the_child_but_not_its_argv(
    pg_server: PgServer,
    pg_url: str,
    other: Services,
    app_store: Callable[..., AppPgStore],
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill(other)
    database = db_of(pg_url)
    password_role(pg_server, database)
    pgpass(tmp_path, monkeypatch, f"127.0.0.1:{pg_server.port}:{database}:{PASSWORD_ROLE}:pa55-秘密")
    by_file = app_store(f"postgresql://{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{database}")
    assert first_page(make_services(by_file, clock)) == first_page(other)
    assert by_file.pre_reader is not None
    assert by_file.pre_reader.failure is None

    services_file = tmp_path / "pg_service.conf"
    services_file.write_text(
        f"[team]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={database}\nuser={PASSWORD_ROLE}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services_file))
    by_service = app_store("postgresql://?service=team")
    assert first_page(make_services(by_service, clock)) == first_page(other)
    assert by_service.pre_reader is not None
    assert by_service.pre_reader.failure is None

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    in_url = app_store(f"postgresql://{PASSWORD_ROLE}:pa55-x@127.0.0.1:{pg_server.port}/{database}")
    child = in_url.pre_reader
    assert child is not None
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # unless it is done already
        for part in ("cmdline", "environ"):
            assert b"pa55" not in Path(f"/proc/{child.pid}/{part}").read_bytes()
    assert "password authentication failed" in error_of(lambda: first_page(make_services(in_url, clock)))
    assert "pa55" not in str(child.failure)


def db_of(url: str) -> str:
    return url.rsplit("/", 1)[1]
