"""The app's one write queue, without an app: real threads, in order, one at a time, errors reported."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from domain.errors import ConflictError
from domain.services import Services
from storage import open_store
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services, seed_workspace
from tui.jobs.undo import UndoEntry, UndoStack, undo_job
from tui.jobs.writes import WriteFinished, WriteJob, WriteQueue

DEADLINE = 30.0


class Harness:
    """A queue whose jobs run on fresh threads (as thread workers do) and whose reports are collected."""

    def __init__(self) -> None:
        self.reports: queue.Queue[WriteFinished] = queue.Queue()
        self.versions = iter(range(1, 10_000))
        self.queue = WriteQueue(self._start, self.reports.put, lambda: next(self.versions))
        self.unhandled: list[tuple[str, Exception]] = []

    @staticmethod
    def _start(run: Callable[[], None]) -> None:
        threading.Thread(target=run, daemon=True).start()

    def finish_all(self, count: int) -> list[WriteFinished]:
        """Deliver ``count`` reports back "on the loop" (this thread), as the app does."""
        done = []
        for _ in range(count):
            message = self.reports.get(timeout=DEADLINE)
            self.queue.finish(message, lambda job, exc: self.unhandled.append((job.label, exc)))
            done.append(message)
        return done


def test_jobs_run_one_at_a_time_in_submission_order() -> None:
    harness = Harness()
    running = 0
    most = 0
    order: list[int] = []
    guard = threading.Lock()

    def job(n: int) -> Callable[[], int]:
        def run() -> int:
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
            order.append(n)
            # Give other threads every chance to overlap: they must not.
            for _ in range(2000):
                pass
            with guard:
                running -= 1
            return n

        return run

    results: list[int] = []
    for n in range(40):
        harness.queue.submit(WriteJob(f"job {n}", job(n), results.append))
    assert harness.queue.submitted == 40
    done = harness.finish_all(40)
    assert order == list(range(40))
    assert most == 1
    assert sorted(results) == list(range(40))
    versions = [m.version for m in done]
    assert versions == list(range(1, 41))
    assert harness.queue.in_flight == 0


def test_a_failing_job_is_reported_and_the_next_one_still_runs() -> None:
    harness = Harness()
    refused: list[Exception] = []

    def fail() -> None:
        raise ConflictError("someone else changed it")

    harness.queue.submit(WriteJob("fail quietly", fail))
    harness.queue.submit(WriteJob("fail to a handler", fail, on_error=refused.append))
    ran: list[str] = []
    harness.queue.submit(WriteJob("then succeed", lambda: "ok", ran.append))
    done = harness.finish_all(3)
    assert [m.job.label for m in done] == ["fail quietly", "fail to a handler", "then succeed"]
    assert [(label, str(exc)) for label, exc in harness.unhandled] == [
        ("fail quietly", "someone else changed it")
    ]
    assert [str(exc) for exc in refused] == ["someone else changed it"]
    assert ran == ["ok"]


def test_a_writer_holding_exclusive_keeps_queued_jobs_waiting() -> None:
    """The meeting recorder writes on its own thread under ``exclusive``: a queued job waits for it."""
    harness = Harness()
    log: list[str] = []
    with harness.queue.exclusive():
        log.append("recorder starts")
        harness.queue.submit(WriteJob("card move", lambda: log.append("job")))
        log.append("recorder ends")
    harness.finish_all(1)
    assert log == ["recorder starts", "recorder ends", "job"]


def test_undo_refuses_when_someone_changed_the_same_field_again(
    db_path_services: tuple[Services, Services],
) -> None:
    """The undo job compares inside its own transaction: a clash goes to ``refused``, nothing is written."""
    mine, theirs = db_path_services
    card = mine.cards.get("OPS-1")
    after = mine.cards.edit(card.id, {"title": "Rack the servers (ann)"})
    stack = UndoStack()
    stack.push(UndoEntry("edit", card.id, card, after))
    theirs.cards.edit(card.id, {"title": "Rack the servers (wei)"})
    entry = stack.pop()
    assert entry is not None
    assert len(stack) == 0
    harness = Harness()
    refused: list[Exception] = []
    harness.queue.submit(undo_job(entry, mine.cards, lambda outcome: None, refused.append))
    harness.finish_all(1)
    assert len(refused) == 1
    assert isinstance(refused[0], ConflictError)
    assert "@wei changed title" in str(refused[0])
    assert "nothing undone" in str(refused[0])
    assert mine.cards.get(card.id).title == "Rack the servers (wei)"


@pytest.fixture(params=["json", "postgres"])
def db_path_services(
    db_path: Path, clock: FixedClock, request: pytest.FixtureRequest
) -> tuple[Services, Services]:
    """Two accounts (ann, wei) on one real data file, or on one database, with the test workspace."""
    target: Path | str = db_path if request.param == "json" else request.getfixturevalue("pg_url")
    mine = make_services(open_store(target), clock, "ann")
    seed_workspace(mine)
    return mine, make_services(open_store(target), clock, "wei")
