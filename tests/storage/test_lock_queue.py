"""The write lock serves writers first come, first served, skips writers that died in the queue, and
times out with its one-line message, leaving no queue place behind (real processes, real flocks)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from domain.errors import StorageError
from storage import open_store
from storage.files import exclusive_lock
from tests.helpers.clock import FixedClock
from tests.helpers.procs import REPO, worker_command
from tests.helpers.wait import wait_for
from tests.helpers.workspace import make_services

DEADLINE = 60.0  # generous: the machine is shared and loaded


def places(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.endswith(".wait"))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    wait_for(condition, DEADLINE, what, step=0.01)


def start_writer(db: Path, writer: int) -> subprocess.Popen[str]:
    """A process adding one card titled ``w<writer>``; returns once its imports are done."""
    proc = subprocess.Popen(
        worker_command("add-cards", str(db), "--writer", str(writer), "-n", "1"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "HUDDLE_TEST_GO"},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def titles_in_write_order(db: Path) -> list[str]:
    cards = orjson.loads(db.read_bytes())["cards"]
    return [cards[key]["title"] for key in sorted(cards, key=int)]


@pytest.fixture
def db(tmp_path: Path, clock: FixedClock) -> Path:
    path = tmp_path / "team.json"
    make_services(open_store(path), clock).directory.add_department("Operations", key="OPS")
    return path


def test_writers_are_served_in_the_order_they_queued(db: Path) -> None:
    writers = []
    with exclusive_lock(db):  # the test holds the turn while the writers queue up one by one
        for n in range(6):
            writers.append(start_writer(db, n))
            wait_until(lambda n=n: len(places(db)) == n + 2, f"writer {n} queued")  # type: ignore[misc]
    for proc in writers:
        assert proc.wait(timeout=DEADLINE) == 0
    titles = titles_in_write_order(db)
    assert [t.split()[0] for t in titles] == [f"w{n}" for n in range(6)], titles
    assert places(db) == []


def test_a_writer_killed_while_queued_is_skipped_and_its_place_removed(db: Path) -> None:
    with exclusive_lock(db):
        doomed = start_writer(db, 0)
        wait_until(lambda: len(places(db)) == 2, "the doomed writer queued")
        survivor = start_writer(db, 1)
        wait_until(lambda: len(places(db)) == 3, "the survivor queued behind it")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=DEADLINE)
    assert survivor.wait(timeout=DEADLINE) == 0
    assert [t.split()[0] for t in titles_in_write_order(db)] == ["w1"]
    assert places(db) == []


def test_a_wait_past_the_timeout_fails_with_one_line_and_leaves_no_place(db: Path) -> None:
    with exclusive_lock(db):
        started = time.monotonic()
        with pytest.raises(StorageError) as error, exclusive_lock(db, timeout=1.0):
            pass
        assert time.monotonic() - started >= 1.0
        assert str(error.value) == f"{db} is locked by another huddle process for more than 1s; try again"
        assert len(places(db)) == 1  # only the holder's
    with exclusive_lock(db, timeout=DEADLINE):  # the lock is free again, and usable
        pass
    assert places(db) == []
