"""iCalendar output, read back by icalendar and by an independent parser (vobject, dateutil's tz)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from domain.errors import ValidationError
from domain.models import Card, Person
from exporters.calendar_ics import (
    FEED_ADDRESS,
    action_uid,
    render_actions_ics,
    render_calendar_objects,
    render_followup_ics,
    render_milestones_ics,
)
from tests.helpers.calendar import ANN, BOB, NOW, WEI, meeting_in
from tests.helpers.delivery import MEETING_TITLE, NEXT_START, World

OTHER_ZONES = ("Asia/Tokyo", "America/Los_Angeles", "Europe/London", "Australia/Sydney")


def parse(data: bytes | str) -> Any:
    """icalendar's parse, typed loosely: the tests index properties freely."""
    return icalendar.Calendar.from_ical(data)


def only_event(data: bytes) -> tuple[Any, Any]:
    calendar = parse(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def vobject_times(text: str) -> tuple[datetime, datetime]:
    event = vobject.readOne(text).vevent
    return event.dtstart.value, event.dtend.value


@pytest.mark.parametrize(
    ("zone", "wall", "utc"),
    [
        (
            "America/New_York",
            "2026-03-09 09:00",
            datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
        ),  # day after DST starts
        ("America/New_York", "2026-03-06 09:00", datetime(2026, 3, 6, 14, 0, tzinfo=UTC)),  # still EST
        ("Europe/Berlin", "2026-10-26 09:00", datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),  # day after DST ends
        ("Europe/Berlin", "2026-10-23 09:00", datetime(2026, 10, 23, 7, 0, tzinfo=UTC)),  # still CEST
        ("Asia/Shanghai", "2026-12-02 10:00", datetime(2026, 12, 2, 2, 0, tzinfo=UTC)),
    ],
)
def test_follow_up_is_the_same_instant_in_independent_parsers(zone: str, wall: str, utc: datetime) -> None:
    data = render_followup_ics(meeting_in(zone, wall), people=[ANN, WEI, BOB], now=NOW)
    text = data.decode()
    assert f"DTSTART;TZID={zone}:" in text
    assert f"BEGIN:VTIMEZONE\r\nTZID:{zone}\r\n" in text
    _, event = only_event(data)
    assert event.start.tzinfo is not None
    assert event.start.astimezone(UTC) == utc
    assert event.end.astimezone(UTC) == utc + timedelta(minutes=45)
    # The embedded VTIMEZONE alone must give the same instant: rename the zone so neither parser can
    # look it up in its own database (a unique name, because both parsers cache zones by TZID).
    renamed = text.replace(zone, f"Huddle/Test-{uuid.uuid4().hex}")
    for parsed_text in (text, renamed):
        v_start, v_end = vobject_times(parsed_text)
        _, i_event = only_event(parsed_text.encode())
        assert v_start.astimezone(UTC) == utc, parsed_text
        assert v_end.astimezone(UTC) == utc + timedelta(minutes=45)
        assert i_event.start.astimezone(UTC) == utc
        # Attendees elsewhere see the same moment on their own clocks in both parsers.
        for other in OTHER_ZONES:
            assert v_start.astimezone(ZoneInfo(other)) == i_event.start.astimezone(ZoneInfo(other))
            assert (
                v_start.astimezone(ZoneInfo(other)).utcoffset() == utc.astimezone(ZoneInfo(other)).utcoffset()
            )


def test_invite_is_an_itip_request_with_organizer_and_rsvp_attendees() -> None:
    meeting = meeting_in("Asia/Shanghai", "2026-12-02 10:00", place="会议室 3")
    calendar, event = only_event(render_followup_ics(meeting, people=[ANN, WEI, BOB], now=NOW))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.next_uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.DTSTAMP == NOW
    assert str(event["ORGANIZER"]) == "mailto:ann@example.com"
    assert event["ORGANIZER"].params["CN"] == "Ann Lee"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:ann@example.com", "mailto:wei@example.com", "mailto:bob@example.com"}
    assert attendees["mailto:ann@example.com"]["ROLE"] == "CHAIR"
    for address in ("mailto:wei@example.com", "mailto:bob@example.com"):
        assert attendees[address]["RSVP"] == "TRUE"
        assert attendees[address]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:wei@example.com"]["CN"] == "李伟"
    assert attendees["mailto:bob@example.com"]["CN"] == BOB.name  # commas and quotes survive
    assert event["LOCATION"] == "会议室 3"
    # vobject reads the same attendees.
    v_event = vobject.readOne(render_followup_ics(meeting, people=[ANN, WEI, BOB], now=NOW).decode()).vevent
    assert sorted(a.value for a in v_event.attendee_list) == sorted(attendees)


def test_uid_is_stable_and_sequence_rises_on_reschedule_and_cancel(world: World) -> None:
    meetings = world.services.meetings
    people = world.services.directory.people()
    first = render_followup_ics(world.meeting, people=people, now=world.clock())
    again = render_followup_ics(meetings.get("M-1"), people=people, now=world.clock())
    _, first_event = only_event(first)
    assert first == again  # same meeting, same clock: byte-identical
    moved = meetings.reschedule_next("M-1", NEXT_START + timedelta(days=1))
    cal_moved, moved_event = only_event(render_followup_ics(moved, people=people, now=world.clock()))
    cancelled = meetings.cancel_next("M-1")
    cal_cancel, cancel_event = only_event(render_followup_ics(cancelled, people=people, now=world.clock()))
    assert (
        str(first_event["UID"])
        == str(moved_event["UID"])
        == str(cancel_event["UID"])
        == world.meeting.next_uid
    )
    assert [first_event["SEQUENCE"], moved_event["SEQUENCE"], cancel_event["SEQUENCE"]] == [0, 1, 2]
    assert cal_moved["METHOD"] == "REQUEST"
    assert moved_event.start.astimezone(UTC) == NEXT_START + timedelta(days=1)
    assert cal_cancel["METHOD"] == "CANCEL"
    assert cancel_event["STATUS"] == "CANCELLED"
    assert len(cancel_event["ATTENDEE"]) == 3  # a CANCEL names whom it cancels for
    assert meetings.get("M-1").next_uid == world.meeting.next_uid  # stored, not regenerated


def test_line_breaks_in_titles_cannot_inject_properties() -> None:
    evil = "Review\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT\nX-EVIL:1"
    meeting = meeting_in(
        "Europe/Berlin", "2026-10-26 09:00", title=evil, place="Room\nORGANIZER:mailto:x@y.z"
    )
    data = render_followup_ics(meeting, people=[ANN, WEI], now=NOW)
    lines = data.decode().split("\r\n")
    assert not [
        line for line in lines if line.startswith(("ATTENDEE:mailto:evil", "X-EVIL", "ORGANIZER:mailto:x"))
    ]
    assert lines.count("END:VEVENT") == 1
    _, event = only_event(data)
    assert [str(a) for a in event["ATTENDEE"]] == ["mailto:ann@example.com", "mailto:wei@example.com"]
    assert "X-EVIL" not in event
    assert str(event["SUMMARY"]) == "Review\nATTENDEE:mailto:evil@example.com\nEND:VEVENT\nX-EVIL:1"
    v_event = vobject.readOne(data.decode()).vevent
    assert len(v_event.attendee_list) == 2
    assert "ATTENDEE:mailto:evil@example.com" in v_event.summary.value
    card = Card(id="OPS-1", dept="Ops", title=evil, column="To do", milestone=True, due=date(2026, 5, 1))
    milestones = render_milestones_ics([card], calendar_name="x\r\nMETHOD:CANCEL", now=NOW)
    assert "\r\nX-EVIL" not in milestones.decode()
    assert parse(milestones)["METHOD"] == "PUBLISH"


def test_an_address_with_a_line_break_is_refused() -> None:
    evil = Person("wei", "Wei", "wei@example.com\r\nATTENDEE:mailto:evil@example.com")
    with pytest.raises(ValidationError, match="e-mail address"):
        render_followup_ics(meeting_in("Asia/Shanghai", "2026-12-02 10:00"), people=[ANN, evil], now=NOW)


def test_no_follow_up_or_no_chair_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="no follow-up"):
        render_followup_ics(meeting_in("UTC", "2026-12-02 10:00", next_start=None), people=[ANN], now=NOW)
    with pytest.raises(ValidationError, match="no chair"):
        render_followup_ics(meeting_in("UTC", "2026-12-02 10:00", organizer=None), people=[ANN], now=NOW)


def test_a_utc_meeting_uses_utc_times_without_vtimezone() -> None:
    data = render_followup_ics(meeting_in("UTC", "2026-12-02 10:00"), people=[ANN, WEI], now=NOW)
    assert b"VTIMEZONE" not in data
    assert b"DTSTART:20261202T100000Z" in data
    assert vobject_times(data.decode())[0] == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def milestone(number: int, due: date, **changes: Any) -> Card:
    return replace(
        Card(
            id=f"OPS-{number}",
            dept="Operations",
            title=f"里程碑 {number}",
            column="To do",
            milestone=True,
            due=due,
        ),
        **changes,
    )


def test_milestones_are_all_day_events_ending_the_next_day() -> None:
    cards = [
        milestone(1, date(2026, 3, 8)),  # the US DST day: still one calendar day
        milestone(2, date(2026, 12, 31)),  # ends in the next year
        milestone(3, date(2026, 2, 28)),
        milestone(4, None),  # type: ignore[arg-type]
        replace(milestone(5, date(2026, 6, 1)), milestone=False),
    ]
    data = render_milestones_ics(cards, calendar_name="发布会 milestones", now=NOW)
    calendar = parse(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "发布会 milestones"
    events = calendar.walk("VEVENT")
    got = {str(e["UID"]): (e.start, e.end) for e in events}
    assert got == {
        cards[0].uid: (date(2026, 3, 8), date(2026, 3, 9)),
        cards[1].uid: (date(2026, 12, 31), date(2027, 1, 1)),
        cards[2].uid: (date(2026, 2, 28), date(2026, 3, 1)),
    }
    assert b"DTSTART;VALUE=DATE:20261231" in data
    assert b"DTEND;VALUE=DATE:20270101" in data
    assert all(e["TRANSP"] == "TRANSPARENT" for e in events)
    v_calendar = vobject.readOne(data.decode())
    v_got = {e.uid.value: (e.dtstart.value, e.dtend.value) for e in v_calendar.vevent_list}
    assert v_got == got


def test_no_milestones_is_still_a_calendar() -> None:
    data = render_milestones_ics([], calendar_name="empty", now=NOW)
    calendar = parse(data)
    assert calendar.walk("VEVENT") == []
    assert vobject.readOne(data.decode()).name == "VCALENDAR"


def test_action_items_are_events_on_their_due_date(world: World) -> None:
    services = world.services
    services.cards.move("OPS-2", "Done")
    cards = [c for c in services.cards.list() if c.meeting_id]
    data = render_actions_ics(cards, calendar_name="actions", now=NOW, people=services.directory.people())
    events = {e["SUMMARY"]: e for e in parse(data).walk("VEVENT")}
    assert set(events) == {"预订酒店", "Done: Send the floor plan"}
    hotel = events["预订酒店"]
    assert (hotel.start, hotel.end) == (date(2026, 12, 1), date(2026, 12, 2))
    card = services.cards.get("MKT-2")
    assert str(hotel["UID"]) == action_uid(card) == card.uid.replace("@", "-action@")
    assert str(hotel["ORGANIZER"]) == FEED_ADDRESS  # no exporter given: the never-mailed feed address
    assert "Owner: 李伟 (@wei)" in str(hotel["DESCRIPTION"])
    assert "From meeting M-1" in str(hotel["DESCRIPTION"])
    assert len(vobject.readOne(data.decode()).vevent_list) == 2


def test_calendar_objects_hold_one_event_each_without_method(world: World) -> None:
    services = world.services
    services.cards.add("OPS", "Go live", milestone=True, due=date(2027, 1, 15))
    objects = render_calendar_objects(
        meetings=services.meetings.list(),
        milestones=services.cards.list(),
        people=services.directory.people(),
        now=world.clock(),
    )
    assert [o.summary for o in objects] == [MEETING_TITLE, "Milestone: Go live"]
    for obj in objects:
        calendar = parse(obj.data)
        assert "METHOD" not in calendar
        assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [obj.uid]
    assert objects[0].uid == world.meeting.next_uid
    assert b"BEGIN:VTIMEZONE" in objects[0].data


ICALJS_DIR = os.environ.get("ICALJS_DIR", "")
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_instants.mjs")


@pytest.mark.skipif(
    shutil.which("node") is None or not (Path(ICALJS_DIR) / "node_modules" / "ical.js").is_dir(),
    reason="Mozilla ical.js not available: set ICALJS_DIR to a folder where 'npm install ical.js@2' ran",
)
@pytest.mark.parametrize(
    ("zone", "wall", "utc"),
    [
        ("America/New_York", "2026-03-09 09:00", datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
        ("Europe/Berlin", "2026-10-26 09:00", datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", "2026-10-23 09:00", datetime(2026, 10, 23, 7, 0, tzinfo=UTC)),
        ("Asia/Shanghai", "2026-12-02 10:00", datetime(2026, 12, 2, 2, 0, tzinfo=UTC)),
    ],
)
def test_icaljs_reads_the_same_instants(zone: str, wall: str, utc: datetime) -> None:
    def icaljs(data: bytes) -> list[dict[str, Any]]:
        result = subprocess.run(
            ["node", str(ICALJS_SCRIPT)], input=data, capture_output=True, check=True,
            env={**os.environ, "ICALJS_DIR": ICALJS_DIR}, timeout=60,
        )  # fmt: skip
        parsed: list[dict[str, Any]] = json.loads(result.stdout)
        return parsed

    meeting = meeting_in(zone, wall)
    (event,) = icaljs(render_followup_ics(meeting, people=[ANN, WEI], now=NOW))
    assert event["uid"] == meeting.next_uid
    assert event["zone"] == zone  # resolved through the file's own VTIMEZONE (ical.js has no zone database)
    assert event["start"] == int(utc.timestamp())
    assert event["end"] == int((utc + timedelta(minutes=45)).timestamp())
    stones = render_milestones_ics([milestone(1, date(2026, 12, 31))], calendar_name="m", now=NOW)
    (stone,) = icaljs(stones)
    assert (stone["start"], stone["end"]) == ("2026-12-31", "2027-01-01")


def test_a_card_that_is_milestone_and_action_item_has_one_uid_per_feed() -> None:
    card = replace(milestone(7, date(2026, 6, 1)), meeting_id="M-1")
    stones = parse(render_milestones_ics([card], calendar_name="m", now=NOW, organizer=ANN))
    actions = parse(render_actions_ics([card], calendar_name="a", now=NOW, organizer=ANN))
    (stone,) = stones.walk("VEVENT")
    (action,) = actions.walk("VEVENT")
    assert str(stone["UID"]) == card.uid
    assert str(action["UID"]) != card.uid
    # Stable: derived from the stored UID, the same on every export.
    again = parse(render_actions_ics([card], calendar_name="a", now=NOW + timedelta(days=1)))
    assert str(again.walk("VEVENT")[0]["UID"]) == str(action["UID"])
    for feed in (stones, actions):
        assert feed["METHOD"] == "PUBLISH"
        assert str(feed.walk("VEVENT")[0]["ORGANIZER"]) == "mailto:ann@example.com"


def test_an_end_or_start_in_the_second_pass_of_a_repeated_hour_is_written_in_utc() -> None:
    """00:30 EDT + 90 minutes ends at 01:00 EST, the second 01:00 of the night: as a TZID wall-clock
    time every reader would take the first 01:00 (RFC 5545), 30 minutes long instead of 90."""
    meeting = meeting_in("America/New_York", "2026-11-01 00:30", next_minutes=90)
    text = render_followup_ics(meeting, people=[ANN, WEI], now=NOW).decode()
    assert "DTSTART;TZID=America/New_York:20261101T003000\r\n" in text
    assert "DTEND:20261101T060000Z\r\n" in text
    _, event = only_event(text.encode())
    assert event.end - event.start == timedelta(minutes=90)
    # A start stored before ambiguous input was refused, in the second pass: UTC too.
    second_pass = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    stored = replace(meeting, next_start=second_pass, next_minutes=30)
    text = render_followup_ics(stored, people=[ANN, WEI], now=NOW).decode()
    assert "DTSTART:20261101T063000Z\r\n" in text
    assert "DTEND;TZID=America/New_York:20261101T020000\r\n" in text
    v_start, v_end = vobject_times(text)
    assert (v_start.astimezone(UTC), v_end.astimezone(UTC)) == (
        second_pass,
        second_pass + timedelta(minutes=30),
    )


def test_a_follow_up_of_no_length_is_refused_at_input_and_at_export(world: World) -> None:
    meetings = world.services.meetings
    with pytest.raises(ValidationError, match="at least 1 minute, not 0"):
        meetings.reschedule_next("M-1", NEXT_START, 0)
    with pytest.raises(ValidationError, match="at least 1 minute, not -30"):
        meetings.reschedule_next("M-1", NEXT_START, -30)
    assert meetings.get("M-1").next_minutes == 60  # nothing written
    with pytest.raises(ValidationError, match="must end after it starts"):
        render_followup_ics(meeting_in("UTC", "2026-12-02 10:00", next_minutes=0), people=[ANN, WEI], now=NOW)
