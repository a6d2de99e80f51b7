"""What comes in from other tools: CSV and .xlsx sheets, Trello board exports, Jira CSV exports.

Three steps, each testable alone: a reader turns a file into a ``SourceBatch`` (``read_source``),
``plan_import`` says what would change, ``apply_import`` does it in one transaction through the
services. No Textual; openpyxl is imported only when an .xlsx file is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.errors import StorageError, ValidationError
from domain.i18n import _
from importers.model import ImportFormatError, SourceBatch

KINDS = ("csv", "xlsx", "trello", "jira")
MAX_BYTES = 64 * 1024 * 1024


def read_file(path: Path) -> bytes:
    """The bytes of an input file; a missing, unreadable or huge file is one clear error."""
    try:
        if path.is_dir():
            raise StorageError(_("{path} is a folder; give the file to import").format(path=path))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFormatError(
                _("{path} is {value} MiB; the limit is 64 MiB").format(path=path, value=size // (1024 * 1024))
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise StorageError(_("{path} does not exist").format(path=path)) from None
    except OSError as exc:
        raise StorageError(
            _("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None


def guess_kind(path: Path, data: bytes) -> str:
    """The reader for a file picked in the app: by its suffix, and a CSV with Jira's headers is Jira's."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "trello"
    head = data[:4096].decode("utf-8", "ignore").casefold()
    return "jira" if "issue key" in head and "summary" in head else "csv"


def read_source(
    kind: str,
    data: bytes,
    name: str,
    *,
    zone: ZoneInfo,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> SourceBatch:
    """Parse ``data`` (the file called ``name``) with the reader for ``kind``."""
    if kind not in KINDS:
        raise ValidationError(
            _("cannot import {kind!r}; kinds: {value}").format(kind=kind, value=", ".join(KINDS))
        )
    if mapping and kind not in ("csv", "xlsx"):
        raise ValidationError(
            _("--map is for csv and xlsx sheets; Trello and Jira exports are mapped already")
        )
    if kind == "trello":
        from importers.trello import read_trello

        return read_trello(data, name, zone)
    if kind == "jira":
        from importers.jira import read_jira

        return read_jira(data, name, encoding)
    from importers.sheet import read_rows

    if kind == "xlsx":
        from importers.xlsx import xlsx_rows

        return read_rows(xlsx_rows(data, name), name=name, kind=kind, overrides=mapping or {})
    from importers.text import csv_rows, decode

    return read_rows(
        csv_rows(decode(data, name, encoding), name), name=name, kind=kind, overrides=mapping or {}
    )
