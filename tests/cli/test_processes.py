"""Real processes: several people running ``huddle`` on one file at once; no Textual on CLI paths. All
but the concurrent writers run on the JSON file and on PostgreSQL (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import HUDDLE, Cli

WRITERS = 4
CARDS_EACH = 15


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    return backend_cli


@pytest.fixture
def file_team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The ``team`` on a file: 60 process starts on PostgreSQL would take 3-4 times as long, and
    tests/storage/test_pg_processes.py already races many writer processes on the server."""
    file_cli = Cli(tmp_path / "team.json", capsys)
    file_cli.ok("dept", "add", "Operations", "--key", "OPS")
    return file_cli


@pytest.mark.slow
def test_concurrent_cli_writers_lose_nothing(file_team: Cli) -> None:
    team = file_team
    script = (
        "for i in $(seq 1 {n}); do "
        '{huddle} --db {db} --user w{w} card add --dept OPS --title "w{w}-$i" || exit 1; done'
    )
    procs = [
        subprocess.Popen(
            ["bash", "-c", script.format(n=CARDS_EACH, huddle=HUDDLE, db=f"'{team.target}'", w=w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    printed: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        printed += out.split()
    cards = team("card", "list", "--json").json()
    titles = sorted(doc["title"] for doc in cards)
    assert titles == sorted(f"w{w}-{i}" for w in range(WRITERS) for i in range(1, CARDS_EACH + 1))
    assert len(set(printed)) == WRITERS * CARDS_EACH
    assert sorted(printed) == sorted(doc["id"] for doc in cards)


@pytest.mark.parametrize(
    "argv",
    [
        ["dept", "list", "--json"],
        ["card", "add", "--dept", "OPS", "--title", "x"],
        ["card", "list", "--json"],
        ["meeting", "list"],
        ["risk", "list"],
        ["--help"],
    ],
)
def test_cli_commands_never_import_textual(team: Cli, argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "try:\n"
        f"    main({['--db', team.target, *argv]!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('textual', 'rich', 'docx', 'icalendar', 'caldav') if m in sys.modules)\n"
        "print('LOADED', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stdout


def test_script_entry_point_runs(team: Cli) -> None:
    proc = subprocess.run(
        [HUDDLE, "--db", team.target, "dept", "list", "--json"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert [d["name"] for d in json.loads(proc.stdout)] == ["Operations", "市场部"]


def test_relative_dates_follow_huddle_now_in_a_real_process(team: Cli) -> None:
    card = team.ok("card", "add", "--dept", "OPS", "--title", "Book the hall")
    moved = team.run(
        "--db",
        team.target,
        "card",
        "edit",
        card,
        "--due",
        "+3d",
        env={"HUDDLE_NOW": "2027-03-01T09:00:00+08:00"},
    )
    assert moved.code == 0, moved.err
    assert moved.err.strip() == "due: Thu 2027-03-04"
    assert team("card", "show", card, "--json").json()["due"] == "2027-03-04"


@pytest.mark.parametrize("value", ["tomorrow", "2027-03-01 09:00"])
def test_bad_huddle_now_is_one_clear_line(team: Cli, value: str) -> None:
    before = team.digest()
    result = team.run(
        "--db", team.target, "card", "add", "--dept", "OPS", "--title", "x", env={"HUDDLE_NOW": value}
    )
    assert result.code == 1
    assert result.err.startswith("huddle: error: HUDDLE_NOW:")
    assert len(result.err.strip().splitlines()) == 1
    assert team.digest() == before
