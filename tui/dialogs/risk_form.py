"""The risk form: add a risk or edit one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from domain.dates import format_day, parse_date
from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.models import Risk, RiskStatus
from tui.dialogs.discard import close_or_ask
from tui.translated import TranslatedBindings
from tui.views.risks import status_label

_SCORE_FIELDS = (
    ("probability", N_("Probability")),
    ("impact", N_("Impact")),
    ("residual_probability", N_("Residual P")),
    ("residual_impact", N_("Residual I")),
)
"""Score fields and their labels (marked; translated where shown)."""
_TEXT_FIELDS = (
    ("category", N_("Category"), N_("e.g. supplier, budget, people")),
    ("owner", N_("Owner"), N_("a person's handle, e.g. ann")),
    ("mitigation", N_("Mitigation"), N_("what lowers the probability or impact now")),
    ("contingency", N_("Contingency"), N_("what we do if it happens")),
    ("trigger", N_("Trigger"), N_("the early-warning indicator to watch")),
)
"""Text fields, their labels and hints (marked; translated where shown)."""


def parse_score(text: str, what: str) -> int | None:
    """Read a 1-5 score; empty means not assessed."""
    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise ValidationError(
            _("{what} must be a whole number from 1 to 5 (or empty), not {value}").format(
                what=what, value=repr(value)
            )
        )
    return int(value)


def parse_card_ids(text: str) -> tuple[str, ...]:
    """Card ids separated by commas or spaces, upper-cased."""
    return tuple(dict.fromkeys(part.upper() for part in re.split(r"[\s,;]+", text.strip()) if part))


@dataclass(frozen=True, slots=True)
class RiskFormResult:
    """What the form returns: the checked values as service fields, and the typed text to re-open it with."""

    values: dict[str, Any]
    draft: dict[str, str]


def risk_draft(risk: Risk | None) -> dict[str, str]:
    """The form's text for ``risk`` (empty for a new risk)."""
    draft = {
        "title": "",
        "description": "",
        "status": RiskStatus.OPEN.value,
        "review_date": "",
        "linked_cards": "",
    }
    draft |= {name: "" for name, _label in _SCORE_FIELDS} | {name: "" for name, _label, _hint in _TEXT_FIELDS}
    if risk is None:
        return draft
    draft |= {
        name: "" if getattr(risk, name) is None else str(getattr(risk, name))
        for name, _label in _SCORE_FIELDS
    }
    draft |= {name: str(getattr(risk, name) or "") for name, _label, _hint in _TEXT_FIELDS}
    return draft | {
        "title": risk.title,
        "description": risk.description,
        "status": risk.status.value,
        "review_date": risk.review_date.isoformat() if risk.review_date else "",
        "linked_cards": ", ".join(risk.linked_cards),
    }


def field_of_error(message: str) -> str | None:
    """The field a refused save points at: the service names the missing card or person."""
    return "linked_cards" if "card" in message else "owner" if "person" in message else None


@dataclass(frozen=True, slots=True)
class FieldError(Exception):
    """A bad value in one field of the form."""

    field: str
    message: str


class RiskFormModal(TranslatedBindings, ModalScreen[RiskFormResult | None]):
    """Add a risk, or edit one; returns the checked values, and the screen that opened it saves them.

    Re-opened with ``draft`` and ``error`` when the save was refused, so nothing typed is lost.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="risk-form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="risk-form.cancel"),
    ]

    def __init__(
        self, *, today: date, risk: Risk | None = None, draft: dict[str, str] | None = None, error: str = ""
    ) -> None:
        super().__init__()
        self.today = today
        self.risk = risk
        self.draft = risk_draft(risk) | (draft or {})
        self.error = error

    def compose(self) -> ComposeResult:
        risk, draft = self.risk, self.draft
        title = _("Edit risk {id}").format(id=risk.id) if risk else _("New risk")
        with Vertical(classes="risk-dialog"):
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Horizontal(classes="field-row"):
                    yield Label(_("Title"), classes="field-label")
                    yield Input(
                        draft["title"],
                        placeholder=_("what could go wrong"),
                        id="field-title",
                        compact=True,
                    )
                with Horizontal(classes="field-row"):
                    yield Label(_("Description"), classes="field-label")
                    yield TextArea(draft["description"], id="field-description", compact=True)
                with Horizontal(classes="field-row score-row"):
                    for n, (name, label) in enumerate(_SCORE_FIELDS):
                        yield Label(_(label), classes="field-label -first" if n == 0 else "field-label")
                        yield Input(
                            draft[name],
                            placeholder="1-5",
                            id=f"field-{name}",
                            classes="score-input",
                            compact=True,
                        )
                for name, label, hint in _TEXT_FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(_(label), classes="field-label")
                        yield Input(
                            draft[name],
                            placeholder=_(hint),
                            id=f"field-{name}",
                            compact=True,
                        )
                with Horizontal(classes="field-row"):
                    yield Label(_("Status"), classes="field-label")
                    yield Select(
                        [(status_label(s.value), s.value) for s in RiskStatus],
                        value=draft["status"],
                        allow_blank=False,
                        id="field-status",
                        compact=True,
                    )
                with Horizontal(classes="field-row"):
                    yield Label(_("Review date"), classes="field-label")
                    yield Input(
                        draft["review_date"],
                        placeholder=_("fri, +2w, 2026-12-01"),
                        id="field-review_date",
                        compact=True,
                    )
                    yield Label("", id="review-resolved", classes="hint")
                with Horizontal(classes="field-row"):
                    yield Label(_("Linked cards"), classes="field-label")
                    yield Input(
                        draft["linked_cards"],
                        placeholder="OPS-1, MKT-2",
                        id="field-linked_cards",
                        compact=True,
                    )
            yield Static("", id="form-error", classes="form-error -empty")
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel ({key})").format(key="esc"), id="cancel", compact=True)
                yield Button(
                    _("Save ({key})").format(key="ctrl+s"), variant="primary", id="save", compact=True
                )

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()
        self._show_resolved(self.query_one("#field-review_date", Input).value)
        self._opened_with = self.current_draft()
        if self.error:
            self._show_error(self.error, field_of_error(self.error))

    @on(Input.Changed, "#field-review_date")
    def preview_review_date(self, event: Input.Changed) -> None:
        self._show_resolved(event.value)

    def _show_resolved(self, text: str) -> None:
        label = self.query_one("#review-resolved", Label)
        if not text.strip():
            label.update(_("no review date"))
            return
        try:
            day = parse_date(text, self.today)
        except ValidationError:
            label.update("?")
            return
        label.update(f"→ {format_day(day, today=self.today)} ({day.isoformat()})")

    def _read(self) -> dict[str, Any]:
        """The form's values as service fields; raises FieldError naming the first bad field."""
        values: dict[str, Any] = {}
        title = self.query_one("#field-title", Input).value.strip()
        if not title:
            raise FieldError("title", _("Title is empty: say in a few words what could go wrong."))
        values["title"] = title
        values["description"] = self.query_one("#field-description", TextArea).text
        for name, label in _SCORE_FIELDS:
            try:
                values[name] = parse_score(self.query_one(f"#field-{name}", Input).value, _(label))
            except ValidationError as exc:
                raise FieldError(name, str(exc)) from None
        for name, _label, _hint in _TEXT_FIELDS:
            values[name] = self.query_one(f"#field-{name}", Input).value.strip()
        values["owner"] = values["owner"] or None
        values["status"] = str(self.query_one("#field-status", Select).value)
        review_text = self.query_one("#field-review_date", Input).value
        try:
            values["review_date"] = parse_date(review_text, self.today) if review_text.strip() else None
        except ValidationError as exc:
            raise FieldError("review_date", _("Review date: {reason}").format(reason=exc)) from None
        values["linked_cards"] = parse_card_ids(self.query_one("#field-linked_cards", Input).value)
        return values

    def _show_error(self, message: str, field: str | None = None) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Content(message))
        error.set_class(not message, "-empty")
        for widget in self.query(Input):
            widget.set_class(field is not None and widget.id == f"field-{field}", "-invalid")
        if field is not None:
            self.query_one(f"#field-{field}").focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            values = self._read()
        except FieldError as exc:
            self._show_error(exc.message, exc.field)
            return
        self.dismiss(RiskFormResult(values, self.current_draft()))

    def current_draft(self) -> dict[str, str]:
        """The raw text of every field, as typed."""
        draft = {
            (widget.id or "").removeprefix("field-"): widget.value
            for widget in self.query(Input)
            if widget.id
        }
        draft["description"] = self.query_one("#field-description", TextArea).text
        draft["status"] = str(self.query_one("#field-status", Select).value)
        return draft

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        close_or_ask(self, self.current_draft() != self._opened_with)
