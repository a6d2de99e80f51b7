"""Helpers for Textual's DataTable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

MAX_COLUMN = 60
"""Cells: a longer value is cut (with an ellipsis) rather than widening its column further."""
LEAST_TEXT = 12
"""Cells a shrinkable text column (a title) keeps before columns are dropped instead."""


def fit_columns(
    table: DataTable[Any],
    *,
    most: int = MAX_COLUMN,
    priority: Sequence[str] = (),
    shrink: str | None = None,
    width: int | None = None,
) -> list[str]:
    """Give every column the width of its widest cell (CJK counted double), now; where the table is
    narrower than its columns, shrink the ``shrink`` column (a title) down to :data:`LEAST_TEXT` cells,
    then drop the least important columns until the rest fit. Returns the keys of the dropped columns.

    ``priority`` lists column keys, most important first; a key ending in ``*`` stands for every column
    whose key starts with the rest (``person:*``); columns it does not name go first. ``width`` is the
    cells available (default: the table's own width once laid out, else the screen's); call this again
    when that changes (the callers refill on resize).

    Call it right after refilling ``table``. DataTable measures new rows later, when idle; a frame drawn
    before that (a real terminal repaints while a reload refills the table) caches the rows cut to the
    header widths, and Textual 8.2 keeps showing those cached lines once the widths grow. Widths set
    before the first frame leave no stale frame to show.
    """
    widths = {key: _width(column.label) for key, column in table.columns.items()}
    keys = list(table.columns)
    for row_key in table.rows:
        for key, cell in zip(keys, table.get_row(row_key), strict=False):
            widths[key] = max(widths[key], _width(cell))
    widths = {key: min(most, cells) for key, cells in widths.items()}
    dropped: list[str] = []
    available = width if width is not None else available_cells(table)
    if available > 0 and priority:
        names = [str(key.value) for key in keys]
        drop = drop_order(names, priority)
        pad = 2 * table.cell_padding
        cells = {str(key.value): widths[key] for key in keys}
        total = sum(cells.values()) + pad * len(cells)
        if shrink in cells and total > available:
            cut = min(cells[shrink] - LEAST_TEXT, total - available)
            if cut > 0:
                cells[shrink] -= cut
                total -= cut
        for name in drop:
            if total <= available or len(cells) <= 1:
                break
            total -= cells.pop(name) + pad
            dropped.append(name)
        for key in keys:
            if str(key.value) in cells:
                widths[key] = cells[str(key.value)]
        for name in dropped:
            table.remove_column(ColumnKey(name))
    for key, column in table.columns.items():
        column.width = widths[key]
        column.auto_width = False
    table.refresh()
    return dropped


def drop_order(names: Sequence[str], priority: Sequence[str]) -> list[str]:
    """``names`` from the first to drop to the last: those ``priority`` does not name, then the named
    ones from the least important up (``prefix*`` entries keep their columns' own order)."""

    def rank(name: str) -> int:
        for index, wanted in enumerate(priority):
            if name == wanted or (wanted.endswith("*") and name.startswith(wanted[:-1])):
                return index
        return len(priority)

    order = sorted(range(len(names)), key=lambda index: (-rank(names[index]), -index))
    return [names[index] for index in order]


def available_cells(table: DataTable[Any]) -> int:
    """Cells a table may fill: its container's inner width once laid out (a table's own width grows with
    its columns), else its screen's less a margin (a tab not shown yet)."""
    parent = table.parent
    width = parent.content_region.width if isinstance(parent, Widget) else 0
    if width > 0:
        return width - table.styles.gutter.width
    return table.screen.size.width - 4 if table.is_attached else 0


def _width(value: object) -> int:
    if isinstance(value, Text):
        return max((cell_len(line) for line in value.plain.split("\n")), default=0)
    return cell_len(str(value))


def cursor_key(table: DataTable[Any]) -> str | None:
    """The row key under the cursor (to put the cursor back after a refill), or None."""
    if table.row_count == 0:
        return None
    try:
        value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None
    return None if value is None else str(value)


def restore_cursor(table: DataTable[Any], key: str | None) -> None:
    """Put the cursor back on row ``key`` if the refilled table still has it."""
    if key is not None and key in table.rows:
        table.move_cursor(row=table.get_row_index(key))


def theme_styles(variables: dict[str, str]) -> dict[str, Style]:
    """Bold Rich styles for the theme's success, warning and error colours, for DataTable cells
    (cells are Rich ``Text``, which cannot name a theme variable)."""
    return {
        name: Style(color=Color.parse(variables[name]).rich_color, bold=True)
        for name in ("success", "warning", "error")
        if name in variables
    }
