"""Fixtures for the exporter tests: a JSON-file store (so the ``huddle`` CLI can share it) and a
finished meeting with Chinese text, an absent attendee, notes per agenda item, a decision, two
action items, one carried-over card and a follow-up meeting."""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.models import Meeting
from domain.services import Services
from storage import TinyStore, open_store
from tests.conftest import FixedClock
from tui.config import Settings
from tui.wiring import Context

REPO = Path(__file__).resolve().parents[2]
HUDDLE = REPO / ".venv" / "bin" / "huddle"
MEETING_TITLE = "发布会筹备会议 Launch prep"
NEXT_START = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
"""Wednesday 2026-12-02, 10:00 in Asia/Shanghai."""


@pytest.fixture
def store(db_path: Path) -> TinyStore:
    """One backend is enough here: a real JSON file, which subprocess ``huddle`` runs can open too."""
    return open_store(db_path)


@dataclass(frozen=True)
class World:
    services: Services
    meeting: Meeting
    db_path: Path
    clock: FixedClock


@pytest.fixture
def world(seeded: Services, clock: FixedClock, db_path: Path) -> World:
    """A finished meeting M-1 with everything the minutes show; ann chairs, wei is absent."""
    meetings = seeded.meetings
    meeting = meetings.start(
        MEETING_TITLE,
        attendees=["ann", "wei", "bob"],
        tz="Asia/Shanghai",
        series="发布会",
        agenda=[("场地 Venue", 15), ("预算 Budget", 20)],
        place="会议室 3",
        carried_over=["OPS-1"],
    )
    meetings.set_present(meeting.id, "wei", False)
    meetings.goto_item(meeting.id, 0)
    meetings.note(meeting.id, "场地已确认，可容纳 200 人")
    clock.advance(minutes=5)
    meetings.goto_item(meeting.id, 1)
    meetings.note(meeting.id, "Budget needs sign-off\nby finance")
    meetings.decide(meeting.id, "预算上限 5 万元")
    meetings.action(meeting.id, "wei", date(2026, 12, 1), "预订酒店")
    meetings.action(meeting.id, "ann", date(2026, 12, 3), "Send the floor plan")
    clock.advance(minutes=55)
    meeting = meetings.end(meeting.id, next_start=NEXT_START)
    return World(seeded, meeting, db_path, clock)


def context_for(world: World, settings: Settings | None = None) -> Context:
    """A CLI context on the world's data file, with the world's clock and the given settings."""
    from tui.wiring import build_context

    return build_context(str(world.db_path), "ann", settings=settings or Settings(), clock=world.clock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cli_env(db_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a subprocess ``huddle`` run on ``db_path``, as user ann."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUDDLE_")}
    env.update(HUDDLE_DB=str(db_path), HUDDLE_USER="ann", PYTHONIOENCODING="utf-8", **extra)
    return env


PYTHON = sys.executable
