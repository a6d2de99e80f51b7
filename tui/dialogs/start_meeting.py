"""Start a meeting: title, series, attendees, agenda with timeboxes, time and zone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from domain.capture import parse_agenda
from domain.dates import get_zone, parse_datetime
from domain.errors import UnknownPersonError, ValidationError
from domain.i18n import N_, _, pgettext
from domain.models import Person
from tui.dialogs.base import resolve_attendees
from tui.dialogs.discard import close_or_ask
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


@dataclass(frozen=True, slots=True)
class StartRequest:
    """What the start form collected, resolved and checked."""

    title: str
    series: str
    attendees: tuple[str, ...]
    agenda: tuple[tuple[str, int], ...]
    at: datetime | None
    tz: str


def parse_start_form(
    *, title: str, series: str, attendees: str, agenda: str, when: str, zone: str, people: Sequence[Person],
    today: date,
) -> StartRequest:  # fmt: skip
    """Check the start form; raises ValidationError naming the field."""
    if not title.strip():
        raise ValidationError(_("title is empty"))
    tz = zone.strip() or "UTC"
    zone_info = get_zone(tz)
    at = parse_datetime(when, today, zone_info) if when.strip() and when.strip() != "now" else None
    return StartRequest(
        title=title.strip(),
        series=series.strip(),
        attendees=tuple(p.handle for p in resolve_attendees(attendees, people)),
        agenda=tuple(parse_agenda(agenda)),
        at=at,
        tz=tz,
    )


class StartMeetingModal(TranslatedBindings, ModalScreen[StartRequest | None]):
    """The start-a-meeting form: title, series, attendees, agenda with timeboxes, time and zone."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="meeting-form.cancel"),
        Binding("ctrl+s", "submit", N_("Start"), id="meeting-form.start"),
    ]

    def __init__(
        self,
        people: Sequence[Person],
        *,
        today: date,
        zone: str,
        add_guest: Callable[[str, Callable[[Person], None]], None] | None = None,
    ) -> None:
        super().__init__()
        self.people = list(people)
        self.today = today
        self.zone = zone
        self.add_guest = add_guest
        """Offers to add an unknown attendee (the screen asks and writes), then calls back with the person."""

    def compose(self) -> ComposeResult:
        with Vertical(id="start-form", classes="meeting-dialog"):
            yield Label(_("Start a meeting"), classes="dialog-title")
            yield Label(_("Title"))
            yield Input(id="form-title", placeholder=_("Weekly ops sync"))
            yield Label(_("Series (meetings of one series share attendees, agenda and open actions)"))
            yield Input(id="form-series", placeholder=_("same as the title"))
            yield Label(_("Attendees (handles or names, comma separated)"))
            yield Input(id="form-attendees", placeholder="ann, 李伟, @bob")
            yield Static(id="form-attendees-preview", classes="form-preview")
            yield Label(_("Agenda (one item per line, timebox like 15m)"))
            yield TextArea(id="form-agenda", soft_wrap=True)
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(_("Starts (now, or DATE HH:MM)"))
                    yield Input("now", id="form-when")
                with Vertical():
                    yield Label(_("Time zone"))
                    yield Input(self.zone, id="form-zone")
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Start ({key})").format(key="ctrl+s"), variant="primary", id="form-start")
                yield Button(_("Cancel"), id="form-cancel")

    def on_mount(self) -> None:
        self.query_one("#form-title", Input).focus()
        self._opened_with = self._typed()

    def _typed(self) -> tuple[str, ...]:
        """Everything typed in the form, to tell a filled form from an untouched one."""
        return (*(field.value for field in self.query(Input)), self.query_one("#form-agenda", TextArea).text)

    def guest_added(self, person: Person) -> None:
        """An attendee added from this form: known from now on, and the attendees line is read again."""
        self.people.append(person)
        attendees = self.query_one("#form-attendees", Input)
        self.preview_attendees(Input.Changed(attendees, attendees.value))
        self.query_one("#form-error", Static).update("")

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    @on(Input.Changed, "#form-attendees")
    def preview_attendees(self, event: Input.Changed) -> None:
        preview = self.query_one("#form-attendees-preview", Static)
        try:
            people = resolve_attendees(event.value, self.people)
        except ValidationError as exc:
            preview.update(literal(str(exc)))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        comma = pgettext("list separator", ", ")
        preview.update(
            literal("→ " + comma.join(f"{p.name} (@{p.handle})" for p in people) if people else "")
        )

    @on(Button.Pressed, "#form-start")
    def action_submit(self) -> None:
        try:
            request = parse_start_form(
                title=self._value("#form-title"),
                series=self._value("#form-series"),
                attendees=self._value("#form-attendees"),
                agenda=self.query_one("#form-agenda", TextArea).text,
                when=self._value("#form-when"),
                zone=self._value("#form-zone"),
                people=self.people,
                today=self.today,
            )
        except UnknownPersonError as exc:
            self.query_one("#form-error", Static).update(literal(str(exc)))
            if self.add_guest is not None:
                self.add_guest(exc.key, self.guest_added)
            return
        except ValidationError as exc:
            self.query_one("#form-error", Static).update(literal(str(exc)))
            return
        self.dismiss(request)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        close_or_ask(self, self._typed() != self._opened_with)
