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
import fcntl
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from domain.errors import StorageError
from domain.i18n import _
from storage.files import (
    access_hint,
    end_torn_line,
    folder_mode_for,
    fsync_dir,
    mode_for,
    open_new,
    open_shared,
    read_bytes_safely,
    refuse_link,
    write_all,
)

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


def _open_dir(folder: Path) -> int:
    """A descriptor on the journal folder, created if missing: ``2770`` beside a shared (setgid) data
    file, ``0700`` otherwise, whatever the umask (``fchmod`` on the folder this call made).

    A link (or anything but a folder) at its name is refused; every journal file is then opened
    relative to this descriptor, so the folder cannot be swapped for a link between check and use.
    """
    created = False
    try:
        os.mkdir(folder, 0o700)
        created = True
    except FileExistsError:
        pass
    except OSError as exc:
        raise StorageError(
            _("cannot create the meeting journal folder {folder}: {strerror}; {value}").format(
                folder=folder, strerror=exc.strerror, value=access_hint(folder)
            )
        ) from exc
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(folder):
            raise refuse_link(folder) from exc
        if exc.errno == errno.ENOTDIR:
            raise StorageError(
                _("{folder} is not a folder; move it aside to keep meeting journals").format(folder=folder)
            ) from exc
        raise StorageError(
            _("cannot open the meeting journal folder {folder}: {strerror}; {value}").format(
                folder=folder, strerror=exc.strerror, value=access_hint(folder)
            )
        ) from exc
    if created:
        try:
            if os.fstat(fd).st_uid != os.geteuid():
                raise StorageError(
                    _("{folder} was replaced by another account's folder; move it aside").format(
                        folder=folder
                    )
                )
            os.fchmod(fd, folder_mode_for(os.stat(folder.parent)))
            fsync_dir(folder.parent)
        except OSError as exc:
            os.close(fd)
            raise StorageError(
                _("cannot set up the meeting journal folder {folder}: {strerror}").format(
                    folder=folder, strerror=exc.strerror
                )
            ) from exc
        except StorageError:
            os.close(fd)
            raise
    return fd


@contextlib.contextmanager
def _in_dir(folder: Path) -> Iterator[int]:
    fd = _open_dir(folder)
    try:
        yield fd
    finally:
        os.close(fd)


def _file_mode(dir_fd: int) -> int:
    return mode_for(os.fstat(dir_fd))


class MeetingJournal:
    """Append-only, fsynced journal of one person's typing in one meeting.

    The journal and its temp file are this account's own: an existing one owned by anyone else, a
    link or a FIFO at their names is refused, never written.
    """

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
            write_all(fd, line)
            os.fsync(fd)
        except OSError as exc:
            self.close()
            reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
            raise StorageError(
                _("cannot write the meeting journal {path}: {reason}").format(path=self.path, reason=reason)
            ) from exc

    def records(self) -> Iterator[dict[str, Any]]:
        """Every complete record, oldest first; a torn line left by a crash is skipped."""
        self.torn = 0
        if not os.path.lexists(self.path.parent):
            return
        with _in_dir(self.path.parent) as dir_fd:
            raw = read_bytes_safely(self.path, "the meeting journal", dir_fd=dir_fd)
        if raw is None:
            return
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
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with _in_dir(self.path.parent) as dir_fd:
            fd = self._create_temp(temp, dir_fd)
            try:
                try:
                    write_all(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(temp.name, self.path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                fsync_dir(temp.parent, dir_fd=dir_fd)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.unlink(temp.name, dir_fd=dir_fd)
                reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
                raise StorageError(
                    _("cannot rewrite the meeting journal {path}: {reason}").format(
                        path=self.path, reason=reason
                    )
                ) from exc

    @staticmethod
    def _create_temp(temp: Path, dir_fd: int) -> int:
        """The temp file for a rewrite, made new; a stale one of a killed run (same pid) is removed,
        a link planted at its name is refused."""
        for _attempt in range(2):
            try:
                return open_new(temp, os.O_WRONLY, _file_mode(dir_fd), dir_fd=dir_fd, what="a temp file")
            except FileExistsError:
                st = os.stat(temp.name, dir_fd=dir_fd, follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
                    raise StorageError(
                        _(
                            "{temp} is in the way (not a journal temp file of yours); nothing was "
                            "changed: remove it (rm {temp})"
                        ).format(temp=temp)
                    ) from None
                os.unlink(temp.name, dir_fd=dir_fd)
        raise StorageError(_("{temp} keeps coming back; nothing was changed").format(temp=temp))

    def clear(self) -> None:
        """Remove the journal once its records are safely in the data file."""
        self.close()
        if not os.path.lexists(self.path.parent):
            return
        with _in_dir(self.path.parent) as dir_fd:
            try:
                os.unlink(self.path.name, dir_fd=dir_fd)
                fsync_dir(self.path.parent, dir_fd=dir_fd)
            except FileNotFoundError:
                return
            except OSError as exc:
                raise StorageError(
                    _("cannot remove the meeting journal {path}: {strerror}").format(
                        path=self.path, strerror=exc.strerror
                    )
                ) from exc

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)

    def _open(self) -> int:
        if self._fd is not None:
            return self._fd
        with _in_dir(self.path.parent) as dir_fd:
            fd, created = open_shared(
                self.path, os.O_APPEND | os.O_RDWR, _file_mode(dir_fd), owner=os.geteuid(), dir_fd=dir_fd,
                what="the meeting journal",
            )  # fmt: skip
            try:
                if created:
                    fsync_dir(self.path.parent, dir_fd=dir_fd)
                else:
                    end_torn_line(fd)
                    os.fsync(fd)
            except OSError as exc:
                os.close(fd)
                raise StorageError(
                    _("cannot prepare the meeting journal {path}: {strerror}").format(
                        path=self.path, strerror=exc.strerror
                    )
                ) from exc
        self._fd = fd
        return fd


def claim_path(journal: Path) -> Path:
    """The hidden lock file beside a journal (journal listings skip names starting with a dot)."""
    return journal.with_name(f".{journal.name}.lock")


def try_claim(journal: Path) -> int | None:
    """An fd holding an exclusive flock on the journal's claim lock, or None if someone else holds it.

    The claim lock is created like the journal (this account's own, the folder's shared mode, no link
    followed); one that belongs to another account is refused.
    """
    path = claim_path(journal)
    with _in_dir(path.parent) as dir_fd:
        fd, _created = open_shared(
            path, os.O_RDONLY, _file_mode(dir_fd), owner=os.geteuid(), dir_fd=dir_fd,
            what="the meeting journal lock",
        )  # fmt: skip
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class LockedJournal:
    """A meeting journal plus the flock that marks it in use; ``close()`` releases both."""

    def __init__(self, journal: MeetingJournal, lock_fd: int) -> None:
        self._journal = journal
        self._lock_fd: int | None = lock_fd

    @property
    def path(self) -> Path:
        return self._journal.path

    def append(self, record: Mapping[str, Any]) -> None:
        self._journal.append(record)

    def records(self) -> Iterator[dict[str, Any]]:
        return self._journal.records()

    def rewrite(self, records: Iterable[Mapping[str, Any]]) -> None:
        self._journal.rewrite(records)

    def clear(self) -> None:
        self._journal.clear()

    def close(self) -> None:
        self._journal.close()
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            os.close(fd)


def claim_journal(db_path: Path, meeting_id: str, os_user: str) -> LockedJournal | None:
    """``os_user``'s journal for ``meeting_id``, held (flock) until ``close()``; None when another open
    meeting screen (in this or another process) holds it."""
    journal = MeetingJournal(db_path, meeting_id, os_user)
    lock = try_claim(journal.path)
    return None if lock is None else LockedJournal(journal, lock)


def unclaimed_journals(db_path: Path, os_user: str) -> list[str]:
    """Ids of meetings with a journal of ``os_user`` that no open meeting screen holds: left by a
    crash, a kill or a dropped link (or kept for a draft on leaving)."""
    found = []
    for meeting_id, user, path in pending_journals(db_path):
        if user != os_user:
            continue
        lock = try_claim(path)
        if lock is not None:
            os.close(lock)
            found.append(meeting_id)
    return found


def pending_journals(db_path: Path) -> list[tuple[str, str, Path]]:
    """Journals left beside ``db_path`` (by a crash, or a meeting still open): (meeting id, OS user, path)."""
    folder = journal_dir(db_path)
    if os.path.islink(folder):
        raise refuse_link(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        return []
    except OSError as exc:
        raise StorageError(
            _("cannot list the meeting journals in {folder}: {strerror}").format(
                folder=folder, strerror=exc.strerror
            )
        ) from exc
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
