"""Use-case services over both backends (memory and a real JSON file), with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.models import DONE_COLUMN, MeetingStatus, Priority
from domain.services import Services
from tests.helpers.clock import FIXED_NOW, FixedClock

TOMORROW = date(2026, 11, 26)


def column_ids(services: Services, dept: str, column: str) -> list[str]:
    return [c.id for c in services.cards.list(dept) if c.column == column]


class TestCards:
    def test_add_gives_readable_ids_ranks_and_an_activity_entry(self, seeded: Services) -> None:
        first = seeded.cards.add("ops", "  Order cables  ", due=TOMORROW, priority="high")
        second = seeded.cards.add("Operations", "Label racks")

        assert (first.id, second.id) == ("OPS-2", "OPS-3")
        assert first.title == "Order cables"
        assert first.column == "Backlog"
        assert first.priority == Priority.HIGH
        assert first.due == TOMORROW
        assert first.created_at == FIXED_NOW
        assert first.created_by == "ann"
        assert second.rank > first.rank
        assert column_ids(seeded, "OPS", "Backlog") == ["OPS-1", "OPS-2", "OPS-3"]
        history = seeded.cards.history("ops-2")
        assert [(a.action, a.user, a.os_user) for a in history] == [("created", "ann", "tester")]

    def test_add_in_a_chinese_department(self, seeded: Services) -> None:
        card = seeded.cards.add("市场部", "准备新闻稿", owner="李伟")
        assert card.id == "MKT-2"
        assert card.owner == "wei"
        assert seeded.cards.get("mkt-2").title == "准备新闻稿"

    def test_wip_limit_is_enforced_on_add_and_move(self, seeded: Services) -> None:
        for n in range(3):
            seeded.cards.add("OPS", f"review {n}", column="Review")
        with pytest.raises(ConflictError, match="WIP limit"):
            seeded.cards.add("OPS", "one too many", column="review")
        with pytest.raises(ConflictError, match="WIP limit"):
            seeded.cards.move("OPS-1", "Review")
        assert seeded.cards.get("OPS-1").column == "Backlog"

        forced = seeded.cards.add("OPS", "forced", column="Review", enforce_wip=False)
        assert forced.column == "Review"
        moved_inside = seeded.cards.move("OPS-2", "Review")
        assert moved_inside.column == "Review", "moving within a full column is not adding to it"

    def test_blocked_by_an_unknown_card_is_refused(self, seeded: Services) -> None:
        with pytest.raises(NotFoundError, match=r"no card 'OPS-99'.*blocked-by"):
            seeded.cards.add("OPS", "blocked", blocked_by=["OPS-99"])
        assert column_ids(seeded, "OPS", "Backlog") == ["OPS-1"]

    def test_blocked_by_a_known_card_starts_the_blocked_clock(self, seeded: Services) -> None:
        card = seeded.cards.add("OPS", "blocked", blocked_by=["ops-1"])
        assert card.blocked_by == ("OPS-1",)
        assert card.blocked_since == FIXED_NOW

    def test_move_to_done_completes_and_before_places_above(self, seeded: Services) -> None:
        a = seeded.cards.add("OPS", "a", column="Doing")
        b = seeded.cards.add("OPS", "b", column="Doing")
        moved = seeded.cards.move("OPS-1", "doing", before=b.id)
        assert column_ids(seeded, "OPS", "Doing") == [a.id, "OPS-1", b.id]
        assert moved.column == "Doing"

        done = seeded.cards.move("OPS-1", "done")
        assert done.column == DONE_COLUMN
        assert done.progress == 100
        assert seeded.cards.history("OPS-1")[-1].detail == "Doing -> Done"

    def test_move_to_an_unknown_column_lists_the_columns(self, seeded: Services) -> None:
        with pytest.raises(ValidationError, match="no column 'Shipped'; columns: Backlog, To do, Doing"):
            seeded.cards.move("OPS-1", "Shipped")

    def test_reorder_inside_a_column(self, seeded: Services) -> None:
        seeded.cards.add("OPS", "two")
        seeded.cards.add("OPS", "three")
        seeded.cards.reorder("OPS-3", -2)
        assert column_ids(seeded, "OPS", "Backlog") == ["OPS-3", "OPS-1", "OPS-2"]
        seeded.cards.reorder("OPS-3", 1)
        assert column_ids(seeded, "OPS", "Backlog") == ["OPS-1", "OPS-3", "OPS-2"]
        unchanged = seeded.cards.reorder("OPS-2", 5)
        assert column_ids(seeded, "OPS", "Backlog") == ["OPS-1", "OPS-3", "OPS-2"]
        assert unchanged.id == "OPS-2"

    def test_edit_fields_and_record_what_changed(self, seeded: Services, clock: FixedClock) -> None:
        clock.advance(hours=1)
        edited = seeded.cards.edit(
            "OPS-1",
            {
                "title": "Rack servers",
                "owner": "bob",
                "due": TOMORROW,
                "accountable": "ann",
                "tags": ["dc", "dc"],
            },
        )
        assert (edited.title, edited.owner, edited.due, edited.accountable) == (
            "Rack servers",
            "bob",
            TOMORROW,
            "ann",
        )
        assert edited.tags == ("dc",)
        assert edited.updated_at == FIXED_NOW + timedelta(hours=1)
        assert seeded.cards.get("OPS-1") == edited
        assert seeded.cards.history("OPS-1")[-1].detail == "accountable, due, owner, tags, title"

        cleared = seeded.cards.edit("OPS-1", {"owner": None})
        assert cleared.owner is None
        assert seeded.cards.get("OPS-1").owner is None

    @pytest.mark.parametrize(
        ("changes", "error"),
        [
            ({"colour": "red"}, "cannot edit colour"),
            ({"title": ""}, "title is empty"),
            ({"owner": "nobody"}, "no person 'nobody'"),
            ({"progress": 101}, "progress must be 0-100"),
            ({"priority": "asap"}, "priority 'asap' is not one of"),
            (
                {"start": date(2026, 12, 9), "due": date(2026, 12, 1)},
                "start 2026-12-09 is after due 2026-12-01",
            ),
            ({"blocked_by": ["OPS-1"]}, "blocked by itself"),
            ({"estimate": -1}, "estimate cannot be negative"),
        ],
    )
    def test_bad_edits_change_nothing(self, seeded: Services, changes: dict[str, object], error: str) -> None:
        before = seeded.cards.get("OPS-1")
        with pytest.raises((ValidationError, NotFoundError, ConflictError), match=error):
            seeded.cards.edit("OPS-1", changes)
        assert seeded.cards.get("OPS-1") == before

    def test_a_dependency_cycle_through_several_cards_is_refused(self, seeded: Services) -> None:
        seeded.cards.add("OPS", "b", blocked_by=["OPS-1"])
        seeded.cards.add("OPS", "c", blocked_by=["OPS-2"])
        with pytest.raises(ConflictError, match="dependency cycle: OPS-1 -> OPS-3 -> OPS-2 -> OPS-1"):
            seeded.cards.edit("OPS-1", {"blocked_by": ["OPS-3"]})

    def test_delete_unlinks_dependants_and_restore_brings_it_back(self, seeded: Services) -> None:
        original = seeded.cards.get("OPS-1")
        child = seeded.cards.add("OPS", "child", blocked_by=["OPS-1"], parent="OPS-1")

        deleted = seeded.cards.delete("ops-1")

        assert deleted == original
        with pytest.raises(NotFoundError):
            seeded.cards.get("OPS-1")
        orphan = seeded.cards.get(child.id)
        assert (orphan.blocked_by, orphan.parent) == ((), None)

        restored = seeded.cards.restore(deleted)
        assert restored.id == "OPS-1"
        assert seeded.cards.get("OPS-1").title == original.title
        assert [a.action for a in seeded.cards.history("OPS-1")] == ["created", "deleted", "restored"]
        assert seeded.cards.add("OPS", "next").id == "OPS-3", "numbers are never reused"

    def test_restore_undoes_a_move(self, seeded: Services) -> None:
        before = seeded.cards.get("OPS-1")
        seeded.cards.move("OPS-1", "Doing")
        assert seeded.cards.restore(before).column == "Backlog"

    def test_unknown_department_lists_the_known_ones(self, seeded: Services) -> None:
        with pytest.raises(NotFoundError, match="no department 'Legal'; known: Operations, 市场部"):
            seeded.cards.add("Legal", "x")


class TestMeetings:
    def test_start_note_decide(self, seeded: Services) -> None:
        m = seeded.meetings.start(
            "周会", attendees=["ann", "@wei"], tz="Asia/Shanghai", agenda=[("进度", 15)]
        )
        assert m.id == "M-1"
        assert m.status == MeetingStatus.LIVE
        assert [a.handle for a in m.attendees] == ["ann", "wei"]
        assert m.organizer == "ann"
        assert m.start == FIXED_NOW

        note = seeded.meetings.note(m.id, "场地已确认 [bold]", entry_id="n1")
        again = seeded.meetings.note(m.id, "场地已确认 [bold]", entry_id="n1")
        decision = seeded.meetings.decide(m.id, "预算批准")

        got = seeded.meetings.get("m-1")
        assert again == note
        assert [n.text for n in got.notes] == ["场地已确认 [bold]", "预算批准"]
        assert [d.text for d in got.decisions] == ["预算批准"]
        assert decision.meeting_id == "M-1"
        assert note.agenda_index == 0
        assert [d.text for d in seeded.records.decisions()] == ["预算批准"]

    def test_an_action_becomes_a_card_on_the_owners_department_board(self, seeded: Services) -> None:
        m = seeded.meetings.start("Sync", attendees=["ann", "wei"])
        item, card = seeded.meetings.action(m.id, "wei", TOMORROW, "联系供应商")

        assert card.dept == "市场部"
        assert card.column == "To do"
        assert (card.owner, card.due, card.meeting_id) == ("wei", TOMORROW, "M-1")
        assert item.card_id == card.id == "MKT-2"
        assert seeded.cards.get(card.id) == card
        meeting = seeded.meetings.get(m.id)
        assert meeting.actions == (item,)
        assert meeting.notes[-1].text == "联系供应商"

        same = seeded.meetings.action(m.id, "wei", TOMORROW, "联系供应商", entry_id=meeting.notes[-1].id)
        assert same == (item, card)
        assert len(seeded.meetings.get(m.id).actions) == 1

    def test_an_action_for_someone_without_a_department_is_refused(self, seeded: Services) -> None:
        m = seeded.meetings.start("Sync")
        with pytest.raises(ValidationError, match="bob has no department"):
            seeded.meetings.action(m.id, "bob", None, "do it")
        assert seeded.meetings.get(m.id).actions == ()

    def test_end_with_a_follow_up_closes_the_minutes(self, seeded: Services, clock: FixedClock) -> None:
        m = seeded.meetings.start("Sync")
        clock.advance(minutes=50)
        next_start = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)

        ended = seeded.meetings.end(m.id, next_start=next_start, next_minutes=30)

        assert ended.status == MeetingStatus.ENDED
        assert ended.ended_at == FIXED_NOW + timedelta(minutes=50)
        assert (ended.next_start, ended.next_minutes, ended.next_sequence) == (next_start, 30, 0)
        with pytest.raises(ConflictError, match="has ended"):
            seeded.meetings.note(m.id, "too late")
        with pytest.raises(ConflictError, match="already ended"):
            seeded.meetings.end(m.id)

    def test_the_follow_up_must_start_after_the_meeting(self, seeded: Services) -> None:
        m = seeded.meetings.start("Sync")
        with pytest.raises(ValidationError, match="must start after"):
            seeded.meetings.end(m.id, next_start=FIXED_NOW - timedelta(days=1))
        assert seeded.meetings.get(m.id).status == MeetingStatus.LIVE

    def test_reschedule_bumps_the_sequence_and_keeps_the_uid(self, seeded: Services) -> None:
        m = seeded.meetings.start("Sync")
        ended = seeded.meetings.end(m.id, next_start=FIXED_NOW + timedelta(days=7))

        moved = seeded.meetings.reschedule_next(m.id, FIXED_NOW + timedelta(days=8))
        moved_again = seeded.meetings.reschedule_next(m.id, FIXED_NOW + timedelta(days=9), 90)

        assert moved.next_uid == ended.next_uid == moved_again.next_uid
        assert (moved.next_sequence, moved_again.next_sequence) == (1, 2)
        assert moved_again.next_minutes == 90
        assert seeded.meetings.get(m.id).next_start == FIXED_NOW + timedelta(days=9)

    def test_cancel_the_follow_up(self, seeded: Services) -> None:
        m = seeded.meetings.start("Sync")
        seeded.meetings.end(m.id)
        with pytest.raises(ConflictError, match="no follow-up meeting to cancel"):
            seeded.meetings.cancel_next(m.id)

        seeded.meetings.reschedule_next(m.id, FIXED_NOW + timedelta(days=7))
        cancelled = seeded.meetings.cancel_next(m.id)
        assert cancelled.next_cancelled
        assert cancelled.next_sequence == 1
        assert seeded.meetings.cancel_next(m.id).next_sequence == 1, "cancelling twice is one change"

    def test_start_next_carries_attendees_agenda_and_open_actions(self, seeded: Services) -> None:
        first = seeded.meetings.start(
            "周会",
            attendees=["ann", "wei"],
            tz="Asia/Shanghai",
            agenda=[("进度", 15), ("风险", 10)],
            place="3F",
        )
        _, open_card = seeded.meetings.action(first.id, "wei", TOMORROW, "联系供应商")
        _, done_card = seeded.meetings.action(first.id, "ann", TOMORROW, "订机柜")
        seeded.cards.move(done_card.id, "Done")
        seeded.meetings.end(first.id, next_start=FIXED_NOW + timedelta(days=7))

        second = seeded.meetings.start_next(first.id)

        assert second.id == "M-2"
        assert [a.handle for a in second.attendees] == ["ann", "wei"]
        assert [(a.title, a.minutes) for a in second.agenda] == [("进度", 15), ("风险", 10)]
        assert second.start == FIXED_NOW + timedelta(days=7)
        assert (second.tz, second.place, second.series) == ("Asia/Shanghai", "3F", "周会")
        assert second.carried_over == (open_card.id,)
        assert second.status == MeetingStatus.LIVE

    def test_open_actions_keep_carrying_over_down_the_series(self, seeded: Services) -> None:
        first = seeded.meetings.start("周会", attendees=["wei"])
        _, open_card = seeded.meetings.action(first.id, "wei", TOMORROW, "联系供应商")
        seeded.meetings.end(first.id, next_start=FIXED_NOW + timedelta(days=7))
        second = seeded.meetings.start_next(first.id)
        seeded.meetings.end(second.id, next_start=FIXED_NOW + timedelta(days=14))

        third = seeded.meetings.start_next(second.id)

        assert third.carried_over == (open_card.id,), "an action still open after two meetings is still open"


class TestRisks:
    def test_add_records_the_first_score(self, seeded: Services) -> None:
        risk = seeded.risks.add("供应商延期", 4, 5, owner="wei", mitigation="备选场地")
        assert risk.id == "R-1"
        assert risk.score == 20
        assert risk.mitigation == "备选场地"
        assert [(h.probability, h.impact, h.at, h.by) for h in risk.history] == [(4, 5, FIXED_NOW, "ann")]
        assert seeded.risks.get("r-1") == risk

    def test_scores_outside_1_to_5_are_refused(self, seeded: Services) -> None:
        with pytest.raises(ValidationError, match="probability must be between 1 and 5, not 6"):
            seeded.risks.add("x", 6, 1)
        assert seeded.risks.list() == []

    def test_edit_keeps_every_score_change(self, seeded: Services, clock: FixedClock) -> None:
        seeded.risks.add("供应商延期", 4, 5)
        clock.advance(days=1)
        seeded.risks.edit("R-1", {"probability": 2, "residual_probability": 1, "residual_impact": 2})
        clock.advance(days=1)
        text_only = seeded.risks.edit("R-1", {"mitigation": "签备选合同", "status": "Mitigating"})

        assert [(h.probability, h.residual_probability) for h in text_only.history] == [(4, None), (2, 1)]
        assert text_only.history[1].at == FIXED_NOW + timedelta(days=1)
        assert text_only.status.value == "mitigating"
        assert text_only.residual_score == 2
        assert seeded.risks.score_at(text_only, date(2026, 11, 25)) == text_only.history[0]
        assert seeded.risks.score_at(text_only, date(2026, 11, 24)) is None

    @pytest.mark.parametrize(
        ("changes", "error"),
        [
            ({"colour": 1}, "cannot edit colour"),
            ({"status": "gone"}, "status 'gone'"),
            ({"impact": 0}, "between"),
        ],
    )
    def test_bad_risk_edits(self, seeded: Services, changes: dict[str, object], error: str) -> None:
        seeded.risks.add("x", 1, 1)
        with pytest.raises(ValidationError, match=error):
            seeded.risks.edit("R-1", changes)
        assert len(seeded.risks.get("R-1").history) == 1

    def test_warnings_include_a_risk_past_review_and_an_overdue_card(self, seeded: Services) -> None:
        seeded.risks.add("late review", 2, 2, review_date=date(2026, 11, 20))
        seeded.cards.edit("OPS-1", {"due": date(2026, 11, 24)})
        assert [(w.kind, w.target) for w in seeded.risks.warnings()] == [
            ("overdue", "OPS-1"),
            ("risk-review", "R-1"),
        ]


def test_change_requests_are_decided_once(seeded: Services, clock: FixedClock) -> None:
    request = seeded.records.request_change("推迟发布一周", "场地原因")
    clock.advance(minutes=5)
    approved = seeded.records.decide_change(request.id.lower(), approve=True)
    assert (approved.status.value, approved.decided_by) == ("approved", "ann")
    with pytest.raises(ConflictError, match="already approved"):
        seeded.records.decide_change(request.id, approve=False)
    assert [a.action for a in seeded.records.feed() if a.entity_id == request.id] == ["approved", "requested"]


def test_card_sequence_rises_when_a_calendar_would_show_a_change(seeded: Services) -> None:
    card = seeded.cards.add("OPS", "Go-live", milestone=True, due=date(2026, 12, 15))
    assert card.sequence == 0
    card = seeded.cards.edit(card.id, {"owner": "ann"})
    assert card.sequence == 0
    card = seeded.cards.edit(card.id, {"due": date(2026, 12, 18)})
    assert card.sequence == 1
    before_done = card
    card = seeded.cards.move(card.id, "Done")
    assert card.sequence == 2
    restored = seeded.cards.restore(before_done)
    assert restored.sequence == 3
    assert restored.column == before_done.column


def test_clock_from_environment_starts_at_huddle_now_and_runs_on() -> None:
    import time

    from tui.wiring import clock_from_environment, system_clock

    assert clock_from_environment({}) is system_clock
    clock = clock_from_environment({"HUDDLE_NOW": "2027-03-01T09:00:00+08:00"})
    first = clock()
    assert abs(first - datetime(2027, 3, 1, 1, 0, tzinfo=UTC)).total_seconds() < 1
    time.sleep(0.02)
    assert clock() > first


def test_card_activity_details_are_written_in_the_language_of_the_change(seeded: Services) -> None:
    from domain.i18n import using_language

    english = seeded.cards.add("OPS", "Order racks")
    with using_language("zh-CN"):
        chinese = seeded.cards.add("OPS", "订购机柜")
    details = {a.entity_id: a.detail for a in seeded.records.feed() if a.action == "created"}
    assert details[english.id] == "Order racks in Operations/Backlog"
    assert details[chinese.id] == "订购机柜，位于 Operations/Backlog"
