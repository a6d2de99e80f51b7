"""Real client processes against a real PostgreSQL server: many writers lose nothing, clients killed
at random leave nothing half-done, a server restart is ridden out, a killed lock holder frees it.

Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain.repository import Store
from storage import transfer
from storage.postgres import PgStore
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer
from tests.helpers.procs import (
    REPO,
    interleavings,
    run_and_kill_together,
    run_writers,
    worker_command,
    worker_env,
)
from tests.helpers.workspace import make_services

pytestmark = pytest.mark.slow

WRITERS = 16
CARDS_EACH = 25
KILL_ROUNDS = 10


def seed(store: Store) -> None:
    make_services(store, FixedClock()).directory.add_department("Operations", key="OPS")


def assert_whole(store: PgStore, acknowledged: list[str]) -> set[str]:
    """Every acknowledged card is there; every stored card was written whole (its activity with it)."""
    uow = store.snapshot()
    stored = {c.id for c in uow.cards.list()}
    missing = set(acknowledged) - stored
    assert not missing, f"acknowledged but lost: {sorted(missing)}"
    for card_id in stored:
        assert [a.action for a in uow.activity.for_entity(card_id)] == ["created"], card_id
    assert transfer.check(store).problems == []
    return stored


def test_sixteen_clients_lose_no_update(pg_store: PgStore, pg_url: str, tmp_path: Path) -> None:
    seed(pg_store)

    run = run_writers(pg_url, writers=WRITERS, count=CARDS_EACH, go_file=tmp_path / "go", timeout=300)

    assert run.returncodes == [0] * WRITERS, run.stderr
    printed = [card_id for ids in run.ids for card_id in ids]
    assert len(printed) == len(set(printed)) == WRITERS * CARDS_EACH
    uow = pg_store.snapshot()
    cards = uow.cards.list()
    assert sorted(int(c.id.split("-")[1]) for c in cards) == list(range(1, WRITERS * CARDS_EACH + 1))
    for writer, ids in enumerate(run.ids):
        for card_id in ids:
            assert [a.user for a in uow.activity.for_entity(card_id)] == [f"w{writer}"]
    assert pg_store.version() == 1 + WRITERS * CARDS_EACH  # one version per committed change
    mixes = interleavings(run.ids)
    print(
        f"\n[postgres concurrency] {WRITERS} processes x {CARDS_EACH} cards: {len(cards)} stored, 0 lost, "
        f"writer switches {mixes}, {run.seconds:.2f} s"
    )
    assert mixes >= WRITERS, "the writers did not overlap, so the test proved nothing"


def test_clients_killed_at_random_leave_nothing_half_done(pg_store: PgStore, pg_url: str) -> None:
    seed(pg_store)
    seed_value = int(os.environ.get("HUDDLE_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed_value)
    acknowledged: list[str] = []
    started = time.monotonic()
    for round_number in range(KILL_ROUNDS):
        writers = [
            worker_command("add-cards", pg_url, "--writer", str(w)) for w in range(1 + round_number % 3)
        ]
        for result in run_and_kill_together(writers, rng.uniform(0.05, 0.5)):
            assert result.returncode == -9
            acknowledged.extend(result.acknowledged)
        try:
            stored = assert_whole(pg_store, acknowledged)
        except AssertionError as exc:
            raise AssertionError(f"{exc} (seed {seed_value})") from None
    assert len(set(acknowledged)) == len(acknowledged), "two writers were given the same id"
    after = make_services(pg_store, FixedClock()).cards.add("OPS", "after the kills")
    assert int(after.id.split("-")[1]) > max(int(i.split("-")[1]) for i in stored)
    print(
        f"\n[postgres kill -9] seed {seed_value}: {KILL_ROUNDS} rounds of 1-3 writers, "
        f"{len(acknowledged)} writes acknowledged, 0 lost, {len(stored) - len(acknowledged)} committed "
        f"but not yet acknowledged at the kill, 0 half-written; {time.monotonic() - started:.1f} s"
    )
    assert acknowledged


HOLD_LOCK = """
import sys, time
from storage.postgres import PgStore
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services
store = PgStore(sys.argv[1])
with store.transaction() as uow:
    make_services(store, FixedClock()).cards.add_in(uow, "OPS", "never committed")
    print("inside", flush=True)
    time.sleep(600)
"""


def test_a_client_killed_inside_its_transaction_frees_the_lock_and_changes_nothing(
    pg_store: PgStore, pg_url: str
) -> None:
    seed(pg_store)
    version = pg_store.version()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, pg_url],
        stdout=subprocess.PIPE,
        cwd=REPO,
        env=worker_env(),
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "inside"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        started = time.monotonic()
        card = make_services(pg_store, FixedClock()).cards.add("OPS", "after the killed one")
        waited = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    titles = [c.title for c in pg_store.snapshot().cards.list()]
    assert titles == ["after the killed one"]
    assert card.id == "OPS-1"  # the counter is in the transaction: the killed one's number went with it
    assert pg_store.version() == version + 1  # type: ignore[operator]
    print(
        f"\n[postgres lock holder kill -9] next write waited {waited:.3f} s, nothing of the killed one kept"
    )


def test_a_server_restart_is_ridden_out_by_running_clients(private_server: PgServer) -> None:
    url = private_server.new_database()
    store = PgStore(url)
    seed(store)
    writers = [
        subprocess.Popen(
            worker_command("add-cards", url, "--writer", str(w), "--pause", "0.02", "--keep-going"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=worker_env(),
        )
        for w in range(3)
    ]
    heard: list[float] = []
    store.subscribe(lambda: heard.append(time.monotonic()))
    try:
        deadline = time.monotonic() + 60
        while store.version() in (None, 1) and time.monotonic() < deadline:
            time.sleep(0.05)
        before = store.version()
        private_server.restart()
        restarted = time.monotonic()
        while store.version() == before and time.monotonic() < deadline:  # writes after the restart
            time.sleep(0.05)
        resumed = time.monotonic() - restarted
        assert store.version() != before, "no client wrote after the restart"
        heard_after = len(heard)
        while len(heard) == heard_after and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(heard) > heard_after, "the listener did not come back after the restart"
    finally:
        for proc in writers:
            proc.send_signal(signal.SIGKILL)
    outputs = [proc.communicate(timeout=30) for proc in writers]
    acknowledged, errors = [], []
    for out, err in outputs:
        assert b"Traceback" not in err, err.decode()[-2000:]
        lines = out.decode().split("\n")[:-1]  # the last line may be cut by the kill
        acknowledged += [line for line in lines if line.startswith("OPS-")]
        errors += [line for line in lines if line.startswith("error: ")]
    assert all("nothing was saved" in e or "may or may not be saved" in e for e in errors), errors
    stored = assert_whole(store, acknowledged)
    store.close()
    print(
        f"\n[postgres restart] 3 writers: {len(acknowledged)} acknowledged, 0 lost, first write "
        f"{resumed:.2f} s after the server was back, {len(errors)} clear error line(s) "
        f"(a change in flight when the server went down), {len(stored)} stored, listener back"
    )


def test_meeting_lines_typed_while_the_server_is_down_go_in_when_it_is_back(
    private_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal is local: lines typed during an outage are durable at once and written afterwards."""
    import threading

    from domain.capture import CaptureKind, JournalEntry
    from storage.journal import MeetingJournal
    from storage.postgres import store as pg_module
    from tui.jobs.recorder import EntryCommitted, MeetingRecorder, TaskFailed

    monkeypatch.setattr(pg_module, "RETRY_SECONDS", 1.0)
    url = private_server.new_database()
    store = PgStore(url)
    services = make_services(store, FixedClock())
    seed(store)
    meeting = services.meetings.start("周会 outage", attendees=[])
    journal = MeetingJournal(tmp_path / "huddle", meeting.id, "tester")
    events: list[object] = []
    recorder = MeetingRecorder(services.meetings, meeting.id, journal, events.append)
    threads = [threading.Thread(target=recorder.journal_loop), threading.Thread(target=recorder.db_loop)]
    for thread in threads:
        thread.start()
    try:
        private_server.stop()
        lines = [JournalEntry(f"e{n}", CaptureKind.NOTE, f"断线时记录 {n}", 0) for n in range(3)]
        for entry in lines:
            recorder.capture(entry)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(isinstance(e, TaskFailed) for e in events):
            time.sleep(0.05)
        assert any(isinstance(e, TaskFailed) and "wait in the journal" in e.message for e in events), events
        assert {r.get("id") for r in journal.records()} >= {"e0", "e1", "e2"}
        private_server.start()
        while time.monotonic() < deadline and sum(isinstance(e, EntryCommitted) for e in events) < 3:
            time.sleep(0.05)
    finally:
        recorder.stop()
        for thread in threads:
            thread.join(30)
    assert [n.text for n in services.meetings.get(meeting.id).notes] == [e.text for e in lines]
    store.close()
