"""The meeting journal: text typed in meeting mode, appended and fsynced line by line.

One JSON line per record in ``<db>.journal/<meeting_id>.<os_user>.jsonl`` beside the data file.
Each record is written with a single ``write`` on an ``O_APPEND`` descriptor and fsynced before
``append`` returns, so a kill -9 loses nothing that was acknowledged; a record torn by a kill in
the middle of its write is skipped when the journal is read back. Records are opaque dicts; the
meeting screen defines their kinds and replays them into the store.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from domain.errors import StorageError
from storage.files import end_torn_line, shared_mode

SUFFIX = ".jsonl"


def journal_dir(db_path: Path) -> Path:
    """The folder holding the meeting journals of the data file ``db_path``."""
    return db_path.with_name(db_path.name + ".journal")


def journal_path(db_path: Path, meeting_id: str, os_user: str) -> Path:
    """Where the journal of ``os_user`` for ``meeting_id`` lives."""
    if not meeting_id or any(ch in meeting_id for ch in "./\\\0"):
        raise ValueError(f"meeting id {meeting_id!r} cannot name a journal file")
    if not os_user or any(ch in os_user for ch in "/\\\0") or os_user.startswith("."):
        raise ValueError(f"OS user {os_user!r} cannot name a journal file")
    return journal_dir(db_path) / f"{meeting_id}.{os_user}{SUFFIX}"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_dir(folder: Path) -> None:
    """Create the journal folder: ``2770`` beside a shared (setgid) data file, ``0700`` otherwise."""
    if folder.is_dir():
        return
    mode = 0o2770 if shared_mode(folder.parent) == 0o660 else 0o700
    try:
        os.mkdir(folder, mode)
    except FileExistsError:
        if not folder.is_dir():
            raise StorageError(f"{folder} is not a folder; move it aside to keep meeting journals") from None
        return
    except OSError as exc:
        raise StorageError(f"cannot create the meeting journal folder {folder}: {exc.strerror}") from exc
    try:
        os.chmod(folder, mode)
        _fsync_dir(folder.parent)
    except OSError as exc:
        raise StorageError(f"cannot set up the meeting journal folder {folder}: {exc.strerror}") from exc


class MeetingJournal:
    """Append-only, fsynced journal of one person's typing in one meeting."""

    def __init__(self, db_path: Path, meeting_id: str, os_user: str) -> None:
        self.db_path = db_path
        self.meeting_id = meeting_id
        self.os_user = os_user
        self.path = journal_path(db_path, meeting_id, os_user)
        self.torn = 0
        """How many torn records (cut by a crash mid-write) the last ``records()`` skipped."""
        self._fd: int | None = None

    def __enter__(self) -> MeetingJournal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def append(self, record: Mapping[str, Any]) -> None:
        """Write ``record`` as one JSON line and fsync it before returning."""
        line = orjson.dumps(record) + b"\n"
        fd = self._open()
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            self.close()
            reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
            raise StorageError(f"cannot write the meeting journal {self.path}: {reason}") from exc

    def records(self) -> Iterator[dict[str, Any]]:
        """Every complete record, oldest first; a torn line left by a crash is skipped."""
        self.torn = 0
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot read the meeting journal {self.path}: {exc.strerror}") from exc
        lines = raw.split(b"\n")
        if lines[-1]:
            self.torn += 1
        for line in lines[:-1]:
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                self.torn += 1
                continue
            if isinstance(record, dict):
                yield record
            else:
                self.torn += 1

    def rewrite(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace the journal with ``records`` in one step: a crash leaves the old journal or the new one.

        The new lines go to a hidden temporary file in the same folder, fsynced, then renamed over the
        journal; with no records left the journal is removed.
        """
        data = b"".join(orjson.dumps(record) + b"\n" for record in records)
        if not data:
            self.clear()
            return
        self.close()
        folder = self.path.parent
        _ensure_dir(folder)
        mode = shared_mode(folder)
        temp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
            try:
                os.fchmod(fd, mode)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, self.path)
            _fsync_dir(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
            raise StorageError(f"cannot rewrite the meeting journal {self.path}: {reason}") from exc

    def clear(self) -> None:
        """Remove the journal once its records are safely in the data file."""
        self.close()
        try:
            self.path.unlink(missing_ok=True)
            _fsync_dir(self.path.parent)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot remove the meeting journal {self.path}: {exc.strerror}") from exc

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)

    def _open(self) -> int:
        if self._fd is not None:
            return self._fd
        folder = self.path.parent
        _ensure_dir(folder)
        mode = shared_mode(folder)
        flags = os.O_APPEND | os.O_RDWR | os.O_CLOEXEC
        try:
            try:
                fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, mode)
                created = True
            except FileExistsError:
                fd = os.open(self.path, flags)
                created = False
        except OSError as exc:
            raise StorageError(f"cannot open the meeting journal {self.path}: {exc.strerror}") from exc
        try:
            if created:
                os.fchmod(fd, mode)
                _fsync_dir(folder)
            else:
                end_torn_line(fd)
                os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            raise StorageError(f"cannot prepare the meeting journal {self.path}: {exc.strerror}") from exc
        self._fd = fd
        return fd


def pending_journals(db_path: Path) -> list[tuple[str, str, Path]]:
    """Journals left beside ``db_path`` (by a crash, or a meeting still open): (meeting id, OS user, path)."""
    folder = journal_dir(db_path)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        return []
    except OSError as exc:
        raise StorageError(f"cannot list the meeting journals in {folder}: {exc.strerror}") from exc
    found = []
    for entry in entries:
        if not entry.name.endswith(SUFFIX) or entry.name.startswith("."):
            continue
        meeting_id, dot, os_user = entry.name[: -len(SUFFIX)].partition(".")
        if not dot or not meeting_id or not os_user:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                found.append((meeting_id, os_user, Path(entry.path)))
    return found
