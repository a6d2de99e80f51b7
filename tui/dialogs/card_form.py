"""The card form: every field of a card, checked before it is returned."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from domain.dates import parse_date
from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.models import Card, Department, Priority
from domain.text import clean_text, clean_title
from tui.dialogs.base import DraftKeeper
from tui.dialogs.discard import close_or_ask
from tui.translated import TranslatedBindings
from tui.views.board import PRIORITY_NAMES
from tui.widgets.date_input import resolved_date
from tui.widgets.safe import literal

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
            raise ValidationError(_("{field}: {error}").format(field=name, error=exc)) from None
    estimate = draft.get("estimate", "").strip()
    try:
        values["estimate"] = float(estimate) if estimate else None
    except ValueError:
        raise ValidationError(
            _("estimate {value} is not a number of days").format(value=repr(estimate))
        ) from None
    progress = draft.get("progress", "").strip() or "0"
    if not progress.isdigit() or int(progress) > 100:
        raise ValidationError(_("progress {value} must be a whole number 0-100").format(value=repr(progress)))
    values["progress"] = int(progress)
    values["priority"] = Priority(draft.get("priority") or Priority.NORMAL.value)
    values["milestone"] = bool(draft.get("milestone"))
    for name in LIST_FIELDS:
        items = split_list(draft.get(name, ""))
        values[name] = (
            tuple(i.upper() for i in items) if name == "blocked_by" else tuple(i.lstrip("@") for i in items)
        )
    if values["start"] and values["due"] and values["start"] > values["due"]:
        raise ValidationError(
            _("start {start} is after due {due}").format(start=values["start"], due=values["due"])
        )
    return values


def changed_values(card: Card, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs from ``card``."""
    return {name: value for name, value in values.items() if getattr(card, name) != value}


class CardFormModal(TranslatedBindings, ModalScreen[CardFormResult | None]):
    """Every field of a card; date fields accept the human forms and show the resolved date live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
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
        drafts: DraftKeeper | None = None,
    ) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.department = department
        self.column = column or department.columns[0].name
        self.draft = dict(draft) if draft is not None else card_draft(card)
        self.error = error
        self.restored = False
        self.drafts = drafts
        if draft is None and drafts is not None and (saved := drafts.take(self.draft_key)) is not None:
            self.draft = {**self.draft, **saved}
            self.restored = True
        self._unregister_flush: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        draft = self.draft
        heading = (
            _("Edit {id}").format(id=self.card.id)
            if self.card
            else _("New card in {department}").format(department=self.department.name)
        )
        if self.restored:
            heading += _("  (unsaved draft restored)")
        with Vertical(id="card-form", classes="dialog"):
            yield Static(literal(heading), classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Grid(classes="form-grid"):
                    yield Label(_("Title"))
                    yield Input(
                        draft.get("title", ""),
                        id="title",
                        placeholder=_("what needs doing"),
                        compact=True,
                        select_on_focus=False,
                    )
                    if self.card is None:
                        yield Label(_("Column"))
                        yield Select(
                            [(c.name, c.name) for c in self.department.columns],
                            value=self.column,
                            allow_blank=False,
                            id="column",
                            compact=True,
                        )
                    yield Label(_("Owner"))
                    yield Input(
                        draft.get("owner", ""), id="owner", placeholder=_("handle, such as ann"), compact=True
                    )
                    for name, label in (("start", N_("Start")), ("due", N_("Due"))):
                        yield Label(_(label))
                        with Vertical(classes="date-field"):
                            yield Input(
                                draft.get(name, ""),
                                id=name,
                                placeholder=_("today, fri, +3d, 明天…"),
                                compact=True,
                            )
                            yield Static(
                                self._resolve(draft.get(name, "")), id=f"{name}-resolved", classes="resolved"
                            )
                    yield Label(_("Priority"))
                    yield Select(
                        [(_(PRIORITY_NAMES[p.value]), p.value) for p in Priority],
                        value=draft.get("priority") or Priority.NORMAL.value,
                        allow_blank=False,
                        id="priority",
                        compact=True,
                    )
                    yield Label(_("Milestone"))
                    yield Checkbox(_("milestone"), bool(draft.get("milestone")), id="milestone", compact=True)
                    yield Label(_("Estimate"))
                    yield Input(
                        draft.get("estimate", ""),
                        id="estimate",
                        placeholder=_("person-days"),
                        type="number",
                        compact=True,
                    )
                    yield Label(_("Progress %"))
                    yield Input(draft.get("progress", "0"), id="progress", type="integer", compact=True)
                    yield Label(_("Tags"))
                    yield Input(
                        draft.get("tags", ""), id="tags", placeholder=_("comma separated"), compact=True
                    )
                    yield Label(_("Blocked by"))
                    yield Input(
                        draft.get("blocked_by", ""),
                        id="blocked_by",
                        placeholder=_("card ids, such as OPS-3"),
                        compact=True,
                    )
                    yield Label(_("Blocked reason"))
                    yield Input(draft.get("blocked_reason", ""), id="blocked_reason", compact=True)
                    yield Label(_("Parent"))
                    yield Input(
                        draft.get("parent", ""), id="parent", placeholder=_("card id (WBS)"), compact=True
                    )
                    yield Label(_("Responsible"))
                    yield Input(
                        draft.get("responsible", ""), id="responsible", placeholder=_("handles"), compact=True
                    )
                    yield Label(_("Accountable"))
                    yield Input(
                        draft.get("accountable", ""),
                        id="accountable",
                        placeholder=_("one handle"),
                        compact=True,
                    )
                    yield Label(_("Consulted"))
                    yield Input(draft.get("consulted", ""), id="consulted", compact=True)
                    yield Label(_("Informed"))
                    yield Input(draft.get("informed", ""), id="informed", compact=True)
                yield Label(_("Description"), classes="description-label")
                yield TextArea(draft.get("description", ""), id="description", soft_wrap=True, compact=True)
            yield Static(literal(self.error), id="form-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save  ctrl+s"), id="save", variant="primary", compact=True)
                yield Button(_("Cancel  esc"), id="cancel", compact=True)

    @property
    def draft_key(self) -> str:
        """Names this form's draft file: one per card, one for a new card per department."""
        return f"card-{self.card.id}" if self.card else f"card-new-{self.department.key}"

    def flush_draft(self) -> None:
        """Flush hook: keep what was typed when the terminal hangs up."""
        if self.drafts is not None:
            self.drafts.save(self.draft_key, self.current_draft())

    def on_mount(self) -> None:
        if self.drafts is not None:
            self._unregister_flush = self.drafts.register_flush(self.flush_draft)
        self.query_one("#form-error", Static).display = bool(self.error)
        for name in DATE_FIELDS:
            self.query_one(f"#{name}-resolved", Static).display = bool(self.draft.get(name, "").strip())
        self.query_one("#title", Input).focus()
        self._opened_with = self.current_draft() if not self.restored else {}

    def on_unmount(self) -> None:
        if self._unregister_flush is not None:
            self._unregister_flush()

    def _resolve(self, text: str) -> Content:
        return resolved_date(text, self.today)

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
        close_or_ask(self, self.current_draft() != self._opened_with)
