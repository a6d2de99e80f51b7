"""Rules of the field guide's close phase: acceptance gating, critical path and slack, goal progress,
agenda suggestions and what blocks a project close."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import rules
from domain.errors import ConflictError
from domain.models import (
    ActionItem,
    Card,
    ChangeRequest,
    ChangeStatus,
    Criterion,
    Goal,
    GoalActual,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReviewOutcome,
    Risk,
    RiskStatus,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
ACCEPTED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def card(
    card_id: str,
    *,
    due: date | None = None,
    start: date | None = None,
    deps: tuple[str, ...] = (),
    milestone: bool = False,
    column: str = "To do",
    dept: str = "Ops",
    criteria: tuple[Criterion, ...] = (),
    estimate: float | None = None,
) -> Card:
    return Card(
        card_id, dept, card_id, column, due=due, start=start, blocked_by=deps, milestone=milestone,
        criteria=criteria, estimate=estimate,
    )  # fmt: skip


def meeting(mid: str, **fields: object) -> Meeting:
    return Meeting(mid, mid, NOW, "UTC", **fields)  # type: ignore[arg-type]


class TestAcceptance:
    def test_done_only_when_every_criterion_is_accepted_or_waived(self) -> None:
        open_one = Criterion("AC-1", "Load test report")
        accepted = Criterion("AC-2", "Docs", ACCEPTED, "li")
        waived = Criterion("AC-3", "Pen test", ACCEPTED, "li", waived=True, waive_reason="next release")
        ms = card("M", milestone=True, column="Done", criteria=(open_one, accepted, waived))
        assert rules.is_done(ms)
        assert not rules.milestone_done(ms)
        assert rules.open_criteria(ms) == [open_one]
        assert [c.state for c in ms.criteria] == ["open", "accepted", "waived"]
        done = card("M", milestone=True, column="Done", criteria=(accepted, waived))
        assert rules.milestone_done(done)
        assert rules.milestone_finished_at(done) == ACCEPTED

    def test_moving_to_done_with_open_criteria_is_refused(self) -> None:
        ms = card("OPS-3", milestone=True, criteria=(Criterion("AC-1", "x"),))
        with pytest.raises(ConflictError, match="OPS-3 has 1 acceptance criteria"):
            rules.check_can_finish(ms)
        rules.check_can_finish(card("OPS-4", milestone=True))

    def test_reviews_due_within_the_horizon_until_a_review_passes(self) -> None:
        soon = card("A", milestone=True, due=TODAY + timedelta(days=3))
        late = card("B", milestone=True, due=TODAY - timedelta(days=1))
        far = card("C", milestone=True, due=TODAY + timedelta(days=30))
        plain = card("D", due=TODAY)
        assert [c.id for c in rules.reviews_due([soon, late, far, plain], [], TODAY)] == ["B", "A"]
        failed = meeting("M-1", kind=MeetingKind.REVIEW, milestone_id="A", outcome=ReviewOutcome.FAILED)
        passed = meeting("M-2", kind=MeetingKind.REVIEW, milestone_id="B", outcome=ReviewOutcome.CONDITIONS)
        assert [c.id for c in rules.reviews_due([soon, late], [failed, passed], TODAY)] == ["A"]


class TestCriticalPath:
    def test_chain_and_slack(self) -> None:
        # a (3 days) -> b (5 days) -> M on 12-20; c (1 day) -> M, with room to spare.
        a = card("a", start=date(2026, 12, 1), due=date(2026, 12, 4))
        b = card("b", start=date(2026, 12, 6), due=date(2026, 12, 11), deps=("a",))
        c = card("c", due=date(2026, 12, 2))
        m = card("M", milestone=True, start=date(2026, 12, 15), due=date(2026, 12, 20), deps=("b", "c"))
        path = rules.critical_path([a, b, c, m])
        assert path.milestone == "M"
        assert path.chain == ("a", "b", "M")
        # M must start by 12-15 (5 days): b may end then (4 days of slack); b starts by 12-10, so a may end
        # then (6 days); c too may end by 12-15 (13 days).
        assert path.slack == {"M": 0, "b": 4, "a": 6, "c": 13}

    def test_negative_slack_when_a_predecessor_is_planned_past_its_successor(self) -> None:
        a = card("a", due=date(2026, 12, 25))
        m = card("M", milestone=True, due=date(2026, 12, 20), deps=("a",))
        path = rules.critical_path([a, m])
        assert path.slack["a"] == -6  # M takes 1 day: a must end by 12-19
        assert rules.late_predecessors(m, {"a": a, "M": m}, TODAY) == ["a"]

    def test_latest_milestone_sets_the_path_and_loose_cards_float_to_it(self) -> None:
        early = card("E", milestone=True, due=date(2026, 12, 5))
        last = card("L", milestone=True, due=date(2026, 12, 31), deps=("x",))
        x = card("x", due=date(2026, 12, 28), estimate=2.5)
        loose = card("y", due=date(2026, 12, 10))
        undated = card("z")
        path = rules.critical_path([early, last, x, loose, undated])
        assert path.chain == ("x", "L")
        assert path.slack["y"] == 21
        assert "z" not in path.slack
        assert rules.duration_days(x) == 3

    def test_no_dated_milestone_means_no_path(self) -> None:
        assert rules.critical_path([card("a", due=TODAY)]).chain == ()

    def test_a_cycle_in_old_data_does_not_hang(self) -> None:
        a = card("a", due=date(2026, 12, 1), deps=("b",))
        b = card("b", due=date(2026, 12, 2), deps=("a",))
        m = card("M", milestone=True, due=date(2026, 12, 9), deps=("b",))
        assert rules.critical_path([a, b, m]).chain[-1] == "M"


class TestGoalProgress:
    @pytest.mark.parametrize(
        ("target", "value", "percent", "met"),
        [
            ("3", "2", 67, False),
            ("3 customers", "3", 100, True),
            ("-30%", "-12%", 40, False),
            ("≤ 100%", "92%", 100, True),
            ("<= 100%", "125%", 80, False),
            ("≥ 50", "60", 100, True),
        ],
    )
    def test_numbers(self, target: str, value: str, percent: int, met: bool) -> None:
        goal = Goal("g", target=target, actuals=(GoalActual(TODAY, value),))
        progress = rules.goal_progress(goal)
        assert (progress.actual, progress.percent, progress.met) == (value, percent, met)

    def test_latest_actual_counts_and_text_is_kept(self) -> None:
        goal = Goal(
            "g", target="上线", actuals=(GoalActual(date(2026, 11, 1), "1"), GoalActual(TODAY, "已上线"))
        )
        progress = rules.goal_progress(goal)
        assert (progress.actual, progress.measured_on, progress.percent) == ("已上线", TODAY, None)

    def test_nothing_measured(self) -> None:
        assert rules.goal_progress(Goal("g", target="3")).actual is None


class TestAgenda:
    def test_categories_in_order_for_the_attending_departments(self) -> None:
        overdue = card("OPS-1", due=TODAY - timedelta(days=2))
        blocked = replace_blocked(card("OPS-2"), NOW - timedelta(days=5))
        other_dept = card("MKT-1", dept="Mkt", due=TODAY - timedelta(days=1))
        action_card = card("OPS-3", due=TODAY + timedelta(days=5))
        carried = card("MKT-2", dept="Mkt")
        ms = card("OPS-9", milestone=True, due=TODAY + timedelta(days=2))
        done_ms = card("OPS-8", milestone=True, due=TODAY, column="Done")
        red = Risk("R-1", "red one", 4, 4)
        review = Risk("R-2", "due review", 1, 1, review_date=TODAY)
        closed = Risk("R-3", "closed", 5, 5, status=RiskStatus.CLOSED)
        m1 = meeting(
            "M-1",
            actions=(ActionItem("OPS-3", "do", "ann", None, "M-1", NOW),),
            carried_over=("MKT-2",),
            status=MeetingStatus.ENDED,
        )
        changes = [ChangeRequest("CR-1", "more"), ChangeRequest("CR-2", "done", status=ChangeStatus.APPROVED)]
        out = rules.suggest_agenda(
            cards=[overdue, blocked, other_dept, action_card, carried, ms, done_ms],
            risks=[red, review, closed],
            meetings=[m1],
            changes=changes,
            departments={"Ops"},
            today=TODAY,
            now=NOW,
        )
        assert [(s.key, s.refs) for s in out] == [
            ("overdue:Ops", ("OPS-1", "OPS-2")),
            ("risks", ("R-1", "R-2")),
            ("actions", ("MKT-2", "OPS-3")),
            ("milestone:OPS-9", ("OPS-9",)),
            ("changes", ("CR-1",)),
        ]
        assert out[2].title == "Open action items (2, 1 carried over)"

    def test_every_department_without_attendees_and_nothing_when_calm(self) -> None:
        late = [
            card("OPS-1", due=TODAY - timedelta(days=1)),
            card("MKT-1", dept="Mkt", due=TODAY - timedelta(days=1)),
        ]
        keys = [s.key for s in rules.suggest_agenda(cards=late, risks=[], meetings=[], changes=[],
                                                    departments=None, today=TODAY, now=NOW)]  # fmt: skip
        assert keys == ["overdue:Mkt", "overdue:Ops"]
        calm = rules.suggest_agenda(
            cards=[card("a", due=TODAY)],
            risks=[],
            meetings=[],
            changes=[],
            departments=None,
            today=TODAY,
            now=NOW,
        )
        assert calm == []


def replace_blocked(c: Card, since: datetime) -> Card:
    from dataclasses import replace

    return replace(c, blocked_since=since, blocked_by=())


class TestCloseBlockers:
    def test_lists_everything_open(self) -> None:
        ms = card("OPS-1", milestone=True, column="Done", criteria=(Criterion("AC-1", "signed"),))
        open_card = card("OPS-2")
        risks = [
            Risk("R-1", "r", status=RiskStatus.MITIGATING),
            Risk("R-2", "gone", status=RiskStatus.OCCURRED),
        ]
        items = rules.close_blockers(
            [ms, open_card, card("OPS-3", column="Done")],
            risks,
            [ChangeRequest("CR-1", "c")],
            [meeting("M-1"), meeting("M-2", status=MeetingStatus.ENDED)],
        )
        assert [(i.kind, i.id) for i in items] == [
            ("criterion", "OPS-1/AC-1"),
            ("card", "OPS-2"),
            ("risk", "R-1"),
            ("change", "CR-1"),
            ("meeting", "M-1"),
        ]

    def test_nothing_open(self) -> None:
        assert rules.close_blockers([card("a", column="Done")], [], [], []) == []
