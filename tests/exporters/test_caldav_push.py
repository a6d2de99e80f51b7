"""``huddle calendar push`` against a real Radicale CalDAV server on 127.0.0.1, started per test."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.errors import DeliveryError, ValidationError
from outbound.settings import CalDavSettings
from tests.helpers.delivery import CALDAV_PASSWORD as PASSWORD
from tests.helpers.delivery import NEXT_START, Radicale, World, cli_env, context_for
from tui.cli.export import cmd_calendar_push
from tui.config import Settings

pytestmark = pytest.mark.slow


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
