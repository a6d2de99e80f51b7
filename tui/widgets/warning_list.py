"""Early-warning signals as a list; choosing one asks the screen to open the card or risk it is about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from domain.i18n import N_, _
from domain.rules import ProjectWarning

KIND_LABELS: dict[str, tuple[str, str]] = {
    "milestone-at-risk": (N_("▲ at risk"), "bold $error"),
    "blocked": (N_("■ escalate"), "bold $error"),
    "overdue": (N_("● overdue"), "bold $warning"),
    "risk-review": (N_("◇ review"), "bold $accent"),
}
"""Kind label and style; labels are marked for extraction and padded in cells where shown."""
LABEL_CELLS = 10
"""The labels' column, in terminal cells (a Chinese character takes two)."""


def warning_prompt(warning: ProjectWarning) -> Content:
    """One line: a coloured kind label, then the message (user text, shown literally)."""
    label, style = KIND_LABELS.get(warning.kind, (warning.kind, "bold"))
    if warning.kind in KIND_LABELS:
        label = _(label)
        label = set_cell_size(label, max(LABEL_CELLS, cell_len(label)))
    return Content.assemble((label, style), "  ", warning.message)


class WarningList(OptionList):
    """Shows ``rules.ProjectWarning`` values; enter or a click posts ``OpenRequested``."""

    DEFAULT_CSS = """
    WarningList { height: 1fr; }
    """

    @dataclass
    class OpenRequested(Message):
        """The person chose a warning: open the item it is about."""

        warning_list: WarningList
        warning: ProjectWarning

        @property
        def control(self) -> WarningList:
            return self.warning_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.warnings: tuple[ProjectWarning, ...] = ()
        self._shown = False

    def show(self, warnings: Sequence[ProjectWarning]) -> None:
        """Replace the list, keeping the highlight on the same item when it is still there."""
        if self._shown and tuple(warnings) == self.warnings:
            return
        self._shown = True
        current = self.highlighted_warning
        self.warnings = tuple(warnings)
        if not self.warnings:
            self.set_options(
                [
                    Option(
                        Content(_("No early warnings: nothing overdue, blocked or past review.")),
                        disabled=True,
                    )
                ]
            )
            return
        self.set_options(Option(warning_prompt(w), id=f"{w.kind}:{w.target}") for w in self.warnings)
        index = next((n for n, w in enumerate(self.warnings) if w == current), 0)
        self.highlighted = index

    @property
    def highlighted_warning(self) -> ProjectWarning | None:
        if self.highlighted is None or not self.warnings or self.highlighted >= len(self.warnings):
            return None
        return self.warnings[self.highlighted]

    @on(OptionList.OptionSelected)
    def request_open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.warnings):
            self.post_message(self.OpenRequested(self, self.warnings[event.option_index]))
