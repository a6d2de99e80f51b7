"""``huddle demo`` and ``demo --force`` are one transaction: all or nothing, the same ids every time."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import Cli

HUDDLE = str(Path(sys.executable).with_name("huddle"))
VOLATILE = {"created_at", "updated_at", "at", "id", "ended_at", "started_at", "uid", "blocked_since"}
"""Keys whose values depend on the moment of writing or on random entry ids."""


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """Every test here runs on the JSON file and on PostgreSQL (issue 15)."""
    return backend_cli


def _stable(value: Any) -> Any:
    """``value`` without the keys that differ between two runs a second apart (ids of cards stay)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE or (k == "id" and "-" in str(v))}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _project(cli: Cli) -> dict[str, Any]:
    return {
        words: _stable(cli(*words.split(), "--json").json())
        for words in ("dept list", "person list", "card list", "risk list", "meeting list", "project show")
    }


def test_demo_over_a_used_file_has_the_ids_of_a_fresh_one(cli: Cli, tmp_path: Path) -> None:
    cli.ok("demo")
    fresh = _project(cli)
    fresh_ids = sorted(c["id"] for c in fresh["card list"])
    assert len(fresh_ids) == 65  # 60 cards and the 5 action items of the two past meetings
    cli.ok("card", "add", "--dept", "RND", "--title", "extra work")
    cli.ok("risk", "add", "--title", "extra risk", "--probability", "2", "--impact", "2")
    cli.ok("meeting", "start", "--title", "extra meeting")
    cli.ok("demo", "--force")
    again = _project(cli)
    assert again == fresh
    assert cli("meeting", "show", "M-1", "--json").json()["title"] == "跨部门周会 Weekly sync"
    assert cli("card", "show", "RND-14").code == 1  # the counters started again: no RND-14


def test_a_refused_demo_writes_nothing(cli: Cli) -> None:
    cli.ok("dept", "add", "Ops")
    before = cli.digest()
    result = cli("demo")
    assert result.code == 1
    assert "--force" in result.err
    assert cli.digest() == before


def _start(target: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [HUDDLE, "--db", target, "--user", "ann", "demo", "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )


def test_a_killed_demo_leaves_the_old_data_or_the_whole_demo(
    cli: Cli, request: pytest.FixtureRequest
) -> None:
    """SIGKILL at random moments of ``demo --force``: the data is the old one (the file byte for byte,
    every document of the database), or the complete demo; never a half-written project. On
    PostgreSQL each kill gets its own copy of the old database (``CREATE DATABASE ... TEMPLATE``)."""
    cli.ok("dept", "add", "Ops")
    cli.ok("card", "add", "--dept", "Ops", "--title", "keep me")
    old = cli.digest()
    old_bytes = cli.db.read_bytes() if cli.url is None else b""

    def old_data() -> Cli:
        if cli.url is None:
            cli.db.write_bytes(old_bytes)
            return cli
        copy = Cli(cli.db, cli.capsys, request.getfixturevalue("pg_server").new_database(like=cli.url))
        assert copy.digest() == old
        return copy

    begun = time.monotonic()
    assert _start(old_data().target).wait(timeout=120) == 0
    took = time.monotonic() - begun
    rng = random.Random(9)
    outcomes = {"old": 0, "demo": 0}
    kills = 16 if cli.url is None else 8  # a database copy and a slower start each: half as many
    for _ in range(kills):
        target = old_data()
        proc = _start(target.target)
        deadline = time.monotonic() + rng.uniform(0.0, took)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)  # the kill moment is the test's input, not a wait for a condition
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if target.digest() == old:
            outcomes["old"] += 1
            continue
        titles = [c["title"] for c in target("card", "list", "--json").json()]
        assert len(titles) == 65, "a killed demo left a partial project"
        assert "keep me" not in titles, "a killed demo left the old cards beside the new"
        outcomes["demo"] += 1
    assert sum(outcomes.values()) == kills
    assert outcomes["old"] >= 1, outcomes  # some kills landed before the one write
