"""Pure helpers behind the risks screen: heatmap cells, movement arrows, register filter and sort.

No Textual import: these are plain functions over domain values, unit-tested in tests/unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.i18n import N_, _, pgettext
from domain.models import Risk
from domain.rules import ScoreBands

Position = tuple[int, int]
"""(probability, impact), each 1-5."""

PROBABILITY_LABELS = {1: N_("Rare"), 2: N_("Unlikely"), 3: N_("Possible"), 4: N_("Likely"), 5: N_("Certain")}
IMPACT_LABELS = {1: N_("Slight"), 2: N_("Minor"), 3: N_("Medium"), 4: N_("Major"), 5: N_("Severe")}
"""Axis labels, marked for extraction; the heatmap translates them where it draws them."""
BAND_NAMES = {"green": N_("green"), "amber": N_("amber"), "red": N_("red")}
"""The score bands as shown (the band values themselves are data: the filter takes ``band:red``)."""


@dataclass(frozen=True, slots=True)
class CellView:
    """What one heatmap cell shows: its risks, band, and movement since the chosen date."""

    position: Position
    band: str
    risk_ids: tuple[str, ...] = ()
    arrows: str = ""
    """Directions from which risks moved into this cell (deduplicated, at most two)."""
    previous_ids: tuple[str, ...] = ()
    """Risks that sat in this cell at the chosen date and have moved since."""

    @property
    def count(self) -> int:
        return len(self.risk_ids)


@dataclass(frozen=True, slots=True)
class HeatmapView:
    """The whole grid: 25 cells plus the open risks that are not yet assessed."""

    cells: Mapping[Position, CellView]
    unassessed: tuple[str, ...]
    residual: bool = False
    since: date | None = None
    total: int = 0
    """Risks in the register, closed ones included (tells "no risks" apart from "none assessed")."""

    def cell(self, position: Position) -> CellView:
        return self.cells[position]


def position_of(risk: Risk, *, residual: bool) -> Position | None:
    """Where a risk sits on the grid, or None while it is not assessed."""
    if residual:
        p, i = risk.residual_probability, risk.residual_impact
    else:
        p, i = risk.probability, risk.impact
    if p is None or i is None:
        return None
    return (p, i)


def arrow(before: Position, after: Position) -> str:
    """The arrow from an old grid position to a new one (probability up the screen, impact to the right)."""
    dp = (after[0] > before[0]) - (after[0] < before[0])
    di = (after[1] > before[1]) - (after[1] < before[1])
    return {
        (1, 0): "↑", (-1, 0): "↓", (0, 1): "→", (0, -1): "←",
        (1, 1): "↗", (1, -1): "↖", (-1, 1): "↘", (-1, -1): "↙", (0, 0): "",
    }[(dp, di)]  # fmt: skip


def build_heatmap(
    risks: Sequence[Risk],
    bands: ScoreBands,
    *,
    residual: bool = False,
    previous: Mapping[str, Position | None] | None = None,
    since: date | None = None,
) -> HeatmapView:
    """Bucket open risks into the 5x5 grid; ``previous`` maps risk id -> its position at ``since``."""
    members: dict[Position, list[str]] = {}
    arrows: dict[Position, list[str]] = {}
    ghosts: dict[Position, list[str]] = {}
    unassessed: list[str] = []
    for risk in risks:
        if risk.status == "closed":
            continue
        pos = position_of(risk, residual=residual)
        if pos is None:
            unassessed.append(risk.id)
            continue
        members.setdefault(pos, []).append(risk.id)
        if previous is None or risk.id not in previous:
            continue
        before = previous[risk.id]
        if before is None:
            glyph = "+"
        elif before != pos:
            glyph = arrow(before, pos)
            ghosts.setdefault(before, []).append(risk.id)
        else:
            continue
        if glyph not in arrows.setdefault(pos, []):
            arrows[pos].append(glyph)
    cells = {
        (p, i): CellView(
            position=(p, i),
            band=bands.band(p * i),
            risk_ids=tuple(members.get((p, i), ())),
            arrows="".join(arrows.get((p, i), [])[:2]),
            previous_ids=tuple(ghosts.get((p, i), ())),
        )
        for p in range(1, 6)
        for i in range(1, 6)
    }
    return HeatmapView(cells, tuple(unassessed), residual, since, total=len(risks))


def status_label(status: str) -> str:
    """A risk's state as shown, in the current language; the stored value (and ``status:open`` in the
    register's filter) stays English. Translated at the call: "open" has other meanings elsewhere."""
    labels = {
        "open": pgettext("risk status", "open"),
        "mitigating": pgettext("risk status", "mitigating"),
        "closed": pgettext("risk status", "closed"),
        "occurred": pgettext("risk status", "occurred"),
    }
    return labels.get(status, status)


def describe_move(before: Position | None, after: Position | None) -> str:
    """A short text for the cell list: ``P2 I3 → P4 I4``, ``new``, or empty when nothing moved."""
    if before == after:
        return ""
    if before is None:
        return _("new since")
    if after is None:
        return _("was P{p} I{i}").format(p=before[0], i=before[1])
    return f"P{before[0]} I{before[1]} → P{after[0]} I{after[1]}"


SORT_COLUMNS: tuple[str, ...] = (
    "id", "title", "category", "owner", "probability", "impact", "score", "residual", "status", "review",
)  # fmt: skip


def sort_value(risk: Risk, column: str) -> tuple[int, Any]:
    """A sort key for one register column; missing values sort last."""
    value: Any
    if column == "id":
        prefix, _sep, number = risk.id.partition("-")
        value = (prefix, int(number)) if number.isdigit() else (risk.id, 0)
    elif column == "score":
        value = risk.score
    elif column == "residual":
        value = risk.residual_score
    elif column == "review":
        value = risk.review_date
    elif column in ("title", "category", "owner", "status"):
        value = str(getattr(risk, column) or "").casefold() or None
    else:
        value = getattr(risk, column)
    return (1, 0) if value is None else (0, value)


def sort_risks(risks: Iterable[Risk], column: str, *, reverse: bool = False) -> list[Risk]:
    """Risks ordered by a register column; rows without a value stay at the bottom either way."""
    items = list(risks)
    present = [r for r in items if sort_value(r, column)[0] == 0]
    missing = [r for r in items if sort_value(r, column)[0] == 1]
    present.sort(key=lambda r: sort_value(r, column), reverse=reverse)
    return present + sorted(missing, key=lambda r: sort_value(r, "id"))


FILTER_KEYS = ("owner", "status", "category", "band")


def matches(risk: Risk, query: str, bands: ScoreBands) -> bool:
    """Whether a risk matches a filter such as ``vendor owner:ann status:open band:red``.

    Plain words must all appear in the id, title, category, owner, status, description or trigger
    (case-insensitive); ``key:value`` words match the start of that field.
    """
    haystack = " ".join(
        str(x or "")
        for x in (risk.id, risk.title, risk.category, risk.owner, risk.status, risk.description, risk.trigger)
    ).casefold()
    for word in query.casefold().split():
        key, sep, value = word.partition(":")
        if sep and key in FILTER_KEYS:
            field = bands.band(risk.score) if key == "band" else str(getattr(risk, key) or "")
            if not field.casefold().startswith(value):
                return False
        elif word not in haystack:
            return False
    return True
