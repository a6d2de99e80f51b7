"""The world the export and outbound tests share: a finished meeting with Chinese text, an absent
attendee, notes per agenda item, a decision, two action items, one carried-over card and a follow-up
meeting, on a JSON file the ``huddle`` CLI can open too; and real SMTP and CalDAV servers on 127.0.0.1."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import icalendar
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from caldav.davclient import DAVClient

from domain.models import Meeting
from domain.services import Services
from tests.helpers.clock import FixedClock
from tui.config import Settings
from tui.wiring import Context

REPO = Path(__file__).resolve().parents[2]
HUDDLE = REPO / ".venv" / "bin" / "huddle"
MEETING_TITLE = "发布会筹备会议 Launch prep"
NEXT_START = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
"""Wednesday 2026-12-02, 10:00 in Asia/Shanghai."""


@dataclass(frozen=True)
class World:
    services: Services
    meeting: Meeting
    db_path: Path
    clock: FixedClock


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


# ----- real servers on 127.0.0.1 --------------------------------------------------------------------

SMTP_PASSWORD = "s3cret-Pa55"
CALDAV_PASSWORD = "radicale-Pa55"


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    envelopes: list[Any] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == b"ann"
            and data.password == SMTP_PASSWORD.encode()
        )
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok, handled=False)

    def message(self, index: int = -1) -> EmailMessage:
        parsed = email.message_from_bytes(self.envelopes[index].original_content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Server:
    inbox: Inbox
    port: int


def start(inbox: Inbox, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@dataclass
class Radicale:
    base: str
    url: str
    """The calendar collection, ``http://127.0.0.1:PORT/alice/huddle/``."""
    folder: Path

    def stored_objects(self) -> list[Path]:
        """The .ics files Radicale keeps for the calendar: one per calendar object resource."""
        return sorted((self.folder / "collection-root" / "alice" / "huddle").glob("*.ics"))

    def events(self) -> dict[str, Any]:
        """UID -> VEVENT as the server returns them."""
        with DAVClient(url=self.url, username="alice", password=CALDAV_PASSWORD) as client:
            calendar = client.calendar(url=self.url)  # type: ignore[no-untyped-call]
            found: dict[str, Any] = {}
            for obj in calendar.events():
                parsed: Any = icalendar.Calendar.from_ical(obj.data)
                for event in parsed.walk("VEVENT"):
                    assert str(event["UID"]) not in found, "duplicate UID on the server"
                    found[str(event["UID"])] = event
            return found


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"radicale did not listen on port {port}")


def build_world(seeded: Services, clock: FixedClock, db_path: Path) -> World:
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


@contextmanager
def running_smtp() -> Iterator[Server]:
    """A plain SMTP server on 127.0.0.1 accepting mail without login."""
    inbox = Inbox()
    controller, port = start(inbox)
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


@contextmanager
def running_radicale(tmp_path: Path) -> Iterator[Radicale]:
    """Radicale with htpasswd (plain) login for alice, storage in ``tmp_path``, and an empty calendar."""
    port = free_port()
    folder = tmp_path / "collections"
    users = tmp_path / "users"
    users.write_text(f"alice:{CALDAV_PASSWORD}\n")
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\ndelay = 0\n"
        f"[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder}\n"
        f"[web]\ntype = none\n"
        f"[logging]\nlevel = warning\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        base = f"http://127.0.0.1:{port}/"
        with DAVClient(url=base, username="alice", password=CALDAV_PASSWORD) as client:
            client.principal().make_calendar(name="Huddle", cal_id="huddle")  # type: ignore[no-untyped-call]
        yield Radicale(base, f"{base}alice/huddle/", folder)
    finally:
        stop_server(process, seconds=10)


def stop_server(process: subprocess.Popen[bytes], seconds: float) -> None:
    """Ask a test server to stop (SIGTERM), kill it when it has not within ``seconds``, reap it."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()
