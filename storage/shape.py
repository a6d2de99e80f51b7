"""Is this JSON a Huddle data file of the shape the codecs read?

Checked whenever a store reads a version of the file it has not checked or written itself (see
``TinyStore._load_for_write``), before anything is decoded or written: a JSON file that is not Huddle's (no
``_meta`` with the Huddle marker or a schema), or one whose tables, ``_meta`` or documents have the
wrong shape, is refused whole with a StorageError naming the file and the fault, and it is never
rewritten (a transaction that fails to load writes nothing). Each document is checked for the fields
the codecs read without a default, so a damaged card is caught here and not as a KeyError deep in a
screen.
"""

from __future__ import annotations

from datetime import date
from itertools import repeat
from typing import Any

from domain.errors import StorageError
from domain.models import Priority
from storage.migrations import MARKER, MARKER_KEY, META

_S = str
REQUIRED: dict[str, dict[str, type]] = {
    "departments": {"id": _S, "name": _S, "key": _S, "columns": list},
    "people": {"id": _S, "handle": _S, "name": _S, "email": _S},
    "projects": {"id": _S, "name": _S},
    "cards": {"id": _S, "dept": _S, "title": _S, "column": _S, "uid": _S},
    "risks": {"id": _S, "title": _S},
    "meetings": {"id": _S, "title": _S, "start": _S, "tz": _S, "next_uid": _S, "uid": _S},
    "change_requests": {"id": _S, "title": _S, "status": _S},
    "activity": {"id": _S, "at": _S, "user": _S, "os_user": _S, "entity": _S, "entity_id": _S, "action": _S},
}
"""Per table, the fields every document must hold (and their JSON type): the ones read without a default."""


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


class ShapeError(StorageError):
    """A data file whose content is not what Huddle wrote."""


def _wrong(path: object, what: str) -> ShapeError:
    return ShapeError(
        f"{path} is not a Huddle data file of the expected shape: {what}; it was left untouched "
        "(nothing was written): restore it from a backup, or fix that entry"
    )


def _not_huddle(path: object, why: str) -> ShapeError:
    return ShapeError(
        f"{path} is JSON but not a Huddle data file ({why}); it was left untouched: "
        "pass --db with a Huddle file, or a new file name to start one"
    )


def check(data: dict[str, Any], path: object) -> None:
    """Raise a ShapeError unless ``data`` is empty (a new file) or a Huddle file of the right shape."""
    if not data:
        return
    if META not in data:
        raise _not_huddle(path, "it has no _meta table with the Huddle marker")
    for name, table in data.items():
        check_table(name, table, path)  # _meta's own check included


def check_table(name: str, table: object, path: object) -> None:
    """One table's part of ``check``: the JSON store runs it on each table the first time it is decoded."""
    if type(table) is not dict:
        raise _wrong(path, f"the table {name!r} is {_type_name(table)}, not an object of documents")
    # The common case (every document fine) is checked with C-level map/set passes: a 5,000-card
    # file is checked in a few milliseconds; the slow loop only names the culprit.
    if not all(map(str.isdigit, table)):
        bad = next(k for k in table if not k.isdigit())
        raise _wrong(path, f"the table {name!r} has the key {bad[:40]!r}, not a document number")
    docs = table.values()
    if set(map(type, docs)) - {dict}:
        doc_id, doc = next((k, d) for k, d in table.items() if type(d) is not dict)
        raise _wrong(path, f"{name!r} document {doc_id} is {_type_name(doc)}, not an object")
    for field, kind in REQUIRED.get(name, {}).items():
        if set(map(type, map(dict.get, docs, repeat(field)))) - {kind}:
            _name_missing(path, name, table, field, kind)
    if name == "cards":
        _check_card_values(table, path)
    if name == META:
        _check_meta(table, path)


_PRIORITIES = frozenset(p.value for p in Priority) | {None}
_CARD_DATES = ("due", "start")


def _check_card_values(table: dict[str, Any], path: object) -> None:
    """The card values a write would carry over without decoding them (priority, dates).

    Writes that touch one card no longer decode the others, so a value the codecs cannot read is
    caught here, on every load of a new version of the file, instead of being written back into the file
    as if it were fine.
    """
    docs = table.values()
    # Set passes at C level, as in ``check``: the Python loop only runs to name the culprit.
    if set(map(dict.get, docs, repeat("priority"))) - _PRIORITIES:
        bad = next(d for d in docs if d.get("priority") not in _PRIORITIES)
        raise _wrong(path, f"card {str(bad.get('id'))[:40]!r} cannot be read: unknown priority")
    for field in _CARD_DATES:
        for value in set(map(dict.get, docs, repeat(field))) - {None}:
            try:
                date.fromisoformat(value if isinstance(value, str) else "")
            except ValueError:
                bad = next(d for d in docs if d.get(field) == value)
                raise _wrong(
                    path, f"card {str(bad.get('id'))[:40]!r} cannot be read: {field} is not a date"
                ) from None


def _name_missing(path: object, name: str, table: dict[str, Any], field: str, kind: type) -> None:
    for doc_id, doc in table.items():
        value = doc.get(field)
        if type(value) is not kind:
            label = doc.get("id") if isinstance(doc.get("id"), str) else f"document {doc_id}"
            found = "missing" if field not in doc else _type_name(value)
            raise _wrong(path, f"{name!r} {str(label)[:40]!r} has no valid {field!r} ({found})")


def _check_meta(table: dict[str, Any], path: object) -> None:
    info = table.get("1")
    if not isinstance(info, dict):
        raise _wrong(path, "the _meta table has no document 1 (the schema and counters)")
    marker, schema = info.get(MARKER_KEY), info.get("schema")
    if marker is not None and marker != MARKER:
        raise _not_huddle(path, f"its _meta says it belongs to {str(marker)[:40]!r}")
    if type(schema) is not int or schema < 1:
        if marker is None:
            raise _not_huddle(path, "its _meta has neither the Huddle marker nor a schema number")
        raise _wrong(path, f"the _meta schema is {_type_name(schema)}, not a version number")
    counters = info.get("counters", {})
    if not isinstance(counters, dict) or not all(type(v) is int for v in counters.values()):
        raise _wrong(path, "the _meta counters are not an object of whole numbers")
