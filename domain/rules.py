"""Pure rules: WIP limits, dependency cycles, RACI, risk bands, early warnings, RSVP answers,
milestone acceptance, critical path and slack, SMART goal progress, agenda suggestions and what blocks a
project close."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from domain.dates import format_day
from domain.errors import ConflictError, ValidationError
from domain.i18n import N_, _, ngettext, pgettext
from domain.models import (
    DONE_COLUMN,
    MAX_WIP,
    Card,
    ChangeRequest,
    ChangeStatus,
    Column,
    Criterion,
    Department,
    Goal,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReviewOutcome,
    Risk,
    RiskStatus,
    RsvpAnswer,
    RsvpStatus,
)
from domain.text import quoted

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass

RANK_STEP = 1024.0


def over_wip(dept: Department, cards: Iterable[Card]) -> dict[str, tuple[int, int]]:
    """Columns whose card count exceeds their WIP limit: name -> (count, limit)."""
    counts: dict[str, int] = {}
    for card in cards:
        if card.dept == dept.name:
            counts[card.column] = counts.get(card.column, 0) + 1
    return {
        col.name: (counts.get(col.name, 0), col.wip_limit)
        for col in dept.columns
        if col.wip_limit is not None and counts.get(col.name, 0) > col.wip_limit
    }


def check_wip(dept: Department, column: str, cards: Iterable[Card], moving: str | None = None) -> None:
    """Raise ConflictError when adding a card (or moving ``moving`` in) would pass the column's WIP limit."""
    col = dept.column(column)
    if col is None or col.wip_limit is None:
        return
    check_wip_count(
        dept,
        col.name,
        sum(1 for c in cards if c.dept == dept.name and c.column == col.name and c.id != moving),
    )


def check_wip_count(dept: Department, column: str, count: int) -> None:
    """Raise ConflictError when one more card in ``column``, holding ``count`` others, passes its limit."""
    col = dept.column(column)
    if col is None or col.wip_limit is None:
        return
    if count + 1 > col.wip_limit:
        raise ConflictError(
            _(
                "column {name!r} of {name2} is at its WIP limit ({count}/{wip_limit}); "
                "finish something first or raise the limit"
            ).format(name=col.name, name2=dept.name, count=count, wip_limit=col.wip_limit)
        )


def find_cycle(
    card_id: str, blocked_by: Sequence[str], graph: Mapping[str, Sequence[str]]
) -> list[str] | None:
    """The dependency path that would loop back to ``card_id`` if it were blocked by ``blocked_by``."""
    stack: list[tuple[str, list[str]]] = [(dep, [card_id, dep]) for dep in blocked_by]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == card_id:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((nxt, [*path, nxt]) for nxt in graph.get(node, ()))
    return None


def check_dependencies(card_id: str, blocked_by: Sequence[str], cards: Mapping[str, Card]) -> None:
    """Raise when a dependency is unknown, is the card itself, or closes a cycle."""
    for dep in blocked_by:
        if dep == card_id:
            raise ConflictError(_("card {card_id} cannot be blocked by itself").format(card_id=card_id))
        if dep not in cards:
            raise ValidationError(_("blocked-by card {dep} does not exist").format(dep=quoted(dep)))
    graph = {cid: c.blocked_by for cid, c in cards.items()}
    if path := find_cycle(card_id, blocked_by, graph):
        raise ConflictError(_("dependency cycle: {items}").format(items=" -> ".join(path)))


def raci_problems(card: Card) -> list[str]:
    """What is missing from a card's RACI roles (exactly one Accountable, at least one Responsible)."""
    problems = []
    if not card.accountable:
        problems.append("no Accountable")
    if not card.responsible and not card.owner:
        problems.append("no Responsible")
    return problems


def rank_between(before: float | None, after: float | None) -> float:
    """A rank that sorts between two neighbours (None means the end of the column)."""
    if before is None and after is None:
        return RANK_STEP
    if before is None:
        assert after is not None
        return after - RANK_STEP
    if after is None:
        return before + RANK_STEP
    return (before + after) / 2


def check_score(value: int | None, what: str) -> int | None:
    """Accept 1-5 (or None for not assessed)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(
            _("{what} must be between 1 and 5, not {value}").format(what=what, value=str(value)[:40])
        )
    return value


@dataclass(frozen=True, slots=True)
class ScoreBands:
    """Score thresholds: below ``amber`` is green, from ``red`` on is red."""

    amber: int = 5
    red: int = 15

    def band(self, score: int | None) -> str:
        if score is None:
            return "none"
        if score >= self.red:
            return "red"
        if score >= self.amber:
            return "amber"
        return "green"


def heatmap(risks: Iterable[Risk], *, residual: bool = False) -> dict[tuple[int, int], list[Risk]]:
    """Bucket assessed, not-closed risks into (probability, impact) cells."""
    cells: dict[tuple[int, int], list[Risk]] = {}
    for risk in risks:
        if risk.status == RiskStatus.CLOSED:
            continue
        p, i = (
            (risk.residual_probability, risk.residual_impact) if residual else (risk.probability, risk.impact)
        )
        if p is None or i is None:
            continue
        cells.setdefault((p, i), []).append(risk)
    return cells


@dataclass(frozen=True, slots=True)
class ProjectWarning:
    """One line of the warnings list (not named ``Warning``: that is Python's built-in exception class)."""

    kind: str
    """``overdue``, ``blocked``, ``milestone-at-risk`` or ``risk-review``."""
    target: str
    """The id of the card or risk the warning is about."""
    message: str


def is_done(card: Card) -> bool:
    """Done means in the Done column or at 100 % progress: a finished card is never late or blocked."""
    return card.column == DONE_COLUMN or card.progress >= 100


def is_done_listed(column: str, progress: int) -> bool:
    """:func:`is_done` of a card known by its listed fields (``huddle card list`` flags its cards without
    making Card objects: ``CardService.listing``); the same test, ``tests/storage/test_card_listing.py``
    compares the two."""
    return column == DONE_COLUMN or progress >= 100


def open_blockers(card: Card, cards: Mapping[str, Card]) -> tuple[str, ...]:
    """The ``blocked_by`` cards that still hold ``card`` up: known and not done (a deleted one holds none)."""
    return tuple(
        dep for dep in card.blocked_by if (other := cards.get(dep)) is not None and not is_done(other)
    )


def is_blocked(card: Card, cards: Mapping[str, Card]) -> bool:
    """THE meaning of blocked, for every screen, count, filter, export and listing: a card that is not
    done, with an open blocker or a stated reason. ``cards`` maps ids to cards (at least the blockers)."""
    if is_done(card):
        return False
    return bool(card.blocked_reason.strip()) or bool(open_blockers(card, cards))


def blocked_ids(cards: Iterable[Card], everything: Mapping[str, Card]) -> frozenset[str]:
    """The ids of ``cards`` that are blocked, judged against ``everything`` (all cards by id)."""
    return frozenset(c.id for c in cards if is_blocked(c, everything))


def is_overdue(card: Card, today: date) -> bool:
    """THE meaning of overdue: not done and due before today (due today is not late yet)."""
    return card.due is not None and card.due < today and not is_done(card)


def is_escalated(card: Card, cards: Mapping[str, Card], now: datetime, escalate_after_days: int = 3) -> bool:
    """Blocked (by :func:`is_blocked`) for longer than ``escalate_after_days``: time to escalate."""
    return (
        card.blocked_since is not None
        and now - card.blocked_since > timedelta(days=escalate_after_days)
        and is_blocked(card, cards)
    )


def late_predecessors(card: Card, cards: Mapping[str, Card], today: date) -> list[str]:
    """The open (transitive) predecessors of ``card`` that are overdue or due after it, sorted."""
    late = []
    for dep in _predecessors(card.id, cards):
        other = cards[dep]
        if is_done(other) or other.due is None:
            continue
        if is_overdue(other, today) or (card.due is not None and other.due > card.due):
            late.append(dep)
    return sorted(late)


def is_at_risk(card: Card, cards: Mapping[str, Card], today: date) -> bool:
    """THE meaning of a milestone at risk: an open milestone with a late predecessor."""
    return card.milestone and not is_done(card) and bool(late_predecessors(card, cards, today))


def early_warnings(
    cards: Sequence[Card], risks: Sequence[Risk], *, today: date, now: datetime, escalate_after_days: int = 3
) -> list[ProjectWarning]:
    """Signals from the boards and the register, most urgent first."""
    by_id = {c.id: c for c in cards}
    warnings: list[ProjectWarning] = []
    for card in cards:
        if is_done(card):
            continue
        if is_overdue(card, today):
            assert card.due is not None
            days = (today - card.due).days
            warnings.append(
                ProjectWarning(
                    "overdue",
                    card.id,
                    _("{id} {title} is {days} day(s) overdue").format(
                        id=card.id, title=card.title, days=days
                    ),
                )
            )
        if is_escalated(card, by_id, now, escalate_after_days):
            assert card.blocked_since is not None
            days = (now - card.blocked_since).days
            if card.blocked_reason:
                message = _("{id} blocked {days} days ({reason}): escalate").format(
                    id=card.id, days=days, reason=card.blocked_reason
                )
            else:
                message = _("{id} blocked {days} days: escalate").format(id=card.id, days=days)
            warnings.append(ProjectWarning("blocked", card.id, message))
        if card.milestone and (late := late_predecessors(card, by_id, today)):
            warnings.append(
                ProjectWarning(
                    "milestone-at-risk",
                    card.id,
                    _("milestone {id} {title} at risk: late predecessor(s) {late}").format(
                        id=card.id, title=card.title, late=pgettext("list separator", ", ").join(late)
                    ),
                )
            )
    for risk in risks:
        if risk.status != RiskStatus.CLOSED and risk.review_date is not None and risk.review_date < today:
            warnings.append(
                ProjectWarning(
                    "risk-review",
                    risk.id,
                    _("risk {id} {title} was due for review on {date}").format(
                        id=risk.id, title=risk.title, date=format_day(risk.review_date, today=today)
                    ),
                )
            )
    order = {"milestone-at-risk": 0, "blocked": 1, "overdue": 2, "risk-review": 3}
    return sorted(warnings, key=lambda w: order[w.kind])


def _predecessors(card_id: str, by_id: Mapping[str, Card]) -> set[str]:
    seen: set[str] = set()
    stack = [d for d in by_id[card_id].blocked_by if d in by_id]
    while stack:
        dep = stack.pop()
        if dep in seen:
            continue
        seen.add(dep)
        stack.extend(d for d in by_id[dep].blocked_by if d in by_id)
    return seen


def person_load(cards: Iterable[Card]) -> dict[str, dict[str, int]]:
    """Open cards per owner per department, for resource conflicts."""
    load: dict[str, dict[str, int]] = {}
    for card in cards:
        if card.owner and not is_done(card):
            per = load.setdefault(card.owner, {})
            per[card.dept] = per.get(card.dept, 0) + 1
    return load


def check_new_column_name(dept: Department, name: str, *, renaming: str | None = None) -> None:
    """Refuse a column name already on the board (case-insensitive); ``renaming`` may keep its own name."""
    clash = dept.column(name)
    if clash is not None and clash.name != renaming:
        raise ConflictError(
            _("{name} already has a column {name2!r}").format(name=dept.name, name2=clash.name)
        )


def check_done_column_kept(column: str, action: str) -> None:
    """The Done column is what "done" means to every rule (``is_done``): it is never renamed or removed."""
    if column == DONE_COLUMN:
        raise ConflictError(
            _(
                "the {DONE_COLUMN!r} column marks cards as done and cannot be {action}; "
                "move it or give it a WIP limit instead"
            ).format(DONE_COLUMN=DONE_COLUMN, action=action)
        )


def check_column_empty(dept: Department, column: str, count: int) -> None:
    """Refuse removing a column that still holds cards, saying how many."""
    if count:
        raise ConflictError(
            ngettext(
                "column {column!r} of {name} cannot be removed: {count} card is still in it; "
                "move them to another column first",
                "column {column!r} of {name} cannot be removed: {count} cards are still in it; "
                "move them to another column first",
                count,
            ).format(column=column, name=dept.name, count=count)
        )


def check_wip_value(limit: int) -> int | None:
    """A WIP limit from the user: 0 means no limit, negative is refused."""
    if limit < 0:
        raise ValidationError(
            _("a WIP limit cannot be negative ({limit}); use 0 for no limit").format(limit=limit)
        )
    if limit > MAX_WIP:
        raise ValidationError(
            _("a WIP limit of {limit} is beyond {MAX_WIP}; use 0 for no limit").format(
                limit=limit, MAX_WIP=MAX_WIP
            )
        )
    return limit or None


def place_column(columns: Sequence[Column], column: Column, before: Column | None) -> tuple[Column, ...]:
    """``columns`` without ``column``, then ``column`` inserted before ``before`` (None: at the end)."""
    rest = [c for c in columns if c.name != column.name]
    at = len(rest) if before is None else next(i for i, c in enumerate(rest) if c.name == before.name)
    return (*rest[:at], column, *rest[at:])


# ---------------------------------------------------------------- milestone acceptance


def open_criteria(card: Card) -> list[Criterion]:
    """The acceptance criteria of a card that are neither accepted nor waived."""
    return [c for c in card.criteria if c.state == "open"]


def milestone_done(card: Card) -> bool:
    """A milestone is done only when its card is done and every criterion is accepted or waived."""
    return is_done(card) and not open_criteria(card)


def check_can_finish(card: Card) -> None:
    """Refuse to move a milestone to Done while acceptance criteria are open."""
    pending = open_criteria(card)
    if card.milestone and pending:
        raise ConflictError(
            _(
                "milestone {id} has {n} acceptance criteria not yet accepted or waived "
                "({value}); its Accountable accepts them with 'huddle milestone accept {id} "
                "CRITERION'"
            ).format(id=card.id, n=len(pending), value=", ".join(c.id for c in pending))
        )


def milestone_finished_at(card: Card) -> datetime | None:
    """When a done milestone was finished: its last acceptance, else its last change."""
    if not milestone_done(card):
        return None
    stamps = [c.accepted_at for c in card.criteria if c.accepted_at is not None]
    return max(stamps) if stamps else card.updated_at


def reviews_due(
    cards: Iterable[Card], meetings: Iterable[Meeting], today: date, *, horizon_days: int = 7
) -> list[Card]:
    """Open milestones due within ``horizon_days`` (or overdue) that no review has passed yet."""
    passed = {
        m.milestone_id
        for m in meetings
        if m.kind == MeetingKind.REVIEW and m.outcome in (ReviewOutcome.PASSED, ReviewOutcome.CONDITIONS)
    }
    due = [
        c
        for c in cards
        if c.milestone
        and not milestone_done(c)
        and c.id not in passed
        and c.due is not None
        and c.due <= today + timedelta(days=horizon_days)
    ]
    return sorted(due, key=lambda c: (c.due or date.max, c.id))


# ---------------------------------------------------------------- critical path


def duration_days(card: Card) -> int:
    """Planned working length of a card in days: start to due, else its estimate, else one day."""
    if card.start is not None and card.due is not None:
        return max(0, (card.due - card.start).days)
    if card.estimate is not None:
        return max(0, math.ceil(card.estimate))
    return 1


@dataclass(frozen=True, slots=True)
class CriticalPath:
    """The dependency chain that sets the latest milestone, and every dated card's slack."""

    milestone: str | None
    """The latest milestone (by due date), or None when no milestone has a due date."""
    chain: tuple[str, ...]
    """Card ids from the first task to the milestone, in order."""
    slack: Mapping[str, int]
    """Days each dated card can slip without pushing a milestone it leads to; negative: already late."""


def critical_path(cards: Sequence[Card]) -> CriticalPath:
    """Backward pass over planned dates: a card must end by the latest start of each successor.

    A card's latest finish is the smallest latest start (latest finish minus duration) of the cards
    it blocks; a milestone's latest finish is its own due date; a dated card that blocks nothing may
    end as late as the project's last milestone (or its own due date, if later). Slack is latest
    finish minus due date. The chain starts at the latest milestone and walks to the predecessor
    with the least slack (ties: the one due last), so it names the tasks whose slip moves that
    milestone.
    """
    by_id = {c.id: c for c in cards}
    successors: dict[str, list[str]] = {}
    for card in cards:
        for dep in card.blocked_by:
            if dep in by_id:
                successors.setdefault(dep, []).append(card.id)
    dated_milestones = [c for c in cards if c.milestone and c.due is not None]
    end = max((c.due for c in dated_milestones if c.due), default=None)
    latest: dict[str, date | None] = {}

    def latest_finish(card_id: str, trail: frozenset[str] = frozenset()) -> date | None:
        if card_id in latest:
            return latest[card_id]
        card = by_id[card_id]
        bounds: list[date] = []
        if card.milestone and card.due is not None:
            bounds.append(card.due)
        for succ in successors.get(card_id, ()):
            if succ in trail:
                continue  # a cycle in old data: ignore the back edge
            finish = latest_finish(succ, trail | {card_id})
            if finish is not None:
                bounds.append(finish - timedelta(days=duration_days(by_id[succ])))
        if not bounds and end is not None and card.due is not None:
            bounds.append(max(end, card.due))  # follow-up work after the last milestone floats freely
        latest[card_id] = min(bounds) if bounds else None
        return latest[card_id]

    slack: dict[str, int] = {}
    for card in cards:
        finish = latest_finish(card.id)
        if finish is not None and card.due is not None:
            slack[card.id] = (finish - card.due).days
    if not dated_milestones:
        return CriticalPath(None, (), slack)
    last = max(dated_milestones, key=lambda c: (c.due or date.min, c.id))
    chain = [last.id]
    seen = {last.id}
    node = last
    while True:
        preds = [by_id[d] for d in node.blocked_by if d in by_id and d not in seen and d in slack]
        if not preds:
            break
        node = min(preds, key=lambda c: (slack[c.id], -(c.due or date.min).toordinal(), c.id))
        chain.append(node.id)
        seen.add(node.id)
    return CriticalPath(last.id, tuple(reversed(chain)), slack)


# ---------------------------------------------------------------- SMART goal progress

_NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)?")


def _number(text: str) -> float | None:
    match = _NUMBER.search(text)
    if match is None:
        return None
    return float(match.group().replace("−", "-").replace(",", "."))


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """A goal's latest measured value against its target."""

    actual: str | None
    """The latest value as typed, or None when nothing was measured yet."""
    measured_on: date | None
    percent: int | None
    """0-100 share of the target reached; None when value or target is not a number."""
    met: bool | None


def goal_progress(goal: Goal) -> GoalProgress:
    """Compare the latest actual with the target.

    ``3`` or ``-30%`` targets are reached from zero (percent = actual / target); ``≤ 100%`` (or ``<=``)
    is met while the actual stays at or under the bound; ``≥ X`` (or ``>=``) like a plain target.
    """
    if not goal.actuals:
        return GoalProgress(None, None, None, None)
    latest = goal.actuals[-1]
    value, target = _number(latest.value), _number(goal.target)
    if value is None or target is None:
        return GoalProgress(latest.value, latest.on, None, None)
    bound = goal.target.lstrip()
    if bound.startswith(("≤", "<=", "<")):
        met = value <= target
        percent = 100 if met else max(0, min(100, round(100 * target / value))) if value else 0
        return GoalProgress(latest.value, latest.on, percent, met)
    if target == 0:
        return GoalProgress(latest.value, latest.on, 100 if value == 0 else 0, value == 0)
    percent = max(0, min(100, round(100 * value / target)))
    return GoalProgress(latest.value, latest.on, percent, value / target >= 1)


# ---------------------------------------------------------------- agenda from the board


@dataclass(frozen=True, slots=True)
class AgendaSuggestion:
    """One item the board suggests for a meeting's agenda; the chair picks which to keep."""

    key: str
    """Stable choice key, such as ``overdue:Operations`` or ``milestone:OPS-3``."""
    kind: str
    """``overdue``, ``risks``, ``actions``, ``milestone`` or ``changes``."""
    title: str
    refs: tuple[str, ...]
    """The board items it discusses (card, risk or change request ids)."""
    minutes: int = 10
    english: str = ""
    """``title`` in English, as ``--json`` writes it in every language (``title`` is the current one's)."""


def _suggestion(
    key: str, kind: str, template: str, fields: Mapping[str, object], refs: tuple[str, ...], minutes: int
) -> AgendaSuggestion:
    """A suggestion titled ``template`` (an ``N_`` message) in the current language, and in English."""
    return AgendaSuggestion(key, kind, _(template).format(**fields), refs, minutes, template.format(**fields))


def suggest_agenda(
    *,
    cards: Sequence[Card],
    risks: Sequence[Risk],
    meetings: Sequence[Meeting],
    changes: Sequence[ChangeRequest],
    departments: Iterable[str] | None,
    today: date,
    now: datetime,
    escalate_after_days: int = 3,
    bands: ScoreBands | None = None,
) -> list[AgendaSuggestion]:
    """The agenda the current state of the boards asks for.

    In order: overdue and escalated cards per attending department (``departments=None``: every
    department), risks due for review or in the red band, open and carried-over action items,
    milestones whose review is due, open change requests. Empty categories are left out.
    """
    bands = bands or ScoreBands()
    wanted = None if departments is None else set(departments)
    out: list[AgendaSuggestion] = []
    flagged: dict[str, list[str]] = {}
    for card in sorted(cards, key=lambda c: id_order(c.id)):
        if is_done(card) or (wanted is not None and card.dept not in wanted):
            continue
        overdue = card.due is not None and card.due < today
        escalated = card.blocked_since is not None and now - card.blocked_since > timedelta(
            days=escalate_after_days
        )
        if overdue or escalated:
            flagged.setdefault(card.dept, []).append(card.id)
    for dept in sorted(flagged):
        ids = flagged[dept]
        fields = {"dept": dept, "n": len(ids)}
        out.append(
            _suggestion(
                f"overdue:{dept}",
                "overdue",
                N_("Overdue and escalated in {dept} ({n})"),
                fields,
                tuple(ids),
                10,
            )
        )
    risky = [
        r.id
        for r in risks
        if r.status not in (RiskStatus.CLOSED, RiskStatus.OCCURRED)
        and ((r.review_date is not None and r.review_date <= today) or bands.band(r.score) == "red")
    ]
    if risky:
        fields = {"n": len(risky)}
        out.append(
            _suggestion("risks", "risks", N_("Risks due for review or red ({n})"), fields, tuple(risky), 10)
        )
    by_id = {c.id: c for c in cards}
    carried = {cid for m in meetings for cid in m.carried_over}

    def still_open(card_id: str) -> bool:
        found = by_id.get(card_id)
        return found is not None and not is_done(found)

    actions = sorted(
        {a.card_id for m in meetings for a in m.actions if still_open(a.card_id)}
        | {cid for cid in carried if still_open(cid)},
        key=id_order,
    )
    if actions:
        n_carried = sum(1 for a in actions if a in carried)
        fields = {"n": len(actions), "carried": n_carried}
        template = N_("Open action items ({n}, {carried} carried over)")
        out.append(_suggestion("actions", "actions", template, fields, tuple(actions), 10))
    for card in reviews_due(cards, meetings, today):
        fields = {"id": card.id, "title": card.title, "due": card.due}
        template = N_("Milestone review due: {id} {title} ({due})")
        out.append(_suggestion(f"milestone:{card.id}", "milestone", template, fields, (card.id,), 15))
    open_changes = [c.id for c in changes if c.status == ChangeStatus.OPEN]
    if open_changes:
        fields = {"n": len(open_changes)}
        template = N_("Open change requests ({n})")
        out.append(_suggestion("changes", "changes", template, fields, tuple(open_changes), 10))
    return out


# ---------------------------------------------------------------- project close


def id_order(item_id: str) -> tuple[str, int, str]:
    """Sort key for readable ids: ``OPS-2`` before ``OPS-10``."""
    prefix, _sep, number = item_id.rpartition("-")
    return (prefix, int(number), "") if number.isdigit() else (item_id, 0, item_id)


@dataclass(frozen=True, slots=True)
class OpenItem:
    """Something still open that stops a clean project close."""

    kind: str
    """``criterion``, ``card``, ``risk``, ``change`` or ``meeting``."""
    id: str
    text: str
    """What it is, in the current language (tables, the TUI, the close report)."""
    english: str = ""
    """The same in English, as ``--json`` writes it in every language (empty: ``text`` is data only)."""


def close_blockers(
    cards: Sequence[Card],
    risks: Sequence[Risk],
    changes: Sequence[ChangeRequest],
    meetings: Sequence[Meeting],
) -> list[OpenItem]:
    """What is still open: unaccepted criteria, open cards, risks and change requests, live meetings."""
    items: list[OpenItem] = []
    ordered = sorted(cards, key=lambda c: id_order(c.id))
    risk_status = {
        RiskStatus.OPEN: pgettext("risk status", "open"),
        RiskStatus.MITIGATING: pgettext("risk status", "mitigating"),
    }
    for card in ordered:
        for crit in open_criteria(card):
            fields = {"card": card.title, "criterion": crit.text}
            items.append(_open_item("criterion", f"{card.id}/{crit.id}", N_("{card}: {criterion}"), fields))
    for card in ordered:
        if not is_done(card):
            fields = {"title": card.title, "dept": card.dept, "column": card.column}
            items.append(_open_item("card", card.id, N_("{title} ({dept}, {column})"), fields))
    for risk in risks:
        if risk.status in risk_status:
            shown = {"title": risk.title, "status": risk_status[risk.status]}
            stored = {"title": risk.title, "status": risk.status.value}
            items.append(_open_item("risk", risk.id, N_("{title} ({status})"), shown, stored))
    for change in changes:
        if change.status == ChangeStatus.OPEN:
            items.append(OpenItem("change", change.id, change.title, change.title))
    for meeting in meetings:
        if meeting.status == MeetingStatus.LIVE:
            fields = {"title": meeting.title}
            items.append(_open_item("meeting", meeting.id, N_("{title} is still live"), fields))
    return items


def _open_item(
    kind: str, item_id: str, template: str, fields: Mapping[str, str], stored: Mapping[str, str] | None = None
) -> OpenItem:
    """An open item whose text is ``template`` translated, and in English (with the stored values) for
    ``--json``."""
    return OpenItem(kind, item_id, _(template).format(**fields), template.format(**(stored or fields)))


def rsvp_statuses(meeting: Meeting) -> dict[str, RsvpStatus]:
    """Each attendee's answer to the current follow-up invite, in attendee order.

    An answer counts only for the version of the invite it replied to: once the follow-up is
    moved or cancelled (its SEQUENCE goes up), earlier answers are ``no-answer`` again, as RFC 5546
    asks of an organizer after a significant change. The chair is ``accepted`` unless they replied
    otherwise (the invite lists them with ``PARTSTAT=ACCEPTED``). Without a follow-up: no entries.
    """
    if meeting.next_start is None:
        return {}
    answers = {a.handle: a for a in meeting.rsvp}
    result: dict[str, RsvpStatus] = {}
    for attendee in meeting.attendees:
        answer = answers.get(attendee.handle)
        if answer is not None and answer.sequence >= meeting.next_sequence:
            result[attendee.handle] = answer.status
        elif attendee.handle == meeting.organizer:
            result[attendee.handle] = RsvpStatus.ACCEPTED
        else:
            result[attendee.handle] = RsvpStatus.NO_ANSWER
    return result


def rsvp_status_text(status: RsvpStatus) -> str:
    """A reply as shown (``accepted``, ``no answer`` ...); the stored value stays ``no-answer`` etc."""
    texts = {
        RsvpStatus.ACCEPTED: pgettext("rsvp", "accepted"),
        RsvpStatus.DECLINED: pgettext("rsvp", "declined"),
        RsvpStatus.TENTATIVE: pgettext("rsvp", "tentative"),
        RsvpStatus.NO_ANSWER: pgettext("rsvp", "no answer"),
    }
    return texts.get(status, status.value)


def rsvp_summary(meeting: Meeting) -> str:
    """``ann accepted, wei no answer (tentative to an earlier time)``; empty without a follow-up."""
    earlier = {a.handle: a for a in meeting.rsvp if a.sequence < meeting.next_sequence}
    parts = []
    for handle, status in rsvp_statuses(meeting).items():
        shown = rsvp_status_text(status)
        if status == RsvpStatus.NO_ANSWER and handle in earlier:
            text = _("{handle} {status} ({earlier} to an earlier time)").format(
                handle=handle, status=shown, earlier=rsvp_status_text(earlier[handle].status)
            )
        else:
            text = _("{handle} {status}").format(handle=handle, status=shown)
        parts.append(text)
    return pgettext("list separator", ", ").join(parts)


def rsvp_counts(meeting: Meeting) -> str:
    """``2 accepted, 1 declined, 1 no answer``; empty while nobody has replied (lists stay short)."""
    if not any(a.sequence >= meeting.next_sequence for a in meeting.rsvp):
        return ""
    counts: dict[RsvpStatus, int] = {}
    for status in rsvp_statuses(meeting).values():
        counts[status] = counts.get(status, 0) + 1
    return pgettext("list separator", ", ").join(
        _("{n} {status}").format(n=n, status=rsvp_status_text(s)) for s, n in counts.items()
    )


def reply_supersedes(current: RsvpAnswer | None, sequence: int, stamp: datetime | None) -> bool:
    """Whether a reply to invite version ``sequence`` stamped ``stamp`` replaces ``current``.

    A reply to an older SEQUENCE never overrides one to a newer; for the same SEQUENCE the later
    DTSTAMP wins (someone who accepted and then declined), and a reply without DTSTAMP counts as
    newer than what is stored only when the stored one has none either (then: the one read last).
    """
    if current is None or sequence > current.sequence:
        return True
    if sequence < current.sequence:
        return False
    if stamp is None or current.stamp is None:
        return current.stamp is None
    return stamp > current.stamp
