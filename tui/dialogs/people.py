"""Everyone on the project, to add a person or pick one to edit; returns what to do, never writes."""

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
from domain.models import Person
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal

ADD = "+add"
"""What the dialog returns for "add a person" (a handle never starts with ``+``)."""


def person_line(person: Person) -> str:
    """One row: handle, name, department and e-mail."""
    dept = person.dept or _("no department")  # outside the f-string, where extraction finds it
    return f"@{person.handle}  {person.name}  ·  {dept}  ·  {person.email}"


class PeopleModal(TranslatedBindings, ModalScreen[str | None]):
    """The people list: ``a`` adds (returns :data:`ADD`), Enter or ``e`` edits (returns the handle)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), id="people.add"),
        Binding("e", "edit", N_("Edit"), id="people.edit"),
        Binding("escape", "cancel", N_("Close"), id="people.close"),
    ]

    def __init__(self, people: Sequence[Person]) -> None:
        super().__init__()
        self.people = sorted(people, key=lambda p: p.handle)

    def compose(self) -> ComposeResult:
        with Vertical(id="people", classes="dialog"):
            yield Static(_("People ({n})").format(n=len(self.people)), classes="dialog-title")
            yield OptionList(
                *[Option(literal(person_line(p)), id=f"person-{i}") for i, p in enumerate(self.people)],
                id="people-options",
            )
            yield Static(_("a add · e or enter edit · esc close"), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.people else None
        options.focus()

    def action_add(self) -> None:
        self.dismiss(ADD)

    @on(OptionList.OptionSelected)
    def action_edit(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self.people):
            self.dismiss(self.people[index].handle)

    def action_cancel(self) -> None:
        self.dismiss(None)
