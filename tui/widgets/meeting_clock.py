"""The clock of a live meeting: wall time in the meeting's zone and time since the start, every second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual.message import Message
from textual.widgets import Static

from domain.i18n import _
from domain.models import Clock
from tui.widgets.agenda_panel import clock_text


class MeetingClock(Static):
    """Reads the injected clock once a second and posts ``Ticked`` (coalesced) to the screen."""

    @dataclass
    class Ticked(Message):
        meeting_clock: MeetingClock
        now: datetime

        @property
        def control(self) -> MeetingClock:
            return self.meeting_clock

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, MeetingClock.Ticked)

    def __init__(self, clock: Clock, zone: tzinfo, zone_name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.zone = zone
        self.zone_name = zone_name
        self.started: datetime | None = None

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        now = self.show_time()
        self.post_message(self.Ticked(self, now))

    def show_time(self) -> datetime:
        """Redraw with the current time (also when the meeting or its zone changes); returns it."""
        now = self.clock()
        time = f"{now.astimezone(self.zone):%H:%M} {self.zone_name}"
        if self.started:
            spent = clock_text(int((now - self.started).total_seconds()))
            self.update(_("{time} · meeting {spent}").format(time=time, spent=spent))
        else:
            self.update(time)
        return now
