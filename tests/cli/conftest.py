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

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, user: str = "ann") -> Result:
        self.capsys.readouterr()
        code = main(["--db", str(self.db), "--user", user, *args])
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
        return hashlib.sha256(self.db.read_bytes()).hexdigest() if self.db.exists() else "missing"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "team.json", capsys)


@pytest.fixture
def team(cli: Cli) -> Cli:
    """Two departments (one Chinese), three people."""
    cli.ok("dept", "add", "Operations", "--key", "OPS")
    cli.ok("dept", "add", "市场部", "--key", "MKT")
    cli.ok("person", "add", "ann", "--name", "Ann Lee", "--email", "ann@example.com", "--dept", "Operations")
    cli.ok("person", "add", "wei", "--name", "李伟", "--email", "wei@example.com", "--dept", "市场部")
    cli.ok("person", "add", "bob", "--name", "Bob Stone", "--email", "bob@example.com")
    return cli
