"""File primitives for a data file shared by many processes: lock, safe read, atomic replace, modes."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

from domain.errors import StorageError

LOCK_TIMEOUT = 15.0


def shared_mode(folder: Path) -> int:
    """0660 in a setgid (group-shared) folder, 0600 otherwise."""
    try:
        return 0o660 if os.stat(folder).st_mode & stat.S_ISGID else 0o600
    except OSError:
        return 0o600


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive flock on ``PATH.lock`` (never on the data file, which gets replaced)."""
    lock = lock_path(path)
    mode = shared_mode(lock.parent)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, mode)
    except OSError as exc:
        raise StorageError(f"cannot open the lock file {lock}: {exc.strerror}") from exc
    try:
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_uid == os.getuid():
                os.fchmod(fd, mode)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StorageError(
                        f"{path} is locked by another huddle process for more than {timeout:.0f}s; try again"
                    ) from None
                time.sleep(0.005)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read_json(path: Path) -> dict[str, object] | None:
    """The parsed file, or None when it does not exist; StorageError for anything unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StorageError(
            f"{path} is a folder, not a Huddle data file; pass --db with a file path"
        ) from None
    except OSError as exc:
        raise StorageError(
            f"cannot read {path}: {exc.strerror}; "
            "check its permissions (a shared file needs group read/write)"
        ) from exc
    if len(raw) < 64 and not raw.strip():
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StorageError(
            f"{path} is not valid JSON ({exc}); it was left untouched. Restore it from a backup, "
            f"or move it aside (mv {path} {path}.broken) to start a new one"
        ) from exc
    if not isinstance(data, dict):
        raise StorageError(
            f"{path} is not a Huddle data file (top level is not an object); it was left untouched"
        )
    return data


def dump_json(data: object) -> bytes:
    return orjson.dumps(data) + b"\n"


def atomic_write(path: Path, payload: bytes) -> None:
    """Write via a temp file in the same folder, fsync, ``os.replace``, fsync the folder.

    A crash at any point leaves the old or the new complete file. The new file keeps the old one's
    mode (or the folder's shared mode) and group.
    """
    folder = path.parent
    try:
        old = os.stat(path)
        mode, gid = stat.S_IMODE(old.st_mode), old.st_gid
    except FileNotFoundError:
        mode, gid = shared_mode(folder), -1
    tmp_name = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise StorageError(f"cannot write in {folder}: {exc.strerror}; nothing was changed") from exc
    try:
        try:
            os.fchmod(fd, mode)
            if gid != -1:
                with contextlib.suppress(OSError):
                    os.fchown(fd, -1, gid)
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise StorageError(f"cannot write {path}: {reason}; nothing was changed") from exc
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise StorageError(f"{path} was written but {folder} could not be synced: {exc.strerror}") from exc


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files left by writers killed mid-write; call only while holding the lock,
    when no live writer can own one."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def file_version(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the file, or None when missing: changes on every replace."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def end_torn_line(fd: int) -> None:
    """If an append-only file (opened read-write) ends mid-line, torn by a crash or a full disk, end
    that line, so the next record starts on a line of its own and readers skip only the torn one."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        os.write(fd, b"\n")


def append_lines(path: Path, lines: list[bytes]) -> None:
    """Append whole lines to ``path`` (created with the folder's shared mode) and fsync them."""
    payload = b"".join(line + b"\n" for line in lines)
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, shared_mode(path.parent))
    except OSError as exc:
        raise StorageError(f"cannot open {path}: {exc.strerror}; nothing was changed") from exc
    try:
        end_torn_line(fd)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise StorageError(f"cannot write {path}: {reason}; nothing was changed") from exc
    finally:
        os.close(fd)
