"""Quick-capture parsing, agenda lines, and journal replay planning: pure functions, no Textual."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.capture import (
    Capture,
    CaptureKind,
    JournalEntry,
    draft_record,
    dropped_record,
    parse_agenda,
    parse_capture,
    plan_replay,
    resolve_person,
)
from domain.errors import ValidationError
from domain.models import EntryKind, Meeting, MinuteEntry, Person

TODAY = date(2026, 11, 25)  # a Wednesday
PEOPLE = [
    Person("ann", "Ann Lee", "ann@example.com", "Operations"),
    Person("wei", "李伟", "wei@example.com", "市场部"),
    Person("anna", "Anna Berg", "anna@example.com", "Operations"),
    Person("bob", "Bob Stone", "bob@example.com", None),
]


def parse(line: str) -> Capture:
    return parse_capture(line, today=TODAY, people=PEOPLE)


def test_plain_text_is_a_note() -> None:
    assert parse("  Budget is 10% over  ") == Capture(CaptureKind.NOTE, "Budget is 10% over")


@pytest.mark.parametrize(
    ("line", "kind", "text"),
    [
        ("/d Ship on Friday", CaptureKind.DECISION, "Ship on Friday"),
        ("/D ship", CaptureKind.DECISION, "ship"),
        ("/r Vendor may slip", CaptureKind.RISK, "Vendor may slip"),
        ("/d 下周一开始试运行", CaptureKind.DECISION, "下周一开始试运行"),
        ("/d下周一开始试运行", CaptureKind.DECISION, "下周一开始试运行"),
        ("／d 采用方案B", CaptureKind.DECISION, "采用方案B"),
        ("、r 供应商可能延期", CaptureKind.RISK, "供应商可能延期"),
        ("//etc/hosts is wrong", CaptureKind.NOTE, "/etc/hosts is wrong"),
        ("、这是笔记", CaptureKind.NOTE, "、这是笔记"),
    ],
)
def test_commands(line: str, kind: CaptureKind, text: str) -> None:
    assert parse(line) == Capture(kind, text)


def test_next_item() -> None:
    assert parse("/n").kind == CaptureKind.NEXT
    with pytest.raises(ValidationError, match="takes no text"):
        parse("/n budget")


@pytest.mark.parametrize(
    ("line", "owner", "due", "text"),
    [
        ("/a @ann fri Order the racks", "ann", date(2026, 11, 27), "Order the racks"),
        ("/a ann +3d Order the racks", "ann", date(2026, 11, 28), "Order the racks"),
        ("/a @ann next mon Order racks", "ann", date(2026, 11, 30), "Order racks"),
        ("/a Ann Lee 2026-12-01 Order racks", "ann", date(2026, 12, 1), "Order racks"),
        ("/a @李伟 明天 准备发布会材料", "wei", date(2026, 11, 26), "准备发布会材料"),
        ("/a 李伟 下周一 确认场地", "wei", date(2026, 11, 30), "确认场地"),
        ("/a　@wei　周五　确认场地", "wei", date(2026, 11, 27), "确认场地"),
    ],
)
def test_action_resolves_owner_and_date(line: str, owner: str, due: date, text: str) -> None:
    capture = parse(line)
    assert capture.kind == CaptureKind.ACTION
    assert capture.owner is not None
    assert (capture.owner.handle, capture.due, capture.text) == (owner, due, text)


def test_action_preview_names_owner_department_and_date() -> None:
    preview = parse("/a @wei fri 确认场地").describe()
    assert preview == "→ action for 李伟 (@wei, 市场部), due Fri 27 Nov 2026: 确认场地"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/a @zed fri Do it", "no person 'zed'"),
        ("/a @an fri Do it", "ambiguous: @ann, @anna"),
        ("/a @ann frday Do it", "cannot read date 'frday'"),
        ("/a @ann fri", "has no text yet"),
        ("/a @ann", "needs a date"),
        ("/a", "needs an owner"),
        ("/a @bob fri Do it", "no department"),
        ("/x what", "unknown command /x"),
        ("/etc/hosts", "unknown command '/etc/hosts'"),
        ("/d   ", "decision is empty"),
        ("/d bad \x1b[31m", "control character"),
        ("", "note is empty"),
    ],
)
def test_bad_input_is_a_clear_message(line: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse(line)


def test_resolve_person_by_handle_name_and_prefix() -> None:
    assert resolve_person("@WEI", PEOPLE).handle == "wei"
    assert resolve_person("bob", PEOPLE).handle == "bob"
    assert resolve_person("Anna B", PEOPLE).handle == "anna"


def test_agenda_lines() -> None:
    text = "Intro 5m\n- Budget review | 20\n预算 15分钟\n\nPhase 2\nAOB"
    assert parse_agenda(text) == [
        ("Intro", 5),
        ("Budget review", 20),
        ("预算", 15),
        ("Phase 2", 10),
        ("AOB", 10),
    ]


def _meeting(*note_ids: str) -> Meeting:
    at = datetime(2026, 11, 25, 2, tzinfo=UTC)
    notes = tuple(MinuteEntry(i, at, "x", EntryKind.NOTE) for i in note_ids)
    return Meeting("M-1", "Sync", at, "UTC", notes=notes)


def test_journal_entry_round_trip() -> None:
    entry = JournalEntry.from_capture(parse("/a @wei 明天 确认场地"), 2, "e1")
    assert JournalEntry.from_record(entry.to_record()) == entry
    assert entry.owner == "wei"
    assert entry.due == date(2026, 11, 26)


def test_plan_replay_skips_recorded_and_dropped_and_keeps_last_draft() -> None:
    a = JournalEntry("a", CaptureKind.NOTE, "in the DB already")
    b = JournalEntry("b", CaptureKind.DECISION, "not yet written")
    c = JournalEntry("c", CaptureKind.NOTE, "refused by the DB")
    records = [
        draft_record("in the"),
        a.to_record(),
        draft_record("not yet"),
        b.to_record(),
        b.to_record(),
        c.to_record(),
        dropped_record("c"),
        draft_record("半句话"),
        {"t": "entry", "id": "broken"},
    ]
    plan = plan_replay(records, _meeting("a"))
    assert plan.entries == (b,)
    assert plan.draft == "半句话"


def test_plan_replay_draft_cleared_by_a_later_submit() -> None:
    entry = JournalEntry("a", CaptureKind.NOTE, "typed and submitted")
    plan = plan_replay([draft_record("typed and sub"), entry.to_record()], _meeting())
    assert plan.draft == ""
    assert plan.entries == (entry,)
    assert plan_replay([entry.to_record()], _meeting("a")).empty
