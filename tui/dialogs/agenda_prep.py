"""Prepare a meeting: pick its agenda from what the boards suggest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.models import Person
from domain.rules import AgendaSuggestion
from tui.dialogs.base import resolve_attendees
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


@dataclass(frozen=True, slots=True)
class PrepRequest:
    """The meeting the chair prepared: its title, attendees and the picked suggestion keys."""

    title: str
    attendees: tuple[str, ...]
    picks: tuple[str, ...]


def for_departments(
    suggestions: Sequence[AgendaSuggestion], depts: set[str] | None
) -> list[AgendaSuggestion]:
    """Keep the overdue items of the attending departments (all when nobody is named yet)."""
    if depts is None:
        return list(suggestions)
    return [s for s in suggestions if s.kind != "overdue" or s.key.partition(":")[2] in depts]


class AgendaPrepModal(TranslatedBindings, ModalScreen[PrepRequest | None]):
    """Pick the agenda from what the boards suggest, then start the meeting with it (ctrl+s)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", N_("Start"), id="prep.start", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="prep.cancel"),
    ]

    def __init__(self, suggestions: Sequence[AgendaSuggestion], people: Sequence[Person]) -> None:
        super().__init__()
        self.suggestions = list(suggestions)
        self.people = list(people)
        self.shown: list[AgendaSuggestion] = list(suggestions)

    @property
    def picker(self) -> SelectionList[str]:
        return self.query_one("#prep-picks", SelectionList)

    def compose(self) -> ComposeResult:
        with Vertical(id="prep-dialog", classes="dialog"):
            yield Static(_("Prepare a meeting from the boards"), classes="dialog-title")
            yield Label(_("Title"))
            yield Input(id="prep-title", placeholder=_("Weekly sync"), compact=True)
            yield Label(_("Attendees (their departments' overdue items are suggested)"))
            yield Input(id="prep-attendees", placeholder="ann, 李伟", compact=True)
            yield Label(_("Suggested agenda (space toggles an item)"))
            yield SelectionList[str](id="prep-picks")
            yield Static("", id="prep-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    _("Start  {key}").format(key="ctrl+s"), id="prep-start", variant="primary", compact=True
                )
                yield Button(_("Cancel  {key}").format(key="esc"), id="prep-cancel", compact=True)

    def on_mount(self) -> None:
        self._fill(self.suggestions)
        self.query_one("#prep-title", Input).focus()

    def _fill(self, suggestions: Sequence[AgendaSuggestion]) -> None:
        """Show ``suggestions``; an item the chair turned off stays off when the list is filtered again."""
        picker = self.picker
        before = {s.key for s in self.shown} if picker.option_count else set()
        kept = set(picker.selected)
        picker.clear_options()
        self.shown = list(suggestions)
        for s in suggestions:
            refs = ", ".join(s.refs[:4]) + (" …" if len(s.refs) > 4 else "")
            label = Text.assemble(s.title, (f"  {refs}", "dim"))
            picker.add_option(Selection(label, s.key, initial_state=s.key not in before or s.key in kept))
        if not suggestions:
            picker.add_option(Selection(Text(_("The boards suggest nothing right now.")), "", disabled=True))

    @on(Input.Changed, "#prep-attendees")
    def filter_by_attendees(self, event: Input.Changed) -> None:
        error = self.query_one("#prep-error", Static)
        try:
            people = resolve_attendees(event.value, self.people)
        except ValidationError as exc:
            error.update(literal(str(exc)))
            return
        error.update("")
        depts = {p.dept for p in people if p.dept} if people else None
        self._fill(for_departments(self.suggestions, depts))

    @on(Button.Pressed, "#prep-start")
    def action_start(self) -> None:
        error = self.query_one("#prep-error", Static)
        title = self.query_one("#prep-title", Input).value.strip()
        if not title:
            error.update(_("Give the meeting a title."))
            return
        try:
            people = resolve_attendees(self.query_one("#prep-attendees", Input).value, self.people)
        except ValidationError as exc:
            error.update(literal(str(exc)))
            return
        picks = tuple(k for k in self.picker.selected if k)
        self.dismiss(PrepRequest(title, tuple(p.handle for p in people), picks))

    @on(Button.Pressed, "#prep-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
