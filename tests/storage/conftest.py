"""Storage fixtures: a real file system small enough to fill."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.services import Services
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer, server_or_skip
from tests.helpers.workspace import make_services


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs: writes on it really fail with ENOSPC."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command; cannot make a small file system to fill")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root or CAP_SYS_ADMIN): {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def private_server() -> Iterator[PgServer]:
    """A server of this test's own, to restart without disturbing the others."""
    with server_or_skip() as server:
        yield server


@pytest.fixture
def other(pg_url: str, clock: FixedClock) -> Iterator[Services]:
    """Another client of the same database (its own store and connections), as another process."""
    from storage.postgres import PgStore

    store = PgStore(pg_url)
    try:
        yield make_services(store, clock, handle="other")
    finally:
        store.close()
