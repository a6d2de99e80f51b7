"""``huddle export``: file names from titles, no silent overwrite, nothing changed on failure, and
the CLI's other commands never load the exporters' heavy libraries."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import icalendar
import pytest

from domain.errors import ConflictError, ValidationError
from outbound.exporting import safe_filename, write_file
from tests.helpers.delivery import HUDDLE, MEETING_TITLE, REPO, World, cli_env, context_for
from tui.cli.export import cmd_export_ics, cmd_export_minutes


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("../../etc/passwd", "etc-passwd.docx"),
        ("/absolute/path", "absolute-path.docx"),
        ("..", "M-1.docx"),
        (".hidden", "hidden.docx"),
        ("a\\b:c*?<>|d", "a-b-c-d.docx"),
        ("发布会 / 筹备会议", "发布会-筹备会议.docx"),
        ("   ", "M-1.docx"),
        ("x" * 300, "x" * 80 + ".docx"),
        ("Q4 review\r\nX-Evil: 1", "Q4-review-X-Evil-1.docx"),
    ],
)
def test_file_names_from_titles_stay_in_the_folder(title: str, expected: str) -> None:
    name = safe_filename(title, ".docx", fallback="M-1")
    assert name == expected
    assert Path(name).name == name
    assert not name.startswith(".")


def test_write_file_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    target.write_bytes(b"keep me")
    with pytest.raises(ConflictError, match="--force"):
        write_file(target, b"new", force=False)
    assert target.read_bytes() == b"keep me"
    write_file(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ics"]  # no temp file left behind
    with pytest.raises(ValidationError, match="does not exist"):
        write_file(tmp_path / "missing" / "out.ics", b"x", force=False)
    with pytest.raises(ValidationError, match="is a folder"):
        write_file(tmp_path, b"x", force=True)


def ns(**values: object) -> argparse.Namespace:
    base: dict[str, object] = {"output": None, "force": False, "meeting": None, "milestones": False}
    base.update(actions=False, cancel=False)
    base.update(values)
    return argparse.Namespace(**base)


def test_minutes_default_to_a_sanitised_name_in_the_current_folder(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    ctx = context_for(world)
    assert cmd_export_minutes(ctx, ns(id="m-1")) == 0
    written = out / "M-1-发布会筹备会议-Launch-prep.docx"
    assert capsys.readouterr().out.startswith(f"wrote {written.name} (minutes of M-1")
    assert docx.Document(BytesIO(written.read_bytes())).paragraphs[0].text == MEETING_TITLE
    with pytest.raises(ConflictError):
        cmd_export_minutes(ctx, ns(id="M-1"))
    assert cmd_export_minutes(ctx, ns(id="M-1", force=True)) == 0
    assert [p.name for p in out.iterdir()] == [written.name]


def test_a_refused_cancel_export_changes_nothing(world: World, tmp_path: Path) -> None:
    existing = tmp_path / "invite.ics"
    existing.write_bytes(b"old")
    ctx = context_for(world)
    with pytest.raises(ConflictError):
        cmd_export_ics(ctx, ns(meeting="M-1", cancel=True, output=str(existing)))
    meeting = world.services.meetings.get("M-1")
    assert (meeting.next_cancelled, meeting.next_sequence) == (False, 0)
    assert existing.read_bytes() == b"old"
    assert cmd_export_ics(ctx, ns(meeting="M-1", cancel=True, output=str(existing), force=True)) == 0
    calendar = icalendar.Calendar.from_ical(existing.read_bytes())
    assert calendar["METHOD"] == "CANCEL"
    # Exporting the cancellation again does not raise SEQUENCE a second time.
    assert cmd_export_ics(ctx, ns(meeting="M-1", cancel=True, output=str(existing), force=True)) == 0
    assert world.services.meetings.get("M-1").next_sequence == 1


def test_cancel_only_goes_with_meeting(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="--cancel"):
        cmd_export_ics(context_for(world), ns(milestones=True, cancel=True, output=str(tmp_path / "m.ics")))


def run(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUDDLE), *args], env=cli_env(world.db_path), capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_cli_export_commands_end_to_end(world: World, tmp_path: Path) -> None:
    world.services.cards.add("OPS", "Go live", milestone=True, due=date(2027, 1, 15))
    minutes = tmp_path / "minutes.docx"
    result = run(world, "export", "minutes", "M-1", "-o", str(minutes))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {minutes} (minutes of M-1 (5 notes, 2 actions))\n"
    assert docx.Document(str(minutes)).core_properties.title == MEETING_TITLE
    again = run(world, "export", "minutes", "M-1", "-o", str(minutes))
    assert again.returncode == 1
    assert again.stderr == f"huddle: error: {minutes} already exists; use --force to overwrite it\n"

    invite = run(world, "export", "ics", "--meeting", "M-1", "-o", "-")
    assert invite.returncode == 0, invite.stderr
    assert icalendar.Calendar.from_ical(invite.stdout)["METHOD"] == "REQUEST"
    for flag, count in (("--milestones", 1), ("--actions", 2)):
        path = tmp_path / f"{flag[2:]}.ics"
        result = run(world, "export", "ics", flag, "-o", str(path))
        assert result.returncode == 0, result.stderr
        assert len(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == count
    usage = run(world, "export", "ics", "--milestones", "--actions", "-o", str(tmp_path / "x.ics"))
    assert usage.returncode == 2
    missing = run(world, "export", "minutes", "M-99", "-o", str(tmp_path / "x.docx"))
    assert missing.returncode == 1
    assert missing.stderr == "huddle: error: no meeting 'M-99'\n"
    assert not (tmp_path / "x.docx").exists()


HEAVY = ("docx", "icalendar", "caldav", "textual", "lxml", "smtplib", "vobject")


def loaded_after(code: str) -> list[str]:
    """Which of HEAVY a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_cli_paths_do_not_import_the_exporter_libraries(world: World) -> None:
    assert loaded_after("import tui.cli.export") == []
    assert loaded_after("import outbound.exporting, outbound.delivery") == ["smtplib"]
    # A whole CLI command other than export/send/calendar pays for none of them.
    command = f"from tui.cli import main\nmain(['--db', {str(world.db_path)!r}, 'card', 'list'])"
    assert loaded_after(command) == []


def test_exporters_do_not_import_storage_or_the_ui() -> None:
    code = "import exporters.minutes_docx, exporters.calendar_ics, exporters.invite_mail"
    names = ("storage", "tinydb", "textual", "rich", "tui")
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {names!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_follow_up_in_the_repeated_hour_is_refused_with_one_line(world: World) -> None:
    """The hour New York's clocks repeat on 2027-11-07: refused, nothing written; just before it is fine
    and its 90 minutes end in the second pass, written in UTC so no reader makes it shorter."""
    meeting = world.services.meetings.start("NY sync", attendees=["ann", "wei"], tz="America/New_York")
    env = cli_env(world.db_path)
    run = [str(HUDDLE), "meeting", "end", meeting.id, "--next"]
    bad = subprocess.run([*run, "2027-11-07 01:30"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "huddle: error: --next: 2027-11-07 01:30 happens twice in America/New_York (the clocks go back "
        "from UTC-04:00 to UTC-05:00), so it is ambiguous; pick a time outside that hour"
    ]
    assert world.services.meetings.get(meeting.id).ended_at is None
    good = subprocess.run([*run, "2027-11-07 00:30", "--minutes", "90"], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert good.returncode == 0, good.stderr
    ics = subprocess.run([str(HUDDLE), "export", "ics", "--meeting", meeting.id, "-o", "-"], env=env,
                         capture_output=True, check=True, timeout=120).stdout  # fmt: skip
    assert b"DTSTART;TZID=America/New_York:20271107T003000\r\n" in ics
    assert b"DTEND:20271107T060000Z\r\n" in ics
