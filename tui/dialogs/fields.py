"""A small form of one-line fields, used where a dialog needs only a few values typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from domain.errors import ValidationError
from domain.i18n import N_, _
from tui.dialogs.discard import close_or_ask
from tui.translated import TranslatedBindings
from tui.widgets.date_input import DateInput
from tui.widgets.safe import literal


@dataclass(frozen=True)
class FormField:
    """One line of a :class:`FieldsModal`."""

    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    is_date: bool = False
    """A date field: the form's ``today`` resolves what is typed and shows the date below it."""


class FieldsModal(TranslatedBindings, ModalScreen[dict[str, str] | None]):
    """A small form of one-line fields, dismissed with the typed values by key (None when cancelled).

    ``check`` raises ValidationError for values that must not be saved: the form stays open with the
    message and everything typed. Esc on a form whose text was changed asks before discarding it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="fields.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="fields.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        *,
        check: Callable[[dict[str, str]], object] | None = None,
        error: str = "",
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.check = check
        self.error = error
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="fields-form", classes="dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            with Grid(classes="form-grid"):
                for field in self.fields:
                    yield Label(literal(field.label))
                    if field.is_date and self.today is not None:
                        yield DateInput(
                            field.value,
                            today=self.today,
                            input_id=f"field-{field.key}",
                            placeholder=field.placeholder,
                        )
                        continue
                    yield Input(
                        field.value, id=f"field-{field.key}", placeholder=field.placeholder, compact=True
                    )
            yield Static(literal(self.error), id="fields-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save  ctrl+s"), id="save", variant="primary", compact=True)
                yield Button(_("Cancel  esc"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#fields-error", Static).display = bool(self.error)
        if self.fields:
            self.query_one(f"#field-{self.fields[0].key}", Input).focus()

    def values(self) -> dict[str, str]:
        return {field.key: self.query_one(f"#field-{field.key}", Input).value for field in self.fields}

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = self.values()
        if self.check is not None:
            try:
                self.check(values)
            except ValidationError as exc:
                error = self.query_one("#fields-error", Static)
                error.update(literal(str(exc)))
                error.display = True
                return
        self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        close_or_ask(self, self.values() != {field.key: field.value for field in self.fields})
