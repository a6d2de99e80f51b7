"""What the portfolio shows, as plain values (no Textual): the filter, the summary grid and the card rows.

The screen turns these into table cells; everything here is unit-tested without Pilot.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.dates import format_day
from domain.i18n import N_, _, pgettext
from domain.models import Card, Department
from domain.rules import is_overdue

MAX_ROWS = 300
"""Cards listed at most; the count line says how many matched."""


def fold(text: str) -> str:
    """Normalise for search: NFKC (full-width forms) and case-folding; Chinese is left as is."""
    return unicodedata.normalize("NFKC", text).casefold()


FILTER_LABELS = (("overdue", N_("overdue")), ("blocked", N_("blocked")), ("milestone", N_("milestone")))
"""The flag filters as the count line names them (translated where shown)."""


@dataclass(frozen=True)
class CardFilter:
    """What the person asked to see."""

    text: str = ""
    owner: str | None = None
    tag: str | None = None
    overdue: bool = False
    blocked: bool = False
    milestone: bool = False

    def matches(self, card: Card, today: date, blocked: frozenset[str] = frozenset()) -> bool:
        """Whether ``card`` passes; ``blocked``: the ids :func:`domain.rules.is_blocked` says are blocked."""
        if self.owner is not None and card.owner != self.owner:
            return False
        if self.tag is not None and self.tag not in card.tags:
            return False
        if self.overdue and not is_overdue(card, today):
            return False
        if self.blocked and card.id not in blocked:
            return False
        if self.milestone and not card.milestone:
            return False
        if self.text:
            haystack = fold(" ".join((card.id, card.title, card.owner or "", card.dept, *card.tags)))
            return all(word in haystack for word in fold(self.text).split())
        return True

    def describe(self) -> str:
        """The active filters other than the search text, for the count line (empty when none)."""
        active = [_(label) for name, label in FILTER_LABELS if getattr(self, name)]
        if self.owner:
            active.append(f"@{self.owner}")
        if self.tag:
            active.append(_("tag {tag}").format(tag=self.tag))
        return pgettext("list separator", ", ").join(active)


@dataclass(frozen=True, slots=True)
class ColumnCount:
    """One department's cards in one column, against its WIP limit (None: no limit)."""

    count: int
    limit: int | None = None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A department's line of the summary grid; ``cells`` follow :func:`summary_columns`, None: no such
    column in this department."""

    dept: str
    cells: tuple[ColumnCount | None, ...]
    overdue: int
    blocked: int
    total: int


def summary_columns(departments: Sequence[Department]) -> list[str]:
    """Every column name of every department, in first-seen order."""
    columns: list[str] = []
    for dept in departments:
        columns += [c.name for c in dept.columns if c.name not in columns]
    return columns


def summary_rows(
    departments: Sequence[Department], cards: Sequence[Card], today: date, blocked: frozenset[str]
) -> list[SummaryRow]:
    """One row per department: cards per column (with WIP), overdue, blocked and the total."""
    columns = summary_columns(departments)
    counts: dict[tuple[str, str], int] = {}
    overdue: dict[str, int] = {}
    stuck: dict[str, int] = {}
    for card in cards:
        counts[card.dept, card.column] = counts.get((card.dept, card.column), 0) + 1
        if is_overdue(card, today):
            overdue[card.dept] = overdue.get(card.dept, 0) + 1
        if card.id in blocked:
            stuck[card.dept] = stuck.get(card.dept, 0) + 1
    rows = []
    for dept in departments:
        cells: list[ColumnCount | None] = []
        for name in columns:
            col = dept.column(name)
            cells.append(
                None if col is None else ColumnCount(counts.get((dept.name, name), 0), col.wip_limit)
            )
        rows.append(
            SummaryRow(
                dept.name,
                tuple(cells),
                overdue.get(dept.name, 0),
                stuck.get(dept.name, 0),
                sum(counts.get((dept.name, n), 0) for n in columns),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class CardRow:
    """One line of the card list."""

    card: Card
    due: str
    late: bool
    blocked: bool
    accepted: tuple[int, int] | None
    """A milestone's accepted and total acceptance criteria (None: not a milestone or no criteria)."""


def card_rows(
    cards: Sequence[Card], flt: CardFilter, today: date, blocked: frozenset[str], limit: int = MAX_ROWS
) -> tuple[list[CardRow], int]:
    """The first ``limit`` cards that pass ``flt``, and how many passed."""
    matched = [card for card in cards if flt.matches(card, today, blocked)]
    rows = []
    for card in matched[:limit]:
        accepted = None
        if card.milestone and card.criteria:
            accepted = (sum(1 for c in card.criteria if c.state != "open"), len(card.criteria))
        due = format_day(card.due, today=today) if card.due else ""
        rows.append(CardRow(card, due, is_overdue(card, today), card.id in blocked, accepted))
    return rows, len(matched)
