"""Every domain type survives the store unchanged, on both backends; TinyDB doc ids never leak."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.models import (
    ActionItem,
    Activity,
    AgendaItem,
    Attendee,
    Card,
    ChangeRequest,
    ChangeStatus,
    Column,
    Criterion,
    Decision,
    Department,
    EntryKind,
    Goal,
    GoalActual,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinuteEntry,
    Person,
    Priority,
    Project,
    PublishedEvent,
    ReviewOutcome,
    Risk,
    RiskStatus,
    RsvpAnswer,
    RsvpStatus,
    ScoreChange,
)
from storage import TinyStore, open_store

T0 = datetime(2026, 11, 25, 2, 0, 30, 123456, tzinfo=UTC)

DEPARTMENT = Department("市场部", "MKT", (Column("待办"), Column("进行中", 2), Column("Done")))
PERSON = Person("li.wei", "李伟", "li.wei@example.com", "市场部")
PROJECT = Project(
    "main",
    "新品发布 Launch",
    vision="让每个部门看到同一个目标",
    goals=(
        Goal(
            "签约 10 家渠道",
            metric="signed partners",
            target="10",
            deadline=date(2027, 3, 31),
            actuals=(
                GoalActual(date(2026, 11, 1), "4", "两家在谈", "ann"),
                GoalActual(date(2026, 11, 20), "6"),
            ),
        ),
        Goal("Ship v1"),
    ),
    blocked_escalation_days=5,
    closed=True,
    closed_at=T0 + timedelta(days=30),
    closed_by="ann",
    close_reason="预算年度结束",
)
CARD = Card(
    id="MKT-7",
    dept="市场部",
    title="发布会场地 [bold]booked[/bold]",
    column="进行中",
    rank=1536.5,
    description="第一行\n第二行\ttab",
    owner="li.wei",
    responsible=("li.wei", "ann"),
    accountable="ann",
    consulted=("bob",),
    informed=("carol", "dave"),
    start=date(2026, 11, 20),
    due=date(2026, 12, 1),
    estimate=2.5,
    priority=Priority.URGENT,
    tags=("活动", "venue"),
    blocked_by=("OPS-1", "OPS-2"),
    blocked_reason="等待预算审批",
    blocked_since=T0 - timedelta(days=4),
    parent="MKT-1",
    milestone=True,
    progress=40,
    meeting_id="M-3",
    criteria=(
        Criterion("AC-1", "场地合同已签", T0, "ann", "合同扫描件", waived=False),
        Criterion("AC-2", "Dry run", T0, "ann", "", waived=True, waive_reason="no time"),
        Criterion("AC-3", "Signage"),
    ),
    uid="card-uid@huddle",
    sequence=3,
    created_at=T0 - timedelta(days=10),
    created_by="ann",
    updated_at=T0,
    updated_by="li.wei",
    source="trello:5f1a",
    source_id="卡片-7",
)
RISK = Risk(
    id="R-2",
    title="供应商延期",
    probability=4,
    impact=5,
    owner="li.wei",
    description="场地供应商可能延期",
    category="supplier",
    residual_probability=2,
    residual_impact=3,
    mitigation="备选场地",
    contingency="线上发布",
    trigger="12 月 1 日前未签约",
    status=RiskStatus.MITIGATING,
    review_date=date(2026, 12, 5),
    linked_cards=("MKT-7",),
    history=(
        ScoreChange(T0 - timedelta(days=3), 3, 5, None, None, "ann"),
        ScoreChange(T0, 4, 5, 2, 3, "li.wei"),
    ),
    meeting_id="M-3",
    created_at=T0 - timedelta(days=3),
    created_by="ann",
    updated_at=T0,
)
MEETING = Meeting(
    id="M-3",
    title="周会 Weekly sync",
    start=T0,
    tz="Asia/Shanghai",
    series="周会",
    place="3 楼会议室",
    organizer="ann",
    attendees=(Attendee("ann"), Attendee("li.wei", present=False)),
    agenda=(
        AgendaItem("进度", 15, started_at=None, elapsed_seconds=600),
        AgendaItem(
            "风险", 10, started_at=T0 + timedelta(minutes=20), elapsed_seconds=0, refs=("R-2", "MKT-7")
        ),
    ),
    current_item=1,
    notes=(
        MinuteEntry("n1", T0 + timedelta(minutes=1), "场地已确认", EntryKind.NOTE, 0, "ann"),
        MinuteEntry("d1", T0 + timedelta(minutes=2), "预算批准", EntryKind.DECISION, 0, "ann"),
        MinuteEntry("a1", T0 + timedelta(minutes=3), "联系供应商", EntryKind.ACTION, 1, "ann"),
        MinuteEntry("r1", T0 + timedelta(minutes=4), "R-2: 供应商延期", EntryKind.RISK, None, "ann"),
    ),
    decisions=(Decision("d1", "预算批准", T0 + timedelta(minutes=2), "M-3", 0, "ann"),),
    actions=(
        ActionItem("MKT-7", "联系供应商", "li.wei", date(2026, 12, 1), "M-3", T0 + timedelta(minutes=3), 1),
    ),
    status=MeetingStatus.ENDED,
    ended_at=T0 + timedelta(hours=1),
    next_start=T0 + timedelta(days=7),
    next_minutes=45,
    next_uid="next-uid@huddle",
    next_sequence=2,
    next_cancelled=True,
    uid="meeting-uid@huddle",
    carried_over=("OPS-1",),
    created_by="ann",
    kind=MeetingKind.REVIEW,
    milestone_id="MKT-7",
    outcome=ReviewOutcome.CONDITIONS,
    rsvp=(
        RsvpAnswer("li.wei", RsvpStatus.DECLINED, 2, T0 + timedelta(hours=2), T0 + timedelta(hours=3)),
        RsvpAnswer("ann", RsvpStatus.TENTATIVE, 1, None, T0 + timedelta(hours=4)),
    ),
)
PUBLISHED = PublishedEvent(
    "https://cal.example.com/dav/团队/", "next-uid@huddle", "https://cal.example.com/dav/团队/x.ics",
    '"etag-1"', "周会 Weekly sync", T0,
)  # fmt: skip
CHANGE = ChangeRequest(
    "CR-1",
    "推迟发布一周",
    "因场地原因",
    ChangeStatus.APPROVED,
    requested_by="li.wei",
    decided_by="ann",
    created_at=T0,
    decided_at=T0 + timedelta(hours=2),
    scope="发布日期后移",
    schedule_days=7,
    cost=1500.5,
    meeting_id="M-3",
    decision_id="d1",
    cards=("MKT-7",),
)
ACTIVITY = Activity("a" * 32, T0, "li.wei", "liwei", "card", "MKT-7", "moved", "待办 -> 进行中")

EVERY_FIELD = [DEPARTMENT, PERSON, PROJECT, CARD, RISK, MEETING, CHANGE]


def test_every_value_is_set_away_from_its_default() -> None:
    """Guards the round trip below: a field left at its default would not prove its codec."""
    values: list[Card | Risk | Meeting | ChangeRequest | Project | PublishedEvent] = [
        CARD, RISK, MEETING, CHANGE, PROJECT, PUBLISHED,
    ]  # fmt: skip
    for value in values:
        for f in dataclasses.fields(value):
            if f.default is not dataclasses.MISSING:
                assert getattr(value, f.name) != f.default, f"{type(value).__name__}.{f.name}"


def put_all(store: TinyStore) -> None:
    with store.transaction() as uow:
        uow.departments.put(DEPARTMENT)
        uow.people.put(PERSON)
        uow.projects.put(PROJECT)
        uow.cards.put(CARD)
        uow.risks.put(RISK)
        uow.meetings.put(MEETING)
        uow.change_requests.put(CHANGE)
        uow.activity.add(ACTIVITY)
        uow.published.put(PUBLISHED)


def test_every_domain_type_round_trips(store: TinyStore) -> None:
    put_all(store)

    uow = store.snapshot()
    assert uow.departments.get("市场部") == DEPARTMENT
    assert uow.people.get("li.wei") == PERSON
    assert uow.projects.get("main") == PROJECT
    assert uow.cards.get("MKT-7") == CARD
    assert uow.cards.list_for_department("市场部") == [CARD]
    assert uow.risks.get("R-2") == RISK
    assert uow.meetings.get("M-3") == MEETING
    assert uow.change_requests.get("CR-1") == CHANGE
    assert uow.published.get(PUBLISHED.key) == PUBLISHED
    assert uow.activity.for_entity("MKT-7") == [ACTIVITY]
    assert uow.activity.recent() == [ACTIVITY]


def test_a_reopened_file_gives_the_same_values(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("reopen") / "huddle.json"
    put_all(open_store(path))

    uow = TinyStore(path).snapshot()
    got = [
        uow.departments.get("市场部"),
        uow.people.get("li.wei"),
        uow.projects.get("main"),
        uow.cards.get("MKT-7"),
        uow.risks.get("R-2"),
        uow.meetings.get("M-3"),
        uow.change_requests.get("CR-1"),
    ]
    assert got == EVERY_FIELD
    assert uow.activity.recent() == [ACTIVITY]


def test_upsert_by_domain_id_replaces_instead_of_duplicating(store: TinyStore) -> None:
    put_all(store)
    moved = dataclasses.replace(CARD, column="Done", progress=100)
    with store.transaction() as uow:
        uow.cards.put(moved)
    with store.transaction() as uow:
        uow.cards.delete("MKT-7")
        uow.cards.put(dataclasses.replace(CARD, id="MKT-8"))
        uow.cards.put(moved)

    cards = store.snapshot().cards.list()
    assert sorted(c.id for c in cards) == ["MKT-7", "MKT-8"]
    assert store.snapshot().cards.get("MKT-7") == moved


def test_chinese_text_is_raw_utf8_on_disk(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("utf8") / "huddle.json"
    put_all(open_store(path))

    raw = path.read_bytes()
    raw.decode("utf-8")
    for text in ["市场部", "李伟", "发布会场地", "供应商延期", "周会", "推迟发布一周", "待办 -> 进行中"]:
        assert text.encode("utf-8") in raw
    assert b"\\u" not in raw


def test_repositories_return_domain_objects_never_tinydb_documents(store: TinyStore) -> None:
    put_all(store)
    uow = store.snapshot()
    values: list[object] = [
        uow.departments.get("市场部"),
        uow.people.get("li.wei"),
        uow.projects.get("main"),
        uow.cards.get("MKT-7"),
        uow.risks.get("R-2"),
        uow.meetings.get("M-3"),
        uow.change_requests.get("CR-1"),
        *uow.departments.list(),
        *uow.cards.list(),
        *uow.cards.list_for_department("市场部"),
        *uow.risks.list(),
        *uow.meetings.list(),
        *uow.activity.recent(),
        *uow.activity.for_entity("MKT-7"),
    ]
    for value in values:
        assert dataclasses.is_dataclass(value), value
        assert not isinstance(value, dict)
        assert not hasattr(value, "doc_id")
        assert type(value).__module__ == "domain.models"


def test_two_store_objects_on_one_file_do_not_overwrite_each_others_inserts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Each TinyStore stands for a process: TinyDB's per-process next-id cache must not matter."""
    path = tmp_path_factory.mktemp("two") / "huddle.json"
    first, second = open_store(path), open_store(path)
    first.snapshot()
    second.snapshot()
    for n in range(6):
        writer = first if n % 2 == 0 else second
        with writer.transaction() as uow:
            uow.cards.put(dataclasses.replace(CARD, id=f"MKT-{n}", title=f"card {n}"))
        if n == 3:
            with first.transaction() as uow:
                uow.cards.delete("MKT-1")

    ids = sorted(c.id for c in first.snapshot().cards.list())
    assert ids == ["MKT-0", "MKT-2", "MKT-3", "MKT-4", "MKT-5"]
    assert second.snapshot().cards.get("MKT-5") == dataclasses.replace(CARD, id="MKT-5", title="card 5")


def test_read_only_snapshot_refuses_writes(store: TinyStore) -> None:
    from domain.errors import StorageError

    with pytest.raises(StorageError, match="read-only"):
        store.snapshot().cards.put(CARD)
    assert store.snapshot().cards.list() == []


def test_a_field_set_back_to_its_default_is_saved(store: TinyStore) -> None:
    """Upsert must replace the stored document, not merge into it: clearing a field has to stick."""
    put_all(store)
    cleared = dataclasses.replace(
        CARD, owner=None, blocked_by=(), blocked_reason="", blocked_since=None, milestone=False, tags=()
    )
    with store.transaction() as uow:
        uow.cards.put(cleared)
    assert store.snapshot().cards.get("MKT-7") == cleared
