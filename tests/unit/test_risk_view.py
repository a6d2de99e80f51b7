"""Pure helpers behind the risks screen: grid bucketing, movement arrows, register filter and sort."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.i18n import using_language
from domain.models import Risk, RiskStatus
from domain.rules import ScoreBands, early_warnings
from tui.views.plan import slack_text
from tui.views.risks import (
    arrow,
    build_heatmap,
    describe_move,
    matches,
    position_of,
    sort_risks,
)

BANDS = ScoreBands(amber=5, red=15)


def risk(rid: str, p: int | None, i: int | None, **kw: object) -> Risk:
    return Risk(id=rid, title=kw.pop("title", f"risk {rid}"), probability=p, impact=i, **kw)  # type: ignore[arg-type]


def test_grid_has_25_banded_cells_and_keeps_unassessed_apart() -> None:
    view = build_heatmap(
        [
            risk("R-1", 4, 4),
            risk("R-2", 4, 4),
            risk("R-3", None, None),
            risk("R-4", 1, 1, status=RiskStatus.CLOSED),
        ],
        BANDS,
    )
    assert len(view.cells) == 25
    assert view.cell((4, 4)).risk_ids == ("R-1", "R-2")
    assert view.cell((4, 4)).band == "red"
    assert view.cell((1, 4)).band == "green"
    assert view.cell((1, 5)).band == "amber"
    assert view.cell((1, 1)).count == 0
    assert view.unassessed == ("R-3",)
    assert view.total == 4


def test_bands_follow_the_settings() -> None:
    view = build_heatmap([], ScoreBands(amber=3, red=9))
    assert (view.cell((1, 2)).band, view.cell((1, 3)).band, view.cell((3, 3)).band) == (
        "green",
        "amber",
        "red",
    )
    assert build_heatmap([], BANDS).total == 0


def test_residual_uses_the_residual_scores() -> None:
    r = risk("R-1", 5, 5, residual_probability=2, residual_impact=1)
    view = build_heatmap([r, risk("R-2", 3, 3)], BANDS, residual=True)
    assert view.cell((2, 1)).risk_ids == ("R-1",)
    assert view.unassessed == ("R-2",)
    assert position_of(r, residual=False) == (5, 5)


@pytest.mark.parametrize(
    ("before", "after", "glyph"),
    [((2, 2), (3, 2), "↑"), ((2, 2), (1, 2), "↓"), ((2, 2), (2, 3), "→"), ((2, 2), (2, 1), "←"),
     ((2, 2), (4, 5), "↗"), ((2, 2), (3, 1), "↖"), ((2, 2), (1, 3), "↘"), ((2, 2), (1, 1), "↙"),
     ((2, 2), (2, 2), "")],
)  # fmt: skip
def test_arrow_directions(before: tuple[int, int], after: tuple[int, int], glyph: str) -> None:
    assert arrow(before, after) == glyph


def test_movement_marks_arrows_in_new_cells_and_ghosts_in_old_ones() -> None:
    risks = [risk("R-1", 5, 5), risk("R-2", 2, 2), risk("R-3", 3, 3), risk("R-4", 1, 1)]
    previous = {"R-1": (4, 4), "R-2": (2, 2), "R-3": None}
    view = build_heatmap(risks, BANDS, previous=previous, since=date(2026, 11, 1))
    assert view.cell((5, 5)).arrows == "↗"
    assert view.cell((4, 4)).previous_ids == ("R-1",)
    assert view.cell((2, 2)).arrows == ""
    assert view.cell((3, 3)).arrows == "+"
    assert view.cell((1, 1)).arrows == ""
    assert view.since == date(2026, 11, 1)


def test_describe_move() -> None:
    assert describe_move((2, 3), (4, 4)) == "P2 I3 → P4 I4"
    assert describe_move(None, (4, 4)) == "new since"
    assert describe_move((4, 4), None) == "was P4 I4"
    assert describe_move((4, 4), (4, 4)) == ""


def test_filter_words_and_fields() -> None:
    r = risk("R-7", 4, 4, title="Vendor ships late", owner="ann", category="supplier")
    assert matches(r, "", BANDS)
    assert matches(r, "VENDOR late", BANDS)
    assert matches(r, "owner:an status:open band:red", BANDS)
    assert matches(r, "r-7", BANDS)
    assert not matches(r, "owner:bob", BANDS)
    assert not matches(r, "band:green", BANDS)
    assert not matches(r, "vendor budget", BANDS)
    assert matches(r, "category:sup", BANDS)


def test_sort_puts_missing_values_last_both_ways() -> None:
    risks = [risk("R-1", 2, 2), risk("R-2", None, None), risk("R-10", 5, 5), risk("R-3", 3, 1)]
    assert [r.id for r in sort_risks(risks, "score", reverse=True)] == ["R-10", "R-1", "R-3", "R-2"]
    assert [r.id for r in sort_risks(risks, "score")] == ["R-3", "R-1", "R-10", "R-2"]
    assert [r.id for r in sort_risks(risks, "id")] == ["R-1", "R-2", "R-3", "R-10"]
    titled = [risk("R-1", 1, 1, title="b"), risk("R-2", 1, 1, title="A")]
    assert [r.id for r in sort_risks(titled, "title")] == ["R-2", "R-1"]


def test_escalation_threshold_defers_to_the_project_unless_configured() -> None:
    from tui.config import Settings

    assert Settings().blocked_escalation_days is None
    assert Settings(blocked_escalation_days=5).blocked_escalation_days == 5


def test_risk_review_warnings_show_the_date_as_the_language_writes_it() -> None:
    today = date(2026, 11, 25)
    risks = [risk("R-1", 3, 3, title="Vendor late", review_date=date(2026, 11, 20))]
    now = datetime(2026, 11, 25, 9, tzinfo=UTC)
    shown = early_warnings([], risks, today=today, now=now)
    assert shown[0].message == "risk R-1 Vendor late was due for review on Fri 20 Nov"
    with using_language("zh-CN"):
        shown = early_warnings([], risks, today=today, now=now)
        assert "11月20日 周五" in shown[0].message
        assert "2026-11-20" not in shown[0].message
        assert (slack_text(3), slack_text(-1)) == ("+3天", "-1天")
    assert (slack_text(3), slack_text(0)) == ("+3d", "+0d")
