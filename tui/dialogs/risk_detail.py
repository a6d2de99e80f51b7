"""One risk in full, with the history of its scores."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from domain.dates import format_day, format_moment
from domain.i18n import N_, _
from domain.models import Card, Risk
from tui.translated import TranslatedBindings
from tui.views.risks import status_label


class RiskDetailModal(TranslatedBindings, ModalScreen[str | None]):
    """One risk in full, with the history of its scores.

    Returns ``"edit"`` when the person presses ``e``, ``"card:ID"`` when they open a linked card.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", N_("Edit"), id="risk-detail.edit"),
        Binding("escape", "close", N_("Close"), id="risk-detail.close"),
    ]

    def __init__(
        self, risk: Risk, *, cards: dict[str, Card], zone: tzinfo, today: date | None = None
    ) -> None:
        super().__init__()
        self.risk = risk
        self.cards = cards
        self.zone = zone
        self.today = today
        """Dates in this year are shown without it (None: always with the year)."""

    def compose(self) -> ComposeResult:
        risk = self.risk
        score = (
            _("not assessed")
            if risk.score is None
            else f"P{risk.probability} x I{risk.impact} = {risk.score}"
        )
        residual = (
            _("not assessed")
            if risk.residual_score is None
            else f"P{risk.residual_probability} x I{risk.residual_impact} = {risk.residual_score}"
        )
        linked = [
            f"{cid} {self.cards[cid].title}"
            if cid in self.cards
            else _("{id} (no longer exists)").format(id=cid)
            for cid in risk.linked_cards
        ]
        rows = [
            (_("Status"), status_label(risk.status.value)),
            (_("Owner"), risk.owner or _("nobody")),
            (_("Category"), risk.category or "-"),
            (_("Inherent"), score),
            (_("Residual"), residual),
            (
                _("Review"),
                format_day(risk.review_date, today=self.today) if risk.review_date else _("no date set"),
            ),
            (_("Description"), risk.description or "-"),
            (_("Mitigation"), risk.mitigation or "-"),
            (_("Contingency"), risk.contingency or "-"),
            (_("Trigger"), risk.trigger or "-"),
        ]
        with Vertical(classes="risk-dialog"):
            yield Static(Content(f"{risk.id}  {risk.title}"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                for label, value in rows:
                    yield Static(
                        Content.assemble(
                            (set_cell_size(label, max(13, cell_len(label) + 1)), "$text-muted"), value
                        ),
                        classes="detail-field",
                    )
                if linked:
                    yield Label(_("Linked cards (enter opens one)"), classes="dialog-title")
                    yield OptionList(
                        *[
                            Option(Content(text), id=cid)
                            for cid, text in zip(risk.linked_cards, linked, strict=True)
                        ],
                        id="linked-cards",
                    )
                else:
                    yield Static(Content.assemble((set_cell_size(_("Linked cards"), 13), "$text-muted"), "-"))
                yield Label(_("Score history"), classes="dialog-title")
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Edit ({key})").format(key="e"), id="edit", compact=True)
                yield Button(
                    _("Close ({key})").format(key="esc"), variant="primary", id="close", compact=True
                )

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        for key, label in (
            ("when", _("When")), ("by", _("By")), ("inherent", _("Inherent")), ("residual", _("Residual")),
        ):  # fmt: skip
            table.add_column(label, key=key)
        for change in reversed(self.risk.history):
            inherent = (
                "-"
                if change.probability is None or change.impact is None
                else f"P{change.probability} I{change.impact} = {change.probability * change.impact}"
            )
            res = (
                "-"
                if change.residual_probability is None or change.residual_impact is None
                else f"P{change.residual_probability} I{change.residual_impact} = "
                f"{change.residual_probability * change.residual_impact}"
            )
            when = format_moment(change.at, self.zone, today=self.today)
            table.add_row(Text(when), Text(change.by or "-"), Text(inherent), Text(res))
        self.query_one("#close", Button).focus()

    def action_edit(self) -> None:
        self.dismiss("edit")

    @on(OptionList.OptionSelected, "#linked-cards")
    def open_linked_card(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and event.option.id in self.cards:
            self.dismiss(f"card:{event.option.id}")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#edit")
    def edit_pressed(self) -> None:
        self.action_edit()

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.action_close()
