"""The Meetings area (key 4) shows the answers read back from replies, and picks up new ones that
another process records in the shared data file (Pilot, a real JSON file, the app's own polling)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import OptionList, Static

from domain.models import RsvpReply, RsvpStatus
from tests.helpers.clock import FixedClock
from tests.helpers.wait import until
from tests.helpers.workspace import make_context
from tui.app import HuddleApp
from tui.wiring import Context

NEXT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def reply(uid: str, email: str, status: RsvpStatus) -> RsvpReply:
    return RsvpReply(uid, email, status, 0, datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "test")


async def test_replies_show_in_the_list_and_the_details(context: Context, clock: FixedClock) -> None:
    meetings = context.services.meetings
    meeting = meetings.start("Weekly ops sync", attendees=["ann", "wei", "bob"], tz="Asia/Shanghai")
    meeting = meetings.end(meeting.id, next_start=NEXT)
    context.services.rsvp.record_replies([reply(meeting.next_uid, "wei@example.com", RsvpStatus.DECLINED)])
    app = HuddleApp(context, start_mode="meetings")
    async with app.run_test(size=(120, 40)) as pilot:

        def detail() -> str:
            return str(app.screen.query_one("#meeting-detail-text", Static).content)

        await until(pilot, lambda: "Replies:" in detail())
        assert "Replies: ann accepted, wei declined, bob no answer" in detail()
        upcoming = app.screen.query_one("#meeting-list", OptionList).get_option(f"next:{meeting.id}")
        assert str(upcoming.prompt).endswith(" · 1 accepted, 1 declined, 1 no answer")

        # Someone else reads bob's reply into the same data file: the open app shows it.
        other = make_context(context.db_path, clock, "bob")
        other.services.rsvp.record_replies([reply(meeting.next_uid, "bob@example.com", RsvpStatus.ACCEPTED)])
        await until(pilot, lambda: "bob accepted" in detail())
