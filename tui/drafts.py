"""Unsaved form text kept across a dropped connection: written on SIGHUP, offered again on the next open.

Drafts live in the user's state folder (``$XDG_STATE_HOME/huddle/drafts``), one small JSON file per form,
never in the shared data file: they are one person's unfinished typing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path


def drafts_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("huddle")) / "drafts"


def _path(key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
    return drafts_dir() / f"{safe}.json"


def save_draft(key: str, draft: dict[str, str]) -> Path:
    """Write ``draft`` for the form ``key`` (such as ``card-OPS-12`` or ``card-new-OPS``), fsynced."""
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = json.dumps(draft, ensure_ascii=False).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def take_draft(key: str) -> dict[str, str] | None:
    """The saved draft of form ``key`` (removed once taken), or None."""
    path = _path(key)
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        path.unlink()
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): str(v) for k, v in data.items()}
