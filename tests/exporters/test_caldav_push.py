"""``huddle calendar push`` against a real Radicale CalDAV server on 127.0.0.1, started per test."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from caldav.davclient import DAVClient

from domain.errors import DeliveryError, ValidationError
from tests.exporters.conftest import NEXT_START, World, cli_env, context_for, free_port
from tui.cli_export import cmd_calendar_push
from tui.config import CalDavSettings, Settings

PASSWORD = "radicale-Pa55"
pytestmark = pytest.mark.slow


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
        with DAVClient(url=self.url, username="alice", password=PASSWORD) as client:
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


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    """Radicale with htpasswd (plain) login for alice, storage in tmp_path, and an empty calendar."""
    port = free_port()
    folder = tmp_path / "collections"
    users = tmp_path / "users"
    users.write_text(f"alice:{PASSWORD}\n")
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
        with DAVClient(url=base, username="alice", password=PASSWORD) as client:
            client.principal().make_calendar(name="Huddle", cal_id="huddle")  # type: ignore[no-untyped-call]
        yield Radicale(base, f"{base}alice/huddle/", folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def push(world: World, url: str, capsys: pytest.CaptureFixture[str] | None = None) -> str:
    settings = Settings(caldav=CalDavSettings(url=url, username="alice"))
    assert cmd_calendar_push(context_for(world, settings), argparse.Namespace()) == 0
    return capsys.readouterr().out if capsys else ""


@pytest.fixture
def with_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUDDLE_CALDAV_PASSWORD", PASSWORD)


@pytest.mark.usefixtures("with_password")
def test_push_creates_one_object_per_event_and_repush_updates_in_place(
    world: World, radicale: Radicale, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    review = cards.add("MKT", "Launch review", milestone=True, due=date(2026, 12, 31))
    out = push(world, radicale.url, capsys)
    assert out == f"published 1 follow-up meeting(s) and 2 milestone(s) to {radicale.url}\n"
    events = radicale.events()
    assert set(events) == {world.meeting.next_uid, go_live.uid, review.uid}
    assert len(radicale.stored_objects()) == 3
    assert events[go_live.uid].start == date(2027, 1, 15)
    assert events[go_live.uid].end == date(2027, 1, 16)
    assert events[world.meeting.next_uid].start == NEXT_START
    assert events[world.meeting.next_uid]["SEQUENCE"] == 0  # pushed verbatim, not bumped by the library

    # Push again unchanged: still three objects.
    push(world, radicale.url)
    assert len(radicale.stored_objects()) == 3

    # Rename a milestone and move the follow-up: the same objects change.
    cards.edit(go_live.id, {"title": "Go live (moved)", "due": date(2027, 2, 1)})
    world.services.meetings.reschedule_next("M-1", NEXT_START + timedelta(hours=2))
    push(world, radicale.url)
    events = radicale.events()
    assert len(events) == 3
    assert len(radicale.stored_objects()) == 3
    assert str(events[go_live.uid]["SUMMARY"]) == "Milestone: Go live (moved)"
    assert events[go_live.uid].start == date(2027, 2, 1)
    assert events[world.meeting.next_uid].start == NEXT_START + timedelta(hours=2)
    assert events[world.meeting.next_uid]["SEQUENCE"] == 1

    # Cancelling the follow-up updates it to CANCELLED rather than leaving a stale event.
    world.services.meetings.cancel_next("M-1")
    push(world, radicale.url)
    events = radicale.events()
    assert events[world.meeting.next_uid]["STATUS"] == "CANCELLED"
    assert events[world.meeting.next_uid]["SEQUENCE"] == 2
    assert len(events) == 3


def test_wrong_password_is_a_delivery_error_without_the_password(
    world: World, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUDDLE_CALDAV_PASSWORD", "wrong-" + PASSWORD)
    with pytest.raises(DeliveryError) as caught:
        push(world, radicale.url)
    assert PASSWORD not in str(caught.value)
    assert radicale.stored_objects() == []


def test_missing_configuration_is_explained(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match=r"\[caldav\]"):
        push(world, "")
    with pytest.raises(ValidationError, match=r"\$HUDDLE_CALDAV_PASSWORD"):
        push(world, "https://cal.example.com/alice/huddle/")
    monkeypatch.setenv("HUDDLE_CALDAV_PASSWORD", PASSWORD)
    with pytest.raises(ValidationError, match="unencrypted"):
        push(world, "http://cal.example.com/alice/huddle/")


def test_cli_push_with_url_from_the_environment(world: World, radicale: Radicale) -> None:
    env = cli_env(
        world.db_path,
        HUDDLE_CALDAV_URL=radicale.url,
        HUDDLE_CALDAV_USERNAME="alice",
        HUDDLE_CALDAV_PASSWORD=PASSWORD,
    )
    huddle = Path(sys.executable).with_name("huddle")
    for _ in range(2):
        result = subprocess.run([str(huddle), "calendar", "push"], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    assert set(radicale.events()) == {world.meeting.next_uid}
