"""What a department board shows, as plain values (no Textual): each tile's facts and state, the column
header's WIP state, and which page of a long column to draw.

The widgets (``tui/widgets/card_tile.py``, ``board_column.py``) only turn these into styled text and CSS
classes, so a board's look is tested here without Pilot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.i18n import N_
from domain.models import Card, Column
from domain.rules import is_overdue

MILESTONE_MARK = "◆"
BLOCKED_MARK = "⊘"
PRIORITY_NAMES = {"low": N_("low"), "normal": N_("normal"), "high": N_("high"), "urgent": N_("urgent")}
"""Priorities as shown (marked; translated where shown); the stored values stay English."""
PAGE_SIZE = 15
"""Tiles drawn at once; a column of 2,000 cards draws only the page the cursor is on."""


@dataclass(frozen=True, slots=True)
class TileView:
    """The three lines of a tile as facts: head (id, marks), title, foot (owner, due)."""

    id: str
    title: str
    owner: str | None
    milestone: bool
    blocked: bool
    due: str | None
    """``MM-DD`` in the current year, else ISO; None without a due date."""
    overdue: bool


def tile_view(card: Card, today: date, *, blocked: bool) -> TileView:
    """``blocked`` is :func:`domain.rules.is_blocked` of the card, which the board reads with every card."""
    due = None
    if card.due is not None:
        due = card.due.strftime("%m-%d") if card.due.year == today.year else card.due.isoformat()
    return TileView(card.id, card.title, card.owner, card.milestone, blocked, due, is_overdue(card, today))


def state_classes(card: Card, today: date, selected: bool, *, blocked: bool) -> set[str]:
    """The tile's state as CSS classes: ``-overdue``, ``-blocked``, ``-milestone``, ``-selected``."""
    classes = set()
    if is_overdue(card, today):
        classes.add("-overdue")
    if blocked:
        classes.add("-blocked")
    if card.milestone:
        classes.add("-milestone")
    if selected:
        classes.add("-selected")
    return classes


def wip_state(column: Column, count: int) -> Literal["over", "at"] | None:
    """Whether a column holding ``count`` cards is over or at its WIP limit (None: under, or no limit)."""
    limit = column.wip_limit
    if limit is None or count < limit:
        return None
    return "over" if count > limit else "at"


def page_start(row: int, offset: int) -> int:
    """The first row of the page to draw so that ``row`` is visible (``offset`` if it already is)."""
    if offset <= row < offset + PAGE_SIZE:
        return offset
    return max(0, row // PAGE_SIZE * PAGE_SIZE)


def changed_columns(
    shown: Mapping[str, Sequence[Card]], loaded: Mapping[str, Sequence[Card]], blocked: frozenset[str]
) -> set[str]:
    """The columns whose cards in ``loaded`` differ from ``shown`` (a card added, gone, moved, reordered or
    changed) or hold a card in ``blocked`` (whose blocked mark changed): what a reload must draw again.

    Cheap for the unchanged columns of a reload: the store hands back the very same card objects for
    records that did not change, and list equality checks identity first.
    """
    return {
        name
        for name in shown.keys() | loaded.keys()
        if list(shown.get(name, ())) != list(loaded.get(name, ()))
        or not blocked.isdisjoint(card.id for card in loaded.get(name, ()))
    }
