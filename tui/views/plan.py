"""Pure helpers behind the plan screen: milestone progress, timeline placement, RACI letters, load.

No Textual import: plain functions over domain values, unit-tested in tests/unit. ``compute_plan``
builds the whole :class:`PlanData` a load hands the screen and its tab widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.i18n import ngettext, pgettext
from domain.models import (
    Activity,
    Card,
    ChangeRequest,
    ChangeStatus,
    Decision,
    Department,
    Meeting,
    MeetingKind,
    Person,
    Project,
    ReviewOutcome,
)
from domain.rules import (
    CriticalPath,
    OpenItem,
    critical_path,
    is_done,
    is_overdue,
    late_predecessors,
    milestone_done,
    open_criteria,
    person_load,
    raci_problems,
    reviews_due,
)
from tui.views.activity import activity_text as activity_text  # re-exported: widgets, dialogs import it here


@dataclass(frozen=True, slots=True)
class Predecessor:
    """One predecessor of a milestone and its state."""

    card_id: str
    state: str
    """``done``, ``late`` (past due and not done) or ``open``."""


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """One milestone of the Plan area with its predecessors, progress and status."""

    card: Card
    predecessors: tuple[Predecessor, ...]
    progress: int
    """0-100: 100 when done, else the share of predecessors done, else the card's own progress."""
    status: str
    """``done``, ``awaiting acceptance``, ``at risk``, ``late`` or ``on track``."""


def predecessor_state(card: Card, today: date) -> str:
    if is_done(card):
        return "done"
    if is_overdue(card, today):
        return "late"
    return "open"


def milestone_rows(cards: Sequence[Card], today: date, at_risk: Iterable[str] = ()) -> list[MilestoneRow]:
    """Milestones by due date, with their direct predecessors and progress."""
    by_id = {c.id: c for c in cards}
    risky = set(at_risk)
    rows = []
    for card in cards:
        if not card.milestone:
            continue
        preds = tuple(
            Predecessor(dep, predecessor_state(by_id[dep], today)) for dep in card.blocked_by if dep in by_id
        )
        if milestone_done(card):
            progress, status = 100, "done"
        elif is_done(card):
            progress, status = 100, "awaiting acceptance"
        else:
            if preds:
                progress = round(100 * sum(p.state == "done" for p in preds) / len(preds))
            else:
                progress = card.progress
            if is_overdue(card, today):
                status = "late"
            elif card.id in risky or any(p.state == "late" for p in preds):
                status = "at risk"
            else:
                status = "on track"
        rows.append(MilestoneRow(card, preds, progress, status))
    return sorted(rows, key=lambda r: (r.card.due or date.max, r.card.id))


def progress_bar(percent: int, width: int = 10) -> str:
    """A text bar such as ``█████░░░░░ 50%``."""
    filled = round(width * max(0, min(100, percent)) / 100)
    return "█" * filled + "░" * (width - filled) + f" {percent}%"


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One card on the Plan timeline and the first week it covers."""

    card: Card
    first: int
    """Index of the first week covered (may be < 0 when it started before the window)."""
    last: int
    """Index of the last week covered (may be past the window)."""
    state: str
    """``done``, ``late`` or ``open``."""
    slack: int | None = None
    """Days the card can slip without moving a milestone (see ``domain.rules.critical_path``)."""
    critical: bool = False
    """On the chain that sets the latest milestone."""


def timeline_rows(
    cards: Iterable[Card], window_start: date, today: date, path: CriticalPath | None = None
) -> list[TimelineRow]:
    """Cards with a start or due date, placed on weeks counted from ``window_start`` (a Monday).

    With ``path``, each row carries its slack and whether it is on the critical path; a card planned
    past the latest start its successors allow (negative slack) is ``late`` even before it is overdue.
    """
    slack = path.slack if path else {}
    chain = set(path.chain) if path else set()
    rows = []
    for card in cards:
        if card.start is None and card.due is None:
            continue
        begin = card.start or card.due
        end = card.due or card.start
        assert begin is not None
        assert end is not None
        first = (week_start(begin) - window_start).days // 7
        last = (week_start(end) - window_start).days // 7
        state = predecessor_state(card, today)
        if state == "open" and slack.get(card.id, 0) < 0:
            state = "late"
        rows.append(TimelineRow(card, first, last, state, slack.get(card.id), card.id in chain))
    return sorted(
        rows, key=lambda r: (r.card.start or r.card.due or date.max, r.card.due or date.max, r.card.id)
    )


def raci_letters(card: Card, handle: str) -> str:
    """The RACI letters one person holds on a card (the owner counts as Responsible when none is named)."""
    letters = ""
    responsible = card.responsible or ((card.owner,) if card.owner else ())
    if handle in responsible:
        letters += "R"
    if card.accountable == handle:
        letters += "A"
    if handle in card.consulted:
        letters += "C"
    if handle in card.informed:
        letters += "I"
    return letters


@dataclass(frozen=True, slots=True)
class RaciRow:
    """One open card of the RACI matrix: each person's letters and what its RACI is missing."""

    card: Card
    letters: Mapping[str, str]
    problems: tuple[str, ...]


def raci_rows(cards: Iterable[Card], handles: Sequence[str], *, problems_only: bool = False) -> list[RaciRow]:
    """Open cards x people with their letters, and what each card's RACI is missing."""
    rows = []
    for card in cards:
        if is_done(card):
            continue
        problems = tuple(raci_problems(card))
        if problems_only and not problems:
            continue
        rows.append(RaciRow(card, {h: raci_letters(card, h) for h in handles}, problems))
    return sorted(rows, key=lambda r: (r.card.dept, r.card.id))


@dataclass(frozen=True, slots=True)
class LoadRow:
    """One person's open cards per department."""

    handle: str
    per_dept: Mapping[str, int]
    total: int

    @property
    def departments(self) -> int:
        return sum(1 for n in self.per_dept.values() if n)


def load_rows(cards: Iterable[Card]) -> list[LoadRow]:
    """Open cards per person per department, busiest first."""
    load = person_load(cards)
    rows = [LoadRow(handle, dict(per), sum(per.values())) for handle, per in load.items()]
    return sorted(rows, key=lambda r: (-r.total, r.handle))


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    """What the CLI and the Plan area show about one milestone: acceptance, slack, reviews."""

    card: Card
    accepted: int
    """Criteria accepted or waived."""
    total: int
    slack: int | None
    critical: bool
    """On the chain that sets the latest milestone."""
    late: tuple[str, ...]
    """Direct predecessors that are late (overdue, or due after the milestone)."""
    review_due: bool
    reviews: tuple[tuple[str, ReviewOutcome | None], ...]
    """(meeting id, outcome) of each review meeting held, oldest first."""
    today: date

    @property
    def status(self) -> str:
        """``done``, ``awaiting acceptance``, ``late`` (past due), ``at risk`` (late predecessors or
        negative slack) or ``on track``, as the Plan's milestone table says."""
        if milestone_done(self.card):
            return "done"
        if is_done(self.card) or (self.total and not open_criteria(self.card)):
            return "awaiting acceptance"
        if is_overdue(self.card, self.today):
            return "late"
        return "at risk" if self.late or (self.slack is not None and self.slack < 0) else "on track"


def milestone_facts(cards: Sequence[Card], meetings: Sequence[Meeting], today: date) -> list[MilestoneFacts]:
    """Every milestone with its acceptance, slack and reviews, by due date."""
    by_id = {c.id: c for c in cards}
    path = critical_path(cards)
    due = {c.id for c in reviews_due(cards, meetings, today)}
    held: dict[str, list[Meeting]] = {}
    for meeting in sorted(meetings, key=lambda m: m.start):
        if meeting.kind == MeetingKind.REVIEW and meeting.milestone_id:
            held.setdefault(meeting.milestone_id, []).append(meeting)
    out = []
    for card in cards:
        if not card.milestone:
            continue
        out.append(
            MilestoneFacts(
                card=card,
                accepted=sum(1 for c in card.criteria if c.state != "open"),
                total=len(card.criteria),
                slack=path.slack.get(card.id),
                critical=card.id in path.chain,
                late=tuple(late_predecessors(card, by_id, today)),
                review_due=card.id in due,
                reviews=tuple((m.id, m.outcome) for m in held.get(card.id, ())),
                today=today,
            )
        )
    return sorted(out, key=lambda f: (f.card.due or date.max, f.card.id))


@dataclass(frozen=True, slots=True)
class PlanData:
    """What one load reads from the data file."""

    project: Project | None = None
    cards: tuple[Card, ...] = ()
    people: tuple[Person, ...] = ()
    departments: tuple[Department, ...] = ()
    at_risk: frozenset[str] = field(default_factory=frozenset)
    today: date = date(2000, 1, 1)
    milestones: tuple[MilestoneRow, ...] = ()
    timeline: tuple[TimelineRow, ...] = ()
    raci: tuple[RaciRow, ...] = ()
    """Every open card's RACI row (letters for every person), computed off the event loop."""
    load: tuple[LoadRow, ...] = ()
    window_start: date = date(2000, 1, 3)
    decisions: tuple[Decision, ...] = ()
    """Every meeting's decisions, newest first."""
    changes: tuple[ChangeRequest, ...] = ()
    activity: tuple[Activity, ...] = ()
    """The newest recorded changes, newest first."""
    facts: tuple[MilestoneFacts, ...] = ()
    """Acceptance, slack and reviews of each milestone, by due date."""
    open_items: tuple[OpenItem, ...] = ()
    """What still stops a clean project close."""


def compute_plan(
    project: Project,
    cards: Sequence[Card],
    people: Sequence[Person],
    departments: Sequence[Department],
    at_risk: frozenset[str],
    today: date,
    decisions: Sequence[Decision] = (),
    changes: Sequence[ChangeRequest] = (),
    activity: Sequence[Activity] = (),
    *,
    meetings: Sequence[Meeting] = (),
    open_items: Sequence[OpenItem] = (),
) -> PlanData:
    """Derive every table's rows from the loaded values (pure; runs in the load worker)."""
    window_start = week_start(today) - timedelta(weeks=1)
    open_or_milestone = [c for c in cards if c.milestone or not is_done(c)]
    path = critical_path(cards)
    return PlanData(
        project=project,
        cards=tuple(cards),
        people=tuple(people),
        departments=tuple(departments),
        at_risk=at_risk,
        today=today,
        milestones=tuple(milestone_rows(cards, today, at_risk)),
        timeline=tuple(timeline_rows(open_or_milestone, window_start, today, path)),
        raci=tuple(raci_rows(cards, [p.handle for p in people])),
        load=tuple(load_rows(cards)),
        window_start=window_start,
        decisions=tuple(decisions),
        changes=tuple(sorted(changes, key=lambda c: (c.status != ChangeStatus.OPEN, -_number(c.id)))),
        activity=tuple(activity),
        facts=tuple(milestone_facts(cards, meetings, today)),
        open_items=tuple(open_items),
    )


def _number(record_id: str) -> int:
    """``CR-12`` -> 12 (newest first within a status)."""
    digits = record_id.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def state_text(state: str) -> str:
    """A plan state as shown (``done``, ``late``, ``open``, ``at risk``, ``on track``, ``awaiting
    acceptance``), in the current language; the states themselves are compared and stay English."""
    texts = {
        "done": pgettext("plan state", "done"),
        "late": pgettext("plan state", "late"),
        "open": pgettext("plan state", "open"),
        "at risk": pgettext("plan state", "at risk"),
        "on track": pgettext("plan state", "on track"),
        "awaiting acceptance": pgettext("plan state", "awaiting acceptance"),
    }
    return texts.get(state, state)


def change_status_text(status: ChangeStatus) -> str:
    """A change request's status as shown; the stored value stays ``open``/``approved``/``rejected``."""
    texts = {
        ChangeStatus.OPEN: pgettext("change status", "open"),
        ChangeStatus.APPROVED: pgettext("change status", "approved"),
        ChangeStatus.REJECTED: pgettext("change status", "rejected"),
    }
    return texts.get(status, status.value)


def slack_text(days: int) -> str:
    """A slack of ``days`` days, signed, with the unit as the language writes it: ``+3d`` / ``+3天``."""
    return ngettext("{days}d", "{days}d", abs(days)).format(days=f"{days:+d}")
