"""Exports and sending from the TUI: the meetings screen mails the follow-up invite to a real SMTP
server, the plan area writes the milestones .ics and publishes to a real Radicale; failures are
messages, files are never overwritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar
import pytest
from textual.widgets import Checkbox, Static

from outbound.settings import CalDavSettings, SmtpSettings
from tests.helpers.delivery import CALDAV_PASSWORD, MEETING_TITLE, Radicale, Server, World, context_for
from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.config import Settings
from tui.screens.dialogs import ConfirmModal, WriteConfirmModal
from tui.screens.meeting_dialogs import SendInviteModal
from tui.screens.meetings import MeetingsScreen

SIZE = (120, 40)


def meetings_listed(app: HuddleApp) -> bool:
    screen = app.screen
    return isinstance(screen, MeetingsScreen) and bool(screen.data.meetings)


def notes(app: HuddleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_mail_invite_from_the_meetings_screen(world: World, smtp_server: Server) -> None:
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=smtp_server.port, timeout=10))
    app = HuddleApp(context_for(world, settings), start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: meetings_listed(app))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, SendInviteModal))
        modal = app.screen
        assert isinstance(modal, SendInviteModal)
        shown = " ".join(str(s.render()) for s in modal.query(".send-invite-line").results(Static))
        assert "bob@example.com" in shown
        assert MEETING_TITLE in shown
        assert "ann@example.com" not in shown, "the sender (the chair) is not invited to her own meeting"
        assert modal.query_one("#send-invite-attach", Checkbox).value
        await pilot.click("#send-invite-yes")
        await until(pilot, lambda: any("Invitation" in n for n in notes(app)))
    assert len(smtp_server.inbox.envelopes) == 1
    message = smtp_server.inbox.message()
    assert message.get_content_type() == "multipart/mixed"
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert any(name and name.endswith(".docx") for name in attachments)
    sent = next(n for n in notes(app) if "Invitation" in n)
    assert "bob@example.com" in sent


async def test_mail_invite_without_a_server_is_a_message(world: World) -> None:
    from tests.helpers.delivery import free_port

    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=free_port(), timeout=5))
    app = HuddleApp(context_for(world, settings), start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: meetings_listed(app))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, SendInviteModal))
        assert app.focused is app.screen.query_one("#send-invite-cancel")
        await pilot.click("#send-invite-attach")
        await pilot.click("#send-invite-yes")
        await until(pilot, lambda: any("cannot send through 127.0.0.1" in n for n in notes(app)))
        assert app.is_running


async def test_export_milestones_from_the_plan_never_overwrites(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    world.services.cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    app = HuddleApp(context_for(world), start_mode="plan")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await until(
            pilot, lambda: (tmp_path / "milestones.ics").exists() and any("→" in n for n in notes(app))
        )
        await pilot.press("i")
        await until(pilot, lambda: (tmp_path / "milestones-2.ics").exists())
    calendar = icalendar.Calendar.from_ical((tmp_path / "milestones.ics").read_bytes())
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any("Go live 上线" in title for title in titles)
    assert (tmp_path / "milestones.ics").read_bytes() == (tmp_path / "milestones-2.ics").read_bytes()
    assert any(str(tmp_path / "milestones.ics") in n for n in notes(app))


@pytest.mark.slow
async def test_publish_calendar_from_the_plan(
    world: World, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUDDLE_CALDAV_PASSWORD", CALDAV_PASSWORD)
    world.services.cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    settings = Settings(caldav=CalDavSettings(url=radicale.url, username="alice"))
    app = HuddleApp(context_for(world, settings), start_mode="plan")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await until(pilot, lambda: any(n.startswith("published") for n in notes(app)))
    assert len(radicale.events()) >= 2, "the follow-up meeting and the milestone are on the calendar"
    assert any(radicale.url in n for n in notes(app))


async def test_publish_without_a_calendar_is_a_message(world: World) -> None:
    app = HuddleApp(context_for(world), start_mode="plan")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u", "y")
        await until(pilot, lambda: any("no CalDAV calendar configured" in n for n in notes(app)))
        assert app.is_running


async def test_export_action_items_from_the_meetings_screen(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = HuddleApp(context_for(world), start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: meetings_listed(app))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, WriteConfirmModal))
        await pilot.click("#yes")
        written = tmp_path / "actions.ics"
        await until(pilot, lambda: written.exists() and any("2 action item(s) →" in n for n in notes(app)))
    calendar = icalendar.Calendar.from_ical(written.read_bytes())
    summaries = " ".join(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert "预订酒店" in summaries
    assert "Send the floor plan" in summaries


async def test_mail_invite_without_smtp_settings_names_the_smtp_table(world: World) -> None:
    app = HuddleApp(context_for(world, Settings()), start_mode="meetings")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: meetings_listed(app))
        await pilot.press("m")
        await until(pilot, lambda: any("[smtp]" in n for n in notes(app)))
        assert not isinstance(app.screen, SendInviteModal), "nothing to confirm when mail is not set up"
        assert not any("refused" in n for n in notes(app))
