"""RSVP rules and what the Meetings area shows of them (pure: no server, no Pilot)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.models import Attendee, Meeting, MeetingStatus, Person, RsvpAnswer, RsvpStatus
from domain.rules import reply_supersedes, rsvp_counts, rsvp_statuses, rsvp_summary

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
MEETING = Meeting(
    id="M-1",
    title="周会",
    start=T0,
    tz="Asia/Shanghai",
    organizer="ann",
    attendees=(Attendee("ann"), Attendee("wei"), Attendee("bob")),
    next_start=T0 + timedelta(days=7),
    next_sequence=1,
)


def answer(handle: str, status: RsvpStatus, sequence: int, stamp: datetime | None = T0) -> RsvpAnswer:
    return RsvpAnswer(handle, status, sequence, stamp, T0)


def test_statuses_count_only_answers_to_the_current_invite() -> None:
    meeting = replace(
        MEETING, rsvp=(answer("wei", RsvpStatus.DECLINED, 1), answer("bob", RsvpStatus.ACCEPTED, 0))
    )
    assert rsvp_statuses(meeting) == {
        "ann": RsvpStatus.ACCEPTED,
        "wei": RsvpStatus.DECLINED,
        "bob": RsvpStatus.NO_ANSWER,
    }
    assert rsvp_summary(meeting) == "ann accepted, wei declined, bob no answer (accepted to an earlier time)"
    assert rsvp_counts(meeting) == "1 accepted, 1 declined, 1 no answer"
    assert rsvp_counts(MEETING) == ""
    assert rsvp_statuses(replace(MEETING, next_start=None)) == {}


def test_reply_supersedes() -> None:
    current = answer("bob", RsvpStatus.ACCEPTED, 1)
    assert reply_supersedes(None, 0, None)
    assert reply_supersedes(current, 2, None)
    assert not reply_supersedes(current, 0, T0 + timedelta(days=1))
    assert reply_supersedes(current, 1, T0 + timedelta(seconds=1))
    assert not reply_supersedes(current, 1, T0)
    assert not reply_supersedes(current, 1, None)
    assert reply_supersedes(answer("bob", RsvpStatus.ACCEPTED, 1, None), 1, None)


def test_the_meetings_screen_shows_replies_once_someone_answered() -> None:
    from tui.screens.meetings import meeting_options
    from tui.views.meetings import meeting_detail

    people = {
        "ann": Person("ann", "Ann Lee", "ann@example.com"),
        "wei": Person("wei", "李伟", "wei@example.com"),
    }
    ended = replace(MEETING, status=MeetingStatus.ENDED)
    assert "Replies:" not in meeting_detail(ended, people)
    answered = replace(ended, rsvp=(answer("wei", RsvpStatus.TENTATIVE, 1),))
    assert "Replies: ann accepted, wei tentative, bob no answer" in meeting_detail(answered, people)
    upcoming = [str(o.prompt) for o in meeting_options((answered,)) if o.id == "next:M-1"]
    assert upcoming
    assert upcoming[0].endswith(" · 1 accepted, 1 tentative, 1 no answer")
