"""Huddle's .ics files opened by third-party calendar programs, each with its own time-zone code:
Mozilla's ical.js (Thunderbird), libical (Evolution) with its iTIP restriction checker, khal and
calcurse. Each program gets the same follow-up meetings across daylight-saving changes in New York,
Berlin and Shanghai over several years, and must come to the instants zoneinfo gives. A program that
cannot be installed here skips with the reason (``.ci/run`` and the Makefile install them all).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from domain.dates import parse_datetime
from domain.models import Card, Meeting
from exporters._vtimezone import build_vtimezone
from exporters.calendar_ics import render_actions_ics, render_followup_ics, render_milestones_ics
from tests.helpers.calendar import ANN, BOB, NOW, WEI, meeting_in

MINUTES = 90
SWEEP: dict[str, tuple[str, ...]] = {
    "America/New_York": (
        "2026-03-08 01:30",  # the last EST morning, half an hour before the clocks jump
        "2026-03-08 03:30",  # the first EDT hour
        "2026-11-01 00:30",  # ends at 01:00 EST, the second 01:00 of the night
        "2026-11-01 02:30",
        "2028-07-12 09:00",  # the case: ical.js put it an hour late
        "2029-01-15 09:00",
        "2031-03-09 09:00",  # 2nd Sunday of March 2031: daylight time
        "2033-11-06 12:00",  # 1st Sunday of November 2033: standard time again
    ),
    "Europe/Berlin": (
        "2026-03-29 01:30",  # ends in CEST, after the jump
        "2026-03-29 03:30",
        "2027-10-31 01:30",  # ends at 02:00 CET, the second 02:00
        "2027-10-31 03:30",
        "2028-07-12 09:00",
        "2030-12-24 10:00",
    ),
    "Asia/Shanghai": ("2026-12-02 10:00", "2028-07-12 09:00", "2030-03-31 02:30"),
}


@dataclass(frozen=True)
class Case:
    zone: str
    wall: str
    meeting: Meeting
    start: int
    """Unix seconds zoneinfo gives for the start; the end is ``MINUTES`` later."""

    @property
    def end(self) -> int:
        return self.start + MINUTES * 60


def cases() -> list[Case]:
    found = []
    for zone, walls in SWEEP.items():
        for number, wall in enumerate(walls):
            uid = f"{zone.replace('/', '-')}-{number}@huddle.test"
            meeting = meeting_in(zone, wall, next_minutes=MINUTES, next_uid=uid)
            start = parse_datetime(wall, date(2026, 1, 1), ZoneInfo(zone))
            found.append(Case(zone, wall, meeting, int(start.timestamp())))
    return found


CASES = cases()


def invite(case: Case, *, rename: bool = False) -> bytes:
    """The invite of ``case``; ``rename`` gives its zone a name no program knows, so only the file's
    own VTIMEZONE can tell the offsets."""
    data = render_followup_ics(case.meeting, people=[ANN, WEI, BOB], now=NOW)
    if rename:
        data = data.replace(case.zone.encode(), f"Huddle/Zone-{uuid.uuid4().hex[:12]}".encode())
    return data


def write_invites(folder: Path, *, rename: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, case in enumerate(CASES):
        path = folder / f"invite-{number}.ics"
        path.write_bytes(invite(case, rename=rename))
        paths.append(path)
    return paths


def expected() -> dict[str, tuple[int, int]]:
    return {str(case.meeting.next_uid): (case.start, case.end) for case in CASES}


def feeds(folder: Path) -> list[Path]:
    """The PUBLISH feeds and a CANCEL, for the iTIP checks."""
    folder.mkdir(parents=True, exist_ok=True)
    card = Card(
        "OPS-1", "Ops", "上线 Go-live", "To do", milestone=True, due=date(2027, 1, 15), meeting_id="M-4"
    )
    cancelled = replace(CASES[0].meeting, next_cancelled=True, next_sequence=1)
    files = {
        "milestones.ics": render_milestones_ics([card], calendar_name="发布会 milestones", now=NOW),
        "milestones-by-ann.ics": render_milestones_ics([card], calendar_name="m", now=NOW, organizer=ANN),
        "actions.ics": render_actions_ics([card], calendar_name="actions", now=NOW, people=[ANN]),
        "cancel.ics": render_followup_ics(cancelled, people=[ANN, WEI, BOB], now=NOW),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


# ----- the VTIMEZONE itself -------------------------------------------------------------------------


def vtimezone(data: bytes) -> Any:
    (component,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    return component


def test_vtimezone_is_yearly_rules_without_rdate_lists_or_comment() -> None:
    ny = vtimezone(invite(CASES[4]))  # New York, July 2028
    assert [c.name for c in ny.subcomponents] == ["DAYLIGHT", "STANDARD"]
    rules = {c.name: c["RRULE"] for c in ny.subcomponents}
    assert rules["DAYLIGHT"]["BYMONTH"] == [3]
    assert rules["DAYLIGHT"]["BYDAY"] == ["2SU"]
    assert rules["STANDARD"]["BYMONTH"] == [11]
    assert rules["STANDARD"]["BYDAY"] == ["1SU"]
    assert all("UNTIL" not in rule for rule in rules.values())  # the current rules run on
    berlin = vtimezone(invite(next(c for c in CASES if c.zone == "Europe/Berlin")))
    assert {str(c["RRULE"]["BYDAY"][0]) for c in berlin.subcomponents} == {"-1SU"}
    for data in (invite(case) for case in CASES):
        text = data.decode()
        assert "RDATE" not in text
        assert "COMMENT" not in text


def test_a_zone_without_daylight_time_has_one_standard_observance() -> None:
    shanghai = vtimezone(invite(next(c for c in CASES if c.zone == "Asia/Shanghai")))
    (only,) = shanghai.subcomponents
    assert only.name == "STANDARD"
    assert "RRULE" not in only
    assert only["TZOFFSETFROM"].td == only["TZOFFSETTO"].td == timedelta(hours=8)


def test_rules_that_ended_carry_until_and_odd_rules_keep_their_day() -> None:
    mexico: Any = build_vtimezone("America/Mexico_City", 2020, 2026)  # no daylight time after 2022
    untils = [c["RRULE"]["UNTIL"] for c in mexico.subcomponents]
    untils = [u[0] if isinstance(u, list) else u for u in untils]
    assert untils == [datetime(2022, 4, 3, 8, 0, tzinfo=UTC), datetime(2022, 10, 30, 7, 0, tzinfo=UTC)]
    jerusalem: Any = build_vtimezone("Asia/Jerusalem", 2024, 2030)  # Friday before the last Sunday of March
    spring = next(c for c in jerusalem.subcomponents if c.name == "DAYLIGHT")
    assert spring["RRULE"]["BYMONTHDAY"] == list(range(23, 30))
    assert spring["RRULE"]["BYDAY"] in ("FR", ["FR"])


# ----- Mozilla ical.js ------------------------------------------------------------------------------

ICALJS_DIR = os.environ.get("ICALJS_DIR", "")
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_instants.mjs")
needs_icaljs = pytest.mark.skipif(
    shutil.which("node") is None or not (Path(ICALJS_DIR) / "node_modules" / "ical.js").is_dir(),
    reason="Mozilla ical.js not available: `make test` installs it with npm into .cache/icaljs",
)


@needs_icaljs
def test_icaljs_reads_every_instant_from_the_vtimezone() -> None:
    texts = [invite(case).decode() for case in CASES]
    result = subprocess.run(
        ["node", str(ICALJS_SCRIPT)], input=json.dumps(texts).encode(), capture_output=True, check=True,
        env={**os.environ, "ICALJS_DIR": ICALJS_DIR}, timeout=120,
    )  # fmt: skip
    answers = json.loads(result.stdout)
    got = {event["uid"]: (event["start"], event["end"]) for (event,) in answers}
    assert got == expected()
    assert {event["zone"] for (event,) in answers} == set(SWEEP)  # through the file's own VTIMEZONE
    assert {tuple(event["attendees"]) for (event,) in answers} == {(ANN.name, WEI.name, BOB.name)}


# ----- libical (Evolution) ---------------------------------------------------------------------------

SYSTEM_PYTHON = "/usr/bin/python3"
LIBICAL_SCRIPT = Path(__file__).with_name("libical_check.py")
GI_PROBE = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"


def _libical_missing() -> str | None:
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", GI_PROBE],
        capture_output=True, timeout=60,
    )  # fmt: skip
    if probe.returncode != 0:
        return "libical's GObject bindings are not installed (apt-get install python3-gi gir1.2-ical-3.0)"
    return None


LIBICAL_MISSING = _libical_missing()
needs_libical = pytest.mark.skipif(LIBICAL_MISSING is not None, reason=LIBICAL_MISSING or "")


def libical(paths: list[Path]) -> list[dict[str, Any]]:
    result = subprocess.run(
        [SYSTEM_PYTHON, str(LIBICAL_SCRIPT), *map(str, paths)], capture_output=True, check=True, timeout=120
    )
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


@needs_libical
def test_libical_passes_the_itip_checks_and_computes_the_same_instants(tmp_path: Path) -> None:
    paths = write_invites(tmp_path / "named") + write_invites(tmp_path / "renamed", rename=True)
    answers = libical(paths)
    for path, answer in zip(paths, answers, strict=True):
        assert answer["valid"], (path.name, answer["errors"])
        assert answer["errors"] == [], path.read_text()
    half = len(CASES)
    for group in (answers[:half], answers[half:]):  # by zone name, and by the VTIMEZONE alone
        got = {event["uid"]: (event["start"], event["end"]) for answer in group for event in answer["events"]}
        assert got == expected()
    (first,) = answers[0]["events"]
    assert first["organizer"] == ANN.name
    assert first["attendees"] == [ANN.name, WEI.name, BOB.name]  # '"' in a name, RFC 6868 decoded


@needs_libical
def test_libical_accepts_the_published_feeds_and_the_cancel(tmp_path: Path) -> None:
    for path, answer in zip(files := feeds(tmp_path), libical(files), strict=True):
        assert answer["valid"], (path.name, answer["errors"])
        assert answer["errors"] == []
    milestones = json.loads(json.dumps(libical([tmp_path / "milestones.ics"])[0]))
    (event,) = milestones["events"]
    assert (event["start"], event["end"]) == ("20270115", "20270116")


# ----- khal -----------------------------------------------------------------------------------------

KHAL = shutil.which("khal")


def khal_list(tmp_path: Path, paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Import ``paths`` into a fresh khal calendar and list every event as UTC start and end."""
    store = tmp_path / "calendar"
    store.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[huddle]]\npath = {store}\ntype = calendar\n"
        "[locale]\nlocal_timezone = UTC\ndefault_timezone = UTC\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%dT%H:%M\nlongdatetimeformat = %Y-%m-%dT%H:%M\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "TZ": "UTC"}
    assert KHAL is not None
    base = [KHAL, "-c", str(config)]
    subprocess.run([*base, "import", "--batch", "-a", "huddle", *map(str, paths)], env=env, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    listing = subprocess.run(
        [*base, "list", "--format", "{uid} {start} {end}", "--day-format", "", "2025-01-01", "3700d"],
        env=env, check=True, capture_output=True, text=True, timeout=300,
    ).stdout  # fmt: skip
    got = {}
    for line in filter(None, listing.splitlines()):
        uid, start, end = line.split()
        as_seconds = [int(datetime.fromisoformat(t).replace(tzinfo=UTC).timestamp()) for t in (start, end)]
        got[uid] = (as_seconds[0], as_seconds[1])
    return got


@pytest.mark.slow
@pytest.mark.skipif(KHAL is None, reason="khal is not installed (apt-get install khal)")
@pytest.mark.parametrize("rename", [False, True], ids=["zone-name", "vtimezone-only"])
def test_khal_imports_and_lists_the_same_instants(tmp_path: Path, rename: bool) -> None:
    got = khal_list(tmp_path, write_invites(tmp_path / "in", rename=rename))
    assert got == expected()


# ----- calcurse -------------------------------------------------------------------------------------

CALCURSE = shutil.which("calcurse")


@pytest.mark.slow
@pytest.mark.skipif(CALCURSE is None, reason="calcurse is not installed (apt-get install calcurse)")
@pytest.mark.parametrize("local", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_calcurse_imports_and_lists_the_same_instants(tmp_path: Path, local: str) -> None:
    """calcurse keeps local times: imported and queried on a machine in ``local`` it must still show
    each meeting at the right instant (it resolves TZID names and ``Z`` times itself)."""
    assert CALCURSE is not None
    data = tmp_path / "calcurse"
    data.mkdir()
    env = {**os.environ, "TZ": local}
    for path in write_invites(tmp_path / "in"):
        result = subprocess.run([CALCURSE, "-D", str(data), "-i", str(path)], env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "1 app / 0 events / 0 todos / 0 skipped" in result.stdout, (path.read_text(), result.stdout)
    listing = subprocess.run(
        [CALCURSE, "-D", str(data), "--input-datefmt", "4", "-Q", "--from", "2025-01-01", "--days", "3700",
         "--format-apt", "%s %e %m\\n"],
        env=env, check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    # A meeting that crosses midnight is listed under both days: compare the set of instants.
    got = {tuple(map(int, line.split()[:2])) for line in listing.splitlines() if line.strip()[:1].isdigit()
           and not line.endswith(":")}  # fmt: skip
    assert got == {(start, _as_calcurse_keeps(end, local)) for start, end in expected().values()}


def _as_calcurse_keeps(moment: int, local: str) -> int:
    """calcurse stores wall-clock times of the machine's zone with no offset, so an instant in the
    second pass of a repeated hour there comes back as the first pass (an hour early). A limitation
    of calcurse's data file, not of the .ics, which it read right: other zones show the true instant."""
    wall = datetime.fromtimestamp(moment, ZoneInfo(local))
    first = wall.replace(fold=0)
    return int(first.timestamp()) if wall.fold and first.utcoffset() != wall.utcoffset() else moment


SAMPLE_ZONES = (
    "America/New_York", "America/Santiago", "America/Havana", "America/St_Johns", "America/Asuncion",
    "America/Mexico_City", "America/Sao_Paulo", "Europe/Berlin", "Europe/London", "Europe/Dublin",
    "Europe/Chisinau", "Africa/Cairo", "Africa/Casablanca", "Asia/Shanghai", "Asia/Jerusalem",
    "Asia/Gaza", "Asia/Tehran", "Asia/Kolkata", "Australia/Sydney", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Chatham", "Antarctica/Troll", "Pacific/Apia",
)  # fmt: skip


@pytest.mark.parametrize("key", SAMPLE_ZONES)
def test_the_vtimezone_gives_zoneinfos_offset_at_every_moment(key: str) -> None:
    """icalendar's own VTIMEZONE expansion (dateutil rrules, not Huddle's code) against zoneinfo, every
    7 hours over the event's years, and in 2040-2041, far past the scanned years: the open yearly
    rules must still be the zone's (Morocco and Gaza's are not yearly rules: only the scanned years)."""
    component = build_vtimezone(key, 2025, 2029)
    tz = component.to_tz()
    zone = ZoneInfo(key)
    spans = [(datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 12, 31, tzinfo=UTC))]
    if key not in ("Africa/Casablanca", "Asia/Gaza"):
        spans.append((datetime(2040, 1, 1, tzinfo=UTC), datetime(2041, 12, 31, tzinfo=UTC)))
    for moment, stop in spans:
        while moment < stop:
            assert moment.astimezone(tz).utcoffset() == moment.astimezone(zone).utcoffset(), moment
            moment += timedelta(hours=7)
