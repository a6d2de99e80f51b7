"""Filling a small file system, for the tests of what a full disk does."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def fill(folder: Path) -> None:
    """Write zeros until the file system refuses with ENOSPC."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(10_000):
            try:
                os.write(fd, b"\0" * 4096)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    return
                raise
        raise AssertionError("the small file system never filled up")
    finally:
        os.close(fd)
