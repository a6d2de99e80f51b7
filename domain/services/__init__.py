"""Use cases called by both the CLI and the TUI. Plain classes; no UI, no storage details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from domain.models import Actor, Clock
from domain.repository import Store
from domain.services.cards import CardService
from domain.services.changes import RecordService
from domain.services.directory import DirectoryService
from domain.services.meetings import MeetingService
from domain.services.risks import RiskService

__all__ = ["CardService", "DirectoryService", "MeetingService", "RecordService", "RiskService", "Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """Every service wired to one store, clock and actor; built by the composition roots."""

    store: Store
    directory: DirectoryService
    cards: CardService
    risks: RiskService
    meetings: MeetingService
    records: RecordService

    @classmethod
    def build(cls, store: Store, clock: Clock, actor: Actor, zone: tzinfo) -> Services:
        args = (store, clock, actor, zone)
        return cls(
            store=store,
            directory=DirectoryService(*args),
            cards=CardService(*args),
            risks=RiskService(*args),
            meetings=MeetingService(*args),
            records=RecordService(*args),
        )
