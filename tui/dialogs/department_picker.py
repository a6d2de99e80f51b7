"""Choose a department board by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from domain.i18n import N_, _
from domain.models import Department
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class DepartmentPickerModal(TranslatedBindings, ModalScreen[str | None]):
    """Choose a department board by name."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"), id="picker.cancel")]

    def __init__(self, departments: Sequence[Department], current: str | None) -> None:
        super().__init__()
        self.departments = list(departments)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dept-picker", classes="dialog"):
            yield Static(_("Department"), classes="dialog-title")
            yield OptionList(
                *[Option(literal(f"{d.name}  ({d.key})"), id=f"dept-{d.key}") for d in self.departments],
                id="dept-options",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, dept in enumerate(self.departments):
            if dept.name == self.current:
                options.highlighted = index
        options.focus()

    @on(OptionList.OptionSelected)
    def department_chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.departments[event.option_index].name)

    def action_cancel(self) -> None:
        self.dismiss(None)
