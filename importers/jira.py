"""Jira's CSV export (Filters > Export > CSV, all or current fields).

Jira writes one column per value of a multi-valued field, all with the same header: several
``Labels``, ``Sprint``, ``Component/s``, ``Comment`` and ``Outward issue link (Blocks)`` columns. Kept:
summary, key (the source id), status (column), assignee (owner), priority, due and start dates,
labels, sprints and components (as tags), description, comments (as description history), parent
(``Parent id``/``Parent`` by issue id, or ``Parent key``), "Blocks" links both ways, and the original
estimate (in 8-hour days). Every other non-empty column is named in the plan as not imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.text import clean_text, clean_title
from importers.model import ImportFormatError, SourceBatch, SourceComment, SourceItem, SourcePerson, located
from importers.text import cell_date, cell_priority, csv_rows, decode, normal_header

_TAG_COLUMNS = ("labels", "sprint", "component/s", "components")
_KNOWN = {
    "summary", "issue key", "issue id", "parent id", "parent", "parent key", "status", "priority", "assignee",
    "due date", "custom field (start date)", "description", "comment", "outward issue link (blocks)",
    "inward issue link (blocks)", "project name", "project key", "original estimate", *_TAG_COLUMNS,
}  # fmt: skip
_SILENT = {"assignee id", "parent summary", "status category", "project type", "issue type"}


def read_jira(data: bytes, name: str, encoding: str | None = None) -> SourceBatch:
    """The issues of a Jira CSV export, in file order."""
    rows = csv_rows(decode(data, name, encoding), name)
    if not rows:
        raise ImportFormatError(_("{name} is empty: no header row").format(name=name))
    header = [normal_header(h) for h in rows[0]]
    columns: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(header):
        columns[text].append(index)
    for required in ("summary", "issue key"):
        if required not in columns:
            raise ImportFormatError(
                _(
                    "{name} is not a Jira CSV export: no {value!r} column (is it a plain sheet? "
                    "use 'huddle import csv')"
                ).format(name=name, value=required.title())
            )
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if not body:
        raise ImportFormatError(_("{name} has a header row but no issues").format(name=name))

    def values(row: Sequence[str], column: str) -> list[str]:
        return [row[i].strip() for i in columns.get(column, ()) if i < len(row) and row[i].strip()]

    def first(row: Sequence[str], column: str) -> str:
        found = values(row, column)
        return found[0] if found else ""

    keys_by_id: dict[str, str] = {}
    keys: dict[str, int] = {}
    for number, row in body:
        if len(row) > len(header):
            raise located(name, number, None, f"{len(row)} cells but the header has {len(header)}")
        key = first(row, "issue key")
        if not key:
            raise located(name, number, "Issue key", "empty")
        if key in keys:
            raise located(name, number, "Issue key", f"{key!r} is already on row {keys[key]}")
        keys[key] = number
        if first(row, "issue id"):
            keys_by_id[first(row, "issue id")] = key
    blocks: dict[str, list[str]] = defaultdict(list)
    dropped_links = 0
    for _number, row in body:
        key = first(row, "issue key")
        for other in values(row, "outward issue link (blocks)"):
            if other in keys:
                blocks[other].append(key)
            else:
                dropped_links += 1
        for other in values(row, "inward issue link (blocks)"):
            if other in keys:
                blocks[key].append(other)
            else:
                dropped_links += 1
    items: list[SourceItem] = []
    for number, row in body:
        key = first(row, "issue key")

        def field(label: str, text: str, *, title: bool = False, row_number: int = number) -> str:
            try:
                return clean_title(text, N_("it")) if title else clean_text(text, N_("it"), required=False)
            except ValidationError as exc:
                raise located(name, row_number, label, str(exc)) from None

        def day(label: str, column: str, row_number: int = number, row: Sequence[str] = row) -> date | None:
            try:
                return cell_date(first(row, column))
            except ValueError as exc:
                raise located(name, row_number, label, str(exc)) from None

        try:
            priority = cell_priority(first(row, "priority"))
        except ValueError as exc:
            raise located(name, number, "Priority", str(exc)) from None
        parent = first(row, "parent key") or keys_by_id.get(first(row, "parent id") or first(row, "parent"))
        assignee = first(row, "assignee")
        estimate = first(row, "original estimate")
        items.append(
            SourceItem(
                source_id=key,
                title=field("Summary", first(row, "summary"), title=True),
                row=number,
                dept=field("Project name", first(row, "project name"), title=True)
                if first(row, "project name")
                else None,
                status=field("Status", first(row, "status"), title=True) if first(row, "status") else None,
                owner=SourcePerson(name=field("Assignee", assignee, title=True)) if assignee else None,
                has_owner=True,
                due=day("Due date", "due date"),
                has_due=True,
                start=day("Custom field (Start date)", "custom field (start date)"),
                has_start="custom field (start date)" in columns,
                description=field("Description", first(row, "description")),
                tags=tuple(
                    dict.fromkeys(field(c, v, title=True) for c in _TAG_COLUMNS for v in values(row, c))
                ),
                priority=priority,
                blocked_by=tuple(dict.fromkeys(blocks.get(key, ()))),
                parent=parent or None,
                has_parent=True,
                estimate=_estimate(estimate, name, number),
                comments=tuple(_comment(field("Comment", c)) for c in values(row, "comment")),
            )
        )
    lost = [
        f"column {rows[0][indexes[0]].strip()!r}: not imported"
        for text, indexes in columns.items()
        if text
        and text not in _KNOWN
        and text not in _SILENT
        and any(i < len(row) and row[i].strip() for _n, row in body for i in indexes)
    ]
    if dropped_links:
        lost.insert(0, f"{dropped_links} 'Blocks' link(s) to issues not in the file: not imported")
    project = next((first(row, "project key") for _n, row in body if first(row, "project key")), "")
    mapping = tuple((f, c) for f, c in (("title", "Summary"), ("id", "Issue key"), ("column", "Status"),
                    ("owner", "Assignee"), ("due", "Due date"), ("tags", "Labels, Sprint, Component/s"),
                    ("blocked by", "Inward/Outward issue link (Blocks)"), ("parent", "Parent id"),
                    ("description history", "Comment")) if normal_header(c.split(",")[0]) in columns
                    or c.startswith(("Inward", "Labels")))  # fmt: skip
    return SourceBatch("jira", f"jira:{project}" if project else "jira", name, tuple(items), {}, mapping,
                       tuple(lost))  # fmt: skip


def _estimate(text: str, name: str, row: int) -> float | None:
    """Jira's original estimate is in seconds; Huddle's estimate in (8-hour) person-days."""
    if not text:
        return None
    try:
        return round(float(text) / 28800, 2)
    except ValueError:
        raise located(name, row, "Original estimate", f"{text!r} is not a number of seconds") from None


def _comment(text: str) -> SourceComment:
    """Jira writes a comment cell as ``date;author id;text``."""
    parts = text.split(";", 2)
    if len(parts) == 3:
        return SourceComment(parts[0].strip(), parts[1].strip(), parts[2].strip())
    return SourceComment("", "", text)
