"""A one-line date field that shows, under it, the date a typed form resolves to (``fri`` -> Fri 2026-12-04).

Typed text stays as typed; the preview is only a reading of it, so ``+6w`` or ``下周五`` can be checked
before saving. The widget never saves: the form it sits in reads ``value``.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from domain.dates import DATE_FORMS, parse_date, weekday_name
from domain.errors import ValidationError
from domain.i18n import _
from tui.widgets.safe import literal


def resolved_date(text: str, today: date) -> Content:
    """The preview line for ``text``: the resolved date, a hint for a bad one, nothing when empty."""
    if not text.strip():
        return Content("")
    try:
        day = parse_date(text, today)
    except ValidationError:
        return literal(_("not a date; use {forms}").format(forms=DATE_FORMS), "$error")
    return literal(
        _("→ {weekday} {date}").format(weekday=weekday_name(day), date=day.isoformat()), "$success"
    )


class DateInput(Vertical):
    """An ``Input`` (id ``input_id``) with the resolved date shown live below it."""

    DEFAULT_CSS = """
    DateInput { height: auto; }
    DateInput > .resolved { height: 1; }
    """

    def __init__(
        self, value: str, *, today: date, input_id: str, placeholder: str = "", compact: bool = True
    ) -> None:
        super().__init__(classes="date-field")
        self.today = today
        self._value = value
        self._input_id = input_id
        self._placeholder = placeholder
        self._compact = compact

    def compose(self) -> ComposeResult:
        yield Input(self._value, id=self._input_id, placeholder=self._placeholder, compact=self._compact)
        preview = Static(resolved_date(self._value, self.today), classes="resolved")
        preview.display = bool(self._value.strip())
        yield preview

    @property
    def preview(self) -> Static:
        return self.query_one(".resolved", Static)

    @on(Input.Changed)
    def show_resolved_date(self, event: Input.Changed) -> None:
        """Show what the typed text resolves to, as it is typed."""
        self.preview.update(resolved_date(event.value, self.today))
        self.preview.display = bool(event.value.strip())
