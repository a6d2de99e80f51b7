"""The agenda of a live meeting: one row per item with its timer, elapsed against the timebox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from domain.i18n import _
from domain.models import AgendaItem
from tui.widgets.replace import replace_children
from tui.widgets.safe import literal


def elapsed_seconds(item: AgendaItem, now: datetime) -> int:
    """Seconds spent on ``item`` so far, counting the running visit."""
    running = int((now - item.started_at).total_seconds()) if item.started_at else 0
    return item.elapsed_seconds + max(0, running)


def clock_text(seconds: int) -> str:
    """``12:05`` for minutes and seconds; ``1:02:05`` past an hour."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class AgendaRow(Static):
    """One agenda item: title, then its timer; ``-current``, ``-over-time`` and ``-visited`` as classes."""

    def __init__(self, index: int) -> None:
        super().__init__(id=f"agenda-item-{index}", classes="agenda-row")
        self.index = index

    def show(self, item: AgendaItem, *, current: bool, now: datetime) -> None:
        spent = elapsed_seconds(item, now)
        over = spent - item.minutes * 60
        timer = f"{clock_text(spent)} / {clock_text(item.minutes * 60)}"
        if over > 0:
            timer += f"  +{clock_text(over)}"
        marker = "▶" if current else " "
        self.update(literal(f"{marker} {self.index + 1}. {item.title}\n    {timer}", keep_newlines=True))
        self.set_class(current, "-current")
        self.set_class(over > 0, "-over-time")
        self.set_class(spent > 0 and not current, "-visited")


class AgendaPanel(VerticalScroll):
    """The agenda at the side of the live meeting; the screen sets ``show(...)`` and ticks ``now``."""

    @dataclass
    class GotoRequested(Message):
        """The person clicked an agenda item: make it current."""

        agenda_panel: AgendaPanel
        index: int

        @property
        def control(self) -> AgendaPanel:
            return self.agenda_panel

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agenda: tuple[AgendaItem, ...] = ()
        self.current = 0
        self.now: datetime | None = None
        self.border_title = _("Agenda")

    def compose(self) -> ComposeResult:
        yield Static(_("No agenda items"), classes="agenda-empty")

    def show(self, agenda: tuple[AgendaItem, ...], current: int, now: datetime) -> None:
        """Show ``agenda`` with item ``current`` running, timed at ``now``."""
        rebuild = len(agenda) != len(self.agenda) or not self.query(AgendaRow)
        self.agenda, self.current = agenda, current
        self.now = now
        if rebuild:
            rows = [AgendaRow(i) for i in range(len(agenda))]
            # The rows have fixed ids: the old ones must be gone before the new ones mount.
            replace_children(
                self, rows or [Static(_("No agenda items"), classes="agenda-empty")], then=self._draw_rows
            )
        self.tick(now)

    def _draw_rows(self) -> None:
        if self.now is not None:
            self.tick(self.now)

    def tick(self, now: datetime) -> None:
        """Update the timers to ``now`` (called every second)."""
        self.now = now
        for row in self.query(AgendaRow):
            if row.index < len(self.agenda):
                row.show(self.agenda[row.index], current=row.index == self.current, now=now)

    @on(Click, ".agenda-row")
    def request_goto(self, event: Click) -> None:
        if isinstance(event.widget, AgendaRow):
            event.stop()
            self.post_message(self.GotoRequested(self, event.widget.index))
