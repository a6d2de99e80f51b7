"""The close of a project: goal actuals, what is still open, the retrospective, the close itself,
and everything the close report needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain import rules
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import N_, _
from domain.models import (
    RETRO_SECTIONS,
    Card,
    ChangeRequest,
    Decision,
    Goal,
    GoalActual,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinuteEntry,
    Person,
    Project,
    Risk,
    RiskStatus,
)
from domain.repository import UnitOfWork
from domain.services.base import PROJECT_ID, ClosedGuard, Service
from domain.services.meetings import MeetingService
from domain.text import clean_text, clean_title


@dataclass(frozen=True, slots=True)
class CloseReport:
    """Everything the close report shows, read in one snapshot."""

    project: Project
    goals: tuple[tuple[Goal, rules.GoalProgress], ...]
    milestones: tuple[Card, ...]
    decisions: tuple[Decision, ...]
    changes: tuple[ChangeRequest, ...]
    occurred_risks: tuple[Risk, ...]
    retro: Meeting | None
    retro_sections: tuple[tuple[str, tuple[MinuteEntry, ...]], ...]
    """(section title, its notes and decisions) for each of RETRO_SECTIONS."""
    retro_actions: tuple[Card, ...]
    open_items: tuple[rules.OpenItem, ...]
    people: tuple[Person, ...]
    cards: tuple[Card, ...]
    today: date


def retro_sections(meeting: Meeting) -> list[tuple[str, list[MinuteEntry]]]:
    """The retrospective's three sections with the notes and decisions typed under each."""
    out = []
    for index, (_key, title) in enumerate(RETRO_SECTIONS):
        entries = [n for n in meeting.notes if n.agenda_index == index and n.kind in ("note", "decision")]
        out.append((title, entries))
    return out


class ClosingService(Service):
    """Goal actuals, the close check, the retrospective and the close."""

    def _project(self, uow: UnitOfWork) -> Project:
        return uow.projects.get(PROJECT_ID) or Project(id=PROJECT_ID, name="Huddle project")

    def update_goal(self, goal: str, value: str, *, on: date | None = None, note: str = "") -> Goal:
        """Record a goal's measured value on a day (default today); the history is kept, oldest first.

        ``goal`` is the goal's number (1 = first) or the start of its text.
        """
        value = clean_title(value, N_("value"))
        note = clean_text(note, N_("note"), required=False)
        with self.store.transaction() as uow:
            project = self._project(uow)
            index = _goal_index(project, goal)
            target = project.goals[index]
            actual = GoalActual(on or self.today(), value, note, self.actor.handle)
            history = sorted((*target.actuals, actual), key=lambda a: a.on)
            updated = replace(target, actuals=tuple(history))
            goals = tuple(updated if i == index else g for i, g in enumerate(project.goals))
            uow.projects.put(replace(project, goals=goals))
            self.record(
                uow, "project", PROJECT_ID, "goal actual", f"{target.text[:40]}: {value} on {actual.on}"
            )
        return updated

    def goals(self) -> list[tuple[Goal, rules.GoalProgress]]:
        project = self._project(self.store.snapshot())
        return [(g, rules.goal_progress(g)) for g in project.goals]

    def open_items(self) -> list[rules.OpenItem]:
        """What stops a clean close, from one consistent read."""
        return self._open(self.store.snapshot())

    @staticmethod
    def _open(uow: UnitOfWork) -> list[rules.OpenItem]:
        return rules.close_blockers(
            uow.cards.list(), uow.risks.list(), uow.change_requests.list(), uow.meetings.list()
        )

    def start_retro(
        self,
        title: str = "",
        *,
        at: datetime | None = None,
        tz: str = "UTC",
        attendees: Sequence[str] = (),
        place: str = "",
        extra_agenda: Sequence[tuple[str, int]] = (),
    ) -> Meeting:
        """Start the cross-department retrospective: the three sections first, then any other items."""
        agenda = [(section, 20) for _key, section in RETRO_SECTIONS]
        meetings = MeetingService(self.store, self.clock, self.actor, self.zone)
        if not attendees:
            uow = self.store.snapshot()
            people = uow.people.list()
            heads = {p.dept: p.handle for p in reversed(people) if p.dept}
            attendees = sorted(heads.values())
        return meetings.start(
            title or f"Retrospective: {self._project(self.store.snapshot()).name}",
            attendees=attendees,
            at=at,
            tz=tz,
            agenda=[*agenda, *extra_agenda],
            place=place,
            kind=MeetingKind.RETRO,
        )

    def close(self, *, force: bool = False, reason: str = "") -> tuple[Project, list[rules.OpenItem]]:
        """Mark the project closed (read-only). Refuses while items are open unless forced with a reason.

        A forced close also ends meetings still live, which nobody could end afterwards. Returns the
        closed project and the items that were open at the close (handed over).
        """
        reason = clean_text(reason, N_("reason"), required=False)
        if force and not reason:
            raise ValidationError(_("a forced close needs --reason: why the project closes with items open"))
        with self.store.transaction() as uow:
            project = self._project(uow)
            items = self._open(uow)
            if items and not force:
                raise ConflictError(
                    _("{n} item(s) still open; resolve them or close with --force --reason TEXT").format(
                        n=len(items)
                    )
                )
            project = replace(
                project,
                closed=True,
                closed_at=self.now(),
                closed_by=self.actor.handle,
                close_reason=reason,
            )
            uow.projects.put(project)
            for meeting in uow.meetings.list():
                if meeting.status == MeetingStatus.LIVE:  # nobody could end it once the project is read-only
                    uow.meetings.put(replace(meeting, status=MeetingStatus.ENDED, ended_at=self.now()))
                    self.record(uow, "meeting", meeting.id, "ended", "by the project close")
            detail = f"forced with {len(items)} open: {reason[:60]}" if items else "clean close"
            self.record(uow, "project", PROJECT_ID, "closed", detail)
        return project, items

    def reopen(self, reason: str) -> Project:
        """Open a closed project again for changes; the reason is kept in the activity record."""
        reason = clean_text(reason, N_("reason"))
        store = self.store.unguarded if isinstance(self.store, ClosedGuard) else self.store
        with store.transaction() as uow:
            project = self._project(uow)
            if not project.closed:
                raise ConflictError(_("the project is not closed"))
            project = replace(project, closed=False)
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "reopened", reason[:80])
        return project

    def report(self) -> CloseReport:
        """The close report's contents, read in one snapshot (works on a closed project)."""
        uow = self.store.snapshot()
        project = self._project(uow)
        cards = uow.cards.list()
        by_id = {c.id: c for c in cards}
        meetings = sorted(uow.meetings.list(), key=lambda m: m.start)
        retro = next((m for m in reversed(meetings) if m.kind == MeetingKind.RETRO), None)
        sections = tuple((t, tuple(e)) for t, e in retro_sections(retro)) if retro else ()
        retro_actions = tuple(by_id[a.card_id] for a in retro.actions if a.card_id in by_id) if retro else ()
        decisions = tuple(sorted((d for m in meetings for d in m.decisions), key=lambda d: d.at))
        milestones = tuple(sorted((c for c in cards if c.milestone), key=lambda c: (c.due or date.max, c.id)))
        return CloseReport(
            project=project,
            goals=tuple((g, rules.goal_progress(g)) for g in project.goals),
            milestones=milestones,
            decisions=decisions,
            changes=tuple(sorted(uow.change_requests.list(), key=lambda c: int(c.id.split("-")[1]))),
            occurred_risks=tuple(r for r in uow.risks.list() if r.status == RiskStatus.OCCURRED),
            retro=retro,
            retro_sections=sections,
            retro_actions=retro_actions,
            open_items=tuple(self._open(uow)),
            people=tuple(uow.people.list()),
            cards=tuple(cards),
            today=self.today(),
        )


def _goal_index(project: Project, text: str) -> int:
    wanted = text.strip()
    if not project.goals:
        raise NotFoundError("goal", text, _("add one with 'huddle project goal TEXT --target VALUE'"))
    if wanted.isdigit():
        number = int(wanted)
        if not 1 <= number <= len(project.goals):
            raise NotFoundError("goal", text, _("goals are numbered 1 to {n}").format(n=len(project.goals)))
        return number - 1
    folded = wanted.casefold()
    matches = [i for i, g in enumerate(project.goals) if folded and g.text.casefold().startswith(folded)]
    if len(matches) == 1:
        return matches[0]
    hint = (
        _("several goals start so; give its number")
        if matches
        else _("give its number or the start of its text")
    )
    raise NotFoundError("goal", text, hint)
