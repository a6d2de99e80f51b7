"""The end-of-meeting summary: headings and indented items, one Static per line, styled by class."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.replace import replace_children
from tui.widgets.safe import literal

SummaryLine = tuple[str, str]
"""(kind, text): kind is ``title``, ``meta``, ``heading``, ``item``, ``subitem``, ``next`` or ``blank``."""


class MeetingSummary(VerticalScroll):
    """Shows summary lines; ``text`` is the same content as plain text (tests, copying)."""

    def __init__(self, lines: list[SummaryLine] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[SummaryLine] = []
        self._initial = lines or []

    def on_mount(self) -> None:
        if self._initial:
            self.show(self._initial)

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)

    def show(self, lines: list[SummaryLine]) -> None:
        self.lines = list(lines)
        replace_children(
            self, [Static(literal(text), classes=f"summary-line summary-{kind}") for kind, text in lines]
        )
