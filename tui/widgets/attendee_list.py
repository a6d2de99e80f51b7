"""Attendees of a live meeting with present/absent toggles (enter, space or a click)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from domain.i18n import N_, _
from domain.models import Attendee
from tui.widgets.safe import literal


class AttendeeItem(ListItem):
    def __init__(self, attendee: Attendee, name: str) -> None:
        super().__init__(Label(literal(self.text(attendee, name))), classes="attendee")
        self.attendee = attendee
        self.person_name = name
        self.set_class(not attendee.present, "-absent")

    @staticmethod
    def text(attendee: Attendee, name: str) -> str:
        mark = "●" if attendee.present else "○"
        if attendee.present:
            return f"{mark} {name} @{attendee.handle}"
        return _("{mark} {name} @{handle}  (absent)").format(mark=mark, name=name, handle=attendee.handle)


class AttendeeList(ListView):
    """Who is in the room; toggling asks the screen to record the change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_presence", N_("Present/absent"), id="meeting.attendee-toggle"),
    ]

    @dataclass
    class PresenceChangeRequested(Message):
        attendee_list: AttendeeList
        handle: str
        present: bool

        @property
        def control(self) -> AttendeeList:
            return self.attendee_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.attendees: tuple[Attendee, ...] = ()
        self.read_only = False
        self.border_title = _("Attendees")

    def show(self, attendees: tuple[Attendee, ...], names: dict[str, str]) -> None:
        """Show ``attendees``; keeps the cursor where it was."""
        if attendees == self.attendees:
            return
        index = self.index
        self.attendees = attendees
        self.clear()
        self.extend(AttendeeItem(a, names.get(a.handle, a.handle)) for a in attendees)
        if attendees:
            self.index = min(index or 0, len(attendees) - 1)
        present = sum(1 for a in attendees if a.present)
        self.border_title = _("Attendees {present}/{total}").format(present=present, total=len(attendees))

    def action_toggle_presence(self) -> None:
        item = self.highlighted_child
        if isinstance(item, AttendeeItem) and not self.read_only:
            self.post_message(
                self.PresenceChangeRequested(self, item.attendee.handle, not item.attendee.present)
            )

    @on(ListView.Selected)
    def toggle_selected(self, event: ListView.Selected) -> None:
        event.stop()
        self.action_toggle_presence()
