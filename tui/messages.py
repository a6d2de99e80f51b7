"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """The data file changed (another process, or this one): screens reload what they show."""

    version: object

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged)


@dataclass
class OpenCard(Message):
    """Ask the app to show a card on its department board (from search, warnings, meetings)."""

    card_id: str


@dataclass
class OpenRisk(Message):
    """Ask the app to show a risk in the register."""

    risk_id: str
