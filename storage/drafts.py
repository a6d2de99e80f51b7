"""Unsaved form text kept across a dropped connection: written on SIGHUP, offered again on the next open.

Drafts live in the user's state folder (``$XDG_STATE_HOME/huddle/drafts``), one small JSON file per form,
never in the shared data file: they are one person's unfinished typing, so they are private (folder
0700, files 0600, set with ``fchmod`` whatever the umask). No link is followed there either: a draft is
written to a new temp file and renamed over its name, and read only from a regular file of this account.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from domain.errors import StorageError
from domain.i18n import _
from storage.files import fsync_dir, open_new, read_bytes_safely, refuse_link, write_all


def drafts_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("huddle")) / "drafts"


def _path(key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
    return drafts_dir() / f"{safe}.json"


@contextlib.contextmanager
def _private_dir(folder: Path) -> Iterator[int]:
    """A descriptor on the drafts folder (made 0700 if missing); a link or another account's folder is
    refused."""
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = False
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
        created = True
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(folder):
            raise refuse_link(folder) from exc
        raise StorageError(
            _("cannot open the drafts folder {folder}: {strerror}").format(
                folder=folder, strerror=exc.strerror
            )
        ) from exc
    try:
        if os.fstat(fd).st_uid != os.geteuid():
            raise StorageError(
                _("{folder} belongs to another account; drafts were not kept there").format(folder=folder)
            )
        if created:
            os.fchmod(fd, 0o700)
        yield fd
    finally:
        os.close(fd)


def save_draft(key: str, draft: dict[str, str]) -> Path:
    """Write ``draft`` for the form ``key`` (such as ``card-OPS-12`` or ``card-new-OPS``), fsynced."""
    path = _path(key)
    payload = json.dumps(draft, ensure_ascii=False).encode("utf-8")
    temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    with _private_dir(path.parent) as dir_fd:
        try:
            fd = open_new(temp, os.O_WRONLY, 0o600, dir_fd=dir_fd, what="a draft")
        except FileExistsError:
            raise StorageError(_("{temp} is in the way; the draft was not kept").format(temp=temp)) from None
        try:
            try:
                write_all(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp.name, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            fsync_dir(path.parent, dir_fd=dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp.name, dir_fd=dir_fd)
            raise StorageError(
                _("cannot keep the draft {path}: {strerror}").format(path=path, strerror=exc.strerror)
            ) from exc
    return path


def take_draft(key: str) -> dict[str, str] | None:
    """The saved draft of form ``key`` (removed once taken), or None."""
    path = _path(key)
    try:
        with _private_dir(path.parent) as dir_fd:
            raw = read_bytes_safely(path, "the draft", dir_fd=dir_fd, owner=os.geteuid())
            if raw is None:
                return None
            with contextlib.suppress(OSError):
                os.unlink(path.name, dir_fd=dir_fd)
    except (OSError, StorageError):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): str(v) for k, v in data.items()}
