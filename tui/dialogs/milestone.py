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

from domain.dates import format_day
from domain.i18n import N_, _, pgettext
from domain.models import ReviewOutcome
from tui.translated import TranslatedBindings
from tui.views.plan import MilestoneFacts, state_text
from tui.widgets.safe import literal


@dataclass(frozen=True, slots=True)
class CriterionRequest:
    """What the chair asked for in the milestone dialog."""

    action: str
    """``accept``, ``waive``, ``add`` or ``review``."""
    criterion: str | None = None


def outcome_text(outcome: ReviewOutcome | None) -> str:
    """A milestone review's outcome as shown (None: the review has not been held); the stored values
    stay English (``huddle milestone review --outcome passed``)."""
    texts = {
        None: pgettext("review outcome", "open"),
        ReviewOutcome.PASSED: pgettext("review outcome", "passed"),
        ReviewOutcome.CONDITIONS: pgettext("review outcome", "passed with conditions"),
        ReviewOutcome.FAILED: pgettext("review outcome", "failed"),
    }
    return texts.get(outcome, str(outcome))


def facts_content(facts: MilestoneFacts) -> Content:
    """The milestone's header lines: due, Accountable, slack, reviews, late predecessors."""
    card = facts.card
    comma = pgettext("list separator", ", ")
    slack = "-" if facts.slack is None else _("{n:+d} days").format(n=facts.slack)
    critical = _("  on the critical path") if facts.critical else ""
    reviews = comma.join(f"{mid} {outcome_text(o)}" for mid, o in facts.reviews) or _("none yet")
    due = _("Due {date}").format(date=format_day(card.due, today=facts.today) if card.due else "-")
    accountable = _("Accountable {handle}").format(handle=card.accountable or _("none (set one to accept)"))
    reviews_line = _("Reviews: {reviews}").format(reviews=reviews)
    parts: list[Content] = [
        Content.assemble(
            (f"{card.id}  ", "bold"), literal(card.title), ("  " + state_text(facts.status), "$text-muted")
        ),
        Content(f"{due} · {accountable}"),
        Content.assemble(_("Slack {slack}").format(slack=slack), (critical, "bold $warning")),
        Content(
            _("{reviews} · review due").format(reviews=reviews_line) if facts.review_due else reviews_line
        ),
    ]
    if facts.late:
        late = _("Late predecessors: {ids}").format(ids=comma.join(facts.late))
        parts.append(Content.styled(late, "bold $error"))
    return Content("\n").join(parts)


def criterion_state_text(state: str) -> str:
    """An acceptance criterion's state (``open``, ``accepted``, ``waived``) as shown; stored in English."""
    texts = {
        "open": pgettext("criterion state", "open"),
        "accepted": pgettext("criterion state", "accepted"),
        "waived": pgettext("criterion state", "waived"),
    }
    return texts.get(state, state)


class MilestoneModal(TranslatedBindings, ModalScreen[CriterionRequest | None]):
    """A milestone's acceptance criteria: a accepts, w waives (with a reason), n adds, v starts the review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('accept')", N_("Accept"), id="milestone.accept"),
        Binding("w", "choose('waive')", N_("Waive"), id="milestone.waive"),
        Binding("n", "choose('add')", N_("New criterion"), id="milestone.add-criterion"),
        Binding("v", "choose('review')", N_("Start review"), id="milestone.review"),
        Binding("escape", "close", N_("Close"), id="milestone.close"),
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
                _("Acceptance criteria ({accepted}/{total} accepted or waived)").format(
                    accepted=self.facts.accepted, total=self.facts.total
                ),
                classes="section-title",
            )
            yield DataTable(id="criteria-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                _("a accept · w waive · n new criterion · v start the review · esc close"),
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close  {key}").format(key="esc"), id="close", compact=True)

    def on_mount(self) -> None:
        table = self.table
        for key, label in (
            ("id", _("ID")),
            ("state", _("State")),
            ("text", _("Criterion")),
            ("by", _("By / evidence")),
        ):
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
                Text(criterion_state_text(crit.state), style=styles[crit.state]),
                Text(crit.text),
                Text(by),
                key=crit.id,
            )
        if not self.facts.card.criteria:
            table.add_row(Text("-"), Text(""), Text(_("No criteria yet: n adds one.")), Text(""))
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
                message = (
                    _("No criterion to accept yet") if action == "accept" else _("No criterion to waive yet")
                )
                self.notify(message, severity="warning")
                return
            crit = next(c for c in self.facts.card.criteria if c.id == selected)
            if crit.state != "open":
                self.notify(
                    _("{id} is already {state}").format(id=crit.id, state=criterion_state_text(crit.state)),
                    markup=False,
                )
                return
            self.dismiss(CriterionRequest(action, selected))
            return
        self.dismiss(CriterionRequest(action))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
