"""Pure rules: WIP limits, dependency cycles, RACI, ranks, risk bands and buckets, early warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import rules
from domain.errors import ConflictError, ValidationError
from domain.models import Card, Column, Department, Risk, RiskStatus
from domain.rules import ScoreBands

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
OPS = Department("Operations", "OPS")


def card(card_id: str, column: str = "Backlog", **fields: object) -> Card:
    return Card(id=card_id, dept="Operations", title=f"card {card_id}", column=column, **fields)  # type: ignore[arg-type]


def risk(risk_id: str, p: int | None, i: int | None, **fields: object) -> Risk:
    return Risk(id=risk_id, title=f"risk {risk_id}", probability=p, impact=i, **fields)  # type: ignore[arg-type]


class TestWip:
    def test_a_full_column_refuses_one_more(self) -> None:
        review = [card(f"OPS-{n}", "Review") for n in range(3)]
        with pytest.raises(ConflictError, match=r"'Review' of Operations is at its WIP limit \(3/3\)"):
            rules.check_wip(OPS, "Review", review)

    def test_below_the_limit_and_unlimited_columns_accept(self) -> None:
        rules.check_wip(OPS, "Review", [card("OPS-1", "Review"), card("OPS-2", "Review")])
        rules.check_wip(OPS, "Backlog", [card(f"OPS-{n}") for n in range(100)])
        rules.check_wip(OPS, "no such column", [])

    def test_column_names_match_case_insensitively(self) -> None:
        with pytest.raises(ConflictError):
            rules.check_wip(OPS, " review ", [card(f"OPS-{n}", "Review") for n in range(3)])

    def test_the_card_being_moved_does_not_count_against_itself(self) -> None:
        review = [card(f"OPS-{n}", "Review") for n in range(3)]
        rules.check_wip(OPS, "Review", review, moving="OPS-0")

    def test_cards_of_other_departments_do_not_count(self) -> None:
        others = [Card(id=f"MKT-{n}", dept="Marketing", title="x", column="Review") for n in range(5)]
        rules.check_wip(OPS, "Review", others)

    def test_over_wip_lists_only_columns_past_their_limit(self) -> None:
        cards = [card(f"OPS-{n}", "Review") for n in range(4)] + [
            card(f"OPS-d{n}", "Doing") for n in range(5)
        ]
        assert rules.over_wip(OPS, cards) == {"Review": (4, 3)}

    def test_custom_columns(self) -> None:
        dept = Department("Ops", "OPS", (Column("Todo"), Column("WIP", 1)))
        with pytest.raises(ConflictError):
            rules.check_wip(dept, "WIP", [Card(id="OPS-1", dept="Ops", title="x", column="WIP")])


class TestDependencies:
    def test_a_direct_cycle(self) -> None:
        cards = {"A": card("A", blocked_by=("B",)), "B": card("B")}
        with pytest.raises(ConflictError, match="dependency cycle: B -> A -> B"):
            rules.check_dependencies("B", ["A"], cards)

    def test_a_multi_step_cycle_names_the_whole_path(self) -> None:
        cards = {
            "A": card("A", blocked_by=("B",)),
            "B": card("B", blocked_by=("C",)),
            "C": card("C", blocked_by=("D",)),
            "D": card("D"),
        }
        with pytest.raises(ConflictError, match="dependency cycle: D -> A -> B -> C -> D"):
            rules.check_dependencies("D", ["A"], cards)

    def test_a_diamond_is_not_a_cycle(self) -> None:
        cards = {
            "A": card("A", blocked_by=("B", "C")),
            "B": card("B", blocked_by=("D",)),
            "C": card("C", blocked_by=("D",)),
            "D": card("D"),
            "E": card("E"),
        }
        rules.check_dependencies("E", ["A", "B"], cards)
        assert rules.find_cycle("E", ["A"], {k: v.blocked_by for k, v in cards.items()}) is None

    def test_self_and_unknown_dependencies(self) -> None:
        cards = {"A": card("A")}
        with pytest.raises(ConflictError, match="blocked by itself"):
            rules.check_dependencies("A", ["A"], cards)
        with pytest.raises(ValidationError, match="'ZZ-9' does not exist"):
            rules.check_dependencies("A", ["ZZ-9"], cards)


class TestRaci:
    def test_missing_roles_are_named(self) -> None:
        assert rules.raci_problems(card("A")) == ["no Accountable", "no Responsible"]

    def test_the_owner_counts_as_responsible(self) -> None:
        assert rules.raci_problems(card("A", owner="ann")) == ["no Accountable"]

    def test_a_complete_card_has_no_problems(self) -> None:
        assert rules.raci_problems(card("A", accountable="bob", responsible=("ann",))) == []
        assert rules.raci_problems(card("A", accountable="bob")) == ["no Responsible"]


class TestRanks:
    def test_ends_and_middles(self) -> None:
        assert rules.rank_between(None, None) == rules.RANK_STEP
        assert rules.rank_between(None, 1024.0) == 0.0
        assert rules.rank_between(1024.0, None) == 2048.0
        assert rules.rank_between(1024.0, 2048.0) == 1536.0

    def test_repeated_insertion_stays_strictly_between(self) -> None:
        low, high = 1024.0, 2048.0
        for _ in range(40):
            middle = rules.rank_between(low, high)
            assert low < middle < high
            high = middle


class TestRiskScores:
    def test_score_bands_default_thresholds(self) -> None:
        bands = ScoreBands()
        assert [bands.band(s) for s in (None, 1, 4, 5, 14, 15, 25)] == [
            "none", "green", "green", "amber", "amber", "red", "red",
        ]  # fmt: skip

    def test_score_bands_custom_thresholds(self) -> None:
        bands = ScoreBands(amber=3, red=10)
        assert [bands.band(s) for s in (2, 3, 9, 10)] == ["green", "amber", "amber", "red"]

    def test_check_score(self) -> None:
        assert rules.check_score(None, "impact") is None
        assert rules.check_score(5, "impact") == 5
        for bad in (0, 6, -1):
            with pytest.raises(ValidationError, match=f"impact must be between 1 and 5, not {bad}"):
                rules.check_score(bad, "impact")

    def test_heatmap_buckets_by_probability_and_impact(self) -> None:
        a, b, c = risk("R-1", 4, 5), risk("R-2", 4, 5), risk("R-3", 1, 2)
        closed = risk("R-4", 5, 5, status=RiskStatus.CLOSED)
        unassessed = risk("R-5", None, 3)
        cells = rules.heatmap([a, b, c, closed, unassessed])
        assert cells == {(4, 5): [a, b], (1, 2): [c]}

    def test_heatmap_of_residual_scores(self) -> None:
        mitigated = risk("R-1", 4, 5, residual_probability=2, residual_impact=3)
        not_mitigated = risk("R-2", 4, 5)
        assert rules.heatmap([mitigated, not_mitigated], residual=True) == {(2, 3): [mitigated]}

    def test_risk_score_properties(self) -> None:
        assert risk("R-1", 4, 5).score == 20
        assert risk("R-1", None, 5).score is None
        assert risk("R-1", 4, 5, residual_probability=1, residual_impact=2).residual_score == 2


def warnings_for(cards: list[Card], risks: list[Risk] | None = None, days: int = 3) -> list[tuple[str, str]]:
    found = rules.early_warnings(cards, risks or [], today=TODAY, now=NOW, escalate_after_days=days)
    return [(w.kind, w.target) for w in found]


class TestEarlyWarnings:
    def test_overdue_only_when_open_and_past_due(self) -> None:
        cards = [
            card("A", due=TODAY - timedelta(days=2)),
            card("B", due=TODAY),
            card("C", "Done", due=TODAY - timedelta(days=9)),
            card("D", due=TODAY - timedelta(days=1), progress=100),
        ]
        assert warnings_for(cards) == [("overdue", "A")]
        message = rules.early_warnings(cards, [], today=TODAY, now=NOW)[0].message
        assert "2 day(s) overdue" in message

    def test_blocked_longer_than_the_escalation_threshold(self) -> None:
        cards = [
            card("A", blocked_since=NOW - timedelta(days=4), blocked_reason="waiting for legal"),
            card("B", blocked_since=NOW - timedelta(days=3), blocked_reason="r"),
            card("C", blocked_since=NOW - timedelta(days=1), blocked_reason="r"),
        ]
        assert warnings_for(cards) == [("blocked", "A")]
        assert warnings_for(cards, days=0) == [("blocked", "A"), ("blocked", "B"), ("blocked", "C")]
        message = rules.early_warnings(cards, [], today=TODAY, now=NOW)[0].message
        assert message == "A blocked 4 days (waiting for legal): escalate"

    def test_milestone_at_risk_through_a_late_predecessor_two_steps_back(self) -> None:
        cards = [
            card("M", milestone=True, due=TODAY + timedelta(days=30), blocked_by=("B",)),
            card("B", due=TODAY + timedelta(days=10), blocked_by=("C",)),
            card("C", due=TODAY - timedelta(days=1)),
        ]
        found = warnings_for(cards)
        assert found[0] == ("milestone-at-risk", "M")
        assert ("overdue", "C") in found
        assert "late predecessor(s) C" in rules.early_warnings(cards, [], today=TODAY, now=NOW)[0].message

    def test_milestone_at_risk_when_a_predecessor_is_due_after_it(self) -> None:
        cards = [
            card("M", milestone=True, due=TODAY + timedelta(days=5), blocked_by=("B",)),
            card("B", due=TODAY + timedelta(days=8)),
        ]
        assert warnings_for(cards) == [("milestone-at-risk", "M")]

    def test_a_milestone_with_finished_or_timely_predecessors_is_fine(self) -> None:
        cards = [
            card("M", milestone=True, due=TODAY + timedelta(days=5), blocked_by=("B", "C")),
            card("B", "Done", due=TODAY - timedelta(days=3)),
            card("C", due=TODAY + timedelta(days=2)),
        ]
        assert warnings_for(cards) == []

    def test_a_risk_past_its_review_date(self) -> None:
        risks = [
            risk("R-1", 3, 3, review_date=TODAY - timedelta(days=1)),
            risk("R-2", 3, 3, review_date=TODAY),
            risk("R-3", 3, 3, review_date=TODAY - timedelta(days=9), status=RiskStatus.CLOSED),
        ]
        assert warnings_for([], risks) == [("risk-review", "R-1")]

    def test_most_urgent_first(self) -> None:
        cards = [
            card("A", due=TODAY - timedelta(days=1)),
            card("B", blocked_since=NOW - timedelta(days=5), blocked_reason="r"),
            card("M", milestone=True, due=TODAY + timedelta(days=1), blocked_by=("A",)),
        ]
        risks = [risk("R-1", 1, 1, review_date=TODAY - timedelta(days=1))]
        kinds = [kind for kind, _ in warnings_for(cards, risks)]
        assert kinds == ["milestone-at-risk", "blocked", "overdue", "risk-review"]


def test_person_load_counts_open_cards_per_department() -> None:
    cards = [
        card("A", owner="ann"),
        card("B", owner="ann"),
        card("C", "Done", owner="ann"),
        Card(id="MKT-1", dept="市场部", title="x", column="Doing", owner="ann"),
        card("D"),
    ]
    assert rules.person_load(cards) == {"ann": {"Operations": 2, "市场部": 1}}
