"""End a meeting and set the follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from domain.dates import get_zone, parse_datetime
from domain.errors import ValidationError
from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.views.meetings import when_text
from tui.widgets.meeting_summary import MeetingSummary, SummaryLine
from tui.widgets.safe import literal


@dataclass(frozen=True, slots=True)
class EndRequest:
    next_start: datetime | None
    next_minutes: int


class EndMeetingModal(TranslatedBindings, ModalScreen[EndRequest | None]):
    """Confirm the end of a meeting and set the follow-up (human date and time, in the meeting's zone)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="meeting-end.cancel"),
    ]

    def __init__(
        self, summary: list[SummaryLine], *, zone: str, today: date, start: datetime, suggestion: str
    ) -> None:
        super().__init__()
        self.summary = summary
        self.zone = zone
        self.today = today
        self.start = start
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="end-form", classes="meeting-dialog"):
            yield Label(_("End the meeting"), classes="dialog-title")
            yield MeetingSummary(self.summary, id="end-summary")
            yield Label(_("Next meeting (DATE HH:MM in {zone}; empty for none)").format(zone=self.zone))
            yield Input(self.suggestion, id="end-next")
            yield Static(id="end-next-preview", classes="form-preview")
            yield Label(_("Length in minutes"))
            yield Input("60", id="end-minutes", type="integer")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("End meeting"), variant="error", id="end-confirm")
                yield Button(_("Keep going"), id="end-cancel")

    def on_mount(self) -> None:
        self.query_one("#end-next", Input).focus()
        self._preview(self.suggestion)

    def _resolve(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        moment = parse_datetime(text, self.today, get_zone(self.zone))
        if moment <= self.start:
            raise ValidationError(_("the next meeting must start after this one"))
        return moment

    def _preview(self, text: str) -> None:
        preview = self.query_one("#end-next-preview", Static)
        try:
            moment = self._resolve(text)
        except ValidationError as exc:
            preview.update(literal(str(exc)))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(
            literal(f"→ {when_text(moment, self.zone)}" if moment else _("→ no follow-up meeting"))
        )

    @on(Input.Changed, "#end-next")
    def preview_next(self, event: Input.Changed) -> None:
        self._preview(event.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#end-confirm")
    def confirm(self) -> None:
        try:
            moment = self._resolve(self.query_one("#end-next", Input).value)
        except ValidationError:
            self.query_one("#end-next", Input).focus()
            return
        minutes = int(self.query_one("#end-minutes", Input).value or "60")
        self.dismiss(EndRequest(moment, max(1, minutes)))

    @on(Button.Pressed, "#end-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
