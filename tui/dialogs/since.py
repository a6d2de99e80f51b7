"""Ask for the date the risk heatmap shows movement since."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from domain.dates import DATE_FORMS, parse_date
from domain.errors import ValidationError
from domain.i18n import N_, _
from tui.translated import TranslatedBindings

_AGO = re.compile(r"^-(\d{1,4})\s*([dw])$")


def parse_past_date(text: str, today: date) -> date:
    """Like ``parse_date``, plus ``-3d`` and ``-2w`` for days or weeks ago."""
    if match := _AGO.match(text.strip().lower()):
        amount, unit = int(match.group(1)), match.group(2)
        return today - timedelta(days=amount * (7 if unit == "w" else 1))
    return parse_date(text, today)


@dataclass(frozen=True, slots=True)
class SinceChoice:
    """The date to show movement since; None turns movement off."""

    day: date | None


class SinceModal(TranslatedBindings, ModalScreen[SinceChoice | None]):
    """Ask for the date to compare the heatmap with (human forms; empty turns movement off)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="risk-since.cancel"),
    ]

    def __init__(self, *, today: date, current: date | None) -> None:
        super().__init__()
        self.today = today
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="risk-dialog"):
            yield Label(_("Show movement since…"), classes="dialog-title")
            yield Input(
                self.current.isoformat() if self.current else "",
                placeholder=_("2026-11-01, yesterday, -2w; empty turns movement off"),
                id="since-input",
                compact=True,
            )
            yield Static(
                Content(_("Forms: -3d, -2w (days/weeks ago), {forms}.").format(forms=DATE_FORMS)),
                classes="hint",
            )
            yield Static("", id="form-error", classes="form-error -empty")

    def on_mount(self) -> None:
        self.query_one("#since-input", Input).focus()

    @on(Input.Submitted, "#since-input")
    def choose(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.dismiss(SinceChoice(None))
            return
        try:
            day = parse_past_date(text, self.today)
        except ValidationError as exc:
            error = self.query_one("#form-error", Static)
            error.update(Content(str(exc)))
            error.remove_class("-empty")
            return
        self.dismiss(SinceChoice(day))

    def action_cancel(self) -> None:
        self.dismiss(None)
