"""Helpers for Textual's DataTable."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widgets import DataTable

MAX_COLUMN = 60
"""Cells: a longer value is cut (with an ellipsis) rather than widening its column further."""


def fit_columns(table: DataTable[Any], *, most: int = MAX_COLUMN) -> None:
    """Give every column the width of its widest cell (CJK counted double), now.

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
    for key, column in table.columns.items():
        column.width = min(most, widths[key])
        column.auto_width = False
    table.refresh()


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
