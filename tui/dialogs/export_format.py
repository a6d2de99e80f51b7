"""Which format to export a table in."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class ExportFormatModal(TranslatedBindings, ModalScreen[str | None]):
    """Which format to export a table in: CSV (for Excel), .xlsx or Markdown; None to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "pick('csv')", "CSV", id="export-format.csv"),
        Binding("x", "pick('xlsx')", "XLSX", id="export-format.xlsx"),
        Binding("m", "pick('markdown')", "Markdown", id="export-format.markdown"),
        Binding("escape", "pick('')", N_("Cancel"), id="export-format.cancel"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="export-format", classes="dialog"):
            yield Static(
                literal(_("Export {what} to the current folder as").format(what=self.what)),
                classes="dialog-title",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("CSV  c", id="export-csv", variant="primary", compact=True)
                yield Button("XLSX  x", id="export-xlsx", compact=True)
                yield Button("Markdown  m", id="export-markdown", compact=True)
                yield Button(_("Cancel  {key}").format(key="esc"), id="export-cancel", compact=True)

    def action_pick(self, fmt: str) -> None:
        self.dismiss(fmt or None)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        fmt = (event.button.id or "").removeprefix("export-")
        self.dismiss(None if fmt == "cancel" else fmt)
