"""The Meetings area returns to its list; exports and mail ask first, with the focus on Cancel.

Issue 11, items 7 and 8: ``4`` brought back the last summary, ``n`` did nothing there, and the letters
of a meeting title typed into the list wrote .ics files; the send dialog opened on Send.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button, OptionList

from domain.models import Meeting
from tests.helpers.meetings import SIZE, start_meeting
from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.screens.dialogs import WriteConfirmModal
from tui.screens.meeting_dialogs import SendInviteModal, StartMeetingModal
from tui.screens.meeting_live import MeetingSummaryScreen
from tui.screens.meetings import MeetingsScreen
from tui.wiring import Context


def ended_meeting(context: Context) -> Meeting:
    meeting = start_meeting(context)
    context.services.meetings.decide(meeting.id, "采用方案B")
    return context.services.meetings.end(meeting.id, next_start=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))


def focused_id(app: App[Any]) -> str | None:
    return app.focused.id if app.focused is not None else None


def listed(app: HuddleApp) -> bool:
    return isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings)


def record_notes(app: HuddleApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    notes: list[str] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        notes.append(message)
        original(message, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return notes


async def open_summary(app: HuddleApp, meeting: Meeting) -> None:
    """Highlight ``meeting`` in the list (Enter then opens its summary)."""
    screen = app.screen
    assert isinstance(screen, MeetingsScreen)
    option_list = screen.query_one("#meeting-list", OptionList)
    option_list.highlighted = option_list.get_option_index(meeting.id)


async def test_coming_back_to_meetings_shows_the_list_not_the_last_summary(context: Context) -> None:
    meeting = ended_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listed(app))
        await open_summary(app, meeting)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeetingSummaryScreen))
        await pilot.press("1")
        await until(pilot, lambda: app.current_mode == "boards")
        await pilot.press("4")
        await until(pilot, lambda: app.current_mode == "meetings" and isinstance(app.screen, MeetingsScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeetingSummaryScreen))
        await pilot.press("4")  # the area key on the summary itself goes back to the list too
        await until(pilot, lambda: isinstance(app.screen, MeetingsScreen))
        assert len(app.screen_stack) == 1


async def test_n_on_a_summary_opens_the_start_form(context: Context) -> None:
    meeting = ended_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listed(app))
        await open_summary(app, meeting)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, MeetingSummaryScreen) and app.screen.view is not None
        )
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, StartMeetingModal))
        assert isinstance(app.screen_stack[-2], MeetingsScreen), "the summary is gone, the list is below"


@pytest.mark.parametrize("where", ["list", "summary"])
async def test_typing_a_meeting_title_into_the_area_writes_nothing(
    context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    meeting = ended_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    notes = record_notes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listed(app))
        await open_summary(app, meeting)
        if where == "summary":
            await pilot.press("enter")
            await until(
                pilot, lambda: isinstance(app.screen, MeetingSummaryScreen) and app.screen.view is not None
            )
        area = type(app.screen)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, WriteConfirmModal))
        assert focused_id(app) == "no", "the focus starts on Cancel"
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen) is area)
        # Someone who believes the start form is open types a title, tabs to the series, types it, says
        # yes and presses Enter: on a confirmation, Tab never reaches Export and no letter confirms.
        await pilot.press(*"Weekly ops review", "tab", *"Ops weekly", "tab", *"yes", "enter")
        await until(pilot, lambda: type(app.screen) is area)
        assert not any(n.startswith("Exporting") for n in notes), notes
    assert not os.listdir(folder), "no file was written"


async def test_an_export_asks_and_writes_on_yes(
    context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ended_meeting(context)
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listed(app))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, WriteConfirmModal))
        assert str(tmp_path) in str(app.screen.query_one("#confirm-question").render())
        await pilot.click("#yes")
        await until(pilot, lambda: (tmp_path / "actions.ics").exists())


async def test_the_send_dialog_opens_on_cancel() -> None:
    class Host(App[None]):
        pass

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(SendInviteModal("Weekly ops sync", ["bob@example.com"], has_minutes=True))
        await until(pilot, lambda: isinstance(app.focused, Button))
        assert focused_id(app) == "send-invite-cancel"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, SendInviteModal))
