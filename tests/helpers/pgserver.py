"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temporary folder.

Runs as an unprivileged account when started as root (PostgreSQL refuses to run as root): the
``postgres`` account of the Debian package, else ``huddle_pg``, created if missing. It listens on
127.0.0.1 on a free port with trust authentication for the ``huddle`` role only from this host.
Each test gets its own database, created from a template that already has the schema (fast).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

SUPERUSER = "huddle"
PASSWORD_ROLE = "huddle_pw"
"""A role the server asks for a password (scram-sha-256); every other role is trusted from 127.0.0.1."""
TEMPLATE = "huddle_template"


def server_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when PostgreSQL's server is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _run_as() -> str | None:
    """The account to run the server under: None when not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "huddle_pg"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "huddle_pg"],
        check=True,
        capture_output=True,
    )
    return "huddle_pg"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PgServer:
    """One server; ``url(db)`` names a database on it, ``new_database()`` makes a fresh one."""

    def __init__(self, bin_dir: Path, *, fsync: bool = False) -> None:
        self.bin = bin_dir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="huddle-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.fsync = fsync
        self._names = itertools.count(1)
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o755)

    def _cmd(self, argv: Sequence[str], *, check: bool = True, timeout: float = 120) -> str:
        full = list(argv)
        if self.user is not None:
            full = ["runuser", "-u", self.user, "--", *full]
        proc = subprocess.run(full, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.strip()} {self._log_tail()}")
        return proc.stdout

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-1500:]
        return ""

    def init(self) -> None:
        self._cmd(
            [
                str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            ]
        )  # fmt: skip
        hba = self.data / "pg_hba.conf"
        # One role that must give a password (the libpq password-file and service-file tests), then trust.
        hba.write_text(
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text()
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                f"fsync = {'on' if self.fsync else 'off'}\nmax_connections = 200\nshared_buffers = 64MB\n"
            )

    def start(self) -> None:
        self._cmd(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "start"]
        )

    def stop(self, mode: str = "fast") -> None:
        self._cmd([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(statement.encode())
            return cur.fetchall() if cur.description else []

    def make_template(self) -> None:
        """A database with the current schema, copied by every ``new_database``."""
        from storage.postgres import PgStore

        self.sql(f"CREATE DATABASE {TEMPLATE}")
        store = PgStore(self.url(TEMPLATE))
        store.schema_version()
        store.close()

    def new_database(self, prefix: str = "t", *, like: str | None = None) -> str:
        """A fresh, empty database with the schema in place, or a copy of the database at URL ``like``;
        returns its URL. A copy first ends the sessions left on ``like`` (an in-process ``huddle``
        keeps its connections until the store is collected; PostgreSQL copies only a database nobody uses)."""
        name = f"{prefix}{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if like is None else like.rsplit("/", 1)[1]
        deadline = time.monotonic() + 30
        while True:
            try:
                if like is not None:
                    self.sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{template}' AND pid <> pg_backend_pid()"
                    )
                self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
                return self.url(name)
            except Exception as exc:  # the template briefly in use by a closing connection
                if "being accessed" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def start_server(*, fsync: bool = False) -> PgServer | str:
    """A running server with the template database, or the reason there cannot be one."""
    bin_dir = server_binaries()
    if bin_dir is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed; .ci/run installs postgresql"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (make venv installs it)"
    try:
        server = PgServer(bin_dir, fsync=fsync)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"cannot prepare a PostgreSQL server folder: {exc}"
    try:
        server.init()
        server.start()
        server.make_template()
    except Exception as exc:
        server.destroy()
        return f"cannot start a throwaway PostgreSQL server: {exc}"
    return server


# ----- older schemas (migration tests) ---------------------------------------------------------


def migration_number(name: str) -> int:
    """The number ``huddle_schema`` records for the migration called ``name``."""
    from storage.postgres import schema

    return next(n for n, (named, _) in enumerate(schema.MIGRATIONS, start=1) if named == name)


def undo_row_versions() -> str:
    """SQL that takes a database back to before the row-versions migration (a database an older
    Huddle made); the caller also deletes its ``huddle_schema`` row."""
    from storage.postgres import schema

    return (
        "DROP TABLE huddle_deleted; "
        + "".join(
            f"DROP TRIGGER {t}_stamped ON {t}; DROP TRIGGER {t}_deleted ON {t}; "
            f"ALTER TABLE {t} DROP COLUMN ver; "
            for t in schema.VERSIONED_TABLES
        )
        + "DROP FUNCTION huddle_stamp_row; DROP FUNCTION huddle_note_deleted; "
        "DROP SEQUENCE huddle_row_version; "
        "ALTER TABLE huddle_state DROP COLUMN epoch; "
    )


@contextlib.contextmanager
def server_or_skip() -> Iterator[PgServer]:
    """A server of the caller's own, destroyed afterwards, or a skip of the test saying why there is none."""
    import pytest

    server = start_server()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        server.destroy()
