"""Bursts of keys in a live meeting: every line once, whole, in order; the draft after them stays a draft.

A laggy SSH link, a mobile client or a paste without bracketed paste delivers many lines in one read.
The tmux test sends 50 lines and a half line in one ``send-keys`` to the real app in a real pty and
reads the data file back with ``huddle meeting show --json``; the Pilot tests post the key events
all at once, without letting the app run in between, and check the order against agenda moves,
priority keys and focus.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual import events

from domain.capture import draft_record
from storage.journal import MeetingJournal
from tests.helpers.meetings import SIZE, open_live, start_meeting
from tests.helpers.tmux import Tmux, huddle, huddle_command, open_live_meeting, process_gone
from tests.helpers.wait import until, wait_for
from tui.app import HuddleApp
from tui.config import os_user
from tui.screens.meeting_live import LiveMeetingScreen
from tui.wiring import Context

LINES = 50
HALF_LINE = "half a line 还没写完"


def burst_line(number: int) -> str:
    return f"line {number:02d} racks & cables 第{number}行 [red]x[/red]"


def notes_of(db: Path, meeting_id: str) -> list[str]:
    shown = json.loads(huddle(db, "meeting", "show", meeting_id, "--json"))
    return [str(note["text"]) for note in shown["notes"]]


def test_fifty_lines_sent_in_one_burst_are_fifty_notes_in_order(tmp_path: Path) -> None:
    tmux = Tmux("burst")
    db = tmp_path / "burst.json"
    huddle(db, "demo")
    meeting_id = huddle(db, "meeting", "start", "--title", "Burst").strip()
    journal = MeetingJournal(db, meeting_id, os_user())
    try:
        pid = tmux.start("app", [*huddle_command(), "--db", str(db)])
        open_live_meeting(tmux, "app")
        keys: list[str] = []
        for number in range(1, LINES + 1):
            keys += [burst_line(number), "Enter"]
        tmux.send("app", *keys, HALF_LINE)
        # The half line reaches the journal as a draft once the app has applied every key sent.
        wait_for(lambda: draft_record(HALF_LINE) in list(journal.records()), 60, "the half line journaled")
        wait_for(lambda: len(notes_of(db, meeting_id)) >= LINES, 60, f"{LINES} notes in the data file")
        recorded = notes_of(db, meeting_id)
        sent = [burst_line(n) for n in range(1, LINES + 1)]
        right = sum(1 for got, want in zip(recorded, sent, strict=False) if got == want)
        print(f"\nburst: {LINES} lines sent in one send-keys, {len(recorded)} recorded, {right} right")
        assert recorded == sent
        # Journaled before it is painted: the half line reaches the screen at the next frame, which a
        # loaded machine may draw after the notes are already in the file.
        wait_for(lambda: HALF_LINE in tmux.screen("app"), 30, "the half line on screen")
        tmux.kill_session("app")
        wait_for(lambda: process_gone(pid), 15, "the app to exit after its terminal was closed")
        assert notes_of(db, meeting_id) == sent
        assert [r for r in journal.records() if r.get("t") == "draft"][-1:] == [draft_record(HALF_LINE)], (
            list(journal.records())[-3:]
        )
    finally:
        tmux.kill_server()


def key_events(text: str) -> list[events.Key]:
    """The events a terminal's bytes for ``text`` turn into (space and digits named as Textual does)."""
    return [events.Key("space" if ch == " " else ch, ch) for ch in text]


def post_burst(app: HuddleApp, *parts: str) -> None:
    """Queue every key at once, as one read from a fast link does; nothing runs in between.

    A part is text, ``ENTER``, or a key name in angle brackets (``<ctrl+n>``).
    """
    for part in parts:
        if part == ENTER:
            app.post_message(events.Key("enter", "\r"))
        elif part.startswith("<") and part.endswith(">"):
            key = part[1:-1]
            app.post_message(events.Key(key, key[-1] if key.startswith("alt+") else None))
        else:
            for key_event in key_events(part):
                app.post_message(key_event)


ENTER = "\r"
"""Stands for an Enter key in ``post_burst`` (each post needs a new event: a posted event is consumed)."""


async def test_a_burst_keeps_order_across_agenda_moves_and_priority_keys(context: Context) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        post_burst(
            app,
            "first note",
            ENTER,
            "second note",
            ENTER,
            "<ctrl+n>",
            "budget note",
            ENTER,
            "agreed",
            "<alt+d>",
            "/r vendor late",
            ENTER,
            "not yet sent",
        )
        await until(pilot, lambda: screen.draft == "not yet sent" and not screen.pending, seconds=10)
        saved = context.services.meetings.get(meeting.id)
        assert [(n.kind.value, n.text.split(": ")[-1], n.agenda_index) for n in saved.notes] == [
            ("note", "first note", 0),
            ("note", "second note", 0),
            ("note", "budget note", 1),
            ("decision", "agreed", 1),
            ("risk", "vendor late", 1),
        ]
        assert screen.minutes_log.capture_input.value == "not yet sent"


async def test_a_multi_line_paste_records_each_full_line_and_keeps_the_rest(context: Context) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        app.post_message(events.Paste("pasted one\r\npasted two\npasted three\rstill typing"))
        await until(pilot, lambda: screen.draft == "still typing" and not screen.pending)
        saved = context.services.meetings.get(meeting.id)
        assert [n.text for n in saved.notes] == ["pasted one", "pasted two", "pasted three"]


async def test_a_refused_line_stays_and_later_keys_are_kept(context: Context) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        post_burst(app, "kept", ENTER, "/q what", ENTER, " and more")
        await until(pilot, lambda: screen.draft == "/q what and more" and not screen.pending)
        assert [n.text for n in context.services.meetings.get(meeting.id).notes] == ["kept"]


async def test_typing_off_the_capture_line_goes_into_it_and_digits_never_switch_areas(
    context: Context,
) -> None:
    start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: screen.attendee_list.has_focus)
        post_burst(app, "12345ok")
        await until(pilot, lambda: screen.draft == "12345ok")
        assert app.screen is screen
        assert screen.minutes_log.capture_input.has_focus
        # Space still belongs to the attendee list while it has focus.
        await pilot.press("ctrl+t")
        await until(pilot, lambda: screen.attendee_list.has_focus)
        await pilot.press("space")
        await until(pilot, lambda: screen.view is not None and not screen.view.meeting.attendees[0].present)
        assert screen.draft == "12345ok"


async def test_returning_to_the_meeting_puts_the_cursor_in_the_capture_line(context: Context) -> None:
    start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: screen.attendee_list.has_focus)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: screen.minutes_log.capture_input.has_focus)
        assert isinstance(app.screen, LiveMeetingScreen)


async def test_a_hang_up_in_the_middle_of_enter_journals_the_line_once_and_no_stale_draft(
    context: Context,
) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        capture = screen.minutes_log.capture_input
        record = capture.submit
        assert record is not None

        def record_then_hang_up(text: str) -> bool:
            """The signal handler runs after the line is recorded, before the capture line is cleared."""
            recorded = record(text)
            app.run_flush_hooks()
            return recorded

        capture.submit = record_then_hang_up
        post_burst(app, "said just before the link dropped", ENTER)
        await until(
            pilot, lambda: not screen.pending and bool(context.services.meetings.get(meeting.id).notes)
        )
        records = list(MeetingJournal(context.db_path, meeting.id, context.os_user).records())
        assert [r["text"] for r in records if r["t"] == "entry"] == ["said just before the link dropped"]
        assert [r for r in records if r["t"] == "draft"] == []


async def test_keys_still_queued_when_the_app_exits_are_recorded_once(context: Context) -> None:
    meeting = start_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_live(pilot)
        capture = screen.minutes_log.capture_input
        for key in [*key_events("typed as the link dropped"), events.Key("enter", "\r")]:
            capture.post_message(key)
        app.exit()  # the capture line applies its queued keys while the screens close
    assert screen.recorder.finished.wait(timeout=10)
    assert capture.value == ""
    notes = [n.text for n in context.services.meetings.get(meeting.id).notes]
    assert notes == ["typed as the link dropped"]
    records = list(MeetingJournal(context.db_path, meeting.id, context.os_user).records())
    assert draft_record("typed as the link dropped") not in records
