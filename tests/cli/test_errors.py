"""Bad input: one line on stderr, the right exit code, and nothing written."""

from __future__ import annotations

import pytest

from tests.helpers.cli import Cli

USAGE = 2
FAILURE = 1

BAD = [
    (("card", "add", "--dept", "Nowhere", "--title", "x"), FAILURE, "no department 'Nowhere'"),
    (("card", "add", "--dept", "OPS", "--title", "   "), FAILURE, "title is empty"),
    (("card", "add", "--dept", "OPS", "--title", "x" * 201), FAILURE, "the limit is 200"),
    (("card", "add", "--dept", "OPS", "--title", "bad\x1b[31m red"), FAILURE, "control character"),
    (("card", "add", "--dept", "OPS", "--title", "x", "--due", "someday"), FAILURE, "read date"),
    (("card", "add", "--dept", "OPS", "--title", "x", "--due", "2026-02-30"), FAILURE, "cannot read date"),
    (("card", "add", "--dept", "OPS", "--title", "x", "--owner", "ghost"), FAILURE, "no person 'ghost'"),
    (("card", "add", "--dept", "OPS", "--title", "x", "--blocked-by", "OPS-99"), FAILURE, "OPS-99"),
    (("card", "add", "--dept", "OPS", "--title", "x", "--column", "Limbo"), FAILURE, "no column 'Limbo'"),
    (("card", "add", "--dept", "OPS"), USAGE, "--title"),
    (("card", "move", "OPS-404", "Done"), FAILURE, "no card 'OPS-404'"),
    (("card", "move", "OPS-1", "Limbo"), FAILURE, "no column 'Limbo'"),
    (("card", "edit", "OPS-1"), USAGE, "nothing to change"),
    (("card", "edit", "OPS-1", "--blocked-by", "OPS-1"), FAILURE, "blocked by itself"),
    (("card", "edit", "OPS-1", "--progress", "140"), USAGE, "140 is not between 0 and 100"),
    (("card", "show", "NOPE-1"), FAILURE, "no card"),
    (("card", "frobnicate"), USAGE, "invalid choice"),
    (("risk", "add", "--title", "r", "--probability", "6", "--impact", "2"), USAGE, "between 1 and 5"),
    (("risk", "add", "--title", "r", "--probability", "x", "--impact", "2"), USAGE, "whole number"),
    (("risk", "edit", "R-9", "--impact", "2"), FAILURE, "no risk 'R-9'"),
    (("person", "add", "bad handle", "--name", "n", "--email", "a@b.c"), FAILURE, "handle"),
    (("person", "add", "eve", "--name", "Eve", "--email", "eve@x.com\r\nBcc: all@x.com"), FAILURE, "e-mail"),
    (("person", "add", "ann", "--name", "Ann", "--email", "ann@example.com"), FAILURE, "already exists"),
    (("dept", "add", "Operations"), FAILURE, "already exists"),
    (("meeting", "start", "--title", "x", "--tz", "Mars/Olympus"), FAILURE, "unknown time zone"),
    (("meeting", "start", "--title", "x", "--at", "tomorrow 25:00"), FAILURE, "not a time of day"),
    (("meeting", "start", "--title", "x", "--at", "2026-03-08 02:30", "--tz", "America/New_York"), FAILURE,
     "does not exist"),
    (("meeting", "start", "--title", "x", "--attendee", "ghost"), FAILURE, "no person 'ghost'"),
    (("meeting", "note", "M-42", "hello"), FAILURE, "no meeting 'M-42'"),
    (("meeting", "action", "M-1", "--owner", "bob", "--due", "fri", "x"), FAILURE, "has no department"),
    (("meeting", "action", "M-1", "--owner", "ann", "--due", "soon", "x"), FAILURE, "cannot read date"),
    (("bogus",), USAGE, "invalid choice"),
]  # fmt: skip


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """The contract tests here run on the JSON file and on PostgreSQL; the file's own, on the file."""
    return backend_cli


@pytest.fixture
def ready(team: Cli) -> Cli:
    team.ok("card", "add", "--dept", "OPS", "--title", "existing")
    team.ok("meeting", "start", "--title", "Sync", "--attendee", "ann")
    return team


@pytest.mark.parametrize(("args", "code", "message"), BAD, ids=[" ".join(a)[:50] for a, _, _ in BAD])
def test_bad_input_is_one_clear_line_and_writes_nothing(
    ready: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    before = ready.digest()
    result = ready(*args)
    assert result.code == code
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("huddle: error: ")
    assert message in lines[0]
    assert ready.digest() == before


def test_wip_limit_refuses_and_force_overrides(ready: Cli) -> None:
    for n in range(3):
        card = ready.ok("card", "add", "--dept", "OPS", "--title", f"r{n}")
        ready.ok("card", "move", card, "Review")
    extra = ready.ok("card", "add", "--dept", "OPS", "--title", "one too many")
    before = ready.digest()
    result = ready("card", "move", extra, "Review")
    assert result.code == 1
    assert "WIP limit (3/3)" in result.err
    assert ready.digest() == before
    assert ready("card", "move", extra, "Review", "--force").code == 0


def test_dependency_cycle_is_refused(ready: Cli) -> None:
    a = "OPS-1"
    b = ready.ok("card", "add", "--dept", "OPS", "--title", "b", "--blocked-by", a)
    c = ready.ok("card", "add", "--dept", "OPS", "--title", "c", "--blocked-by", b)
    result = ready("card", "edit", a, "--blocked-by", c)
    assert result.code == 1
    assert f"dependency cycle: {a} -> {c} -> {b} -> {a}" in result.err


def test_corrupt_file_is_named_and_left_untouched(file_cli: Cli) -> None:
    file_cli.db.write_bytes(b'{"cards": {"1": {"id": "OPS-1", ')
    before = file_cli.digest()
    result = file_cli("card", "add", "--dept", "OPS", "--title", "x")
    assert result.code == 1
    assert str(file_cli.db) in result.err
    assert "left untouched" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert file_cli.digest() == before
    assert file_cli("card", "list").code == 1
    assert file_cli.digest() == before


def test_folder_as_db_is_refused(file_cli: Cli) -> None:
    result = file_cli.run("--db", str(file_cli.db.parent), "dept", "list")
    assert result.code == 1
    assert "is a folder" in result.err


def test_missing_folder_is_refused(file_cli: Cli) -> None:
    result = file_cli.run("--db", str(file_cli.db.parent / "no" / "such" / "team.json"), "dept", "add", "Ops")
    assert result.code == 1
    assert "does not exist" in result.err
