"""The risk form: add a risk or edit one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from domain.dates import parse_date
from domain.errors import HuddleError, ValidationError
from domain.models import Risk, RiskStatus
from tui.shell import WriteJob, shell_of

if TYPE_CHECKING:
    from domain.services import Services


_SCORE_FIELDS = (
    ("probability", "Probability"),
    ("impact", "Impact"),
    ("residual_probability", "Residual P"),
    ("residual_impact", "Residual I"),
)
_TEXT_FIELDS = (
    ("category", "Category", "e.g. supplier, budget, people"),
    ("owner", "Owner", "a person's handle, e.g. ann"),
    ("mitigation", "Mitigation", "what lowers the probability or impact now"),
    ("contingency", "Contingency", "what we do if it happens"),
    ("trigger", "Trigger", "the early-warning indicator to watch"),
)


def parse_score(text: str, what: str) -> int | None:
    """Read a 1-5 score; empty means not assessed."""
    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise ValidationError(f"{what} must be a whole number from 1 to 5 (or empty), not {value!r}")
    return int(value)


def parse_card_ids(text: str) -> tuple[str, ...]:
    """Card ids separated by commas or spaces, upper-cased."""
    return tuple(dict.fromkeys(part.upper() for part in re.split(r"[\s,;]+", text.strip()) if part))


@dataclass(frozen=True, slots=True)
class FieldError(Exception):
    """A bad value in one field of the form."""

    field: str
    message: str


class RiskFormModal(ModalScreen[Risk | None]):
    """Add a risk, or edit one; saves through the risk service and returns the saved risk."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="risk-form.save"),
        Binding("escape", "cancel", "Cancel", id="risk-form.cancel"),
    ]

    def __init__(self, services: Services, *, today: date, risk: Risk | None = None) -> None:
        super().__init__()
        self.services = services
        self.today = today
        self.risk = risk

    def compose(self) -> ComposeResult:
        risk = self.risk
        title = f"Edit risk {risk.id}" if risk else "New risk"
        with Vertical(classes="risk-dialog"):
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Horizontal(classes="field-row"):
                    yield Label("Title", classes="field-label")
                    yield Input(
                        risk.title if risk else "",
                        placeholder="what could go wrong",
                        id="field-title",
                        compact=True,
                    )
                with Horizontal(classes="field-row"):
                    yield Label("Description", classes="field-label")
                    yield TextArea(risk.description if risk else "", id="field-description", compact=True)
                with Horizontal(classes="field-row score-row"):
                    for n, (name, label) in enumerate(_SCORE_FIELDS):
                        yield Label(label, classes="field-label -first" if n == 0 else "field-label")
                        value = getattr(risk, name) if risk else None
                        yield Input(
                            "" if value is None else str(value),
                            placeholder="1-5",
                            id=f"field-{name}",
                            classes="score-input",
                            compact=True,
                        )
                for name, label, hint in _TEXT_FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(label, classes="field-label")
                        yield Input(
                            str(getattr(risk, name) or "") if risk else "",
                            placeholder=hint,
                            id=f"field-{name}",
                            compact=True,
                        )
                with Horizontal(classes="field-row"):
                    yield Label("Status", classes="field-label")
                    yield Select(
                        [(s.value, s.value) for s in RiskStatus],
                        value=(risk.status if risk else RiskStatus.OPEN).value,
                        allow_blank=False,
                        id="field-status",
                        compact=True,
                    )
                with Horizontal(classes="field-row"):
                    yield Label("Review date", classes="field-label")
                    review = risk.review_date.isoformat() if risk and risk.review_date else ""
                    yield Input(
                        review, placeholder="fri, +2w, 2026-12-01", id="field-review_date", compact=True
                    )
                    yield Label("", id="review-resolved", classes="hint")
                with Horizontal(classes="field-row"):
                    yield Label("Linked cards", classes="field-label")
                    yield Input(
                        ", ".join(risk.linked_cards) if risk else "",
                        placeholder="OPS-1, MKT-2",
                        id="field-linked_cards",
                        compact=True,
                    )
            yield Static("", id="form-error", classes="form-error -empty")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()
        self._show_resolved(self.query_one("#field-review_date", Input).value)

    @on(Input.Changed, "#field-review_date")
    def preview_review_date(self, event: Input.Changed) -> None:
        self._show_resolved(event.value)

    def _show_resolved(self, text: str) -> None:
        label = self.query_one("#review-resolved", Label)
        if not text.strip():
            label.update("no review date")
            return
        try:
            day = parse_date(text, self.today)
        except ValidationError:
            label.update("?")
            return
        label.update(f"→ {day:%a} {day.isoformat()}")

    def _read(self) -> dict[str, Any]:
        """The form's values as service fields; raises FieldError naming the first bad field."""
        values: dict[str, Any] = {}
        title = self.query_one("#field-title", Input).value.strip()
        if not title:
            raise FieldError("title", "Title is empty: say in a few words what could go wrong.")
        values["title"] = title
        values["description"] = self.query_one("#field-description", TextArea).text
        for name, label in _SCORE_FIELDS:
            try:
                values[name] = parse_score(self.query_one(f"#field-{name}", Input).value, label)
            except ValidationError as exc:
                raise FieldError(name, str(exc)) from None
        for name, _, _ in _TEXT_FIELDS:
            values[name] = self.query_one(f"#field-{name}", Input).value.strip()
        values["owner"] = values["owner"] or None
        values["status"] = str(self.query_one("#field-status", Select).value)
        review_text = self.query_one("#field-review_date", Input).value
        try:
            values["review_date"] = parse_date(review_text, self.today) if review_text.strip() else None
        except ValidationError as exc:
            raise FieldError("review_date", f"Review date: {exc}") from None
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
        self._show_error("")
        self.query_one("#save", Button).disabled = True
        self._save(values)

    def _save(self, values: dict[str, Any]) -> None:
        """Queue the write with the app's other writes (off the event loop); report back in the form."""
        services, risk = self.services, self.risk

        def run() -> Risk:
            if risk is not None:
                return services.risks.edit(risk.id, values)
            fields = dict(values)
            title, owner = fields.pop("title"), fields.pop("owner")
            probability, impact = fields.pop("probability"), fields.pop("impact")
            return services.risks.add(title, probability, impact, owner=owner, **fields)

        def failed(error: Exception) -> None:
            self._save_failed(str(error) if isinstance(error, HuddleError | ValueError) else repr(error))

        shell_of(self.app).submit_write(WriteJob("save the risk", run, self._saved, failed))

    def _save_failed(self, message: str) -> None:
        self.query_one("#save", Button).disabled = False
        field = "linked_cards" if "card" in message else "owner" if "person" in message else None
        self._show_error(f"Not saved: {message}", field)

    def _saved(self, risk: Risk) -> None:
        self.dismiss(risk)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
