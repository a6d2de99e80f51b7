"""Spreadsheets (CSV or .xlsx): find which column holds which field, then read each row as a card.

Headers are recognised in English and Chinese (``标题``/``Title``/``Summary``, ``负责人``/``Owner``/
``Assignee`` ...); ``--map FIELD=COLUMN`` overrides or adds a mapping. A column nothing maps to is
reported in the plan, never silently dropped. Without an id column a row is matched on re-import by
its title, so a re-import of the same sheet still updates instead of duplicating.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.text import clean_text, clean_title
from importers.model import ImportFormatError, SourceBatch, SourceItem, SourcePerson, located
from importers.text import (
    Cell,
    cell_date,
    cell_flag,
    cell_priority,
    cell_text,
    normal_header,
    split_list,
)

SHEET_SOURCE = "sheet"
"""The ``Card.source`` of rows from any spreadsheet: a sheet exported as CSV and one saved as .xlsx
are the same source, and a Huddle export re-imported updates the cards it came from."""

HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "任务编号", "任务id", "key", "card id", "卡片编号", "issue key", "序号"),
    "title": ("标题", "title", "summary", "任务", "任务名称", "名称", "name", "task", "主题", "事项", "card"),
    "dept": ("部门", "department", "dept", "team", "团队", "board", "看板"),
    "status": ("状态", "status", "list", "列", "column", "阶段", "stage", "进度状态"),
    "owner": ("负责人", "owner", "assignee", "执行人", "处理人", "assigned to", "责任人", "经办人"),
    "due": ("截止日期", "due", "due date", "截止时间", "到期日", "deadline", "结束日期",
            "end date", "计划完成"),
    "start": ("开始日期", "start", "start date", "开始时间", "计划开始"),
    "description": ("描述", "description", "说明", "详情", "备注", "notes", "details", "内容"),
    "tags": ("标签", "labels", "tags", "label", "tag"),
    "priority": ("优先级", "priority"),
    "blocked_by": ("依赖", "blocked by", "depends on", "前置任务", "predecessors", "dependencies", "依赖于"),
    "parent": ("父任务", "parent", "上级任务", "parent id"),
    "milestone": ("里程碑", "milestone"),
    "estimate": ("工作量", "estimate", "估算", "人天", "estimate (days)"),
    "progress": ("进度", "progress", "完成度", "% complete", "完成百分比"),
}  # fmt: skip
FIELDS = tuple(HEADERS)
LABELS = {
    "id": "id", "title": "title", "dept": "department", "status": "column", "owner": "owner", "due": "due",
    "start": "start", "description": "description", "tags": "tags", "priority": "priority",
    "blocked_by": "blocked by", "parent": "parent", "milestone": "milestone", "estimate": "estimate",
    "progress": "progress",
}  # fmt: skip


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``--map FIELD=COLUMN`` pairs, checked: the field must be one Huddle knows."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = field.strip().lower().replace("-", "_")
        if not sep or not column.strip():
            raise ValidationError(
                _("--map {pair!r}: write FIELD=COLUMN, such as title=任务名称").format(pair=pair)
            )
        if field not in HEADERS:
            raise ValidationError(
                _("--map {pair!r}: no field {field!r}; fields: {value}").format(
                    pair=pair, field=field, value=", ".join(FIELDS)
                )
            )
        mapping[field] = column.strip()
    return mapping


def map_columns(header: Sequence[str], overrides: Mapping[str, str], name: str) -> dict[str, int]:
    """Field -> column index, from the overrides first, then the known headers (first match wins)."""
    normal = [normal_header(h) for h in header]
    found: dict[str, int] = {}
    for field, column in overrides.items():
        wanted = normal_header(column)
        if wanted not in normal:
            raise ValidationError(
                _("--map {field}={column}: {name} has no column {column!r}; columns: {items}").format(
                    field=field, column=column, name=name, items=", ".join(h for h in header if h.strip())
                )
            )
        found[field] = normal.index(wanted)
    taken = set(found.values())
    for field, names in HEADERS.items():
        if field in found:
            continue
        for index, text in enumerate(normal):
            if index not in taken and text in names:
                found[field] = index
                taken.add(index)
                break
    if "title" not in found:
        raise ImportFormatError(
            f"{name}: no title column (looked for 标题, Title, Summary, 任务名称 ...); columns: "
            + ", ".join(h for h in header if h.strip())
            + "; name it with --map title=COLUMN"
        )
    return found


def read_rows(
    rows: Sequence[Sequence[Cell]], *, name: str, kind: str, overrides: Mapping[str, str]
) -> SourceBatch:
    """Turn a header row plus data rows into source items; raises on the first bad cell."""
    if not rows:
        raise ImportFormatError(_("{name} is empty: no header row").format(name=name))
    header = [cell_text(h) for h in rows[0]]
    columns = map_columns(header, overrides, name)
    used = set(columns.values())
    lost = [
        f"column {text!r}: no matching field (import it with --map FIELD={text})"
        for index, text in enumerate(header)
        if text and index not in used
    ]
    items: list[SourceItem] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell_text(c) for c in row):
            continue
        extra = [c for c in row[len(header) :] if cell_text(c)]
        if extra:
            raise located(name, number, None, f"{len(row)} cells but the header has {len(header)}")
        item = _item(row, number, header, columns, name)
        if item.source_id in seen:
            raise located(
                name, number, _what(header, columns, "id" if "id" in columns else "title"),
                f"{item.source_id!r} is already on row {seen[item.source_id]}",
            )  # fmt: skip
        seen[item.source_id] = number
        items.append(item)
    if not items:
        raise ImportFormatError(_("{name} has a header row but no data rows").format(name=name))
    mapping = tuple((field, header[index]) for field, index in sorted(columns.items(), key=lambda kv: kv[1]))
    return SourceBatch(kind, SHEET_SOURCE, name, tuple(items), {}, mapping, tuple(lost))


def _what(header: Sequence[str], columns: Mapping[str, int], field: str) -> str:
    text = header[columns[field]]
    label = LABELS[field]
    return text if normal_header(text) == label else f"{text} ({label})"


def _item(
    row: Sequence[Cell], number: int, header: Sequence[str], columns: Mapping[str, int], name: str
) -> SourceItem:
    def cell(field: str) -> Cell:
        index = columns.get(field)
        return row[index] if index is not None and index < len(row) else None

    def convert(field: str, parse: Callable[[Cell], Any]) -> Any:
        try:
            return parse(cell(field))
        except (ValueError, ValidationError) as exc:
            raise located(name, number, _what(header, columns, field), str(exc)) from None

    title = convert("title", lambda v: clean_title(cell_text(v), N_("the title")))
    source_id = convert("id", lambda v: clean_title(cell_text(v), N_("the id"))) if "id" in columns else ""
    values: dict[str, Any] = {}
    if "dept" in columns and cell_text(cell("dept")):
        values["dept"] = convert("dept", lambda v: clean_title(cell_text(v), N_("the department")))
    if "status" in columns and cell_text(cell("status")):
        values["status"] = convert("status", lambda v: clean_title(cell_text(v), N_("the column")))
    if "owner" in columns:
        values["has_owner"] = True
        owner = convert("owner", lambda v: clean_title(cell_text(v), N_("the owner")) if cell_text(v) else "")
        values["owner"] = _person(owner) if owner else None
    if "due" in columns:
        values.update(has_due=True, due=convert("due", cell_date))
    if "start" in columns:
        values.update(has_start=True, start=convert("start", cell_date))
    if "description" in columns:
        values["description"] = convert(
            "description", lambda v: clean_text(cell_text(v), N_("the description"), required=False)
        )
    if "tags" in columns:
        values["tags"] = convert("tags", lambda v: tuple(clean_title(t, N_("a tag")) for t in split_list(v)))
    if "priority" in columns:
        values["priority"] = convert("priority", cell_priority)
    if "blocked_by" in columns:
        values["blocked_by"] = convert("blocked_by", lambda v: split_list(v, words=True))
    if "parent" in columns:
        values.update(has_parent=True, parent=convert("parent", lambda v: cell_text(v) or None))
    if "milestone" in columns:
        values["milestone"] = convert("milestone", cell_flag)
    if "estimate" in columns:
        values["estimate"] = convert("estimate", _estimate)
    if "progress" in columns:
        values["progress"] = convert("progress", _progress)
    return SourceItem(source_id=source_id or title, title=title, row=number, **values)


def _estimate(value: Cell) -> float | None:
    text = cell_text(value)
    if not text:
        return None
    number = float(text)
    if number < 0:
        raise ValueError("an estimate cannot be negative")
    return number


def _progress(value: Cell) -> int | None:
    text = cell_text(value).rstrip("%").strip()
    if not text:
        return None
    number = float(text)
    if isinstance(value, float) and 0 < value <= 1 and not text.endswith("%"):
        number = value * 100  # a spreadsheet percentage cell holds 0.4 for 40 %
    if not 0 <= number <= 100:
        raise ValueError("progress must be 0-100")
    return round(number)


def _person(text: str) -> SourcePerson:
    """An owner cell: a handle (``li.wei``, ``@li.wei``), an e-mail address, or a name (``李伟``)."""
    value = text.strip().lstrip("@")
    if "@" in value and " " not in value:
        return SourcePerson(email=value)
    return SourcePerson(name=value, handle=value.lower())
