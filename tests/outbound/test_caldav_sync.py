"""``calendar push`` against a real Radicale on 127.0.0.1: events found by UID wherever they live,
updates under If-Match, removal of what Huddle no longer exports, and 412 conflicts by name.

Other people's clients are simulated with plain CalDAV requests (caldav's DAVClient): one imports the
mailed invite under a name of its own, a third party edits an event Huddle published.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from caldav.davclient import DAVClient

from domain.errors import DeliveryError
from exporters.calendar_ics import render_calendar_objects
from outbound.caldav import PushResult, push_calendar
from outbound.settings import CalDavSettings
from tests.helpers.delivery import CALDAV_PASSWORD, NEXT_START, Radicale, World, cli_env

pytestmark = pytest.mark.slow
ENV = {"HUDDLE_CALDAV_PASSWORD": CALDAV_PASSWORD}
FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Someone//EN\r\nBEGIN:VEVENT\r\nUID:dentist-42@phone\r\n"
    "DTSTAMP:20261120T000000Z\r\nDTSTART:20261203T010000Z\r\nDTEND:20261203T020000Z\r\n"
    "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def push(world: World, radicale: Radicale, **flags: bool) -> PushResult:
    config = CalDavSettings(url=radicale.url, username="alice")
    return push_calendar(world.services, config, now=world.clock(), env=ENV, **flags)


def put(radicale: Radicale, name: str, data: str | bytes, **headers: str) -> int:
    """A PUT as another calendar client sends it."""
    body = data.decode() if isinstance(data, bytes) else data
    with DAVClient(url=radicale.url, username="alice", password=CALDAV_PASSWORD) as client:
        response = client.put(radicale.url + name, body, {"Content-Type": "text/calendar", **headers})
        return int(response.status)


def names(radicale: Radicale) -> set[str]:
    return {p.name for p in radicale.stored_objects()}


def edit_on_server(radicale: Radicale, uid: str, summary: str) -> None:
    """A third party (a phone, a colleague's client) changes an event in place."""
    (path,) = [p for p in radicale.stored_objects() if uid in p.read_text()]
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    for event in calendar.walk("VEVENT"):
        event["SUMMARY"] = icalendar.vText(summary)
    assert put(radicale, path.name, calendar.to_ical()) in (201, 204)


def test_invite_imported_under_another_name_is_updated_in_place(world: World, radicale: Radicale) -> None:
    (invite,) = render_calendar_objects(
        meetings=[world.meeting], milestones=[], people=world.services.directory.people(), now=world.clock()
    )
    # Thunderbird filed the mailed invite under its own name before anyone pushed (the old 409 Conflict).
    assert put(radicale, "thunderbird-4f1c.ics", invite.data) == 201
    world.services.meetings.reschedule_next("M-1", NEXT_START + timedelta(hours=3))
    result = push(world, radicale)
    assert result.summary() == f"published 1 follow-up meeting(s) and 0 milestone(s) to {radicale.url}"
    assert names(radicale) == {"thunderbird-4f1c.ics"}, "no second copy under Huddle's own name"
    event = radicale.events()[world.meeting.next_uid]
    assert event.start == NEXT_START + timedelta(hours=3)
    assert event["SEQUENCE"] == 1
    (record,) = world.services.publishing.published(radicale.url)
    assert record.href.endswith("/thunderbird-4f1c.ics")
    assert record.etag.strip('"')


def test_what_is_no_longer_exported_is_removed_and_foreign_events_are_kept(
    world: World, radicale: Radicale
) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    review = cards.add("MKT", "Launch review", milestone=True, due=date(2026, 12, 31))
    assert put(radicale, "dentist.ics", FOREIGN) == 201
    push(world, radicale)
    assert set(radicale.events()) == {world.meeting.next_uid, go_live.uid, review.uid, "dentist-42@phone"}

    cards.edit(go_live.id, {"milestone": False})
    result = push(world, radicale)
    assert result.summary().endswith("; removed 1 no longer exported: Milestone: Go live 上线")
    assert set(radicale.events()) == {world.meeting.next_uid, review.uid, "dentist-42@phone"}
    assert {p.uid for p in world.services.publishing.published(radicale.url)} == {
        world.meeting.next_uid,
        review.uid,
    }
    # Pushing again removes nothing more, and never the event Huddle did not write.
    assert push(world, radicale).removed == ()
    assert "dentist-42@phone" in radicale.events()


def test_an_event_changed_on_the_server_is_a_412_conflict_reported_by_name(
    world: World, radicale: Radicale
) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    push(world, radicale)
    edit_on_server(radicale, go_live.uid, "Go live (moved by the PMO)")
    cards.edit(go_live.id, {"title": "Go live v2"})
    world.services.meetings.reschedule_next("M-1", NEXT_START + timedelta(hours=1))

    plan = push(world, radicale, dry_run=True)
    assert plan.conflicts
    assert "Milestone: Go live v2" in plan.conflicts[0]

    with pytest.raises(DeliveryError) as caught:
        push(world, radicale)
    message = str(caught.value)
    assert "refused 1 of 2 event(s)" in message
    assert f"Milestone: Go live v2 ({go_live.uid}) was changed on the server" in message
    assert "412 Precondition Failed" in message
    assert CALDAV_PASSWORD not in message
    events = radicale.events()
    assert str(events[go_live.uid]["SUMMARY"]) == "Go live (moved by the PMO)", (
        "the other person's edit is kept"
    )
    assert events[world.meeting.next_uid].start == NEXT_START + timedelta(hours=1), "the rest was published"

    push(world, radicale, force=True)
    assert str(radicale.events()[go_live.uid]["SUMMARY"]) == "Milestone: Go live v2"
    push(world, radicale)  # and the record follows the forced write: no conflict afterwards


def test_an_event_changed_on_the_server_is_not_removed(world: World, radicale: Radicale) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    push(world, radicale)
    edit_on_server(radicale, go_live.uid, "Go live, keep this")
    cards.edit(go_live.id, {"milestone": False})
    with pytest.raises(DeliveryError, match=r"Milestone: Go live 上线 .* not removed"):
        push(world, radicale)
    assert go_live.uid in radicale.events()


def test_dry_run_changes_nothing(world: World, radicale: Radicale, tmp_path: Path) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    push(world, radicale)
    before = {p.name: p.read_bytes() for p in radicale.stored_objects()}
    record = world.services.publishing.published(radicale.url)
    cards.edit(go_live.id, {"milestone": False})
    cards.add("MKT", "Launch review", milestone=True, due=date(2026, 12, 31))

    env = cli_env(
        world.db_path,
        HUDDLE_CALDAV_URL=radicale.url,
        HUDDLE_CALDAV_USERNAME="alice",
        HUDDLE_CALDAV_PASSWORD=CALDAV_PASSWORD,
    )
    huddle = Path(sys.executable).with_name("huddle")
    result = subprocess.run(
        [str(huddle), "calendar", "push", "--dry-run"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"would publish 1 follow-up meeting(s) and 1 milestone(s) to {radicale.url}: 1 new, 1 update(s)",
        "  would remove (no longer exported): Milestone: Go live 上线",
    ]
    assert {p.name: p.read_bytes() for p in radicale.stored_objects()} == before
    assert world.services.publishing.published(radicale.url) == record

    # The real push from the CLI: a conflict is one error line, exit 1, the password nowhere.
    edit_on_server(radicale, world.meeting.next_uid, "renamed elsewhere")
    result = subprocess.run([str(huddle), "calendar", "push"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("huddle: error: ")
    assert result.stderr.count("\n") == 1
    assert "was changed on the server" in result.stderr
    assert CALDAV_PASSWORD not in result.stdout + result.stderr
    assert go_live.uid not in radicale.events(), "the removal still went through"


def test_a_push_by_another_account_in_between_is_not_a_conflict(world: World, radicale: Radicale) -> None:
    """Two people push from the same data file at once: the second read the record before the first
    wrote its new ETags. Its If-Match fails against Huddle's own newer write, which is no conflict."""
    from outbound.caldav import _Push, _record, caldav_target

    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    push(world, radicale)
    stale = {p.uid: p for p in world.services.publishing.published(radicale.url)}
    cards.edit(go_live.id, {"title": "Go live v2"})
    push(world, radicale)  # the other account's push: new ETags in the record
    cards.edit(go_live.id, {"title": "Go live v3"})
    objects = render_calendar_objects(
        meetings=world.services.meetings.list(),
        milestones=cards.list(),
        people=world.services.directory.people(),
        now=world.clock(),
    )
    target = caldav_target(CalDavSettings(url=radicale.url, username="alice"), ENV)
    with DAVClient(url=target.url, username="alice", password=CALDAV_PASSWORD) as client:
        session = _Push(
            client,
            target,
            now=world.clock(),
            dry_run=False,
            force=False,
            latest=lambda uid: _record(world.services, radicale.url, uid),
        )
        for obj in objects:
            session.publish(obj, stale[obj.uid])
    assert session.problems == []
    assert str(radicale.events()[go_live.uid]["SUMMARY"]) == "Milestone: Go live v3"
    # Without that check the stale ETag would have been reported as a third party's change.
    with DAVClient(url=target.url, username="alice", password=CALDAV_PASSWORD) as client:
        blind = _Push(client, target, now=world.clock(), dry_run=False, force=False)
        blind.publish(objects[-1], stale[objects[-1].uid])
    assert len(blind.problems) == 1


def test_a_url_holding_a_password_is_refused_without_echoing_it(world: World) -> None:
    from domain.errors import ValidationError

    config = CalDavSettings(url="https://alice:hunter2@cal.example.com/alice/huddle/")
    with pytest.raises(ValidationError, match=r"must not hold a login") as caught:
        push_calendar(world.services, config, now=world.clock(), env={})
    assert "hunter2" not in str(caught.value)


def test_a_restored_backup_keeps_the_push_record(world: World, radicale: Radicale, tmp_path: Path) -> None:
    """The record describes the server, which a restore does not change: events of the replaced data
    are still found and removed by the next push."""
    huddle = Path(sys.executable).with_name("huddle")
    env = cli_env(world.db_path)
    backup = tmp_path / "before.json"
    done = subprocess.run([str(huddle), "backup", "-o", str(backup)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    go_live = world.services.cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    push(world, radicale)
    assert go_live.uid in radicale.events()
    done = subprocess.run(
        [str(huddle), "restore", str(backup), "--force"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result = push(world, radicale)
    assert result.removed == ("Milestone: Go live 上线",)
    assert set(radicale.events()) == {world.meeting.next_uid}
