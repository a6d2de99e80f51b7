"""What every reader produces: source items in one neutral shape, before anything is matched or planned.

A reader (CSV/XLSX sheet, Trello board JSON, Jira CSV) turns its file into a ``SourceBatch``; the
planner never looks at the file again. Errors name the file, the row (as a spreadsheet numbers it,
the header being row 1) and the field, so a person can find the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.errors import ValidationError
from domain.i18n import _
from domain.models import Priority


class ImportFormatError(ValidationError):
    """Input that cannot be imported; the message names the file, the row and the field."""


def located(name: str, row: int | None, what: str | None, message: str) -> ImportFormatError:
    """An error that says where: ``tasks.csv row 5, field 截止日期 (due): ...``."""
    where = name
    if row is not None:
        where += f" row {row}"
    if what:
        where += f", field {what}"
    return ImportFormatError(_("{where}: {message}").format(where=where, message=message))


@dataclass(frozen=True, slots=True)
class SourcePerson:
    """Someone named by the source: any of handle, name and e-mail may be missing."""

    name: str = ""
    handle: str = ""
    email: str = ""

    def label(self) -> str:
        return self.name or self.handle or self.email


@dataclass(frozen=True, slots=True)
class SourceComment:
    at: str
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One card as the source has it. ``None`` means "the source has no such field": an update leaves
    that field of the card alone; an empty value (``()``, ``""``) clears it."""

    source_id: str
    title: str
    row: int | None = None
    dept: str | None = None
    status: str | None = None
    owner: SourcePerson | None = None
    has_owner: bool = False
    """True when the source has an owner field (an empty one clears the card's owner)."""
    members: tuple[SourcePerson, ...] | None = None
    """Everyone on the card (Trello members): they become its Responsible people."""
    due: date | None = None
    has_due: bool = False
    start: date | None = None
    has_start: bool = False
    description: str | None = None
    tags: tuple[str, ...] | None = None
    priority: Priority | None = None
    blocked_by: tuple[str, ...] | None = None
    """Source ids (or Huddle card ids) of the cards this one waits for."""
    parent: str | None = None
    has_parent: bool = False
    milestone: bool | None = None
    estimate: float | None = None
    progress: int | None = None
    done: bool = False
    """A checklist item that is ticked: it goes to the Done column."""
    comments: tuple[SourceComment, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """Everything one file brings: items in file order, the column order it implies, and what it lost."""

    kind: str
    """``csv``, ``xlsx``, ``trello`` or ``jira``."""
    source: str
    """Stored as ``Card.source``: re-importing from the same source matches cards by their source id."""
    name: str
    """The file name, for messages."""
    items: tuple[SourceItem, ...]
    column_order: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per department name (or "" for the default one), the columns in the source's order."""
    mapping: tuple[tuple[str, str], ...] = ()
    """(field, source column) pairs that were used, shown in the plan."""
    lost: tuple[str, ...] = ()
    """What the source has that Huddle does not keep, and why."""
    default_dept: str | None = None
    """The department cards go to when neither ``--dept`` nor the item names one (a board's name)."""
