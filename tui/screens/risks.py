"""The risks area: heatmap, register and early warnings over the risk service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from domain.dates import format_day
from domain.errors import HuddleError
from domain.i18n import N_, _
from domain.models import Card, Risk
from domain.rules import ProjectWarning, ScoreBands
from tui.dialogs.risk_detail import RiskDetailModal
from tui.dialogs.risk_form import RiskFormModal, RiskFormResult
from tui.dialogs.since import SinceChoice, SinceModal
from tui.messages import OpenCard, OpenRisk
from tui.screens.base import AreaScreen
from tui.shell import WriteJob, shell_of
from tui.translated import TranslatedBindings
from tui.views.risks import (
    BAND_NAMES,
    SORT_COLUMNS,
    HeatmapView,
    Position,
    build_heatmap,
    describe_move,
    matches,
    position_of,
    sort_risks,
    status_label,
)
from tui.widgets.heatmap_grid import HeatmapGrid
from tui.widgets.key_bar import KeyBar
from tui.widgets.tables import fit_columns
from tui.widgets.warning_list import WarningList

if TYPE_CHECKING:
    from tui.wiring import Context

COLUMN_LABELS = {
    "id": N_("ID"), "title": N_("Title"), "category": N_("Category"), "owner": N_("Owner"),
    "probability": N_("P"), "impact": N_("I"),
    "score": N_("Score"), "residual": N_("Residual"), "status": N_("Status"), "review": N_("Review"),
}  # fmt: skip
"""Register headers, marked for extraction and translated where shown (``column_label``)."""
EMPTY_REGISTER = N_("No risks in the register yet. Press n to add one.")
REGISTER_PRIORITY = ("id", "title", "score", "status", "owner", "review", "residual", "impact", "probability")
"""The register's columns, most important first: at 80 columns the least important go (category first)."""
TABS = {"heatmap": "heatmap-tab", "register": "register-tab", "warnings": "warnings-tab"}


@dataclass(frozen=True, slots=True)
class RiskData:
    """What one load reads from the data file."""

    risks: tuple[Risk, ...] = ()
    warnings: tuple[ProjectWarning, ...] = ()
    cards: dict[str, Card] = field(default_factory=dict)


class RisksScreen(TranslatedBindings, AreaScreen):
    """Heatmap (inherent or residual, with movement), a sortable register, and early warnings."""

    CSS_PATH = "risks.tcss"
    BINDING_GROUP_TITLE = N_("Risks")
    TABLES = frozenset({"risks", "cards", "projects"})
    """The register, the warnings (blocked and overdue cards, the project's escalation days), linked cards."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "show_tab('heatmap')", N_("Heatmap"), id="risks.show-heatmap"),
        Binding("r", "show_tab('register')", N_("Register"), id="risks.show-register"),
        Binding("w", "show_tab('warnings')", N_("Warnings"), id="risks.show-warnings"),
        Binding("t", "toggle_residual", N_("Inherent/residual"), id="risks.toggle-residual"),
        Binding("m", "movement", N_("Movement"), id="risks.movement"),
        Binding("n", "add_risk", N_("New"), id="risks.add"),
        Binding("e", "edit_risk", N_("Edit"), id="risks.edit"),
        Binding("slash", "filter", N_("Filter"), id="risks.filter"),
        Binding("s", "sort_next", N_("Sort"), id="risks.sort"),
        Binding("E", "export_register", N_("Export register"), id="risks.export", show=False),
        Binding("escape", "leave_filter", N_("Leave filter"), id="risks.leave-filter", show=False),
    ]

    residual: reactive[bool] = reactive(False, init=False)
    """Show residual (after mitigation) scores instead of inherent ones."""
    since: reactive[date | None] = reactive[date | None](None, init=False)
    """Show movement since this date on the heatmap."""
    sort_column: reactive[str] = reactive("score", init=False)
    sort_reverse: reactive[bool] = reactive(True, init=False)
    filter_text: reactive[str] = reactive("", init=False)

    @dataclass
    class Loaded(Message):
        data: RiskData

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.data = RiskData()
        self.bands = ScoreBands(self.context.settings.risk_amber, self.context.settings.risk_red)
        self.view: HeatmapView | None = None
        self._loaded_once = False
        self._pending_risk: str | None = None

    # typed accessors

    @property
    def grid(self) -> HeatmapGrid:
        return self.query_one("#heatmap-grid", HeatmapGrid)

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#risk-table", DataTable)

    @property
    def cell_list(self) -> OptionList:
        return self.query_one("#cell-risks", OptionList)

    @property
    def warning_list(self) -> WarningList:
        return self.query_one("#warning-list", WarningList)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#risk-tabs", TabbedContent)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="risk-tabs"):
            with TabPane(_("Heatmap"), id=TABS["heatmap"]), Horizontal(id="heatmap-pane"):
                with Vertical(id="heatmap-left"):
                    yield Static("", id="heatmap-caption")
                    yield HeatmapGrid(id="heatmap-grid")
                    yield Static("", id="heatmap-legend")
                with Vertical(id="cell-pane"):
                    yield Static("", id="cell-title")
                    yield OptionList(id="cell-risks")
            with TabPane(_("Register"), id=TABS["register"]):
                yield Input(
                    placeholder=_("Filter: words, owner:ann status:open band:red category:…"),
                    id="risk-filter",
                )
                yield DataTable(id="risk-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="register-status")
            with TabPane(_("Warnings"), id=TABS["warnings"]):
                yield WarningList(id="warning-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.grid.focus()
        self.reload()

    def on_resize(self, event: Resize) -> None:
        self.grid.compact = event.size.height < 34 or event.size.width < 100
        if self.data.risks:
            self.refresh_register()

    # loading

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="risks-load", exit_on_error=False)
    def _load(self) -> None:
        """Read risks, warnings and cards off the event loop and post them back."""
        try:
            services = self.services
            risks = tuple(services.risks.list())
            warnings = services.risks.warnings(self.context.settings.blocked_escalation_days)
            data = RiskData(
                risks=risks,
                warnings=tuple(warnings),
                cards={c.id: c for c in services.cards.list()},
            )
        except HuddleError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        # A newer load replaced this one (thread workers run to the end): its older read must not land after.
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(data))

    def on_risks_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        if not self._loaded_once:
            self._loaded_once = True
            self.grid.select(self._initial_cell())
        self.refresh_views()
        if self._pending_risk is not None:
            self.show_risk(self._pending_risk)

    def on_risks_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(escape(message.error), title=_("Cannot read risks"), severity="error")

    def _initial_cell(self) -> Position | None:
        """Start on the worst occupied cell, so the first thing seen is what matters most."""
        view = build_heatmap(self.data.risks, self.bands, residual=self.residual)
        occupied = [pos for pos, cell in view.cells.items() if cell.count]
        if occupied:
            return max(occupied, key=lambda pos: (pos[0] * pos[1], pos[1]))
        return None if view.unassessed else (3, 3)

    # painting

    def refresh_views(self) -> None:
        self.refresh_heatmap()
        self.refresh_register()
        self.warning_list.show(self.data.warnings)
        count = len(self.data.warnings)
        self.tabs.get_tab(TABS["warnings"]).label = (
            _("Warnings ({count})").format(count=count) if count else _("Warnings")
        )

    def _previous_positions(self) -> dict[str, Position | None] | None:
        if self.since is None:
            return None
        previous: dict[str, Position | None] = {}
        for risk in self.data.risks:
            change = self.services.risks.score_at(risk, self.since)
            if change is None:
                previous[risk.id] = None
            elif self.residual:
                rp, ri = change.residual_probability, change.residual_impact
                previous[risk.id] = (rp, ri) if rp is not None and ri is not None else None
            else:
                p, i = change.probability, change.impact
                previous[risk.id] = (p, i) if p is not None and i is not None else None
        return previous

    def refresh_heatmap(self) -> None:
        self.view = build_heatmap(
            self.data.risks,
            self.bands,
            residual=self.residual,
            previous=self._previous_positions(),
            since=self.since,
        )
        self.grid.show(self.view)
        kind = (
            _("Residual scores (after mitigation)")
            if self.residual
            else _("Inherent scores (before mitigation)")
        )
        parts: list[str | tuple[str, str]] = [(kind, "bold")]
        if self.since is not None:
            # The date is bold inside a translated sentence: split the message at its field.
            before, _sep, after = _("Moved since {date}: arrow = moved in, ◦ = was here").partition("{date}")
            parts += [
                "\n" + before,
                (format_day(self.since, today=self.services.risks.today()), "bold"),
                after,
            ]
        self.query_one("#heatmap-caption", Static).update(Content.assemble(*parts))
        amber, red = self.bands.amber, self.bands.red
        legend = Content.assemble(
            ("  ", "on $success 60%"), _(" green <{amber}  ").format(amber=amber),
            ("  ", "on $warning 60%"), _(" amber {amber}-{top}  ").format(amber=amber, top=red - 1),
            ("  ", "on $error 60%"), _(" red ≥{red}").format(red=red),
        )  # fmt: skip
        self.query_one("#heatmap-legend", Static).update(legend)
        self.refresh_cell_list()

    def refresh_cell_list(self) -> None:
        view = self.view
        if view is None:
            return
        position = self.grid.cursor
        title = self.query_one("#cell-title", Static)
        by_id = {r.id: r for r in self.data.risks}
        previous = self._previous_positions() if self.since is not None else {}
        options: list[Option] = []
        if position is None:
            ids: tuple[str, ...] = view.unassessed
            moved_away: tuple[str, ...] = ()
            heading = _("Not residual assessed") if view.residual else _("Not assessed")
            count = _(": {n} open risk(s)").format(n=len(ids))
            title.update(Content.assemble((heading, "bold"), count))
        else:
            cell = view.cell(position)
            ids, moved_away = cell.risk_ids, cell.previous_ids
            p, i = position
            title.update(
                Content.assemble(
                    (f"P{p} x I{i} = {p * i}", "bold"),
                    f" ({_(BAND_NAMES.get(cell.band, cell.band))})",
                    _(": {n} risk(s)").format(n=cell.count),
                )
            )
        for risk_id in ids:
            risk = by_id[risk_id]
            now = position_of(risk, residual=view.residual)
            move = describe_move(previous.get(risk_id), now) if previous and risk_id in previous else ""
            options.append(Option(self._risk_line(risk, move), id=risk_id))
        for risk_id in moved_away:
            risk = by_id[risk_id]
            now = position_of(risk, residual=view.residual)
            where = _("now P{p} I{i}").format(p=now[0], i=now[1]) if now else _("no longer assessed")
            options.append(
                Option(
                    self._risk_line(risk, _("◦ moved away, {where}").format(where=where)), id=f"was:{risk_id}"
                )
            )
        if not options:
            if view.total == 0:
                message = _(EMPTY_REGISTER)
            elif position is None:
                message = _("Every open risk has a score.")
            else:
                message = _("No risks in this cell.")
            options.append(Option(Content.styled(message, "$text-muted"), disabled=True))
        self.cell_list.set_options(options)

    def _risk_line(self, risk: Risk, note: str) -> Content:
        owner = risk.owner or _("no owner")
        return Content.assemble(
            (f"{risk.id:<6}", "bold"),
            risk.title,
            (f"  {owner} · {status_label(risk.status.value)}", "$text-muted"),
            (f"  {note}", "italic $accent") if note else "",
        )

    def refresh_register(self) -> None:
        table = self.table
        selected = self.selected_register_risk()
        table.clear(columns=True)
        arrow = " ▼" if self.sort_reverse else " ▲"
        for key in SORT_COLUMNS:
            label = _(COLUMN_LABELS[key]) + (arrow if key == self.sort_column else "")
            table.add_column(label, key=key)
        shown = [r for r in self.data.risks if matches(r, self.filter_text, self.bands)]
        styles = self._band_styles()
        today = self.services.risks.today()
        for risk in sort_risks(shown, self.sort_column, reverse=self.sort_reverse):
            table.add_row(
                Text(risk.id),
                Text(risk.title[:60]),
                Text(risk.category or ""),
                Text(risk.owner or ""),
                Text("" if risk.probability is None else str(risk.probability)),
                Text("" if risk.impact is None else str(risk.impact)),
                self._score_text(risk.score, styles),
                self._score_text(risk.residual_score, styles),
                Text(status_label(risk.status.value)),
                Text(format_day(risk.review_date, today=today) if risk.review_date else ""),
                key=risk.id,
            )
        fit_columns(table, priority=REGISTER_PRIORITY, shrink="title", width=self.size.width - 4)
        if selected is not None and selected.id in table.rows:
            table.move_cursor(row=table.get_row_index(selected.id))
        total = len(self.data.risks)
        direction = _("high to low") if self.sort_reverse else _("low to high")
        if self.filter_text:
            status = _("{shown} of {total} risks").format(shown=len(shown), total=total)
        else:
            status = _("{total} risks").format(total=total)
        column = _(COLUMN_LABELS[self.sort_column])
        status += _(" · sorted by {column} ({direction})").format(column=column, direction=direction)
        status += _(" · click a header or press s to sort")
        if total == 0:
            status = _(EMPTY_REGISTER)
        self.query_one("#register-status", Static).update(Content(status))

    def _band_styles(self) -> dict[str, Style]:
        """Rich styles for the band colours, taken from the current theme's variables."""
        variables = self.app.get_css_variables()
        names = {"green": "success", "amber": "warning", "red": "error"}
        return {
            band: Style(color=Color.parse(variables[name]).rich_color, bold=True)
            for band, name in names.items()
            if name in variables
        }

    def _score_text(self, score: int | None, styles: dict[str, Style]) -> Text:
        if score is None:
            return Text("-")
        band = self.bands.band(score)
        return Text(f"{score:>2} {_(BAND_NAMES.get(band, band))}", style=styles.get(band, ""))

    # selection helpers

    def selected_register_risk(self) -> Risk | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return next((r for r in self.data.risks if r.id == key), None)

    def selected_cell_risk(self) -> Risk | None:
        option_list = self.cell_list
        if option_list.highlighted is None:
            return None
        option = option_list.get_option_at_index(option_list.highlighted)
        if option.id is None:
            return None
        risk_id = option.id.removeprefix("was:")
        return next((r for r in self.data.risks if r.id == risk_id), None)

    def current_risk(self) -> Risk | None:
        """The risk the person is looking at in the active tab."""
        if self.tabs.active == TABS["register"]:
            return self.selected_register_risk()
        if self.tabs.active == TABS["heatmap"]:
            return self.selected_cell_risk()
        return None

    def show_risk(self, risk_id: str) -> None:
        """Select a risk in the register (clearing a filter that hides it) and on the heatmap."""
        risk = next((r for r in self.data.risks if r.id == risk_id.upper()), None)
        if risk is None:
            if self._loaded_once:
                self._pending_risk = None
                self.notify(_("No risk {id}").format(id=escape(risk_id)), severity="warning")
            else:
                self._pending_risk = risk_id
            return
        self._pending_risk = None
        if not matches(risk, self.filter_text, self.bands):
            self.query_one("#risk-filter", Input).value = ""
            self.filter_text = ""
        self.grid.select(position_of(risk, residual=self.residual))
        self.tabs.active = TABS["register"]
        table = self.table
        if risk.id in table.rows:
            table.move_cursor(row=table.get_row_index(risk.id))
        table.focus()

    # reactions

    def watch_residual(self) -> None:
        self.refresh_heatmap()

    def watch_since(self) -> None:
        self.refresh_heatmap()

    def watch_sort_column(self) -> None:
        self.refresh_register()

    def watch_sort_reverse(self) -> None:
        self.refresh_register()

    def watch_filter_text(self) -> None:
        self.refresh_register()

    @on(HeatmapGrid.CellSelected)
    def list_cell_risks(self, event: HeatmapGrid.CellSelected) -> None:
        self.refresh_cell_list()
        if event.activated:
            self.cell_list.focus()
            if self.cell_list.option_count and not self.cell_list.get_option_at_index(0).disabled:
                self.cell_list.highlighted = 0

    @on(OptionList.OptionSelected, "#cell-risks")
    def open_cell_risk(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open_detail(event.option.id.removeprefix("was:"))

    @on(DataTable.RowSelected, "#risk-table")
    def open_register_risk(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_detail(event.row_key.value)

    @on(DataTable.HeaderSelected, "#risk-table")
    def sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.set_reactive(
                RisksScreen.sort_reverse, column in ("score", "residual", "probability", "impact")
            )
            self.sort_column = column

    @on(Input.Changed, "#risk-filter")
    def filter_register(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#risk-filter")
    def leave_filter(self) -> None:
        self.table.focus()

    def action_leave_filter(self) -> None:
        """Esc in the filter goes back to the register, keeping the filter (as Enter does)."""
        if self.focused is self.query_one("#risk-filter", Input):
            self.table.focus()

    @on(WarningList.OpenRequested)
    def jump_to_warning(self, event: WarningList.OpenRequested) -> None:
        warning = event.warning
        if warning.kind == "risk-review":
            self.post_message(OpenRisk(warning.target))
            return
        self.post_message(OpenCard(warning.target))

    def on_open_risk(self, message: OpenRisk) -> None:
        message.stop()
        self.show_risk(message.risk_id)

    # actions

    def action_show_tab(self, name: str) -> None:
        self.tabs.active = TABS[name]
        target = {"heatmap": self.grid, "register": self.table, "warnings": self.warning_list}[name]
        target.focus()

    def action_toggle_residual(self) -> None:
        self.residual = not self.residual
        self.notify(_("Residual scores") if self.residual else _("Inherent scores"), timeout=2)

    def action_movement(self) -> None:
        def chosen(choice: SinceChoice | None) -> None:
            if choice is not None:
                self.since = choice.day

        self.app.push_screen(SinceModal(today=self.services.risks.today(), current=self.since), chosen)

    def action_filter(self) -> None:
        self.tabs.active = TABS["register"]
        self.query_one("#risk-filter", Input).focus()

    def action_sort_next(self) -> None:
        index = SORT_COLUMNS.index(self.sort_column)
        column = SORT_COLUMNS[(index + 1) % len(SORT_COLUMNS)]
        self.set_reactive(RisksScreen.sort_reverse, column in ("score", "residual", "probability", "impact"))
        self.sort_column = column

    def action_add_risk(self, draft: dict[str, str] | None = None, error: str = "") -> None:
        form = RiskFormModal(today=self.services.risks.today(), draft=draft, error=error)
        self.app.push_screen(form, lambda result: self._save_risk(None, result))

    def action_edit_risk(self) -> None:
        risk = self.current_risk()
        if risk is None:
            self.notify(_("Select a risk first (in the register or a heatmap cell)."), severity="warning")
            return
        self.edit(risk)

    def edit(self, risk: Risk, draft: dict[str, str] | None = None, error: str = "") -> None:
        form = RiskFormModal(today=self.services.risks.today(), risk=risk, draft=draft, error=error)
        self.app.push_screen(form, lambda result: self._save_risk(risk, result))

    def _save_risk(self, risk: Risk | None, result: RiskFormResult | None) -> None:
        """Queue the form's values with the app's other writes (off the event loop); a refused save re-opens
        the form with what was typed and the reason."""
        if result is None:
            return
        services, values = self.services, result.values

        def run() -> Risk:
            if risk is not None:
                return services.risks.edit(risk.id, values)
            fields = dict(values)
            title, owner = fields.pop("title"), fields.pop("owner")
            probability, impact = fields.pop("probability"), fields.pop("impact")
            return services.risks.add(title, probability, impact, owner=owner, **fields)

        def failed(error: Exception) -> None:
            message = str(error) if isinstance(error, HuddleError | ValueError) else repr(error)
            if risk is None:
                self.action_add_risk(result.draft, _("Not saved: {reason}").format(reason=message))
            else:
                self.edit(risk, result.draft, _("Not saved: {reason}").format(reason=message))

        shell_of(self.app).submit_write(WriteJob(_("save the risk"), run, self._after_save, failed))

    def _after_save(self, risk: Risk) -> None:
        self.notify(escape(_("Saved {id} {title}").format(id=risk.id, title=risk.title)), timeout=3)
        self._pending_risk = risk.id if self.tabs.active == TABS["register"] else None
        self.reload()

    def open_detail(self, risk_id: str) -> None:
        risk = next((r for r in self.data.risks if r.id == risk_id), None)
        if risk is None:
            return

        def closed(choice: str | None) -> None:
            if choice == "edit":
                self.edit(risk)
            elif choice is not None and choice.startswith("card:"):
                self.post_message(OpenCard(choice.removeprefix("card:")))

        self.app.push_screen(
            RiskDetailModal(
                risk, cards=self.data.cards, zone=self.context.zone, today=self.services.risks.today()
            ),
            closed,
        )

    def action_export_register(self) -> None:
        """Export the risk register as CSV (for Excel), .xlsx or Markdown."""
        from tui.screens.transfer import offer_table_export

        offer_table_export(self, self.context, "risks")
