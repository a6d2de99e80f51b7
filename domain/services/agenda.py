"""Agendas from the board: suggest items from the current state, start a meeting with the chosen ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import rules
from domain.errors import ValidationError
from domain.i18n import _
from domain.models import Meeting
from domain.repository import UnitOfWork
from domain.services.base import PROJECT_ID, Service, require_person
from domain.services.meetings import MeetingService


class AgendaService(Service):
    """What the boards say a meeting should discuss, and a meeting started from the chair's picks."""

    def suggest(self, attendees: Sequence[str] = ()) -> list[rules.AgendaSuggestion]:
        """Suggestions for a meeting of ``attendees`` (their departments); no attendees: every department."""
        return self._suggest(self.store.snapshot(), attendees)

    def _suggest(self, uow: UnitOfWork, attendees: Sequence[str]) -> list[rules.AgendaSuggestion]:
        people = [require_person(uow, a) for a in attendees]
        depts = {p.dept for p in people if p.dept} if people else None
        project = uow.projects.get(PROJECT_ID)
        return rules.suggest_agenda(
            cards=uow.cards.list(),
            risks=uow.risks.list(),
            meetings=uow.meetings.list(),
            changes=uow.change_requests.list(),
            departments=depts,
            today=self.today(),
            now=self.now(),
            escalate_after_days=project.blocked_escalation_days if project else 3,
        )

    @staticmethod
    def pick(
        suggestions: Sequence[rules.AgendaSuggestion], picks: Sequence[str]
    ) -> list[rules.AgendaSuggestion]:
        """The chosen suggestions, by number (1 = first, as ``meeting prep`` lists them) or by key."""
        chosen: list[rules.AgendaSuggestion] = []
        for pick in picks:
            for word in (w.strip() for w in pick.split(",")):
                if not word:
                    continue
                if word.isdigit():
                    number = int(word)
                    if not 1 <= number <= len(suggestions):
                        raise ValidationError(
                            _("agenda pick {number}: the suggestions are numbered 1 to {n}").format(
                                number=number, n=len(suggestions)
                            )
                            if suggestions
                            else _("agenda pick {number}: the board suggests nothing right now").format(
                                number=number
                            )
                        )
                    found = suggestions[number - 1]
                else:
                    match = next((s for s in suggestions if s.key.casefold() == word.casefold()), None)
                    if match is None:
                        keys = ", ".join(s.key for s in suggestions) or "none"
                        raise ValidationError(
                            _("agenda pick {word!r} is not suggested now; keys: {keys}").format(
                                word=word[:40], keys=keys
                            )
                        )
                    found = match
                if found not in chosen:
                    chosen.append(found)
        return chosen

    def start_prepared(
        self,
        title: str,
        picks: Sequence[str],
        *,
        attendees: Sequence[str] = (),
        at: datetime | None = None,
        tz: str = "UTC",
        series: str = "",
        agenda: Sequence[tuple[str, int]] = (),
        place: str = "",
    ) -> Meeting:
        """Start a meeting whose agenda is the picked suggestions (each keeps the board items it
        discusses), followed by any agenda items typed by hand."""
        chosen = self.pick(self.suggest(attendees), picks)
        items: list[tuple[str, int] | tuple[str, int, Sequence[str]]] = [
            (s.title, s.minutes, s.refs) for s in chosen
        ]
        items.extend(agenda)
        meetings = MeetingService(self.store, self.clock, self.actor, self.zone)
        return meetings.start(
            title, attendees=attendees, at=at, tz=tz, series=series, agenda=items, place=place
        )
