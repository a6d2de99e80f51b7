"""View models of the portfolio and the meetings list, checked without Textual or Pilot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.models import (
    Card,
    Column,
    Criterion,
    Department,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReviewOutcome,
)
from tui.views.meetings import ListRow, kind_lines, meeting_rows, series_key, short_when, when_text
from tui.views.portfolio import CardFilter, ColumnCount, card_rows, fold, summary_columns, summary_rows

TODAY = date(2026, 11, 25)
OPS = Department("Ops", "OPS", (Column("Todo"), Column("Doing", 1), Column("Done")))
MKT = Department("Marketing", "MKT", (Column("Backlog"), Column("Doing")))
CARDS = [
    Card("OPS-1", "Ops", "Ship the ＡＢＣ release", "Doing", owner="ann", due=date(2026, 11, 20)),
    Card("OPS-2", "Ops", "Rack servers", "Doing", owner="bob", tags=("infra",)),
    Card(
        "OPS-3",
        "Ops",
        "Go live",
        "Todo",
        milestone=True,
        criteria=(
            Criterion("AC-1", "tested", accepted_at=datetime(2026, 11, 1, tzinfo=UTC)),
            Criterion("AC-2", "x"),
        ),
    ),
    Card("MKT-1", "Marketing", "发布会", "Backlog", owner="wei", due=date(2026, 12, 1)),
]
BLOCKED = frozenset({"OPS-2"})


def test_summary_counts_cards_per_column_against_wip_and_per_department() -> None:
    assert summary_columns([OPS, MKT]) == ["Todo", "Doing", "Done", "Backlog"]
    ops, mkt = summary_rows([OPS, MKT], CARDS, TODAY, BLOCKED)
    assert ops.cells == (ColumnCount(1), ColumnCount(2, 1), ColumnCount(0), None)
    assert ops.cells[1] is not None
    assert ops.cells[1].over
    assert (ops.overdue, ops.blocked, ops.total) == (1, 1, 3)
    assert mkt.cells == (None, ColumnCount(0), None, ColumnCount(1))
    assert (mkt.dept, mkt.overdue, mkt.blocked, mkt.total) == ("Marketing", 0, 0, 1)


def test_card_rows_filter_flag_and_cap() -> None:
    rows, matched = card_rows(CARDS, CardFilter(), TODAY, BLOCKED)
    assert matched == 4
    by_id = {row.card.id: row for row in rows}
    assert by_id["OPS-1"].late
    assert by_id["OPS-1"].due == "Fri 20 Nov"  # as the language writes it (format_day)
    assert not by_id["MKT-1"].late
    assert by_id["OPS-2"].blocked
    assert not by_id["OPS-1"].blocked
    assert by_id["OPS-3"].accepted == (1, 2)
    assert by_id["OPS-1"].accepted is None
    rows, matched = card_rows(CARDS, CardFilter(), TODAY, BLOCKED, limit=2)
    assert (len(rows), matched) == (2, 4)


def test_filter_search_folds_full_width_and_case_and_keeps_chinese() -> None:
    assert fold("ＡＢＣ Release") == "abc release"
    ids = [r.card.id for r in card_rows(CARDS, CardFilter(text="abc SHIP"), TODAY, BLOCKED)[0]]
    assert ids == ["OPS-1"]
    assert [r.card.id for r in card_rows(CARDS, CardFilter(text="发布"), TODAY, BLOCKED)[0]] == ["MKT-1"]
    flt = CardFilter(overdue=True, owner="ann", tag="infra")
    assert flt.describe() == "overdue, @ann, tag infra"
    assert card_rows(CARDS, flt, TODAY, BLOCKED) == ([], 0)
    assert CardFilter(text="x").describe() == ""
    assert [r.card.id for r in card_rows(CARDS, CardFilter(blocked=True), TODAY, BLOCKED)[0]] == ["OPS-2"]


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def meeting(mid: str, **kw: object) -> Meeting:
    fields: dict[str, object] = {"title": "Weekly", "start": T0, "tz": "Asia/Shanghai", **kw}
    return Meeting(id=mid, **fields)  # type: ignore[arg-type]


def test_times_read_in_the_meeting_zone() -> None:
    assert when_text(T0, "Asia/Shanghai") == "Mon 23 Nov 2026 10:00 Asia/Shanghai"
    assert short_when(T0, "Asia/Shanghai") == "Mon 23 Nov 10:00"


def test_meeting_rows_live_upcoming_then_series_newest_first() -> None:
    live = meeting("M-3", title="Standup", started_at=T0)
    old = meeting("M-1", status=MeetingStatus.ENDED, series="周会")
    new = meeting(
        "M-2",
        status=MeetingStatus.ENDED,
        series="周会",
        start=T0 + timedelta(days=7),
        next_start=T0 + timedelta(days=14),
    )
    rows = meeting_rows([old, new, live])
    assert rows[0] == ListRow("Live now")
    assert rows[1].id == "M-3"
    assert rows[1].text.startswith("  ● M-3   Standup · started ")
    assert rows[2] == ListRow("Upcoming")
    assert rows[3].id == "next:M-2"
    assert rows[3].text.startswith("  ○ 周会 · Mon 7 Dec 10:00 (after M-2")
    assert rows[4] == ListRow("Series: 周会")
    assert [r.id for r in rows[5:]] == ["M-2", "M-1"]
    assert series_key(live) == "Standup"


def test_kind_lines_name_the_review_outcome_or_the_retro() -> None:
    review = meeting("M-4", kind=MeetingKind.REVIEW, milestone_id="OPS-3")
    assert kind_lines(review) == ["Review of milestone OPS-3: not recorded yet (o records it)"]
    done = meeting("M-5", kind=MeetingKind.REVIEW, milestone_id="OPS-3", outcome=ReviewOutcome.PASSED)
    assert kind_lines(done) == [f"Review of milestone OPS-3: {ReviewOutcome.PASSED.value}"]
    assert kind_lines(meeting("M-6", kind=MeetingKind.RETRO)) == ["Retrospective: items 1-3 are its sections"]
    assert kind_lines(meeting("M-7")) == []
