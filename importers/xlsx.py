"""Rows of the first worksheet of an .xlsx file, read with openpyxl (imported only here)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from domain.i18n import _
from importers.model import ImportFormatError
from importers.text import Cell


def _cell(value: object) -> Cell:
    """A cell value as the sheet reader takes it: text, number, date or empty (rich text as its text)."""
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def xlsx_rows(data: bytes, name: str, sheet: str | None = None) -> list[list[Cell]]:
    """Cell values of the first (or the named) worksheet, formulas as their last computed values."""
    from openpyxl import load_workbook  # deferred: a large import, needed only for spreadsheets

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFormatError(
            _("{name} is not an .xlsx workbook ({exc})").format(name=name, exc=exc)
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFormatError(
                _("{name} has no sheet {sheet!r}; sheets: {value}").format(
                    name=name, sheet=sheet, value=", ".join(book.sheetnames)
                )
            )
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [[_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(c not in (None, "") for c in rows[-1]):
        rows.pop()
    return rows
