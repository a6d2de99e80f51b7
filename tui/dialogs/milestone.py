"""A milestone's acceptance criteria: accept, waive, add, or start the review.

Like every dialog it only returns what was chosen; the screen that opened it does the writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static

from tui.views.plan import MilestoneFacts
from tui.widgets.safe import literal


@dataclass(frozen=True, slots=True)
class CriterionRequest:
    """What the chair asked for in the milestone dialog."""

    action: str
    """``accept``, ``waive``, ``add`` or ``review``."""
    criterion: str | None = None


def facts_content(facts: MilestoneFacts) -> Content:
    """The milestone's header lines: due, Accountable, slack, reviews, late predecessors."""
    card = facts.card
    slack = "-" if facts.slack is None else f"{facts.slack:+d} days"
    critical = "  on the critical path" if facts.critical else ""
    reviews = ", ".join(f"{mid} {o.value if o else 'open'}" for mid, o in facts.reviews) or "none yet"
    parts: list[Content] = [
        Content.assemble((f"{card.id}  ", "bold"), literal(card.title), ("  " + facts.status, "$text-muted")),
        Content(f"Due {card.due or '-'} · Accountable {card.accountable or 'none (set one to accept)'}"),
        Content.assemble(f"Slack {slack}", (critical, "bold $warning")),
        Content(f"Reviews: {reviews}" + (" · review due" if facts.review_due else "")),
    ]
    if facts.late:
        parts.append(Content.styled("Late predecessors: " + ", ".join(facts.late), "bold $error"))
    return Content("\n").join(parts)


class MilestoneModal(ModalScreen[CriterionRequest | None]):
    """A milestone's acceptance criteria: a accepts, w waives (with a reason), n adds, v starts the review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('accept')", "Accept", id="milestone.accept"),
        Binding("w", "choose('waive')", "Waive", id="milestone.waive"),
        Binding("n", "choose('add')", "New criterion", id="milestone.add-criterion"),
        Binding("v", "choose('review')", "Start review", id="milestone.review"),
        Binding("escape", "close", "Close", id="milestone.close"),
    ]

    def __init__(self, facts: MilestoneFacts) -> None:
        super().__init__()
        self.facts = facts

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#criteria-table", DataTable)

    def compose(self) -> ComposeResult:
        with Vertical(id="milestone-dialog", classes="dialog"):
            yield Static(facts_content(self.facts), id="milestone-facts")
            yield Label(
                f"Acceptance criteria ({self.facts.accepted}/{self.facts.total} accepted or waived)",
                classes="section-title",
            )
            yield DataTable(id="criteria-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                "a accept · w waive · n new criterion · v start the review · esc close", classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close  esc", id="close", compact=True)

    def on_mount(self) -> None:
        table = self.table
        for key, label in (("id", "ID"), ("state", "State"), ("text", "Criterion"), ("by", "By / evidence")):
            table.add_column(label, key=key)
        variables = self.app.get_css_variables()
        theme = {
            name: Style(color=Color.parse(variables[name]).rich_color, bold=True)
            for name in ("success", "warning")
            if name in variables
        }
        styles = {"accepted": theme.get("success", ""), "waived": theme.get("warning", ""), "open": "bold"}
        for crit in self.facts.card.criteria:
            if crit.state == "accepted":
                by = f"{crit.accepted_by}: {crit.evidence}" if crit.evidence else crit.accepted_by
            elif crit.state == "waived":
                by = f"{crit.accepted_by}: {crit.waive_reason}"
            else:
                by = "-"
            table.add_row(
                Text(crit.id),
                Text(crit.state, style=styles[crit.state]),
                Text(crit.text),
                Text(by),
                key=crit.id,
            )
        if not self.facts.card.criteria:
            table.add_row(Text("-"), Text(""), Text("No criteria yet: n adds one."), Text(""))
        table.focus()

    def _selected(self) -> str | None:
        if not self.facts.card.criteria:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def action_choose(self, action: str) -> None:
        if action in ("accept", "waive"):
            selected = self._selected()
            if selected is None:
                self.notify("No criterion to " + action + " yet", severity="warning")
                return
            crit = next(c for c in self.facts.card.criteria if c.id == selected)
            if crit.state != "open":
                self.notify(f"{crit.id} is already {crit.state}", markup=False)
                return
            self.dismiss(CriterionRequest(action, selected))
            return
        self.dismiss(CriterionRequest(action))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
