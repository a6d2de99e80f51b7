"""Bytes to rows: the encodings and CSV dialects spreadsheets are saved in, and the cell values they hold.

Encodings, tried in order unless one is given: UTF-16 when the file starts with its byte-order mark
(Excel's "Unicode text"), UTF-8 with or without a BOM, then GB18030 (which contains GBK and GB2312,
what Excel on a Chinese Windows writes). Dialects: comma, semicolon (Excel where the decimal mark is a
comma) or tab, chosen from the header line; quoted cells may hold newlines and doubled quotes.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import date, datetime

from domain.i18n import _
from domain.models import Priority
from importers.model import ImportFormatError, located

Cell = str | int | float | bool | date | datetime | None


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of a file, line breaks kept as they are; an error says which encodings were tried."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportFormatError(
                _("unknown encoding {encoding!r} (try utf-8, gb18030, gbk)").format(encoding=encoding)
            ) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                _("{name} is not {encoding}: byte {start} (0x{data:02x}) cannot be decoded").format(
                    name=name, encoding=encoding, start=exc.start, data=data[exc.start]
                )
            ) from None
        return text.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ImportFormatError(
                _("{name} starts like UTF-16 but is not valid UTF-16").format(name=name)
            ) from None
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(
        _("{name} is neither UTF-8 nor GB18030/GBK; give its encoding with --encoding (such as big5)").format(
            name=name
        )
    )


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (outside quotes)."""
    header = text.split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(text: str, name: str) -> list[list[str]]:
    """Every record of a CSV text (quoted newlines stay inside their cell, as ``\\n``)."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append([_unescape(cell.replace("\r\n", "\n").replace("\r", "\n")) for cell in record])
    except csv.Error as exc:
        raise located(name, len(rows) + 1, None, f"the CSV cannot be read ({exc})") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def _unescape(cell: str) -> str:
    """Undo the apostrophe spreadsheet exports (Huddle's too) put before a cell that would run as a
    formula (``'=1+2`` is the text ``=1+2``)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def normal_header(text: str) -> str:
    """A header as compared: case, width of spaces, underscores and a trailing colon do not matter."""
    value = text.replace("\ufeff", "").strip().casefold().replace("_", " ").rstrip(":：")
    return re.sub(r"\s+", " ", value)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s.*)?$")
_JIRA = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2}|\d{4})(?:\s.*)?$")


def cell_date(value: Cell) -> date | None:
    """A date from a cell: a spreadsheet date, ISO ``2026-12-01`` (time ignored), ``2026/12/1``,
    ``2026年12月1日``, or Jira's ``1/Dec/26 9:00 AM``. Raises ValueError for anything else: a form such
    as ``12/01/2026`` reads differently in different countries, so it is refused rather than guessed."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in (_ISO, _CHINESE):
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    match = _JIRA.match(text)
    if match and match.group(2).casefold() in _MONTHS:
        year = int(match.group(3))
        return date(
            year + 2000 if year < 100 else year, _MONTHS[match.group(2).casefold()], int(match.group(1))
        )
    raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")


_PRIORITIES = {
    Priority.URGENT: ("urgent", "highest", "blocker", "critical", "紧急", "最高", "p0", "严重"),
    Priority.HIGH: ("high", "major", "高", "p1", "重要"),
    Priority.NORMAL: ("normal", "medium", "中", "普通", "一般", "p2", "正常"),
    Priority.LOW: ("low", "lowest", "minor", "trivial", "低", "最低", "p3", "p4", "次要"),
}
_PRIORITY_WORDS = {word: p for p, words in _PRIORITIES.items() for word in words}


def cell_priority(value: Cell) -> Priority | None:
    """A priority from its English, Jira or Chinese name; ValueError for anything else."""
    text = cell_text(value)
    if not text:
        return None
    found = _PRIORITY_WORDS.get(text.casefold())
    if found is None:
        raise ValueError(f"{text!r} is not a priority (urgent, high, normal, low, 紧急, 高, 中, 低)")
    return found


def cell_text(value: Cell) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def cell_flag(value: Cell) -> bool:
    """A yes/no cell: yes, true, 1, x, ✓, 是 are yes; empty, no, false, 0, 否 are no."""
    text = cell_text(value).casefold()
    if text in ("", "no", "n", "false", "0", "否", "不是", "-"):
        return False
    if text in ("yes", "y", "true", "1", "x", "✓", "✔", "是", "√"):
        return True
    raise ValueError(f"{text!r} is not yes or no")


def split_list(value: Cell, *, words: bool = False) -> tuple[str, ...]:
    """A list cell split on commas, semicolons, ``|`` and ``、`` (ASCII or full-width); with ``words``,
    on spaces too (card ids)."""
    pattern = r"[,，;；|、\n\s]+" if words else r"[,，;；|、\n]+"
    return tuple(dict.fromkeys(part.strip() for part in re.split(pattern, cell_text(value)) if part.strip()))
