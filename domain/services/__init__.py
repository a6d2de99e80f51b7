"""Use cases called by both the CLI and the TUI. Plain classes; no UI, no storage details."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.models import Actor, Clock
from domain.repository import Store

if TYPE_CHECKING:
    from domain.services.agenda import AgendaService
    from domain.services.cards import CardService
    from domain.services.closing import ClosingService
    from domain.services.directory import DirectoryService
    from domain.services.meetings import MeetingService
    from domain.services.milestones import MilestoneService
    from domain.services.publishing import PublishingService
    from domain.services.records import RecordService
    from domain.services.risks import RiskService
    from domain.services.rsvp import RsvpService

__all__ = ["Services"]


class Services:
    """Every service wired to one store, clock and actor; built by the composition roots.

    Each service is created (and its module imported) on first use, so a one-shot CLI command
    pays only for what it touches.
    """

    def __init__(self, store: Store, clock: Clock, actor: Actor, zone: ZoneInfo) -> None:
        self.store = store
        self.clock = clock
        self.actor = actor
        self.zone = zone

    @classmethod
    def build(cls, store: Store, clock: Clock, actor: Actor, zone: ZoneInfo) -> Services:
        return cls(store, clock, actor, zone)

    @cached_property
    def directory(self) -> DirectoryService:
        from domain.services.directory import DirectoryService

        return DirectoryService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def cards(self) -> CardService:
        from domain.services.cards import CardService

        return CardService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def risks(self) -> RiskService:
        from domain.services.risks import RiskService

        return RiskService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def meetings(self) -> MeetingService:
        from domain.services.meetings import MeetingService

        return MeetingService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def records(self) -> RecordService:
        from domain.services.records import RecordService

        return RecordService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def milestones(self) -> MilestoneService:
        from domain.services.milestones import MilestoneService

        return MilestoneService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def closing(self) -> ClosingService:
        from domain.services.closing import ClosingService

        return ClosingService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def agenda(self) -> AgendaService:
        from domain.services.agenda import AgendaService

        return AgendaService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def rsvp(self) -> RsvpService:
        from domain.services.rsvp import RsvpService

        return RsvpService(self.store, self.clock, self.actor, self.zone)

    @cached_property
    def publishing(self) -> PublishingService:
        from domain.services.publishing import PublishingService

        return PublishingService(self.store, self.clock, self.actor, self.zone)
