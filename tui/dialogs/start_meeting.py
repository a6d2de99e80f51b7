"""Meeting dialogs: start a meeting, end one (with the follow-up), resume after a crash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from domain.capture import parse_agenda, resolve_person
from domain.dates import get_zone, parse_datetime
from domain.errors import ValidationError
from domain.models import Person
from tui.widgets.meeting_summary import MeetingSummary, SummaryLine
from tui.widgets.safe import literal


def when_text(moment: datetime, zone_name: str) -> str:
    """``Wed 02 Dec 2026 10:00 Asia/Shanghai``: a time as people in the meeting read it."""
    return f"{moment.astimezone(get_zone(zone_name)):%a %d %b %Y %H:%M} {zone_name}"


@dataclass(frozen=True, slots=True)
class StartRequest:
    """What the start form collected, resolved and checked."""

    title: str
    series: str
    attendees: tuple[str, ...]
    agenda: tuple[tuple[str, int], ...]
    at: datetime | None
    tz: str


def resolve_attendees(text: str, people: Sequence[Person]) -> tuple[Person, ...]:
    """Handles or names separated by commas (``ann, 李伟, @bob``)."""
    found: dict[str, Person] = {}
    for part in text.replace("，", ",").replace("、", ",").split(","):
        if part.strip():
            person = resolve_person(part, people)
            found[person.handle] = person
    return tuple(found.values())


def parse_start_form(
    *, title: str, series: str, attendees: str, agenda: str, when: str, zone: str, people: Sequence[Person],
    today: date,
) -> StartRequest:  # fmt: skip
    """Check the start form; raises ValidationError naming the field."""
    if not title.strip():
        raise ValidationError("title is empty")
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


class StartMeetingModal(ModalScreen[StartRequest | None]):
    """The start-a-meeting form: title, series, attendees, agenda with timeboxes, time and zone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="meeting-form.cancel"),
        Binding("ctrl+s", "submit", "Start", id="meeting-form.start"),
    ]

    def __init__(self, people: Sequence[Person], *, today: date, zone: str) -> None:
        super().__init__()
        self.people = list(people)
        self.today = today
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="start-form", classes="meeting-dialog"):
            yield Label("Start a meeting", classes="dialog-title")
            yield Label("Title")
            yield Input(id="form-title", placeholder="Weekly ops sync")
            yield Label("Series (meetings of one series share attendees, agenda and open actions)")
            yield Input(id="form-series", placeholder="same as the title")
            yield Label("Attendees (handles or names, comma separated)")
            yield Input(id="form-attendees", placeholder="ann, 李伟, @bob")
            yield Static(id="form-attendees-preview", classes="form-preview")
            yield Label("Agenda (one item per line, timebox like 15m)")
            yield TextArea(id="form-agenda", soft_wrap=True)
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label("Starts (now, or DATE HH:MM)")
                    yield Input("now", id="form-when")
                with Vertical():
                    yield Label("Time zone")
                    yield Input(self.zone, id="form-zone")
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start (ctrl+s)", variant="primary", id="form-start")
                yield Button("Cancel", id="form-cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless
        self.query_one("#form-agenda", TextArea).cursor_blink = not self.app.is_headless
        self.query_one("#form-title", Input).focus()

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
        preview.update(literal("→ " + ", ".join(f"{p.name} (@{p.handle})" for p in people) if people else ""))

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
        except ValidationError as exc:
            self.query_one("#form-error", Static).update(literal(str(exc)))
            return
        self.dismiss(request)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class EndRequest:
    next_start: datetime | None
    next_minutes: int


class EndMeetingModal(ModalScreen[EndRequest | None]):
    """Confirm the end of a meeting and set the follow-up (human date and time, in the meeting's zone)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="meeting-end.cancel"),
    ]

    def __init__(
        self, summary: list[SummaryLine], *, zone: str, today: date, start: datetime, suggestion: str
    ) -> None:
        super().__init__()
        self.summary = summary
        self.zone = zone
        self.today = today
        self.start = start
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="end-form", classes="meeting-dialog"):
            yield Label("End the meeting", classes="dialog-title")
            yield MeetingSummary(self.summary, id="end-summary")
            yield Label(f"Next meeting (DATE HH:MM in {self.zone}; empty for none)")
            yield Input(self.suggestion, id="end-next")
            yield Static(id="end-next-preview", classes="form-preview")
            yield Label("Length in minutes")
            yield Input("60", id="end-minutes", type="integer")
            with Horizontal(classes="dialog-buttons"):
                yield Button("End meeting", variant="error", id="end-confirm")
                yield Button("Keep going", id="end-cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless
        self.query_one("#end-next", Input).focus()
        self._preview(self.suggestion)

    def _resolve(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        moment = parse_datetime(text, self.today, get_zone(self.zone))
        if moment <= self.start:
            raise ValidationError("the next meeting must start after this one")
        return moment

    def _preview(self, text: str) -> None:
        preview = self.query_one("#end-next-preview", Static)
        try:
            moment = self._resolve(text)
        except ValidationError as exc:
            preview.update(literal(str(exc)))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(literal(f"→ {when_text(moment, self.zone)}" if moment else "→ no follow-up meeting"))

    @on(Input.Changed, "#end-next")
    def preview_next(self, event: Input.Changed) -> None:
        self._preview(event.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#end-confirm")
    def confirm(self) -> None:
        try:
            moment = self._resolve(self.query_one("#end-next", Input).value)
        except ValidationError:
            self.query_one("#end-next", Input).focus()
            return
        minutes = int(self.query_one("#end-minutes", Input).value or "60")
        self.dismiss(EndRequest(moment, max(1, minutes)))

    @on(Button.Pressed, "#end-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeMeetingModal(ModalScreen[bool]):
    """After a crash: offer to resume a meeting with what was typed up to the last second."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Later", id="meeting-resume.later"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-dialog", classes="meeting-dialog"):
            yield Label("Resume the meeting?", classes="dialog-title")
            for number, line in enumerate(self.message.splitlines()):
                yield Static(literal(line), classes="resume-line", id=f"resume-line-{number}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume", variant="primary", id="resume-yes")
                yield Button("Later", id="resume-later")

    def on_mount(self) -> None:
        self.query_one("#resume-yes", Button).focus()

    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resume-later")
    def action_later(self) -> None:
        self.dismiss(False)


class SendInviteModal(ModalScreen[bool | None]):
    """Before the invite goes out by e-mail: to whom, and whether the Word minutes go along.

    Dismissed with whether to attach the minutes, or None when nothing is to be sent.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="send-invite.cancel"),
    ]

    def __init__(self, meeting_title: str, recipients: Sequence[str], *, has_minutes: bool) -> None:
        super().__init__()
        self.meeting_title = meeting_title
        self.recipients = list(recipients)
        self.has_minutes = has_minutes

    def compose(self) -> ComposeResult:
        with Vertical(id="send-invite-dialog", classes="meeting-dialog"):
            yield Label("Send the follow-up invite by e-mail?", classes="dialog-title")
            yield Static(literal(self.meeting_title), classes="send-invite-line")
            if self.recipients:
                yield Static(literal("To: " + ", ".join(self.recipients)), classes="send-invite-line")
            else:
                yield Static("No attendee has an e-mail address.", classes="send-invite-line error")
            attach = Checkbox("Attach the Word minutes", value=self.has_minutes, id="send-invite-attach")
            attach.display = self.has_minutes
            yield attach
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send", variant="primary", id="send-invite-yes", disabled=not self.recipients)
                yield Button("Cancel", id="send-invite-cancel")

    def on_mount(self) -> None:
        """The focus starts on Cancel: one stray Enter must not send mail to every attendee."""
        self.query_one("#send-invite-cancel", Button).focus()

    @on(Button.Pressed, "#send-invite-yes")
    def send(self) -> None:
        self.dismiss(self.has_minutes and self.query_one("#send-invite-attach", Checkbox).value)

    @on(Button.Pressed, "#send-invite-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
