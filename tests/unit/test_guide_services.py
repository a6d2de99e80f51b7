"""Milestone acceptance and reviews, goal actuals, change impact, agenda prep and the project close,
through the services over both backends."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.models import Actor, ChangeStatus, MeetingKind, MeetingStatus, ReviewOutcome
from domain.services import Services
from tests.helpers.clock import ZONE, FixedClock


def as_user(services: Services, handle: str) -> Services:
    return Services.build(services.store, services.clock, Actor(handle, "tester"), ZONE)


@pytest.fixture
def planned(seeded: Services) -> Services:
    """OPS-1 (seeded) blocks milestone OPS-2, whose Accountable is wei."""
    seeded.cards.edit("OPS-1", {"due": date(2026, 11, 20)})
    seeded.cards.add(
        "OPS", "Go-live", milestone=True, due=date(2026, 11, 30), blocked_by=["OPS-1"], accountable="wei"
    )
    return seeded


class TestCriteria:
    def test_accept_by_the_accountable_then_done(self, planned: Services) -> None:
        _card, first = planned.milestones.add_criterion("ops-2", "Runbook reviewed")
        _card, second = planned.milestones.add_criterion("OPS-2", "监控告警已配置")
        assert (first.id, second.id) == ("AC-1", "AC-2")
        with pytest.raises(ConflictError, match=r"only OPS-2's Accountable \(wei\)"):
            planned.milestones.accept("OPS-2", "AC-1")
        with pytest.raises(ConflictError, match="2 acceptance criteria"):
            planned.cards.move("OPS-2", "Done")
        wei = as_user(planned, "wei")
        card, crit = wei.milestones.accept("OPS-2", "1", evidence="wiki/runbook")
        assert (crit.state, crit.accepted_by, crit.evidence) == ("accepted", "wei", "wiki/runbook")
        assert card.column != "Done"
        card, crit = wei.milestones.waive("OPS-2", "AC-2", "moved to phase 2")
        assert crit.state == "waived"
        assert crit.waive_reason == "moved to phase 2"
        assert card.column == "Done"
        assert planned.cards.get("OPS-2").progress == 100
        actions = [a.action for a in planned.cards.history("OPS-2")]
        assert actions[-3:] == ["criterion added", "criterion accepted", "criterion waived"]
        with pytest.raises(ConflictError, match="already waived"):
            wei.milestones.waive("OPS-2", "AC-2", "again")

    def test_bad_requests(self, planned: Services) -> None:
        with pytest.raises(ConflictError, match="not a milestone"):
            planned.milestones.add_criterion("OPS-1", "x")
        with pytest.raises(ValidationError):
            planned.milestones.add_criterion("OPS-2", "  ")
        planned.milestones.add_criterion("OPS-2", "x")
        with pytest.raises(NotFoundError, match="OPS-2 has: AC-1"):
            as_user(planned, "wei").milestones.accept("OPS-2", "AC-9")
        with pytest.raises(ValidationError):
            as_user(planned, "wei").milestones.waive("OPS-2", "AC-1", "")
        no_accountable = planned.cards.add("OPS", "Other", milestone=True)
        planned.milestones.add_criterion(no_accountable.id, "y")
        with pytest.raises(ConflictError, match="no Accountable"):
            planned.milestones.accept(no_accountable.id, "AC-1")


class TestReview:
    def test_review_agenda_from_the_milestone_and_outcome_as_decision(self, planned: Services) -> None:
        planned.milestones.add_criterion("OPS-2", "Runbook reviewed")
        risk = planned.risks.add("Vendor late", 3, 4, owner="ann")
        planned.risks.edit(risk.id, {"linked_cards": ["OPS-1"]})
        review = planned.milestones.review("OPS-2", tz="Asia/Shanghai")
        assert review.kind == MeetingKind.REVIEW
        assert review.milestone_id == "OPS-2"
        assert [a.handle for a in review.attendees] == ["wei", "ann"]
        assert [item.refs for item in review.agenda] == [("OPS-2",), ("OPS-1",), (risk.id,), (), ("OPS-2",)]
        assert review.agenda[1].title == "Predecessors: 1 late, 1 open"
        assert [c.id for c in planned.milestones.reviews_due()] == ["OPS-2"]
        ended = planned.milestones.record_outcome(review.id, "conditions", "runbook by Friday")
        assert ended.outcome == ReviewOutcome.CONDITIONS
        assert (
            ended.decisions[-1].text == "Review of OPS-2 Go-live: passed with conditions — runbook by Friday"
        )
        assert planned.milestones.reviews_due() == []
        with pytest.raises(ConflictError, match="already ended with outcome"):
            planned.milestones.record_outcome(review.id, "failed")
        with pytest.raises(ValidationError, match="say passed"):
            planned.milestones.record_outcome(review.id, "great")


class TestGoalsAndChanges:
    def test_goal_actuals_are_a_dated_history(self, services: Services) -> None:
        services.directory.set_project("P")
        services.directory.add_goal("Pilot customers live", target="3")
        services.closing.update_goal("1", "1", on=date(2026, 11, 1))
        goal = services.closing.update_goal("pilot", "2", note="第二家上线")
        assert [(a.on, a.value) for a in goal.actuals] == [
            (date(2026, 11, 1), "1"),
            (date(2026, 11, 25), "2"),
        ]
        assert services.closing.goals()[0][1].percent == 67
        with pytest.raises(NotFoundError, match="numbered 1 to 1"):
            services.closing.update_goal("2", "1")

    def test_change_impact_decided_in_a_meeting(self, seeded: Services) -> None:
        request = seeded.records.request_change(
            "Add SSO", "customers ask", scope="SAML login", schedule_days=5, cost=2000, cards=["ops-1"]
        )
        assert request.cards == ("OPS-1",)
        meeting = seeded.meetings.start("Steering", attendees=["ann"])
        decided = seeded.records.decide_change(request.id, True, meeting_id=meeting.id)
        assert decided.status == ChangeStatus.APPROVED
        assert decided.meeting_id == meeting.id
        minutes = seeded.meetings.get(meeting.id)
        assert minutes.decisions[-1].id == decided.decision_id
        assert minutes.decisions[-1].text == "CR-1 approved: Add SSO (scope: SAML login; +5 days; cost 2000)"
        linked = seeded.records.link_cards(request.id, ["MKT-1"])
        assert linked.cards == ("OPS-1", "MKT-1")
        with pytest.raises(NotFoundError):
            seeded.records.request_change("x", cards=["NOPE-1"])


class TestAgendaPrep:
    def test_picks_become_agenda_items_that_keep_their_board_items(self, planned: Services) -> None:
        planned.records.request_change("Scope change")
        suggestions = planned.agenda.suggest(["ann"])
        assert [s.key for s in suggestions] == ["overdue:Operations", "milestone:OPS-2", "changes"]
        meeting = planned.agenda.start_prepared(
            "Weekly", ["1", "changes"], attendees=["ann"], agenda=[("AOB", 5)]
        )
        assert [(a.title, a.refs) for a in meeting.agenda] == [
            ("Overdue and escalated in Operations (1)", ("OPS-1",)),
            ("Open change requests (1)", ("CR-1",)),
            ("AOB", ()),
        ]
        with pytest.raises(ValidationError, match="numbered 1 to 3"):
            planned.agenda.start_prepared("W", ["7"], attendees=["ann"])
        with pytest.raises(ValidationError, match="not suggested now"):
            planned.agenda.start_prepared("W", ["risks"], attendees=["ann"])


class TestClose:
    def test_close_refuses_while_open_then_forced_and_read_only(
        self, planned: Services, clock: FixedClock
    ) -> None:
        retro = planned.closing.start_retro(tz="Asia/Shanghai")
        assert retro.kind == MeetingKind.RETRO
        assert [a.title for a in retro.agenda][:3] == [
            "What worked and should spread",
            "What went wrong, and why",
            "What to change next time",
        ]
        planned.meetings.note(retro.id, "Daily stand-ups across departments", agenda_index=0)
        planned.meetings.end(retro.id)
        kinds = {i.kind for i in planned.closing.open_items()}
        assert kinds == {"card"}
        with pytest.raises(ConflictError, match="still open"):
            planned.closing.close()
        with pytest.raises(ValidationError, match="needs --reason"):
            planned.closing.close(force=True)
        live = planned.meetings.start("Still going", attendees=["ann"])
        before = planned.store.snapshot().projects.get("main")
        project, handed_over = planned.closing.close(force=True, reason="budget year ends")
        assert project.closed
        assert project.close_reason == "budget year ends"
        assert {i.id for i in handed_over} == {"OPS-1", "OPS-2", "MKT-1", live.id}
        assert before is None or not before.closed
        assert planned.meetings.get(live.id).status == MeetingStatus.ENDED
        with pytest.raises(ConflictError, match="read-only"):
            planned.cards.add("OPS", "more work")
        with pytest.raises(ConflictError, match="read-only"):
            planned.closing.update_goal("1", "2")
        report = planned.closing.report()
        assert report.project.closed
        assert report.retro_sections[0][1][0].text == "Daily stand-ups across departments"
        assert planned.cards.list()  # still readable
        reopened = planned.closing.reopen("one more fix")
        assert not reopened.closed
        planned.cards.add("OPS", "more work")
