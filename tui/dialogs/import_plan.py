"""The import plan to apply or cancel.

It returns a value and never writes: the screen that opened it runs the import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class ImportPlanModal(TranslatedBindings, ModalScreen[bool]):
    """What an import will create, update and leave out; dismissed with True to apply it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "answer(True)", N_("Apply"), id="import-plan.apply"),
        Binding("escape,c", "answer(False)", N_("Cancel"), id="import-plan.cancel"),
    ]

    def __init__(self, lines: Sequence[str], *, changes: bool) -> None:
        super().__init__()
        self.lines = list(lines)
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical(id="import-plan", classes="dialog"):
            yield Static(_("Import plan: nothing is written until you apply it"), classes="dialog-title")
            with VerticalScroll(id="import-plan-lines"):
                yield Static(literal("\n".join(self.lines), keep_newlines=True), id="import-plan-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    _("Apply  {key}").format(key="a"),
                    id="import-apply",
                    variant="primary",
                    compact=True,
                    disabled=not self.changes,
                )
                yield Button(_("Cancel  {key}").format(key="esc"), id="import-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-apply" if self.changes else "#import-cancel", Button).focus()

    def action_answer(self, apply: bool) -> None:
        self.dismiss(apply and self.changes)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "import-apply")
