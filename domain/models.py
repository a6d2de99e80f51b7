"""The things Huddle keeps: frozen values, changed with ``dataclasses.replace``.

Datetimes are timezone-aware UTC; dates are plain ``date``. Ids are strings owned by the domain
(readable keys such as ``OPS-12``, ``R-3``, ``M-7``); storage never leaks its own ids.

Every class has a docstring: ``@dataclass`` gives one that lacks it a docstring built from
``inspect.signature``, which was a tenth of this module's import time, paid by every CLI command.
The decorator is ``domain.frozen``'s: the same dataclasses, their ``__init__`` generated ahead of time
instead of compiled at import; after changing a field, run ``python -m domain.frozen``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injected so rules and tests are deterministic."""

DEFAULT_COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("Backlog", None),
    ("To do", None),
    ("Doing", 5),
    ("Review", 3),
    ("Done", None),
)
DONE_COLUMN = "Done"
MAX_MEETING_MINUTES = 24 * 60
"""The longest meeting or agenda timebox, in minutes; longer ones are refused where they are typed."""
MAX_ESCALATION_DAYS = 3650
"""The largest escalation threshold; beyond it date arithmetic in the early warnings would overflow."""
MAX_ESTIMATE_DAYS = 10_000
"""The largest card estimate, in days."""
MAX_WIP = 999
"""The largest WIP limit a column can have."""


def new_uid() -> str:
    """A globally unique id for calendar objects (stored, never regenerated)."""
    import uuid  # deferred: keeps `huddle card add` start-up short

    return f"{uuid.uuid4().hex}@huddle"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"
    OCCURRED = "occurred"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"


class EntryKind(StrEnum):
    NOTE = "note"
    DECISION = "decision"
    ACTION = "action"
    RISK = "risk"


class RsvpStatus(StrEnum):
    """An attendee's answer to the follow-up invite (iCalendar PARTSTAT, RFC 5545 3.2.12)."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    NO_ANSWER = "no-answer"


class ChangeStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class MeetingKind(StrEnum):
    REGULAR = "regular"
    REVIEW = "review"
    """A milestone review: its agenda comes from the milestone, it ends with a ReviewOutcome."""
    RETRO = "retro"
    """The project retrospective: agenda items 1-3 are the three RETRO_SECTIONS."""


class ReviewOutcome(StrEnum):
    PASSED = "passed"
    CONDITIONS = "passed-with-conditions"
    FAILED = "failed"


RETRO_SECTIONS: tuple[tuple[str, str], ...] = (
    ("worked", "What worked and should spread"),
    ("wrong", "What went wrong, and why"),
    ("change", "What to change next time"),
)
"""The retrospective's sections (key, agenda title), in the order the guide asks them."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a department's board, with its optional WIP limit."""

    name: str
    wip_limit: int | None = None


@dataclass(frozen=True, slots=True)
class Department:
    """A department: its board's columns and the key its card ids start with."""

    name: str
    key: str
    """Prefix of readable card ids, such as ``OPS`` in ``OPS-12``."""
    columns: tuple[Column, ...] = tuple(Column(n, w) for n, w in DEFAULT_COLUMNS)

    def column(self, name: str) -> Column | None:
        """The column called ``name`` (case-insensitive), or None."""
        wanted = name.strip().casefold()
        return next((c for c in self.columns if c.name.casefold() == wanted), None)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who owns cards, attends meetings and gets invites."""

    handle: str
    name: str
    email: str
    dept: str | None = None


@dataclass(frozen=True, slots=True)
class GoalActual:
    """One measured value of a goal's metric, on the day it was measured."""

    on: date
    value: str
    note: str = ""
    by: str = ""


@dataclass(frozen=True, slots=True)
class Goal:
    """A SMART goal: specific text, a metric, a target value and a deadline."""

    text: str
    metric: str = ""
    target: str = ""
    deadline: date | None = None
    actuals: tuple[GoalActual, ...] = ()
    """Measured values, oldest first; the last one is the goal's current value."""


@dataclass(frozen=True, slots=True)
class Project:
    """The one project of a data file: vision, SMART goals, escalation rule and close state."""

    id: str
    name: str
    vision: str = ""
    goals: tuple[Goal, ...] = ()
    blocked_escalation_days: int = 3
    """A card blocked longer than this is flagged for escalation."""
    closed: bool = False
    """A closed project is read-only: services refuse writes; search and exports still work."""
    closed_at: datetime | None = None
    closed_by: str = ""
    close_reason: str = ""
    """Why the project was closed with items still open (a forced close); empty for a clean close."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One acceptance criterion of a milestone, accepted (or waived) by the milestone's Accountable."""

    id: str
    """``AC-1``, ``AC-2``... unique within the card."""
    text: str
    accepted_at: datetime | None = None
    accepted_by: str = ""
    evidence: str = ""
    """Where the proof is: a link, a document, a test report."""
    waived: bool = False
    waive_reason: str = ""

    @property
    def state(self) -> str:
        """``accepted``, ``waived`` or ``open``."""
        if self.accepted_at is None:
            return "open"
        return "waived" if self.waived else "accepted"


@dataclass(frozen=True, slots=True)
class Card:
    """A task on a department's board, with its WBS parent, dates, RACI and dependencies."""

    id: str
    dept: str
    title: str
    column: str
    rank: float = 0.0
    """Order inside the column, smallest first."""
    description: str = ""
    owner: str | None = None
    responsible: tuple[str, ...] = ()
    accountable: str | None = None
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    start: date | None = None
    due: date | None = None
    estimate: float | None = None
    """Estimated effort in person-days."""
    priority: Priority = Priority.NORMAL
    tags: tuple[str, ...] = ()
    blocked_by: tuple[str, ...] = ()
    blocked_reason: str = ""
    blocked_since: datetime | None = None
    parent: str | None = None
    milestone: bool = False
    progress: int = 0
    meeting_id: str | None = None
    """The meeting whose action item created this card."""
    criteria: tuple[Criterion, ...] = ()
    """Acceptance criteria (milestones): the milestone is done only when each is accepted or waived."""
    uid: str = field(default_factory=new_uid)
    sequence: int = 0
    created_at: datetime | None = None
    created_by: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""
    source: str = ""
    """Where an imported card came from (``trello:BOARD``, ``jira:KEY``, ``sheet``); empty if made here."""
    source_id: str = ""
    """The card's id in ``source``: re-importing the same file updates this card instead of adding one."""


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """One entry of a risk's score history."""

    at: datetime
    probability: int | None
    impact: int | None
    residual_probability: int | None
    residual_impact: int | None
    by: str = ""


@dataclass(frozen=True, slots=True)
class Risk:
    """An entry of the risk register: probability x impact, response plan and review date."""

    id: str
    title: str
    probability: int | None = None
    """1-5; None while the risk is not yet assessed."""
    impact: int | None = None
    owner: str | None = None
    description: str = ""
    category: str = ""
    residual_probability: int | None = None
    residual_impact: int | None = None
    mitigation: str = ""
    contingency: str = ""
    trigger: str = ""
    status: RiskStatus = RiskStatus.OPEN
    review_date: date | None = None
    linked_cards: tuple[str, ...] = ()
    history: tuple[ScoreChange, ...] = ()
    meeting_id: str | None = None
    created_at: datetime | None = None
    created_by: str = ""
    updated_at: datetime | None = None

    @property
    def score(self) -> int | None:
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability is None or self.residual_impact is None:
            return None
        return self.residual_probability * self.residual_impact


@dataclass(frozen=True, slots=True)
class Attendee:
    """A person invited to a meeting, and whether they came."""

    handle: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One point of a meeting's agenda, with its timebox."""

    title: str
    minutes: int = 10
    """Timebox in minutes."""
    started_at: datetime | None = None
    elapsed_seconds: int = 0
    """Time spent on the item before ``started_at`` (the item may be visited more than once)."""
    refs: tuple[str, ...] = ()
    """Ids of the board items (cards, risks, change requests) this agenda item discusses."""


@dataclass(frozen=True, slots=True)
class MinuteEntry:
    """One line of the minutes: a note, or the record of a decision, an action or a raised risk."""

    id: str
    at: datetime
    text: str
    kind: EntryKind = EntryKind.NOTE
    agenda_index: int | None = None
    by: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision recorded in a meeting (or by a change request's verdict)."""

    id: str
    text: str
    at: datetime
    meeting_id: str | None = None
    agenda_index: int | None = None
    by: str = ""


@dataclass(frozen=True, slots=True)
class ActionItem:
    """An action item recorded in a meeting; its state lives on the card it created."""

    card_id: str
    text: str
    owner: str
    due: date | None
    meeting_id: str
    at: datetime
    agenda_index: int | None = None


@dataclass(frozen=True, slots=True)
class RsvpAnswer:
    """What one attendee answered to the follow-up invite, and to which version of it.

    ``sequence`` is the invite's SEQUENCE the reply answered and ``stamp`` the reply's DTSTAMP:
    together they decide whether a later-read reply is newer (RFC 5546 2.1.5), whatever order
    the mails arrive in.
    """

    handle: str
    status: RsvpStatus
    sequence: int
    stamp: datetime | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class RsvpReply:
    """One attendee's METHOD:REPLY as read from a file or a mailbox, before it is matched to a meeting."""

    uid: str
    email: str
    status: RsvpStatus
    sequence: int
    stamp: datetime | None
    source: str
    """Where it was read (a file name, ``imap:INBOX/17``), for the report."""


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting: agenda, minutes, decisions, action items and the follow-up it set."""

    id: str
    title: str
    start: datetime
    tz: str
    series: str = ""
    place: str = ""
    organizer: str | None = None
    attendees: tuple[Attendee, ...] = ()
    agenda: tuple[AgendaItem, ...] = ()
    current_item: int = 0
    notes: tuple[MinuteEntry, ...] = ()
    decisions: tuple[Decision, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    status: MeetingStatus = MeetingStatus.LIVE
    ended_at: datetime | None = None
    """When the meeting really ended (None while it has not)."""
    started_at: datetime | None = None
    """When the meeting really started (None while it has not); ``start`` stays the planned time."""
    next_start: datetime | None = None
    """The follow-up meeting set at the end; the invite's UID and SEQUENCE are below."""
    next_minutes: int = 60
    next_uid: str = field(default_factory=new_uid)
    next_sequence: int = 0
    next_cancelled: bool = False
    uid: str = field(default_factory=new_uid)
    carried_over: tuple[str, ...] = ()
    """Card ids of open action items carried over from the previous meeting of the series."""
    created_by: str = ""
    kind: MeetingKind = MeetingKind.REGULAR
    milestone_id: str | None = None
    """The milestone a review meeting reviews."""
    outcome: ReviewOutcome | None = None
    """How a review ended; also recorded as one of its decisions."""
    rsvp: tuple[RsvpAnswer, ...] = ()
    """The attendees' answers to the follow-up invite (one per handle), read back from their replies."""

    @property
    def held_from(self) -> datetime:
        """When the meeting really began, else when it was planned: what minutes, invites and the
        clock show, so a meeting started early is never recorded at its planned slot."""
        return self.started_at or self.start


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """A requested change of scope, schedule or cost, and its verdict."""

    id: str
    title: str
    description: str = ""
    status: ChangeStatus = ChangeStatus.OPEN
    requested_by: str = ""
    decided_by: str = ""
    created_at: datetime | None = None
    decided_at: datetime | None = None
    scope: str = ""
    """What the change adds, removes or alters in the project's scope."""
    schedule_days: int = 0
    """Days the change moves the schedule (negative: it saves time)."""
    cost: float | None = None
    """Extra cost, in the project's currency; None when not estimated."""
    meeting_id: str | None = None
    decision_id: str | None = None
    """The meeting decision that approved or rejected the change."""
    cards: tuple[str, ...] = ()
    """Cards the change altered or created."""


@dataclass(frozen=True, slots=True)
class Activity:
    """One recorded change: who (handle and OS account), when, what."""

    id: str
    at: datetime
    user: str
    os_user: str
    entity: str
    entity_id: str
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making changes: the chosen handle and the OS account of the process."""

    handle: str
    os_user: str


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    """One calendar object Huddle wrote to a CalDAV calendar: the record that lets a later push
    update it in place, notice that someone else changed it (its ETag moved) and remove it once
    Huddle no longer exports it, without ever touching events it did not write."""

    calendar: str
    """The calendar collection URL (records of other calendars are left alone)."""
    uid: str
    href: str
    """The object's URL on the server; may differ from the name Huddle picks when a client imported
    the mailed invite first."""
    etag: str
    """The ETag the server gave the version Huddle wrote; empty when the server sent none."""
    summary: str
    at: datetime

    @property
    def key(self) -> str:
        return published_key(self.calendar, self.uid)


def published_key(calendar: str, uid: str) -> str:
    """The record id of ``uid`` in ``calendar``: the same UID may be published to two calendars."""
    return f"{calendar} {uid}"
