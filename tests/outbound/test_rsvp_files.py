"""``huddle rsvp import FILE...``: replies saved as .ics and .eml (built with icalendar and the email
package, as calendar and mail clients write them) read into the meeting, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.models import RsvpStatus
from outbound.itip import parse_replies
from outbound.rsvp import import_files
from tests.helpers.delivery import NEXT_START, World, cli_env
from tests.helpers.imap import reply_ics, reply_mail

HUDDLE = Path(sys.executable).with_name("huddle")


def huddle(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUDDLE), *args], env=cli_env(world.db_path), capture_output=True, text=True, timeout=120
    )


def shown(world: World) -> dict[str, str]:
    result = huddle(world, "meeting", "show", "M-1", "--json")
    assert result.returncode == 0, result.stderr
    rsvp: dict[str, str] = json.loads(result.stdout)["rsvp"]
    return rsvp


def test_replies_from_ics_and_eml_files_show_in_meeting_show(world: World, tmp_path: Path) -> None:
    uid = world.meeting.next_uid
    assert shown(world) == {"ann": "accepted", "wei": "no-answer", "bob": "no-answer"}
    bob = tmp_path / "bob.ics"
    bob.write_bytes(reply_ics(uid, "Bob@Example.com", "ACCEPTED", name="Bob Stone"))
    wei = tmp_path / "回复-wei.eml"
    wei.write_bytes(
        reply_mail(reply_ics(uid, "wei@example.com", "DECLINED", name="李伟"), "李伟 <wei@example.com>")
    )
    result = huddle(world, "rsvp", "import", str(bob), str(wei))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"M-1 @bob accepted ({bob})",
        f"M-1 @wei declined ({wei})",
        "2 answer(s) recorded, 0 unmatched, 2 reply(ies) read",
    ]
    assert shown(world) == {"ann": "accepted", "wei": "declined", "bob": "accepted"}
    text = huddle(world, "meeting", "show", "M-1").stdout
    assert "  rsvp: ann accepted, wei declined, bob accepted\n" in text
    # Reading the same files again changes nothing.
    again = huddle(world, "rsvp", "import", str(bob), str(wei), "--json")
    assert [r["result"] for r in json.loads(again.stdout)["replies"]] == ["unchanged", "unchanged"]


def test_an_ics_attachment_and_a_tentative_answer(world: World, tmp_path: Path) -> None:
    uid = world.meeting.next_uid
    mail = tmp_path / "bob.eml"
    mail.write_bytes(
        reply_mail(reply_ics(uid, "bob@example.com", "TENTATIVE"), "bob@example.com", as_attachment=True)
    )
    report = import_files(world.services, [mail])
    assert [o.result for o in report.outcomes] == ["recorded"]
    assert shown(world)["bob"] == "tentative"


def test_sequence_is_respected(world: World, tmp_path: Path) -> None:
    uid = world.meeting.next_uid
    services = world.services
    day = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)

    def read(name: str, partstat: str, sequence: int, stamp: datetime) -> str:
        path = tmp_path / name
        path.write_bytes(reply_ics(uid, "bob@example.com", partstat, sequence=sequence, stamp=stamp))
        (outcome,) = import_files(services, [path]).outcomes
        return outcome.result

    assert read("a.ics", "ACCEPTED", 0, day) == "recorded"
    # Same invite, a later change of mind wins; an older stamp does not.
    assert read("b.ics", "DECLINED", 0, day + timedelta(hours=1)) == "recorded"
    assert read("c.ics", "ACCEPTED", 0, day + timedelta(minutes=30)) == "outdated"
    assert shown(world)["bob"] == "declined"

    # The follow-up moves: SEQUENCE 1. Earlier answers no longer count for the new time.
    services.meetings.reschedule_next("M-1", NEXT_START + timedelta(days=1))
    assert shown(world)["bob"] == "no-answer"
    assert "bob no answer (declined to an earlier time)" in huddle(world, "meeting", "show", "M-1").stdout
    assert read("d.ics", "TENTATIVE", 1, day + timedelta(hours=2)) == "recorded"
    # A reply to the old invite that arrives late (stamped later, still SEQUENCE 0) does not override.
    assert read("e.ics", "ACCEPTED", 0, day + timedelta(hours=5)) == "outdated"
    assert read("f.ics", "ACCEPTED", 7, day + timedelta(hours=6)) == "unmatched"
    assert shown(world)["bob"] == "tentative"
    meeting = services.meetings.get("M-1")
    assert [(a.handle, a.status, a.sequence) for a in meeting.rsvp] == [("bob", RsvpStatus.TENTATIVE, 1)]


def test_replies_that_match_nothing_are_reported_not_errors(world: World, tmp_path: Path) -> None:
    before = world.db_path.read_bytes()
    stranger = tmp_path / "stranger.ics"
    stranger.write_bytes(reply_ics(world.meeting.next_uid, "eve@example.org", "ACCEPTED"))
    unknown = tmp_path / "unknown.ics"
    unknown.write_bytes(reply_ics("not-ours@elsewhere", "bob@example.com", "DECLINED"))
    plain = tmp_path / "newsletter.eml"
    plain.write_bytes(b"From: news@example.com\r\nSubject: hello\r\n\r\nNo calendar here.\r\n")
    result = huddle(world, "rsvp", "import", str(stranger), str(unknown), str(plain))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"unmatched: eve@example.org accepted ({stranger}): eve@example.org is not an attendee of M-1",
        f"unmatched: bob@example.com declined ({unknown}): "
        "no follow-up meeting has the UID not-ours@elsewhere",
        f"{plain}: no calendar reply (METHOD:REPLY) in it",
        "0 answer(s) recorded, 2 unmatched, 2 reply(ies) read",
    ]
    assert shown(world) == {"ann": "accepted", "wei": "no-answer", "bob": "no-answer"}
    assert world.db_path.read_bytes() == before


def test_an_invite_is_not_a_reply(world: World) -> None:
    from exporters.calendar_ics import render_followup_ics

    invite = render_followup_ics(world.meeting, people=world.services.directory.people(), now=world.clock())
    assert parse_replies(invite, "invite.ics") == []


@pytest.mark.parametrize("kind", ["missing", "folder", "broken"])
def test_bad_files_are_one_error_line_and_nothing_is_written(world: World, tmp_path: Path, kind: str) -> None:
    good = tmp_path / "good.ics"
    good.write_bytes(reply_ics(world.meeting.next_uid, "bob@example.com", "ACCEPTED"))
    bad = tmp_path / "bad.ics"
    if kind == "folder":
        bad.mkdir()
    elif kind == "broken":
        bad.write_bytes(b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n")
    before = world.db_path.read_bytes()
    result = huddle(world, "rsvp", "import", str(good), str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith("huddle: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(bad) in result.stderr
    assert "Traceback" not in result.stderr
    assert world.db_path.read_bytes() == before
    assert huddle(world, "rsvp", "import").returncode == 2
