"""Pure rules: WIP limits, dependency cycles, RACI, risk bands, early warnings, RSVP answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.errors import ConflictError, ValidationError
from domain.models import (
    DONE_COLUMN,
    Card,
    Column,
    Department,
    Meeting,
    Risk,
    RiskStatus,
    RsvpAnswer,
    RsvpStatus,
)

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
    count = sum(1 for c in cards if c.dept == dept.name and c.column == col.name and c.id != moving)
    if count + 1 > col.wip_limit:
        raise ConflictError(
            f"column {col.name!r} of {dept.name} is at its WIP limit ({count}/{col.wip_limit}); "
            "finish something first or raise the limit"
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
            raise ConflictError(f"card {card_id} cannot be blocked by itself")
        if dep not in cards:
            raise ValidationError(f"blocked-by card {dep!r} does not exist")
    graph = {cid: c.blocked_by for cid, c in cards.items()}
    if path := find_cycle(card_id, blocked_by, graph):
        raise ConflictError("dependency cycle: " + " -> ".join(path))


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
    if not 1 <= value <= 5:
        raise ValidationError(f"{what} must be between 1 and 5, not {value}")
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
class Warning:
    kind: str
    """``overdue``, ``blocked``, ``milestone-at-risk`` or ``risk-review``."""
    target: str
    """The id of the card or risk the warning is about."""
    message: str


def is_done(card: Card) -> bool:
    return card.column == DONE_COLUMN or card.progress >= 100


def early_warnings(
    cards: Sequence[Card], risks: Sequence[Risk], *, today: date, now: datetime, escalate_after_days: int = 3
) -> list[Warning]:
    """Signals from the boards and the register, most urgent first."""
    by_id = {c.id: c for c in cards}
    warnings: list[Warning] = []
    for card in cards:
        if is_done(card):
            continue
        if card.due is not None and card.due < today:
            days = (today - card.due).days
            warnings.append(Warning("overdue", card.id, f"{card.id} {card.title} is {days} day(s) overdue"))
        if card.blocked_since is not None and now - card.blocked_since > timedelta(days=escalate_after_days):
            days = (now - card.blocked_since).days
            reason = f" ({card.blocked_reason})" if card.blocked_reason else ""
            warnings.append(Warning("blocked", card.id, f"{card.id} blocked {days} days{reason}: escalate"))
        if card.milestone:
            late = [
                dep
                for dep in _predecessors(card.id, by_id)
                if not is_done(by_id[dep])
                and by_id[dep].due is not None
                and (by_id[dep].due < today or (card.due is not None and by_id[dep].due > card.due))  # type: ignore[operator]
            ]
            if late:
                warnings.append(
                    Warning(
                        "milestone-at-risk",
                        card.id,
                        f"milestone {card.id} {card.title} at risk: "
                        f"late predecessor(s) {', '.join(sorted(late))}",
                    )
                )
    for risk in risks:
        if risk.status != RiskStatus.CLOSED and risk.review_date is not None and risk.review_date < today:
            warnings.append(
                Warning(
                    "risk-review",
                    risk.id,
                    f"risk {risk.id} {risk.title} was due for review on {risk.review_date}",
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
        raise ConflictError(f"{dept.name} already has a column {clash.name!r}")


def check_done_column_kept(column: str, action: str) -> None:
    """The Done column is what "done" means to every rule (``is_done``): it is never renamed or removed."""
    if column == DONE_COLUMN:
        raise ConflictError(
            f"the {DONE_COLUMN!r} column marks cards as done and cannot be {action}; "
            "move it or give it a WIP limit instead"
        )


def check_column_empty(dept: Department, column: str, count: int) -> None:
    """Refuse removing a column that still holds cards, saying how many."""
    if count:
        plural = "card is" if count == 1 else "cards are"
        raise ConflictError(
            f"column {column!r} of {dept.name} cannot be removed: {count} {plural} still in it; "
            "move them to another column first"
        )


def check_wip_value(limit: int) -> int | None:
    """A WIP limit from the user: 0 means no limit, negative is refused."""
    if limit < 0:
        raise ValidationError(f"a WIP limit cannot be negative ({limit}); use 0 for no limit")
    return limit or None


def place_column(columns: Sequence[Column], column: Column, before: Column | None) -> tuple[Column, ...]:
    """``columns`` without ``column``, then ``column`` inserted before ``before`` (None: at the end)."""
    rest = [c for c in columns if c.name != column.name]
    at = len(rest) if before is None else next(i for i, c in enumerate(rest) if c.name == before.name)
    return (*rest[:at], column, *rest[at:])


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


def rsvp_summary(meeting: Meeting) -> str:
    """``ann accepted, wei no answer (tentative to an earlier time)``; empty without a follow-up."""
    earlier = {a.handle: a for a in meeting.rsvp if a.sequence < meeting.next_sequence}
    parts = []
    for handle, status in rsvp_statuses(meeting).items():
        text = f"{handle} {status.value.replace('-', ' ')}"
        if status == RsvpStatus.NO_ANSWER and handle in earlier:
            text += f" ({earlier[handle].status.value} to an earlier time)"
        parts.append(text)
    return ", ".join(parts)


def rsvp_counts(meeting: Meeting) -> str:
    """``2 accepted, 1 declined, 1 no answer``; empty while nobody has replied (lists stay short)."""
    if not any(a.sequence >= meeting.next_sequence for a in meeting.rsvp):
        return ""
    counts: dict[RsvpStatus, int] = {}
    for status in rsvp_statuses(meeting).values():
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {s.value.replace('-', ' ')}" for s, n in counts.items())


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
