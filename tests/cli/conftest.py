"""Fixtures of the CLI tests: the real ``huddle`` command on a temporary data file (``tests.helpers.cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "team.json", capsys)


@pytest.fixture(params=["json", "postgres"])
def backend_cli(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI on each backend: a JSON file, and ``--db postgresql://...`` on a fresh database."""
    if request.param == "postgres":
        return Cli(tmp_path / "unused.json", capsys, request.getfixturevalue("pg_url"))
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
