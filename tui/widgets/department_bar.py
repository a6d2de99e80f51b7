"""The department tabs above a board, drawn by one widget.

Textual's ``Tabs`` mounts a widget per tab plus an animated underline; with one line of names and
one of underline this bar costs a single widget at start-up. The active department is always in
view: when the names are wider than the bar, the bar scrolls to it and marks the hidden ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from domain.models import Department
from tui.widgets.safe import printable

GAP = 2
"""Cells between two names."""
ACTIVE_STYLE = "bold $text"
IDLE_STYLE = "$text-muted"
UNDERLINE_ACTIVE = "$accent"
UNDERLINE_IDLE = "$panel"


class DepartmentBar(Widget):
    """One tab per department; ``[``/``]`` on the board and clicks here switch."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    DepartmentBar {
        height: 2;
        padding: 0 1;
    }
    """

    @dataclass
    class Chosen(Message):
        """A department's tab was clicked."""

        bar: DepartmentBar
        name: str

        @property
        def control(self) -> DepartmentBar:
            return self.bar

    def __init__(self, departments: list[Department], active: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.departments = departments
        self.active = active
        self._spans: list[tuple[int, int, str]] = []
        """Cells (start, end) of each drawn name, for clicks."""

    def show(self, departments: list[Department], active: str | None) -> None:
        """Show ``departments`` with ``active`` (a department name) highlighted."""
        if departments != self.departments or active != self.active:
            self.departments = departments
            self.active = active
            self.refresh()

    def render(self) -> Content:
        labels = [printable(d.name) for d in self.departments]
        widths = [Content(label).cell_length for label in labels]
        names = [d.name for d in self.departments]
        current = names.index(self.active) if self.active in names else 0
        width = max(1, self.size.width)
        first = self._first_shown(widths, current, width)
        top: list[str | tuple[str, str]] = []
        bottom: list[tuple[str, str]] = []
        self._spans = []
        cell = 0
        if first:
            top.append(("‹ ", IDLE_STYLE))
            bottom.append(("──", UNDERLINE_IDLE))
            cell = 2
        for index in range(first, len(labels)):
            if index > first:
                top.append(" " * GAP)
                bottom.append(("─" * GAP, UNDERLINE_IDLE))
                cell += GAP
            active = index == current
            top.append((labels[index], ACTIVE_STYLE if active else IDLE_STYLE))
            if active:
                bottom.append(("━" * widths[index], UNDERLINE_ACTIVE))
            else:
                bottom.append(("─" * widths[index], UNDERLINE_IDLE))
            self._spans.append((cell, cell + widths[index], names[index]))
            cell += widths[index]
        bottom.append(("─" * max(0, width - cell), UNDERLINE_IDLE))
        return Content("\n").join([Content.assemble(*top), Content.assemble(*bottom)])

    @staticmethod
    def _first_shown(widths: list[int], current: int, width: int) -> int:
        """The first tab to draw so that the active one fits (with a ``‹ `` marker when tabs are cut)."""
        first = 0
        while first < current and 2 + sum(widths[first : current + 1]) + GAP * (current - first) > width:
            first += 1
        return first

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, name in self._spans:
            if start <= offset.x < end:
                event.stop()
                if name != self.active:
                    self.post_message(self.Chosen(self, name))
                return
