"""Modal dialogs of the boards: the card form, a yes/no confirmation, card detail, department picker."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from domain.dates import DATE_FORMS, parse_date
from domain.errors import ValidationError
from domain.models import Activity, Card, Department, Priority
from domain.rules import is_blocked, is_overdue
from domain.text import clean_text, clean_title
from storage.drafts import save_draft, take_draft
from tui.shell import shell_of
from tui.widgets.safe import literal, printable

LIST_FIELDS = ("tags", "blocked_by", "responsible", "consulted", "informed")
TEXT_FIELDS = ("title", "owner", "accountable", "parent", "blocked_reason")
DATE_FIELDS = ("start", "due")


@dataclass(frozen=True)
class CardFormResult:
    """What the form returns: validated field values, and the raw text to re-open it with on error."""

    values: dict[str, Any]
    """For a new card every field; for an edit only the fields that changed."""
    draft: dict[str, str]
    column: str | None = None
    """The column chosen for a new card."""


def split_list(text: str) -> tuple[str, ...]:
    """``"a, b c"`` -> ``("a", "b", "c")`` (commas or spaces separate items)."""
    return tuple(part for part in text.replace(",", " ").split() if part)


def card_draft(card: Card | None) -> dict[str, str]:
    """The form's text for ``card`` (empty for a new card)."""
    if card is None:
        return {"priority": Priority.NORMAL.value, "milestone": "", "description": ""}
    return {
        "title": card.title,
        "owner": card.owner or "",
        "accountable": card.accountable or "",
        "parent": card.parent or "",
        "blocked_reason": card.blocked_reason,
        "start": card.start.isoformat() if card.start else "",
        "due": card.due.isoformat() if card.due else "",
        "estimate": "" if card.estimate is None else f"{card.estimate:g}",
        "progress": str(card.progress),
        "priority": card.priority.value,
        "milestone": "yes" if card.milestone else "",
        "description": card.description,
        **{name: ", ".join(getattr(card, name)) for name in LIST_FIELDS},
    }


def parse_draft(draft: Mapping[str, str], today: date) -> dict[str, Any]:
    """Turn the form's text into field values; raises ValidationError naming the field."""
    values: dict[str, Any] = {"title": clean_title(draft.get("title", ""))}
    for name in ("owner", "accountable", "parent"):
        values[name] = draft.get(name, "").strip().lstrip("@") or None
    values["blocked_reason"] = clean_text(draft.get("blocked_reason", ""), "blocked reason", required=False)
    values["description"] = clean_text(draft.get("description", ""), "description", required=False)
    for name in DATE_FIELDS:
        text = draft.get(name, "").strip()
        try:
            values[name] = parse_date(text, today) if text else None
        except ValidationError as exc:
            raise ValidationError(f"{name}: {exc}") from None
    estimate = draft.get("estimate", "").strip()
    try:
        values["estimate"] = float(estimate) if estimate else None
    except ValueError:
        raise ValidationError(f"estimate {estimate!r} is not a number of days") from None
    progress = draft.get("progress", "").strip() or "0"
    if not progress.isdigit() or int(progress) > 100:
        raise ValidationError(f"progress {progress!r} must be a whole number 0-100")
    values["progress"] = int(progress)
    values["priority"] = Priority(draft.get("priority") or Priority.NORMAL.value)
    values["milestone"] = bool(draft.get("milestone"))
    for name in LIST_FIELDS:
        items = split_list(draft.get(name, ""))
        values[name] = (
            tuple(i.upper() for i in items) if name == "blocked_by" else tuple(i.lstrip("@") for i in items)
        )
    if values["start"] and values["due"] and values["start"] > values["due"]:
        raise ValidationError(f"start {values['start']} is after due {values['due']}")
    return values


def changed_values(card: Card, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs from ``card``."""
    return {name: value for name, value in values.items() if getattr(card, name) != value}


class CardFormModal(ModalScreen[CardFormResult | None]):
    """Every field of a card; date fields accept the human forms and show the resolved date live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        card: Card | None,
        *,
        today: date,
        department: Department,
        column: str | None = None,
        draft: Mapping[str, str] | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.department = department
        self.column = column or department.columns[0].name
        self.draft = dict(draft) if draft is not None else card_draft(card)
        self.error = error
        self.restored = False
        if draft is None and (saved := take_draft(self.draft_key)) is not None:
            self.draft = {**self.draft, **saved}
            self.restored = True
        self._unregister_flush: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        draft = self.draft
        heading = f"Edit {self.card.id}" if self.card else f"New card in {self.department.name}"
        if self.restored:
            heading += "  (unsaved draft restored)"
        with Vertical(id="card-form", classes="dialog"):
            yield Static(literal(heading), classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Grid(classes="form-grid"):
                    yield Label("Title")
                    yield Input(
                        draft.get("title", ""),
                        id="title",
                        placeholder="what needs doing",
                        compact=True,
                        select_on_focus=False,
                    )
                    if self.card is None:
                        yield Label("Column")
                        yield Select(
                            [(c.name, c.name) for c in self.department.columns],
                            value=self.column,
                            allow_blank=False,
                            id="column",
                            compact=True,
                        )
                    yield Label("Owner")
                    yield Input(
                        draft.get("owner", ""), id="owner", placeholder="handle, such as ann", compact=True
                    )
                    for name, label in (("start", "Start"), ("due", "Due")):
                        yield Label(label)
                        with Vertical(classes="date-field"):
                            yield Input(
                                draft.get(name, ""),
                                id=name,
                                placeholder="today, fri, +3d, 明天…",
                                compact=True,
                            )
                            yield Static(
                                self._resolve(draft.get(name, "")), id=f"{name}-resolved", classes="resolved"
                            )
                    yield Label("Priority")
                    yield Select(
                        [(p.value, p.value) for p in Priority],
                        value=draft.get("priority") or Priority.NORMAL.value,
                        allow_blank=False,
                        id="priority",
                        compact=True,
                    )
                    yield Label("Milestone")
                    yield Checkbox("milestone", bool(draft.get("milestone")), id="milestone", compact=True)
                    yield Label("Estimate")
                    yield Input(
                        draft.get("estimate", ""),
                        id="estimate",
                        placeholder="person-days",
                        type="number",
                        compact=True,
                    )
                    yield Label("Progress %")
                    yield Input(draft.get("progress", "0"), id="progress", type="integer", compact=True)
                    yield Label("Tags")
                    yield Input(draft.get("tags", ""), id="tags", placeholder="comma separated", compact=True)
                    yield Label("Blocked by")
                    yield Input(
                        draft.get("blocked_by", ""),
                        id="blocked_by",
                        placeholder="card ids, such as OPS-3",
                        compact=True,
                    )
                    yield Label("Blocked reason")
                    yield Input(draft.get("blocked_reason", ""), id="blocked_reason", compact=True)
                    yield Label("Parent")
                    yield Input(
                        draft.get("parent", ""), id="parent", placeholder="card id (WBS)", compact=True
                    )
                    yield Label("Responsible")
                    yield Input(
                        draft.get("responsible", ""), id="responsible", placeholder="handles", compact=True
                    )
                    yield Label("Accountable")
                    yield Input(
                        draft.get("accountable", ""), id="accountable", placeholder="one handle", compact=True
                    )
                    yield Label("Consulted")
                    yield Input(draft.get("consulted", ""), id="consulted", compact=True)
                    yield Label("Informed")
                    yield Input(draft.get("informed", ""), id="informed", compact=True)
                yield Label("Description", classes="description-label")
                yield TextArea(draft.get("description", ""), id="description", soft_wrap=True, compact=True)
            yield Static(literal(self.error), id="form-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    @property
    def draft_key(self) -> str:
        """Names this form's draft file: one per card, one for a new card per department."""
        return f"card-{self.card.id}" if self.card else f"card-new-{self.department.key}"

    def flush_draft(self) -> None:
        """Flush hook: keep what was typed when the terminal hangs up."""
        save_draft(self.draft_key, self.current_draft())

    def on_mount(self) -> None:
        self._unregister_flush = shell_of(self.app).register_flush(self.flush_draft)
        self.query_one("#form-error", Static).display = bool(self.error)
        for name in DATE_FIELDS:
            self.query_one(f"#{name}-resolved", Static).display = bool(self.draft.get(name, "").strip())
        self.query_one("#title", Input).focus()

    def on_unmount(self) -> None:
        if self._unregister_flush is not None:
            self._unregister_flush()

    def _resolve(self, text: str) -> Content:
        if not text.strip():
            return Content("")
        try:
            day = parse_date(text, self.today)
        except ValidationError:
            return literal(f"not a date; use {DATE_FORMS}", "$error")
        return literal(f"→ {day:%a} {day.isoformat()}", "$success")

    @on(Input.Changed, "#start, #due")
    def show_resolved_date(self, event: Input.Changed) -> None:
        """Show the date a typed form resolves to, as it is typed."""
        resolved = self.query_one(f"#{event.input.id}-resolved", Static)
        resolved.update(self._resolve(event.value))
        resolved.display = bool(event.value.strip())

    def current_draft(self) -> dict[str, str]:
        """The raw text of every field, as typed."""
        draft = {inp.id: inp.value for inp in self.query(Input) if inp.id is not None}
        priority = self.query_one("#priority", Select).value
        draft["priority"] = str(priority) if priority is not Select.NULL else Priority.NORMAL.value
        draft["milestone"] = "yes" if self.query_one("#milestone", Checkbox).value else ""
        draft["description"] = self.query_one("#description", TextArea).text
        return draft

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(literal(message))
        error.display = True

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        draft = self.current_draft()
        try:
            values = parse_draft(draft, self.today)
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        column = None
        if self.card is None:
            chosen = self.query_one("#column", Select).value
            column = str(chosen) if chosen is not Select.NULL else self.column
        else:
            values = changed_values(self.card, values)
        self.dismiss(CardFormResult(values, draft, column))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; ``y``/enter confirms, ``n``/escape declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(literal(self.question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}  y", id="yes", variant="error", compact=True)
                yield Button("No  n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class WriteConfirmModal(ConfirmModal, inherit_bindings=False):
    """A yes/no question with no letter keys: Escape or Enter on the focused Cancel declines.

    Asked before a single key writes a file or sends mail from a list, so that letters typed by someone who
    believes a form is open (a meeting title, a name) can never confirm it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "Cancel", id="write-confirm.cancel"),
        Binding("ctrl+s", "answer(True)", "Confirm", id="write-confirm.yes"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(literal(self.question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yes = Button(f"{self.yes} (ctrl+s)", id="yes", variant="primary", compact=True)
                yes.can_focus = False  # Tab then Enter, as in a form, must not confirm
                yield yes
                yield Button("Cancel", id="no", compact=True)


@dataclass(frozen=True)
class FormField:
    """One line of a :class:`FieldsModal`."""

    key: str
    label: str
    value: str = ""
    placeholder: str = ""


class FieldsModal(ModalScreen[dict[str, str] | None]):
    """A small form of one-line fields, dismissed with the typed values by key (None when cancelled).

    ``check`` raises ValidationError for values that must not be saved: the form stays open with the
    message and everything typed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="fields.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="fields.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        *,
        check: Callable[[dict[str, str]], object] | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.check = check
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="fields-form", classes="dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            with Grid(classes="form-grid"):
                for field in self.fields:
                    yield Label(literal(field.label))
                    yield Input(
                        field.value, id=f"field-{field.key}", placeholder=field.placeholder, compact=True
                    )
            yield Static(literal(self.error), id="fields-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

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
        self.dismiss(None)


@dataclass(frozen=True)
class CardDetail:
    """Everything the detail dialog shows, loaded off the event loop."""

    card: Card
    blocked_by: list[tuple[str, Card | None]] = field(default_factory=list)
    """Each dependency id with its card (None when it no longer exists)."""
    blocking: list[Card] = field(default_factory=list)
    """Cards that wait for this one."""
    children: list[Card] = field(default_factory=list)
    history: list[Activity] = field(default_factory=list)


def detail_content(detail: CardDetail, today: date) -> Content:
    """The card's fields, dependencies and activity as literal text."""
    card = detail.card
    lines: list[Content] = []

    def row(name: str, value: str) -> None:
        lines.append(Content.assemble((f"{name:<13}", "bold"), printable(value)))

    row("Title", card.title)
    row("Department", f"{card.dept} / {card.column}")
    row("Owner", f"@{card.owner}" if card.owner else "unassigned")
    due = card.due.isoformat() if card.due else "-"
    if card.due and is_overdue(card, today):
        due += f"  overdue by {(today - card.due).days} day(s)"
    row("Due", due)
    row("Start", card.start.isoformat() if card.start else "-")
    row("Priority", card.priority.value)
    row("Milestone", "yes" if card.milestone else "no")
    row("Progress", f"{card.progress}%")
    row("Estimate", "-" if card.estimate is None else f"{card.estimate:g} person-days")
    row("Tags", ", ".join(card.tags) or "-")
    raci = f"R {', '.join(card.responsible) or '-'}  A {card.accountable or '-'}"
    raci += f"  C {', '.join(card.consulted) or '-'}  I {', '.join(card.informed) or '-'}"
    row("RACI", raci)
    if card.parent:
        row("Parent", card.parent)
    if card.blocked_reason and is_blocked(card, {}):
        row("Blocked", card.blocked_reason)
    if card.description:
        lines.append(Content(""))
        lines.append(literal(card.description, keep_newlines=True))
    lines.append(Content(""))
    if card.criteria:
        done = sum(1 for c in card.criteria if c.state != "open")
        lines.append(Content.styled(f"Acceptance ({done}/{len(card.criteria)})", "bold $text-accent"))
        for crit in card.criteria:
            by = f" — {crit.accepted_by}" if crit.accepted_by else ""
            lines.append(literal(f"  {crit.id} [{crit.state}] {crit.text}{by}"))
    lines.append(Content.styled("Blocked by", "bold $text-accent"))
    for dep_id, dep in detail.blocked_by:
        text = f"  {dep_id}  (missing)" if dep is None else f"  {dep.id}  {dep.title}  [{dep.column}]"
        lines.append(literal(text))
    if not detail.blocked_by:
        lines.append(Content("  nothing"))
    lines.append(Content.styled("Blocking", "bold $text-accent"))
    for other in detail.blocking:
        lines.append(literal(f"  {other.id}  {other.title}  [{other.column}]"))
    if not detail.blocking:
        lines.append(Content("  nothing"))
    if detail.children:
        lines.append(Content.styled("Sub-tasks", "bold $text-accent"))
        for child in detail.children:
            lines.append(literal(f"  {child.id}  {child.title}  [{child.column}]"))
    lines.append(Content.styled("Activity", "bold $text-accent"))
    for entry in detail.history:
        stamp = entry.at.strftime("%Y-%m-%d %H:%M")
        detail_text = f": {entry.detail}" if entry.detail else ""
        lines.append(literal(f"  {stamp}  {entry.user} ({entry.os_user})  {entry.action}{detail_text}"))
    if not detail.history:
        lines.append(Content("  none recorded"))
    return Content("\n").join(lines)


class CardDetailModal(ModalScreen[str | None]):
    """A card with its dependencies and history; buttons move, edit or delete it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="detail.close"),
        Binding("e", "choose('edit')", "Edit", id="detail.edit"),
        Binding("less_than_sign", "choose('move-left')", "Move ←", id="detail.move-left"),
        Binding("greater_than_sign", "choose('move-right')", "Move →", id="detail.move-right"),
        Binding("delete", "choose('delete')", "Delete", id="detail.delete"),
    ]

    def __init__(self, detail: CardDetail, *, today: date, can_left: bool, can_right: bool) -> None:
        super().__init__()
        self.detail = detail
        self.today = today
        self.can_left = can_left
        self.can_right = can_right

    def compose(self) -> ComposeResult:
        card = self.detail.card
        with Vertical(id="card-detail", classes="dialog"):
            yield Static(literal(f"{card.id}  {card.title}"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(detail_content(self.detail, self.today), id="detail-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("← Move", id="move-left", disabled=not self.can_left, compact=True)
                yield Button("Move →", id="move-right", disabled=not self.can_right, compact=True)
                yield Button("Edit", id="edit", variant="primary", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)
                yield Button("Close", id="close", compact=True)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, what: str) -> None:
        if (what == "move-left" and not self.can_left) or (what == "move-right" and not self.can_right):
            return
        self.dismiss(what)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "close" else event.button.id)


class DepartmentPickerModal(ModalScreen[str | None]):
    """Choose a department board by name."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, departments: Sequence[Department], current: str | None) -> None:
        super().__init__()
        self.departments = list(departments)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dept-picker", classes="dialog"):
            yield Static("Department", classes="dialog-title")
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
