"""Set up a board's columns: add, rename, reorder, remove, and WIP limits (0 = none).

The dialog lists the columns with their card counts and returns one :class:`ColumnChange`; the boards
screen writes it through the app's write queue with the same ``DirectoryService`` calls as
``huddle column ...``. Removing a column that still holds cards is refused here already, with the count
(the service refuses it again inside its transaction, for a card another person added meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from domain import rules
from domain.errors import HuddleError, ValidationError
from domain.i18n import N_, _, ngettext
from domain.models import Column, Department
from domain.text import clean_title
from tui.dialogs.fields import FieldsModal, FormField
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal

ChangeKind = Literal["add", "rename", "move", "remove", "wip"]


@dataclass(frozen=True, slots=True)
class ColumnChange:
    """One change to a board's columns, as the dialog collected it."""

    kind: ChangeKind
    column: str
    """The column changed (for ``add``: the new column's name)."""
    new_name: str = ""
    """``rename``: the new name."""
    before: str | None = None
    """``add``/``move``: the column it goes before (None: last)."""
    wip: int = 0
    """``wip`` (and ``add``): the limit, 0 meaning none."""


def wip_value(text: str) -> int:
    """A typed WIP limit: a whole number, 0 (or empty) for none."""
    text = text.strip() or "0"
    try:
        limit = int(text)
    except ValueError:
        raise ValidationError(
            _("a WIP limit is a whole number (0 = no limit), not {text!r}").format(text=text)
        ) from None
    rules.check_wip_value(limit)
    return limit


def column_line(column: Column, count: int) -> str:
    """One row of the list: name, card count and limit."""
    cards = ngettext("{n} card", "{n} cards", count).format(n=count)
    if column.wip_limit is None:
        return _("{name}  ·  {cards}  ·  no WIP limit").format(name=column.name, cards=cards)
    return _("{name}  ·  {cards}  ·  WIP {limit}").format(
        name=column.name, cards=cards, limit=column.wip_limit
    )


class ColumnSetupModal(TranslatedBindings, ModalScreen[ColumnChange | None]):
    """The board's columns with their counts; a key picks the change to make to the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), id="columns.add"),
        Binding("r", "rename", N_("Rename"), id="columns.rename"),
        Binding("w", "wip", N_("WIP limit"), id="columns.wip"),
        Binding("shift+up,K", "move(-1)", N_("Move up"), id="columns.move-up"),
        Binding("shift+down,J", "move(1)", N_("Move down"), id="columns.move-down"),
        Binding("delete,x", "remove", N_("Remove"), id="columns.remove"),
        Binding("escape", "cancel", N_("Close"), id="columns.close"),
    ]

    def __init__(self, department: Department, counts: Sequence[tuple[Column, int]]) -> None:
        super().__init__()
        self.department = department
        self.counts = list(counts)

    def compose(self) -> ComposeResult:
        with Vertical(id="column-setup", classes="dialog"):
            yield Static(
                literal(_("Columns of {dept}").format(dept=self.department.name)), classes="dialog-title"
            )
            yield OptionList(
                *[Option(literal(column_line(c, n)), id=f"col-{i}") for i, (c, n) in enumerate(self.counts)],
                id="column-options",
            )
            yield Static(
                _("a add · r rename · w WIP limit · K/J move up/down · x remove · esc close"),
                classes="dialog-hint",
            )
            yield Static("", id="column-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#column-error", Static).display = False
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.counts else None
        options.focus()

    @property
    def highlighted(self) -> tuple[Column, int] | None:
        index = self.query_one(OptionList).highlighted
        return self.counts[index] if index is not None and 0 <= index < len(self.counts) else None

    def show_error(self, message: str) -> None:
        error = self.query_one("#column-error", Static)
        error.update(literal(message))
        error.display = True

    def _ask(
        self,
        title: str,
        fields: list[FormField],
        check: Callable[[dict[str, str]], object],
        then: Callable[[dict[str, str]], object],
    ) -> None:
        """Ask in a small form (kept open while ``check`` refuses), then ``then(values)``."""

        def checked(values: dict[str, str]) -> None:
            try:
                check(values)
            except HuddleError as exc:  # a clash of names is a ConflictError: shown in the form all the same
                raise ValidationError(str(exc)) from None

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(FieldsModal(title, fields, check=checked), answered)

    def action_add(self) -> None:
        current = self.highlighted
        names = [c.name for c, _n in self.counts]

        def check(values: dict[str, str]) -> None:
            rules.check_new_column_name(self.department, clean_title(values["name"], "column name"))
            wip_value(values["wip"])
            before = values["before"].strip()
            if before and self.department.column(before) is None:
                raise ValidationError(
                    _("no column {name!r}; known: {known}").format(name=before, known=", ".join(names))
                )

        def then(values: dict[str, str]) -> None:
            before = values["before"].strip()
            column = self.department.column(before) if before else None
            self.dismiss(
                ColumnChange(
                    "add",
                    values["name"].strip(),
                    before=column.name if column else None,
                    wip=wip_value(values["wip"]),
                )
            )

        default_before = ""
        if current is not None and current[0].name != names[-1]:
            default_before = names[names.index(current[0].name) + 1]
        self._ask(
            _("New column on {dept}").format(dept=self.department.name),
            [
                FormField("name", _("Name")),
                FormField("wip", _("WIP limit"), "0", _("0 = no limit")),
                FormField("before", _("Before column"), default_before, _("empty: last")),
            ],
            check,
            then,
        )

    def action_rename(self) -> None:
        current = self.highlighted
        if current is None:
            return
        column = current[0]
        try:
            rules.check_done_column_kept(column.name, "renamed")
        except HuddleError as exc:
            self.show_error(str(exc))
            return

        def check(values: dict[str, str]) -> None:
            rules.check_new_column_name(
                self.department, clean_title(values["name"], "column name"), renaming=column.name
            )

        self._ask(
            _("Rename column {name}").format(name=column.name),
            [FormField("name", _("New name"), column.name)],
            check,
            lambda values: self.dismiss(ColumnChange("rename", column.name, new_name=values["name"].strip())),
        )

    def action_wip(self) -> None:
        current = self.highlighted
        if current is None:
            return
        column = current[0]
        self._ask(
            _("WIP limit of {name}").format(name=column.name),
            [FormField("wip", _("WIP limit"), str(column.wip_limit or 0), _("0 = no limit"))],
            lambda values: wip_value(values["wip"]),
            lambda values: self.dismiss(ColumnChange("wip", column.name, wip=wip_value(values["wip"]))),
        )

    def action_move(self, step: int) -> None:
        current = self.highlighted
        if current is None:
            return
        names = [c.name for c, _n in self.counts]
        index = names.index(current[0].name)
        target = index + step
        if not 0 <= target < len(names):
            return
        rest = [n for n in names if n != current[0].name]
        before = rest[target] if target < len(rest) else None
        self.dismiss(ColumnChange("move", current[0].name, before=before))

    def action_remove(self) -> None:
        current = self.highlighted
        if current is None:
            return
        column, count = current
        try:
            rules.check_done_column_kept(column.name, "removed")
            rules.check_column_empty(self.department, column.name, count)
        except HuddleError as exc:
            self.show_error(str(exc))
            return
        from tui.dialogs.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(ColumnChange("remove", column.name))

        self.app.push_screen(
            ConfirmModal(_("Remove the empty column {name}?").format(name=column.name), yes=_("Remove")),
            answered,
        )

    @on(OptionList.OptionSelected)
    def rename_chosen(self) -> None:
        self.action_rename()

    def action_cancel(self) -> None:
        self.dismiss(None)
