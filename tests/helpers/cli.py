"""Run the real ``huddle`` command against a temporary data file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main

HUDDLE = str(Path(sys.executable).with_name("huddle"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """Calls ``huddle --db PATH ...`` in-process (fast) or as a real subprocess."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str], url: str | None = None) -> None:
        self.db = db
        self.url = url
        """A postgresql:// URL to run against instead of the data file (the ``backend_cli`` fixture)."""
        self.capsys = capsys
        self.folder = db.parent
        """A folder of this test's own, for other files."""

    @property
    def target(self) -> str:
        """What ``--db`` names: the URL, else the data file."""
        return self.url or str(self.db)

    def __call__(self, *args: str, user: str = "ann") -> Result:
        self.capsys.readouterr()
        code = main(["--db", self.target, "--user", user, *args])
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.code == 0, result.err
        return result.out.strip()

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        proc = subprocess.run(
            [HUDDLE, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def digest(self) -> str:
        """A hash of everything stored: the file's bytes, or every document of the database."""
        if self.url is not None:
            from storage import open_store, transfer

            data = transfer.dump(open_store(self.url))
            return hashlib.sha256(repr((data.tables, data.counters)).encode()).hexdigest()
        return hashlib.sha256(self.db.read_bytes()).hexdigest() if self.db.exists() else "missing"
