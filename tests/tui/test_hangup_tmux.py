"""A closed terminal always ends Huddle, and nothing typed that the app had saved is lost.

Thirty real apps on a generated 5,000-card file (one copy each, so each has its own meeting journal),
each in its own tmux server at 80x24. A third are killed at start-up (at launch, when the header is
drawn, when the board appears), the rest while someone types into a live meeting; the terminal goes
with ``kill-session`` or ``kill-server``, at a random moment. Then every PID must be gone within a
bounded wait, and every line that was in the journal or the data file just before the kill must still
be there afterwards (data file, or journal to replay), whole, once, in order; the draft journaled on
the way out must be the start of the line being typed.
"""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.bench_tui import make_big
from domain.capture import plan_replay
from storage.journal import MeetingJournal
from tests.helpers.clock import FixedClock
from tests.helpers.tmux import Tmux, huddle, huddle_command, open_live_meeting, process_gone
from tests.helpers.wait import wait_for
from tests.helpers.workspace import make_context
from tui.config import os_user

APPS = 30
AT_START_UP = 10
CONCURRENT = 5
"""Apps running at once: five 5,000-card apps keep two loaded cores busy without starving the rest."""
GONE_SECONDS = 20.0
"""Bound on the wait for a hung-up app to exit (its own watchdog ends it after about 3 s)."""


@dataclass
class Outcome:
    """What happened to one app."""

    name: str
    how: str
    pid: int = 0
    alive_after: bool = False
    exit_seconds: float = 0.0
    sent: list[str] = field(default_factory=list)
    saved_before: list[str] = field(default_factory=list)
    saved_after: list[str] = field(default_factory=list)
    draft_after: str = ""
    problems: list[str] = field(default_factory=list)


def saved_lines(db: Path, meeting_id: str) -> tuple[list[str], str]:
    """Lines in the data file, then those only in the journal (replayed on the next start); the draft."""
    meeting = make_context(db, FixedClock()).services.meetings.get(meeting_id)
    plan = plan_replay(MeetingJournal(db, meeting_id, os_user()).records(), meeting)
    return [n.text for n in meeting.notes] + [e.text for e in plan.entries], plan.draft


def typed_line(app: int, number: int) -> str:
    return f"app {app:02d} line {number:02d} 会议记录 racks"


class Typist(threading.Thread):
    """Types lines into the live meeting at a fast human pace until stopped: a line in 2-3 chunks."""

    def __init__(self, tmux: Tmux, session: str, app: int, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.tmux, self.session, self.app, self.rng = tmux, session, app, rng
        self.sent: list[str] = []
        """Lines whose Enter was sent."""
        self.stopped = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stopped.is_set():
            number += 1
            line = typed_line(self.app, number)
            cuts = sorted(self.rng.sample(range(1, len(line)), 2))
            try:
                for chunk in (line[: cuts[0]], line[cuts[0] : cuts[1]], line[cuts[1] :]):
                    self.tmux.send(self.session, chunk)
                    self.stopped.wait(self.rng.uniform(0, 0.04))
                self.tmux.send(self.session, "Enter")
            except AssertionError:
                return  # the terminal is gone
            self.sent.append(line)


def run_one(index: int, db: Path, meeting_id: str, rng: random.Random) -> Outcome:
    tmux = Tmux(f"hup{index}")
    session = "app"
    whole_server = rng.random() < 0.3
    kill: Callable[[], None] = tmux.kill_server if whole_server else lambda: tmux.kill_session(session)
    moment = ["launch", "header", "board"][index % 3] if index < AT_START_UP else "typing"
    outcome = Outcome(f"app {index:02d}", f"{moment}, {'kill-server' if whole_server else 'kill-session'}")
    typist: Typist | None = None
    try:
        outcome.pid = tmux.start(session, [*huddle_command(), "--db", str(db)])
        if moment == "header":
            tmux.wait_screen(session, "Huddle", 90)
        elif moment == "board":
            tmux.wait_screen(session, "Backlog", 90)
        elif moment == "typing":
            open_live_meeting(tmux, session, 90)
            typist = Typist(tmux, session, index, rng)
            typist.start()
            wait_for(lambda: len(typist.sent) >= 1, 30, "the first line sent")
        # The random moment itself, not a wait for anything: somewhere in the next 1.5 s of typing.
        time.sleep(rng.uniform(0, 1.5 if typist else 0.3))
        if typist is not None:
            outcome.saved_before, _ = saved_lines(db, meeting_id)
        killed = time.monotonic()
        kill()
        deadline = killed + GONE_SECONDS
        while not process_gone(outcome.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        outcome.alive_after = not process_gone(outcome.pid)
        outcome.exit_seconds = time.monotonic() - killed
    finally:
        if typist is not None:
            typist.stopped.set()
            typist.join(timeout=10)
            outcome.sent = list(typist.sent)
        tmux.kill_server()
        if outcome.alive_after:
            os.kill(outcome.pid, 9)
    if typist is not None:
        outcome.saved_after, outcome.draft_after = saved_lines(db, meeting_id)
        check_saved(outcome, [typed_line(index, n) for n in range(1, len(outcome.sent) + 2)])
        if outcome.problems:
            journal = list(MeetingJournal(db, meeting_id, os_user()).records())
            notes = [n.text for n in make_context(db, FixedClock()).services.meetings.get(meeting_id).notes]
            outcome.problems.append(f"journal ends {journal[-4:]}; data file ends {notes[-2:]}")
    return outcome


def check_saved(outcome: Outcome, typed: list[str]) -> None:
    """Saved lines are the first lines typed, whole, once, in order; none saved before is lost."""
    after = outcome.saved_after
    if after != typed[: len(after)]:
        outcome.problems.append(f"saved lines are not the typed lines in order: {after}")
    if outcome.saved_before != after[: len(outcome.saved_before)]:
        lost = [line for line in outcome.saved_before if line not in after]
        outcome.problems.append(f"lines saved before the hang-up are gone: {lost}")
    if (
        outcome.draft_after
        and len(after) < len(typed)
        and not typed[len(after)].startswith(outcome.draft_after)
    ):
        outcome.problems.append(f"draft {outcome.draft_after!r} is not the start of {typed[len(after)]!r}")


@pytest.mark.slow
def test_thirty_hang_ups_leave_no_process_alive_and_lose_nothing_saved(tmp_path: Path) -> None:
    Tmux("probe")  # skips with the reason when tmux is missing
    master = tmp_path / "master.json"
    make_big(master, 5000)
    meeting_id = huddle(master, "meeting", "start", "--title", "Hang-up drill").strip()
    seed = int(os.environ.get("HUDDLE_HANGUP_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    jobs = []
    for index in range(APPS):
        db = tmp_path / f"app{index:02d}" / "huddle.json"
        db.parent.mkdir()
        shutil.copy2(master, db)
        jobs.append((index, db, random.Random(rng.random())))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        outcomes = list(pool.map(lambda job: run_one(job[0], job[1], meeting_id, job[2]), jobs))
    elapsed = time.monotonic() - started

    alive = [o for o in outcomes if o.alive_after]
    typing = [o for o in outcomes if o.how.startswith("typing")]
    sent = sum(len(o.sent) for o in typing)
    saved_before = sum(len(o.saved_before) for o in typing)
    lost = sum(len([line for line in o.saved_before if line not in o.saved_after]) for o in typing)
    exits = sorted(o.exit_seconds for o in outcomes)
    slowest, median = exits[-1], exits[len(exits) // 2]
    print(
        f"\nhang-up (seed {seed}): {len(outcomes)} apps killed "
        f"({AT_START_UP} at start-up, {len(typing)} typing), "
        f"{len(alive)} left alive after {GONE_SECONDS:.0f} s, exit after median {median:.1f} s, "
        f"slowest {slowest:.1f} s; "
        f"{sent} lines sent, {saved_before} saved before the kill, {lost} of those lost; {elapsed:.0f} s"
    )
    assert not alive, [f"{o.name} ({o.how}) pid {o.pid}" for o in alive]
    problems = [f"{o.name} ({o.how}): {p}" for o in outcomes for p in o.problems]
    assert not problems, problems
    assert saved_before > 0, "no app got a line saved before its kill: the test did not test typing"
