"""Fixtures of the CLI tests: the real ``huddle`` command on a temporary data file (``tests.helpers.cli``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.cli import Cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "team.json", capsys)


@pytest.fixture
def file_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI on a JSON file, in a module whose ``cli`` runs on both backends: for the file's own tests."""
    return Cli(tmp_path / "team.json", capsys)


@pytest.fixture(params=["json", "postgres"])
def backend_cli(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI on each backend: a JSON file, and ``--db postgresql://...`` on a fresh database."""
    if request.param == "postgres":
        return Cli(tmp_path / "unused.json", capsys, request.getfixturevalue("pg_url"))
    return Cli(tmp_path / "team.json", capsys)


@pytest.fixture
def fresh_cli(backend_cli: Cli, request: pytest.FixtureRequest) -> Callable[[str], Cli]:
    """Another, empty data store on ``backend_cli``'s backend: a file named ``NAME.json`` beside its
    own, or a fresh database on the same test server."""

    def make(name: str) -> Cli:
        db = backend_cli.folder / f"{name}.json"
        if backend_cli.url is None:
            return Cli(db, backend_cli.capsys)
        return Cli(db, backend_cli.capsys, request.getfixturevalue("pg_server").new_database())

    return make


@pytest.fixture
def team(cli: Cli) -> Cli:
    """Two departments (one Chinese), three people."""
    cli.ok("dept", "add", "Operations", "--key", "OPS")
    cli.ok("dept", "add", "市场部", "--key", "MKT")
    cli.ok("person", "add", "ann", "--name", "Ann Lee", "--email", "ann@example.com", "--dept", "Operations")
    cli.ok("person", "add", "wei", "--name", "李伟", "--email", "wei@example.com", "--dept", "市场部")
    cli.ok("person", "add", "bob", "--name", "Bob Stone", "--email", "bob@example.com")
    return cli
