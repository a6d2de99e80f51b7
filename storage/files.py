"""File primitives for a data file shared by many processes and accounts: lock, safe open, atomic
replace, modes.

Nothing found by a path in the shared folder is trusted, because every member of its group can put a
symbolic link, a FIFO or someone else's file under any name there. So every open that creates or
appends uses ``O_NOFOLLOW`` (and ``O_EXCL`` when it creates), checks with ``fstat`` that it got a regular
file (owned by this account where that matters), and a mode is only ever set with ``fchmod`` on a
descriptor this process created, so the umask never decides who can share a file and a planted link
can never make Huddle chmod, append to or replace its target.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import grp
import os
import pwd
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson

from domain.errors import StorageError
from domain.i18n import _

LOCK_TIMEOUT = 15.0


def shared_mode(folder: Path) -> int:
    """0660 in a setgid (group-shared) folder, 0600 otherwise."""
    try:
        return mode_for(os.stat(folder))
    except OSError:
        return 0o600


def mode_for(folder: os.stat_result) -> int:
    """The mode of a new file in a folder with this ``stat``: 0660 if it is setgid, 0600 otherwise."""
    return 0o660 if folder.st_mode & stat.S_ISGID else 0o600


def folder_mode_for(folder: os.stat_result) -> int:
    """The mode of a new sub-folder: 2770 in a setgid folder (members share it), 0700 otherwise."""
    return 0o2770 if folder.st_mode & stat.S_ISGID else 0o700


def _user_name() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def access_hint(path: Path) -> str:
    """What to do about a permission refused on ``path``: join the folder's group, or ask the owner
    of the file (or, when it could not be created, of the folder) to share it with the group."""
    folder = path.parent
    try:
        folder_st = os.stat(folder)
    except OSError:
        return f"check the permissions of {folder}"
    if not folder_st.st_mode & stat.S_ISGID:
        return f"check its permissions (ls -ld {path})"
    try:
        group = grp.getgrgid(folder_st.st_gid).gr_name
    except KeyError:
        group = str(folder_st.st_gid)
    if folder_st.st_gid != os.getegid() and folder_st.st_gid not in os.getgroups():
        return (
            f"{folder} is shared with the group {group}, and you are not in it: ask an administrator to "
            f"run 'sudo usermod -aG {group} {_user_name()}', then log in again"
        )
    if not os.path.lexists(path):  # it could not be created: the folder is not group-writable
        return f"ask the owner of {folder} to share it with the group (chmod 2770 {folder})"
    if os.path.isdir(path) and not os.path.islink(path):
        return f"ask its owner to share it with the group (chmod 2770 {path})"
    return f"ask its owner to make it group-writable (chmod g+rw {path})"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def refuse_link(path: Path) -> StorageError:
    """The error for a symbolic link found where Huddle keeps one of its files."""
    return StorageError(
        _(
            "{path} is a symbolic link, which Huddle never follows in a shared folder; "
            "nothing was changed (its target is untouched): remove the link (rm {path}) "
            "and tell the folder's admin"
        ).format(path=path)
    )


def _refuse_kind(path: Path, mode: int) -> StorageError:
    return StorageError(
        _("{path} is {value}, not a file Huddle made; it was left untouched: move it aside").format(
            path=path, value=_kind(mode)
        )
    )


def _open_error(path: Path, exc: OSError, what: str, verb: str = "open") -> StorageError:
    if exc.errno == errno.ELOOP:
        return refuse_link(path)
    name = f"{what} {path}" if what else str(path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError(
            _("cannot {verb} {name}: {strerror}; {value}").format(
                verb=verb, name=name, strerror=exc.strerror, value=access_hint(path)
            )
        )
    return StorageError(
        _("cannot {verb} {name}: {strerror}; nothing was changed").format(
            verb=verb, name=name, strerror=exc.strerror
        )
    )


def _foreign(path: Path, uid: int) -> StorageError:
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid {uid}"
    return StorageError(
        _(
            "{path} belongs to another account ({name}), not to you; Huddle did not use "
            "it and left it untouched: remove it if you did not make it"
        ).format(path=path, name=name)
    )


def _at(path: Path, dir_fd: int | None) -> str | Path:
    return path if dir_fd is None else path.name


def open_new(path: Path, flags: int, mode: int, *, dir_fd: int | None = None, what: str = "") -> int:
    """Create ``path`` (refused if anything, a dangling link included, is there) and give the new
    descriptor ``mode`` with ``fchmod``: the umask does not decide who can share it."""
    try:
        fd = os.open(
            _at(path, dir_fd), flags | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
            dir_fd=dir_fd,
        )  # fmt: skip
    except FileExistsError:
        raise
    except OSError as exc:
        raise _open_error(path, exc, what or "file") from exc
    try:
        os.fchmod(fd, mode)
    except OSError as exc:
        os.close(fd)
        raise StorageError(
            _("cannot set the mode of {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from exc
    return fd


def open_existing(
    path: Path,
    flags: int,
    *,
    owner: int | None = None,
    dir_fd: int | None = None,
    what: str = "file",
    verb: str = "open",
) -> int:
    """Open an existing regular file without following a link (a FIFO does not block the open);
    refused when it is anything else, when it is opened to write and has a second hard link (it may
    be someone's file under another name), or, with ``owner``, when it belongs to another account."""
    try:
        fd = os.open(_at(path, dir_fd), flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if owner is not None and exc.errno in (errno.EACCES, errno.EPERM):
            with contextlib.suppress(OSError):
                found = os.stat(_at(path, dir_fd), dir_fd=dir_fd, follow_symlinks=False)
                if found.st_uid != owner:
                    raise _foreign(path, found.st_uid) from exc
        raise _open_error(path, exc, what, verb) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse_kind(path, st.st_mode)
        if flags & (os.O_WRONLY | os.O_RDWR) and st.st_nlink != 1:  # reading a second name is harmless
            raise StorageError(
                _(
                    "{path} has {st_nlink} hard links, so it may be another file under a second "
                    "name; Huddle did not use it and left it untouched: move it aside"
                ).format(path=path, st_nlink=st.st_nlink)
            )
        if owner is not None and st.st_uid != owner:
            raise _foreign(path, st.st_uid)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_shared(
    path: Path,
    flags: int,
    mode: int,
    *,
    owner: int | None = None,
    dir_fd: int | None = None,
    what: str = "file",
) -> tuple[int, bool]:
    """Open ``path`` for ``flags``, creating it with ``mode`` if missing: (fd, created).

    A file that was already there is used as it is (never chmodded) once ``open_existing`` accepts it.
    """
    for _attempt in range(5):
        try:
            return open_new(path, flags, mode, dir_fd=dir_fd, what=what), True
        except FileExistsError:
            pass
        try:
            return open_existing(path, flags, owner=owner, dir_fd=dir_fd, what=what), False
        except FileNotFoundError:
            continue  # removed between the two opens: try creating it again
    raise StorageError(
        _("cannot open {what} {path}: it keeps appearing and disappearing; nothing was changed").format(
            what=what, path=path
        )
    )


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _flock_within(fd: int, op: int, deadline: float) -> bool:
    """``flock(fd, op)``, waiting without polling until ``deadline`` (``time.monotonic``); False on timeout.

    flock has no timeout and SIGALRM only reaches the main thread (the app writes from worker threads),
    so a helper thread makes the blocking call while this one waits on an event. On timeout the helper
    keeps the descriptor: it closes it (which drops the flock) once its call returns, so the caller must
    not touch ``fd`` again.
    """
    try:
        fcntl.flock(fd, op | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    got = threading.Event()
    guard = threading.Lock()
    abandoned = False
    failure: list[OSError] = []

    def wait() -> None:
        try:
            fcntl.flock(fd, op)
        except OSError as exc:
            failure.append(exc)
        with guard:
            if abandoned:
                os.close(fd)
            else:
                got.set()

    threading.Thread(target=wait, name="huddle-lock-wait", daemon=True).start()
    if not got.wait(max(0.0, deadline - time.monotonic())):
        with guard:
            if not got.is_set():
                abandoned = True
                return False
    if failure:
        raise StorageError(_("cannot lock: {strerror}").format(strerror=failure[0].strerror))
    return True


class _Queue:
    """This writer's place in the FIFO queue of writers to one data file.

    A place is an empty file ``.NAME.lock.<number>.wait`` beside the data file. A writer numbers its
    place one above the highest it sees, and makes it by creating a temp file, flock-ing it, and then
    hard-linking it to the numbered name (``link`` never replaces: a number someone took first is
    refused and the next one tried), so a place is locked from the instant anyone can see it. The
    writer then waits, with blocking flocks, on every place numbered below its own: their writers
    remove their place and only then drop its flock, so a place still there once its flock could be
    taken belonged to a writer that died (the kernel dropped its flock); it is skipped and removed.

    The queue only decides the order: the data file's own lock (``PATH.lock``) is still taken by
    whoever's turn it is, so exclusion never depends on the queue, and a writer that cannot make a
    place (a full disk, no hard links) or that a slow listing let in out of turn is still safe.
    """

    def __init__(self, path: Path) -> None:
        self.folder = path.parent
        self.prefix = f".{path.name}.lock."
        self.fd = -1
        self.name = ""
        self.before: list[str] = []
        mode = shared_mode(self.folder)
        temp = self.folder / f"{self.prefix}{os.getpid()}.{os.urandom(4).hex()}.new"
        try:
            fd = open_new(temp, os.O_RDONLY, mode, what="a lock place")
        except (OSError, StorageError):
            return  # no place: this writer just takes the lock
        number = 0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new and ours: never blocks
            first = max((n for n, _name in self._places()), default=0) + 1
            for number in range(first, first + 256):
                try:
                    os.link(temp, self.folder / self._name(number), follow_symlinks=False)
                except FileExistsError:
                    continue
                self.name = self._name(number)
                break
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if not self.name:
            os.close(fd)
            return
        self.fd = fd
        with contextlib.suppress(OSError):
            self.before = [name for n, name in sorted(self._places()) if n < number]

    def _name(self, number: int) -> str:
        return f"{self.prefix}{number:012d}.wait"

    def _places(self) -> Iterator[tuple[int, str]]:
        with os.scandir(self.folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(self.prefix) and name.endswith(".wait"):
                    number = name[len(self.prefix) : -len(".wait")]
                    if number.isdigit():
                        yield int(number), name

    def wait_turn(self, deadline: float) -> bool:
        """Wait until every writer queued before this one is done or dead; False on timeout."""
        for name in reversed(self.before):
            place = self.folder / name
            try:
                fd = open_existing(place, os.O_RDONLY, what="a lock place")
            except FileNotFoundError:
                continue  # done
            except StorageError:
                continue  # not a place Huddle made (a link, a FIFO): nobody waits on it
            if not _flock_within(fd, fcntl.LOCK_SH, deadline):
                return False
            try:
                still = os.stat(place, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                still = False
            if still:  # its writer died while queued: clear it away if this account may
                with contextlib.suppress(OSError):
                    os.unlink(place)
            os.close(fd)
        return True

    def leave(self) -> None:
        """Remove the place, then drop its flock: the next writer wakes and finds it gone."""
        if self.fd < 0:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.folder / self.name)
        os.close(self.fd)


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive flock on ``PATH.lock`` (never on the data file, which gets replaced), taking
    turns first come, first served, and waiting without polling (see ``_Queue``).

    The lock is opened read-only: flock needs no write permission, so a lock file whose mode an older
    Huddle left too narrow still works for every member who can read it.
    """
    lock = lock_path(path)
    fd, _created = open_shared(lock, os.O_RDONLY, shared_mode(lock.parent), what="the lock file")
    deadline = time.monotonic() + timeout
    queue = _Queue(path)
    owned = True  # False once a timed-out wait handed ``fd`` to its helper thread
    try:
        if not queue.wait_turn(deadline) or not (owned := _flock_within(fd, fcntl.LOCK_EX, deadline)):
            raise StorageError(
                _(
                    "{path} is locked by another huddle process for more than {timeout:.0f}s; try again"
                ).format(path=path, timeout=timeout)
            )
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if owned:
            os.close(fd)
        queue.leave()


def resolve_data_file(path: Path) -> Path:
    """The real path of the data file, resolved once when the store is opened.

    A data file given through a symbolic link is used through the file it points to, consistently: the
    lock, the activity archive and the journals all sit beside the real file, so every path to one file
    shares one lock. A link to nothing, a folder, a FIFO or a device is refused.
    """
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if os.path.islink(path):
            raise StorageError(
                _(
                    "{path} is a symbolic link to {real}, which does not exist; Huddle does not "
                    "create a data file through a link: remove the link or point --db at the "
                    "real file"
                ).format(path=path, real=real)
            ) from None
        return real
    except OSError as exc:
        raise StorageError(
            _("cannot open {path}: {strerror}; {value}").format(
                path=path, strerror=exc.strerror, value=access_hint(real)
            )
        ) from exc
    _refuse_non_file(path, st)
    return real


def _refuse_non_file(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise StorageError(
            _("{path} is a folder, not a Huddle data file; pass --db with a file path").format(path=path)
        )
    if stat.S_ISLNK(st.st_mode):
        raise refuse_link(path)
    if not stat.S_ISREG(st.st_mode):
        raise StorageError(
            _(
                "{path} is {value}, not a Huddle data file; it was left untouched: pass --db with a file path"
            ).format(path=path, value=_kind(st.st_mode))
        )


def check_data_file(path: Path) -> None:
    """Refuse, before any lock file is made beside it, a data file (already resolved) that is now a
    link, a folder, a FIFO or a device."""
    try:
        st = os.lstat(path)
    except OSError:
        return  # missing (created on the first write) or unreadable (reported by the read)
    _refuse_non_file(path, st)


def check_writable(path: Path) -> None:
    """Refuse to replace a data file this account may not write: replacing it only needs write
    permission on the folder, so without this check a read-only file would be silently rewritten."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(
            _("cannot open {path}: {strerror}; {value}").format(
                path=path, strerror=exc.strerror, value=access_hint(path)
            )
        ) from exc
    if stat.S_ISLNK(st.st_mode):
        raise refuse_link(path)
    if st.st_uid == os.geteuid():
        allowed = bool(st.st_mode & stat.S_IWUSR)
    elif st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        allowed = bool(st.st_mode & stat.S_IWGRP)
    else:
        allowed = bool(st.st_mode & stat.S_IWOTH)
    if not allowed or not os.access(path, os.W_OK, follow_symlinks=False):
        raise StorageError(
            _("{path} is read-only for you (mode {value:04o}); nothing was changed: {value2}").format(
                path=path, value=stat.S_IMODE(st.st_mode), value2=access_hint(path)
            )
        )


def read_bytes_safely(
    path: Path, what: str = "file", *, dir_fd: int | None = None, owner: int | None = None
) -> bytes | None:
    """The whole content of a regular file, or None when missing; never follows a link, never blocks
    on a FIFO."""
    try:
        fd = open_existing(path, os.O_RDONLY, dir_fd=dir_fd, owner=owner, what=what, verb="read")
    except FileNotFoundError:
        return None
    try:
        # One read of the size fstat gives (and one more that finds the end): the file's bytes arrive
        # in the one object returned, where 1 MB chunks were copied again by the join (a data file is
        # read by every command). A file that grows meanwhile is still read to its end.
        chunks = []
        want = os.fstat(fd).st_size + 1
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            want = 1 << 20
        return b"".join(chunks)  # one chunk: that very object, not a copy
    except OSError as exc:
        name = f"{what} {path}" if what else str(path)
        raise StorageError(
            _("cannot read {name}: {strerror}").format(name=name, strerror=exc.strerror)
        ) from exc
    finally:
        os.close(fd)


def read_json(path: Path) -> dict[str, object] | None:
    """The parsed file, or None when it does not exist; StorageError for anything unreadable."""
    raw = read_data_bytes(path)
    return None if raw is None else parse_json(raw, path)


def read_data_bytes(path: Path) -> bytes | None:
    """The data file's bytes, or None when it does not exist or is blank; StorageError when unreadable."""
    try:
        raw = read_bytes_safely(path, "")
    except StorageError as exc:
        if os.path.isdir(path) and not os.path.islink(path):
            raise StorageError(
                _("{path} is a folder, not a Huddle data file; pass --db with a file path").format(path=path)
            ) from None
        raise exc
    if raw is None or (len(raw) < 64 and not raw.strip()):
        return None
    return raw


def parse_json(raw: bytes, path: Path) -> dict[str, object]:
    """The top-level object of a data file's bytes; StorageError (the file left untouched) otherwise."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StorageError(
            _(
                "{path} is not valid JSON ({exc}); it was left untouched. Restore it from a "
                "backup, or move it aside (mv {path} {path}.broken) to start a new one"
            ).format(path=path, exc=exc)
        ) from exc
    if not isinstance(data, dict):
        raise StorageError(
            _("{path} is not a Huddle data file (top level is not an object); it was left untouched").format(
                path=path
            )
        )
    return data


def dump_json(data: object) -> bytes:
    return orjson.dumps(data) + b"\n"


def write_all(fd: int, payload: bytes | Sequence[bytes | memoryview]) -> None:
    """Write every byte of ``payload`` (``os.write`` may write less than asked); a sequence of pieces
    is written in order with ``os.writev``, without first joining them into one copy."""
    if isinstance(payload, bytes):
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        return
    pieces = [memoryview(piece).cast("B") for piece in payload if len(piece)]
    while pieces:
        done = os.writev(fd, pieces[:WRITEV_PIECES])
        while pieces and done >= len(pieces[0]):  # drop the pieces written whole, then cut the next one
            done -= len(pieces.pop(0))
        if done:
            pieces[0] = pieces[0][done:]


WRITEV_PIECES = 512
"""Pieces handed to one ``os.writev`` (the kernel takes at most IOV_MAX, 1024 on Linux)."""


def fsync_dir(folder: Path, *, dir_fd: int | None = None) -> None:
    """Make a create, rename or unlink in ``folder`` durable (through ``dir_fd`` when one is held)."""
    if dir_fd is not None:
        os.fsync(dir_fd)
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, payload: bytes | Sequence[bytes | memoryview]) -> None:
    """Write via a temp file in the same folder, fsync, ``os.replace``, fsync the folder.

    ``payload`` is the new content, or its pieces in order (``tables.dump_pieces``: a data file is not
    joined into one more copy of itself just to be written).

    A crash at any point leaves the old or the new complete file. The new file keeps the old one's
    mode (or the folder's shared mode) and group; the temp file is created with ``O_EXCL`` and no link
    is followed, and ``os.replace`` swaps the name itself, so a link planted at the data file's name is
    replaced, never its target.
    """
    folder = path.parent
    try:
        old = os.stat(path, follow_symlinks=False)
        if stat.S_ISLNK(old.st_mode):
            raise refuse_link(path)
        if not stat.S_ISREG(old.st_mode):
            raise _refuse_kind(path, old.st_mode)
        mode, gid = stat.S_IMODE(old.st_mode), old.st_gid
    except FileNotFoundError:
        mode, gid = shared_mode(folder), -1
    tmp_name = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        fd = open_new(tmp_name, os.O_WRONLY, mode, what="a temp file")
    except FileExistsError:
        raise StorageError(
            _("{tmp_name} is in the way; nothing was changed: try again").format(tmp_name=tmp_name)
        ) from None
    except StorageError as exc:
        raise StorageError(
            _("cannot write in {folder}: {exc}; nothing was changed").format(folder=folder, exc=exc)
        ) from exc
    try:
        try:
            if gid != -1:
                with contextlib.suppress(OSError):
                    os.fchown(fd, -1, gid)
            write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise StorageError(
            _("cannot write {path}: {reason}; nothing was changed").format(path=path, reason=reason)
        ) from exc
    try:
        fsync_dir(folder)
    except OSError as exc:
        raise StorageError(
            _("{path} was written but {folder} could not be synced: {strerror}").format(
                path=path, folder=folder, strerror=exc.strerror
            )
        ) from exc


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files left by writers killed mid-write; call only while holding the lock,
    when no live writer can own one."""
    # The names atomic_write gives its temp files, ``.NAME.<anything>.tmp``, matched literally: a
    # glob would compile a pattern on every write, and read ``[`` or ``*`` in the data file's name
    # as wildcards.
    prefix, suffix = f".{path.name}.", ".tmp"
    names: list[str] = []
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        names = [entry.name for entry in entries]
    for name in names:
        if len(name) >= len(prefix) + len(suffix) and name.startswith(prefix) and name.endswith(suffix):
            with contextlib.suppress(OSError):
                (path.parent / name).unlink()


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


def append_lines(path: Path, lines: list[bytes], what: str = "the file") -> None:
    """Append whole lines to ``path`` (created with the folder's shared mode) and fsync them.

    A link or anything but a regular file at ``path`` is refused: appending through a planted link
    would write attacker-chosen text into the link's target.
    """
    payload = b"".join(line + b"\n" for line in lines)
    fd, _created = open_shared(path, os.O_RDWR | os.O_APPEND, shared_mode(path.parent), what=what)
    try:
        end_torn_line(fd)
        write_all(fd, payload)
        os.fsync(fd)
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise StorageError(
            _("cannot write {path}: {reason}; nothing was changed").format(path=path, reason=reason)
        ) from exc
    finally:
        os.close(fd)
