"""The meetings area (placeholder until its issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from tui.screens.base import AreaScreen


class MeetingsScreen(AreaScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Meetings", id="meetings-placeholder")
        yield Footer()
