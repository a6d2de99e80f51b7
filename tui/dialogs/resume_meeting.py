"""After a crash: resume the meeting or leave it for later."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class ResumeMeetingModal(TranslatedBindings, ModalScreen[bool]):
    """After a crash: offer to resume a meeting with what was typed up to the last second."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", N_("Later"), id="meeting-resume.later"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-dialog", classes="meeting-dialog"):
            yield Label(_("Resume the meeting?"), classes="dialog-title")
            for number, line in enumerate(self.message.splitlines()):
                yield Static(literal(line), classes="resume-line", id=f"resume-line-{number}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Resume"), variant="primary", id="resume-yes")
                yield Button(_("Later"), id="resume-later")

    def on_mount(self) -> None:
        self.query_one("#resume-yes", Button).focus()

    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resume-later")
    def action_later(self) -> None:
        self.dismiss(False)
