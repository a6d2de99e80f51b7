"""The data file on a shared host: bad files are never overwritten, modes, temp files, a full disk."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from domain.errors import StorageError
from domain.services import Services
from storage import TinyStore, open_store
from storage.files import lock_path, read_json
from storage.journal import MeetingJournal
from tests.helpers.clock import FixedClock
from tests.helpers.disk import fill
from tests.helpers.procs import REPO, worker_env
from tests.helpers.workspace import make_services

NOBODY = 65534
"""The group given to shared folders in the tests, so that group inheritance is visible."""
IS_ROOT = os.geteuid() == 0


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder: Path) -> list[str]:
    """Files other than the data file and its lock: temp files a write forgot."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith((".json", ".lock")))


def valid_file(path: Path, clock: FixedClock) -> bytes:
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("OPS", "第一张卡片")
    return path.read_bytes()


def assert_refused_and_untouched(path: Path, clock: FixedClock) -> str:
    """Snapshot and transaction both fail with a StorageError naming the file; the bytes stay as they were."""
    before = path.read_bytes()
    store = TinyStore(path)
    with pytest.raises(StorageError) as snap_error:
        store.snapshot()
    with pytest.raises(StorageError) as write_error:
        make_services(store, clock).cards.add("OPS", "must not be written")
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []
    for error in (snap_error.value, write_error.value):
        assert str(path) in str(error)
    return str(write_error.value)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: b"\x00\xff\xfe garbage \x89PNG", id="garbage-bytes"),
        pytest.param(lambda good: good[: len(good) // 2], id="truncated-json"),
        pytest.param(lambda good: b'[{"id": "OPS-1"}]', id="json-list"),
        pytest.param(lambda good: b'"just a string"', id="json-string"),
    ],
)
def test_a_corrupt_file_is_refused_and_left_byte_for_byte(
    db_path: Path, clock: FixedClock, damage: object
) -> None:
    assert callable(damage)
    db_path.write_bytes(damage(valid_file(db_path, clock)))

    message = assert_refused_and_untouched(db_path, clock)

    assert "untouched" in message


def test_the_corrupt_file_message_says_how_to_recover(db_path: Path, clock: FixedClock) -> None:
    db_path.write_bytes(b'{"cards": {"1": {"id": ')
    with pytest.raises(StorageError, match=r"not valid JSON.*backup.*mv "):
        TinyStore(db_path).snapshot()


def test_a_folder_given_as_the_data_file(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "huddle.json"
    folder.mkdir()
    with pytest.raises(StorageError, match="is a folder"):
        open_store(folder)
    with pytest.raises(StorageError, match="is a folder"):
        make_services(TinyStore(folder), clock).directory.add_department("Operations")
    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "huddle.json")


def test_a_missing_file_is_created_on_the_first_write(db_path: Path, clock: FixedClock) -> None:
    store = open_store(db_path)
    assert store.snapshot().cards.list() == []
    assert not db_path.exists()
    make_services(store, clock).directory.add_department("Operations")
    assert read_json(db_path) is not None


UNREADABLE_PROBE = """
import sys
from pathlib import Path
from datetime import UTC, datetime
from domain.errors import StorageError
from domain.models import Actor
from domain.services import Services
from storage import TinyStore

path = Path(sys.argv[1])
store = TinyStore(path)
for attempt in ("snapshot", "transaction"):
    try:
        if attempt == "snapshot":
            store.snapshot()
        else:
            services = Services.build(store, lambda: datetime.now(UTC), Actor("eve", "eve"), UTC)
            services.directory.add_department("Sneaky")
    except StorageError as exc:
        print(f"{attempt}: {exc}")
    else:
        print(f"{attempt}: no error")
"""


def without_root_powers() -> list[str]:
    """A command prefix that makes root obey file modes: drop the capabilities that bypass them."""
    if not IS_ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads any file, so nothing is unreadable")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


def test_an_unreadable_file_is_reported_and_never_overwritten(db_path: Path, clock: FixedClock) -> None:
    """A 0000 file; as root the probe runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH."""
    before = valid_file(db_path, clock)
    db_path.chmod(0o000)
    probe = subprocess.run(
        [*without_root_powers(), sys.executable, "-c", UNREADABLE_PROBE, str(db_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=worker_env(),
        timeout=60,
        check=False,
    )
    db_path.chmod(0o600)
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert len(lines) == 2, probe.stdout
    for line in lines:
        assert f"cannot read {db_path}" in line
        assert "Permission denied" in line
        assert "permissions" in line
    assert db_path.read_bytes() == before
    assert leftovers(db_path.parent) == []


def test_new_file_in_a_plain_folder_is_private(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "plain"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / "huddle.json"
    old_umask = os.umask(0)
    try:
        valid_file(path, clock)
    finally:
        os.umask(old_umask)
    assert mode_of(path) == 0o600
    assert mode_of(lock_path(path)) == 0o600
    assert leftovers(folder) == []


def test_new_file_in_a_setgid_group_folder_is_group_shared(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    if IS_ROOT:
        os.chown(folder, -1, NOBODY)
    path = folder / "huddle.json"
    old_umask = os.umask(0o077)
    try:
        valid_file(path, clock)
        journal = MeetingJournal(path, "M-1", "ann")
        journal.append({"kind": "note", "text": "共享"})
        journal.close()
    finally:
        os.umask(old_umask)
    assert mode_of(path) == 0o660
    assert mode_of(lock_path(path)) == 0o660
    assert mode_of(journal.path) == 0o660
    assert mode_of(journal.path.parent) == 0o2770
    if IS_ROOT:
        for shared in (path, lock_path(path), journal.path, journal.path.parent):
            assert os.stat(shared).st_gid == NOBODY, shared
    assert leftovers(folder) == ["huddle.json.journal"]


def test_an_existing_group_file_keeps_mode_and_group_across_replaces(
    db_path: Path, clock: FixedClock
) -> None:
    valid_file(db_path, clock)
    db_path.chmod(0o660)
    lock_path(db_path).chmod(0o600)
    if IS_ROOT:
        os.chown(db_path, -1, NOBODY)
    inode = os.stat(db_path).st_ino

    make_services(open_store(db_path), clock).cards.add("OPS", "second")

    assert os.stat(db_path).st_ino != inode, "the write should replace the file, not edit it in place"
    assert mode_of(db_path) == 0o660
    if IS_ROOT:
        assert os.stat(db_path).st_gid == NOBODY
    assert leftovers(db_path.parent) == []


def test_the_lock_file_takes_the_shared_mode_of_its_folder_whatever_the_umask(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    path = folder / "huddle.json"
    valid_file(path, clock)
    lock_path(path).unlink()
    old_umask = os.umask(0o077)
    try:
        make_services(open_store(path), clock).cards.add("OPS", "again")
    finally:
        os.umask(old_umask)
    assert mode_of(lock_path(path)) == 0o660


def test_an_existing_lock_file_is_used_as_found_never_chmodded(tmp_path: Path, clock: FixedClock) -> None:
    """Huddle never chmods a file it found by a path (it could be a hard link to someone's file)."""
    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    path = folder / "huddle.json"
    valid_file(path, clock)
    lock_path(path).chmod(0o640)

    make_services(open_store(path), clock).cards.add("OPS", "again")

    assert mode_of(lock_path(path)) == 0o640


def test_many_writes_and_a_failed_transaction_leave_no_temp_files(db_path: Path, clock: FixedClock) -> None:
    valid_file(db_path, clock)
    services = make_services(open_store(db_path), clock)
    for n in range(20):
        services.cards.add("OPS", f"card {n}")
    assert leftovers(db_path.parent) == []

    before = db_path.read_bytes()
    store = open_store(db_path)

    def failing_change() -> None:
        with store.transaction() as uow:
            uow.cards.delete("OPS-1")
            raise RuntimeError("the body failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert db_path.read_bytes() == before
    assert leftovers(db_path.parent) == []


def test_the_file_is_written_readably_and_stays_parseable(db_path: Path, clock: FixedClock) -> None:
    valid_file(db_path, clock)
    data = orjson.loads(db_path.read_bytes())
    assert data["_meta"]["1"]["schema"] >= 1
    assert db_path.read_bytes().endswith(b"}\n")


def test_a_full_disk_keeps_the_old_file_and_says_so(tiny_disk: Path, clock: FixedClock) -> None:
    path = tiny_disk / "huddle.json"
    services: Services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    journal = MeetingJournal(path, "M-1", "ann")
    journal.append({"kind": "note", "text": "before the disk filled"})
    before = path.read_bytes()
    fill(tiny_disk)

    with pytest.raises(StorageError, match="disk is full") as error:
        services.cards.add("OPS", "有一张很长的卡片 " * 20, description="x" * 8000)
    assert str(path) in str(error.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == sorted(
        ["huddle.json", "huddle.json.lock", "huddle.json.journal", "filler"]
    )

    with pytest.raises(StorageError, match="disk is full"):
        journal.append({"kind": "note", "text": "x" * 10_000})
    journal.close()
    texts = [r["text"] for r in MeetingJournal(path, "M-1", "ann").records()]
    assert texts[0] == "before the disk filled"

    (tiny_disk / "filler").unlink()
    card = services.cards.add("OPS", "after freeing space")
    assert services.cards.get(card.id).title == "after freeing space"


def test_temp_files_of_killed_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    from storage import open_store

    db = tmp_path / "huddle.json"
    store = open_store(db)
    with store.transaction() as uow:
        uow.next_number("x")
    stale = tmp_path / f".{db.name}.99999.deadbeef.tmp"
    stale.write_bytes(b"half a file")
    with store.transaction() as uow:
        uow.next_number("x")
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
