"""Real processes on one real file: no lost updates under contention, nothing acknowledged lost to kill -9.

Run with ``-s`` to see the figures (rounds, acknowledged writes, losses, durations).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import orjson
import pytest

from domain.services import Services
from storage import TinyStore
from storage.files import read_json
from storage.journal import MeetingJournal
from tests.helpers.procs import (
    interleavings,
    run_and_kill,
    run_and_kill_together,
    run_writers,
    worker_command,
)

pytestmark = pytest.mark.slow

WRITERS = 4
CARDS_EACH = 25
KILL_ROUNDS = 10


def seed(services: Services, ballast: int = 0) -> None:
    """Department OPS, plus ``ballast`` cards so that every write takes a few milliseconds."""
    services.directory.add_department("Operations", key="OPS")
    if ballast:
        with services.store.transaction() as uow:
            for n in range(ballast):
                services.cards.add_in(uow, "OPS", f"ballast {n}", description="压舱 " * 100)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_concurrent_writers_lose_no_update(db_path: Path, file_services: Services) -> None:
    seed(file_services)

    run = run_writers(db_path, writers=WRITERS, count=CARDS_EACH)

    assert run.returncodes == [0] * WRITERS, run.stderr
    assert [len(ids) for ids in run.ids] == [CARDS_EACH] * WRITERS
    printed = [card_id for ids in run.ids for card_id in ids]
    assert len(set(printed)) == WRITERS * CARDS_EACH

    data = orjson.loads(db_path.read_bytes())
    assert isinstance(data, dict)
    assert read_json(db_path) == data
    uow = TinyStore(db_path).snapshot()
    cards = uow.cards.list()
    assert len(cards) == WRITERS * CARDS_EACH
    assert {c.id for c in cards} == set(printed)
    assert sorted(int(c.id.split("-")[1]) for c in cards) == list(range(1, WRITERS * CARDS_EACH + 1))
    for writer, ids in enumerate(run.ids):
        for card_id in ids:
            created = [a for a in uow.activity.for_entity(card_id) if a.action == "created"]
            assert len(created) == 1
            assert created[0].user == f"w{writer}"
    assert temp_files(db_path.parent) == []
    mixes = interleavings(run.ids)
    print(
        f"\n[concurrency] {WRITERS} processes x {CARDS_EACH} cards: {len(cards)} cards stored, "
        f"{len(set(printed))} unique ids, 0 lost, writer switches between consecutive ids: {mixes}, "
        f"{run.seconds:.2f} s"
    )
    # Writers that ran strictly in turn would switch exactly WRITERS - 1 times.
    assert mixes >= WRITERS, "the writers did not overlap, so the test proved nothing"


def test_sigkill_never_loses_an_acknowledged_card(db_path: Path, file_services: Services) -> None:
    seed(file_services, ballast=200)
    seed_value = int(os.environ.get("HUDDLE_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed_value)
    acknowledged: list[str] = []
    mid_write = 0
    started = time.monotonic()
    for _ in range(KILL_ROUNDS):
        before_tmp = set(temp_files(db_path.parent))
        result = run_and_kill(
            worker_command("add-cards", str(db_path), "--writer", "9"), rng.uniform(0.02, 0.5)
        )
        assert result.returncode == -9
        acknowledged.extend(result.acknowledged)
        if set(temp_files(db_path.parent)) - before_tmp:
            mid_write += 1

        data = read_json(db_path)
        assert data is not None
        stored = {c.id for c in TinyStore(db_path).snapshot().cards.list()}
        missing = set(acknowledged) - stored
        assert not missing, f"acknowledged but lost after kill -9: {sorted(missing)} (seed {seed_value})"

    ballast = {f"OPS-{n}" for n in range(1, 201)}
    unacknowledged_present = len(
        {c.id for c in TinyStore(db_path).snapshot().cards.list()} - ballast - set(acknowledged)
    )
    after = file_services.cards.add("OPS", "after the kills")
    assert file_services.cards.get(after.id).title == "after the kills"
    seconds = time.monotonic() - started
    print(
        f"\n[kill -9] seed {seed_value}: {KILL_ROUNDS} rounds, "
        f"{len(acknowledged)} writes acknowledged, 0 lost; "
        f"{mid_write} kill(s) landed mid-write (temp file left, data file intact); "
        f"{unacknowledged_present} write(s) committed but not yet acknowledged at the kill; {seconds:.1f} s"
    )
    assert acknowledged, "no write was acknowledged; the rounds were too short to prove anything"


def test_sigkill_never_loses_an_acknowledged_journal_record(db_path: Path) -> None:
    seed_value = int(os.environ.get("HUDDLE_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed_value)
    acknowledged: list[str] = []
    started = time.monotonic()
    for _ in range(KILL_ROUNDS):
        result = run_and_kill(worker_command("journal", str(db_path), "M-1", "alice"), rng.uniform(0.02, 0.3))
        assert result.returncode == -9
        acknowledged.extend(result.acknowledged)
        journal = MeetingJournal(db_path, "M-1", "alice")
        records = list(journal.records())
        have = {r["id"] for r in records}
        missing = [i for i in acknowledged if i not in have]
        assert not missing, f"acknowledged but lost after kill -9: {missing} (seed {seed_value})"
        assert all(r["text"].startswith("会议记录") for r in records)
    torn = journal.torn
    seconds = time.monotonic() - started
    print(
        f"\n[journal kill -9] seed {seed_value}: {KILL_ROUNDS} rounds, "
        f"{len(acknowledged)} appends acknowledged, "
        f"0 lost, {len(records)} records read back, {torn} torn line(s) skipped, {seconds:.1f} s"
    )
    assert acknowledged


def test_sigkill_of_two_writers_contending_for_the_lock(db_path: Path, file_services: Services) -> None:
    """Kills land while one writer holds the lock and the other waits for it."""
    seed(file_services, ballast=100)
    seed_value = int(os.environ.get("HUDDLE_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed_value)
    acknowledged: list[str] = []
    started = time.monotonic()
    for _ in range(KILL_ROUNDS // 2):
        writers = [worker_command("add-cards", str(db_path), "--writer", str(w)) for w in (1, 2)]
        for result in run_and_kill_together(writers, rng.uniform(0.05, 0.4)):
            assert result.returncode == -9
            acknowledged.extend(result.acknowledged)
        stored = {c.id for c in TinyStore(db_path).snapshot().cards.list()}
        missing = set(acknowledged) - stored
        assert not missing, f"acknowledged but lost: {sorted(missing)} (seed {seed_value})"
    assert len(set(acknowledged)) == len(acknowledged), "two writers were given the same id"
    after = file_services.cards.add("OPS", "after the kills")
    assert file_services.cards.get(after.id).title == "after the kills"
    print(
        f"\n[kill -9, two writers] seed {seed_value}: {KILL_ROUNDS // 2} rounds, "
        f"{len(acknowledged)} writes acknowledged, 0 lost, 0 duplicate ids, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert acknowledged


def test_two_processes_appending_to_one_journal_never_interleave(db_path: Path) -> None:
    """Two sessions of one OS user in one meeting share a journal file: whole lines only."""
    argv = worker_command("journal", str(db_path), "M-1", "ann")
    results = run_and_kill_together([argv, argv], 0.3)
    journal = MeetingJournal(db_path, "M-1", "ann")
    records = list(journal.records())
    ids = {r["id"] for r in records}
    acknowledged = [i for result in results for i in result.acknowledged]
    assert acknowledged
    assert all(i in ids for i in acknowledged)
    assert journal.torn == 0
    assert len(ids) == len(records)
    print(
        f"\n[journal, two appenders] {len(acknowledged)} appends acknowledged, "
        f"{len(records)} whole records, 0 torn"
    )
