"""The 5x5 risk heatmap: probability up the side, impact along the bottom, one coloured cell per score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Static

from domain.dates import format_day
from domain.i18n import N_, _
from tui.views.risks import BAND_NAMES, IMPACT_LABELS, PROBABILITY_LABELS, CellView, HeatmapView, Position

BANDS = ("green", "amber", "red")


class HeatCell(Static):
    """One cell of the grid (or, with no position, the bucket of risks not yet assessed)."""

    @dataclass
    class Clicked(Message):
        cell: HeatCell

    def __init__(self, position: Position | None, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="heat-cell" if position else "heat-bucket")
        self.position = position

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self))


def cell_id(position: Position) -> str:
    return f"cell-{position[0]}-{position[1]}"


class HeatmapGrid(Widget, can_focus=True):
    """Shows a ``HeatmapView``; arrow keys or the mouse pick a cell, reported by ``CellSelected``."""

    DEFAULT_CSS = """
    HeatmapGrid {
        width: 58;
        height: auto;
        padding: 0 1;
    }
    HeatmapGrid #heat-cells {
        grid-size: 6 6;
        grid-columns: 11 9 9 9 9 9;
        grid-rows: 3 3 3 3 3 1;
        height: auto;
        width: auto;
    }
    HeatmapGrid.-compact { width: 53; }
    HeatmapGrid.-compact #heat-cells {
        grid-columns: 11 8 8 8 8 8;
        grid-rows: 2 2 2 2 2 2;
    }
    HeatmapGrid .axis-title { color: $text-muted; text-style: italic; }
    HeatmapGrid #impact-title { width: 100%; content-align: center middle; padding-left: 11; }
    HeatmapGrid .row-label { width: 100%; height: 100%; content-align: right middle; padding-right: 1; }
    HeatmapGrid .col-label {
        width: 100%;
        content-align: center middle;
        text-align: center;
        color: $text-muted;
    }
    HeatCell.heat-cell {
        width: 100%;
        height: 100%;
        content-align: center middle;
        text-align: center;
        color: $text;
    }
    HeatCell.-sev-green { background: $success 35%; }
    HeatCell.-sev-amber { background: $warning 45%; }
    HeatCell.-sev-red { background: $error 50%; }
    HeatCell.-empty { color: $text-disabled; }
    HeatCell.-sev-green.-empty { background: $success 18%; }
    HeatCell.-sev-amber.-empty { background: $warning 18%; }
    HeatCell.-sev-red.-empty { background: $error 18%; }
    HeatCell.-cursor { text-style: bold underline; tint: $foreground 15%; }
    HeatmapGrid:focus HeatCell.-cursor { text-style: bold reverse; tint: $foreground 30%; }
    HeatCell.heat-bucket {
        margin: 1 0 0 11;
        width: auto;
        padding: 0 1;
        background: $panel;
    }
    HeatCell.heat-bucket.-cursor { text-style: bold underline; }
    HeatmapGrid:focus HeatCell.heat-bucket.-cursor { text-style: bold reverse; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(1, 0)", N_("Up"), show=False, id="heatmap.up"),
        Binding("down", "move(-1, 0)", N_("Down"), show=False, id="heatmap.down"),
        Binding("left", "move(0, -1)", N_("Left"), show=False, id="heatmap.left"),
        Binding("right", "move(0, 1)", N_("Right"), show=False, id="heatmap.right"),
        Binding("enter", "activate", N_("List risks"), id="heatmap.activate"),
    ]

    cursor: reactive[Position | None] = reactive[Position | None]((3, 3), init=False)
    """The selected cell; None is the bucket of risks not yet assessed."""
    compact: reactive[bool] = reactive(False)
    """Two-line cells for short terminals."""

    @dataclass
    class CellSelected(Message):
        """A cell was picked (by keys or mouse); ``position`` None means the not-assessed bucket."""

        grid: HeatmapGrid
        position: Position | None
        activated: bool = False
        """True when the person pressed enter or clicked, asking to go to the cell's list."""

        @property
        def control(self) -> HeatmapGrid:
            return self.grid

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: HeatmapView | None = None
        self._last_impact = 3

    def compose(self) -> ComposeResult:
        yield Label(_("Probability ↑"), classes="axis-title")
        with Grid(id="heat-cells"):
            for p in range(5, 0, -1):
                yield Label(f"{_(PROBABILITY_LABELS[p])} {p}", classes="row-label")
                for i in range(1, 6):
                    yield HeatCell((p, i), id=cell_id((p, i)))
            yield Label("")
            for i in range(1, 6):
                yield Label(f"{i} {_(IMPACT_LABELS[i])}", id=f"impact-{i}", classes="col-label")
        yield Label(_("Impact →"), id="impact-title", classes="axis-title")
        yield HeatCell(None, id="heat-unassessed")

    def on_mount(self) -> None:
        self._paint_cursor()

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")
        for i, label in IMPACT_LABELS.items():
            name = _(label)
            self.query_one(f"#impact-{i}", Label).update(f"{i}\n{name}" if compact else f"{i} {name}")
        if self.view is not None:
            self.show(self.view)

    def show(self, view: HeatmapView) -> None:
        """Paint a new view (counts, bands, movement) without remounting the cells."""
        self.view = view
        for cell_view in view.cells.values():
            cell = self.query_one(f"#{cell_id(cell_view.position)}", HeatCell)
            for band in BANDS:
                cell.set_class(cell_view.band == band, f"-sev-{band}")
            cell.set_class(cell_view.count == 0, "-empty")
            cell.set_class(bool(cell_view.previous_ids), "-ghost")
            cell.update(self._cell_content(cell_view))
            p, i = cell_view.position
            band = _(BAND_NAMES.get(cell_view.band, cell_view.band))
            tooltip = _("P{p} x I{i} = {score} ({band}): {n} risk(s)")
            cell.tooltip = tooltip.format(p=p, i=i, score=p * i, band=band, n=cell_view.count) + (
                _("; {n} moved away since {date}").format(
                    n=len(cell_view.previous_ids), date=format_day(view.since) if view.since else ""
                )
                if cell_view.previous_ids
                else ""
            )
        bucket = self.query_one("#heat-unassessed", HeatCell)
        text = _("Not residual assessed: {n}") if view.residual else _("Not assessed: {n}")
        bucket.update(Content(text.format(n=len(view.unassessed))))

    def _cell_content(self, cell: CellView) -> Content:
        count = Content.styled(str(cell.count), "bold") if cell.count else Content("·")
        marks = Content.assemble(
            (cell.arrows, "bold"),
            " " if cell.arrows and cell.previous_ids else "",
            (f"◦{len(cell.previous_ids)}", "italic") if cell.previous_ids else "",
        )
        return Content.assemble(count, "\n", marks) if marks else count

    def watch_cursor(self, cursor: Position | None) -> None:
        self._paint_cursor()
        self.post_message(self.CellSelected(self, cursor))

    def _paint_cursor(self) -> None:
        for cell in self.query(HeatCell):
            cell.set_class(cell.position == self.cursor, "-cursor")

    def select(self, position: Position | None) -> None:
        """Move the cursor (used by the screen, for example to show where a risk sits)."""
        self.cursor = position

    def action_move(self, dp: int, di: int) -> None:
        if self.cursor is None:
            if dp > 0:
                self.cursor = (1, self._last_impact)
            return
        p, i = self.cursor
        if p + dp < 1:
            self._last_impact = i
            self.cursor = None
            return
        self.cursor = (min(5, p + dp), max(1, min(5, i + di)))

    def action_activate(self) -> None:
        self.post_message(self.CellSelected(self, self.cursor, activated=True))

    def on_heat_cell_clicked(self, message: HeatCell.Clicked) -> None:
        message.stop()
        self.focus()
        if message.cell.position != self.cursor:
            self.cursor = message.cell.position
        else:
            self.post_message(self.CellSelected(self, self.cursor))
