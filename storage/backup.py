"""The whole project as one JSON document, and back: ``huddle backup`` and ``huddle restore``.

The document is built from the domain objects through the codecs, not copied from a data file, so
every storage backend writes and reads the same format::

    {"format": "huddle-backup", "version": 1, "schema": 4, "created_at": "2026-11-25T02:00:00+00:00",
     "departments": [...], "people": [...], "projects": [...], "cards": [...], "risks": [...],
     "meetings": [...], "change_requests": [...], "activity": [...]}

Each list holds the records as ``storage.codecs`` writes them (a card leaves out fields that hold
their default). A restore checks every record before it changes anything, then replaces the project
in one transaction and moves the id counters past the restored ids, so new ids never collide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import orjson

from domain.errors import ConflictError, ValidationError
from domain.i18n import _
from domain.repository import Store, UnitOfWork
from storage import codecs
from storage.migrations import SCHEMA_VERSION

FORMAT = "huddle-backup"
VERSION = 1

_TABLES: dict[str, tuple[Callable[[Any], codecs.Doc], Callable[[codecs.Doc], Any]]] = {
    "departments": (codecs.department_to_doc, codecs.department_from_doc),
    "people": (codecs.person_to_doc, codecs.person_from_doc),
    "projects": (codecs.project_to_doc, codecs.project_from_doc),
    "cards": (codecs.card_to_doc, codecs.card_from_doc),
    "risks": (codecs.risk_to_doc, codecs.risk_from_doc),
    "meetings": (codecs.meeting_to_doc, codecs.meeting_from_doc),
    "change_requests": (codecs.change_to_doc, codecs.change_from_doc),
    "activity": (codecs.activity_to_doc, codecs.activity_from_doc),
}
_ALL = 10**9


def dump_backup(uow: UnitOfWork, *, now: datetime) -> dict[str, Any]:
    """Every record ``uow`` reads, as the backup document."""
    records: dict[str, list[Any]] = {
        "departments": uow.departments.list(),
        "people": uow.people.list(),
        "projects": uow.projects.list(),
        "cards": sorted(uow.cards.list(), key=lambda c: (c.dept, c.column, c.rank, c.id)),
        "risks": uow.risks.list(),
        "meetings": uow.meetings.list(),
        "change_requests": uow.change_requests.list(),
        "activity": list(reversed(uow.activity.recent(_ALL))),
    }
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "schema": SCHEMA_VERSION,
        "created_at": now.isoformat(),
    }
    for table, (to_doc, _from_doc) in _TABLES.items():
        document[table] = [to_doc(item) for item in records[table]]
    return document


def encode_backup(document: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON, indented, Chinese text as itself (no ``\\u`` escapes), ending in a newline."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def decode_backup(data: bytes, name: str) -> dict[str, Any]:
    """A backup document read and checked record by record; nothing is changed here."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(_("{name} is not JSON ({exc})").format(name=name, exc=exc)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(
            _('{name} is not a Huddle backup (no "format": "{FORMAT}")').format(name=name, FORMAT=FORMAT)
        )
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValidationError(_('{name}: "version" must be a whole number').format(name=name))
    if version > VERSION:
        raise ValidationError(
            _("{name} is backup version {version}; this Huddle reads up to {VERSION}: upgrade").format(
                name=name, version=version, VERSION=VERSION
            )
        )
    for table, (_to_doc, from_doc) in _TABLES.items():
        docs = document.get(table, [])
        if not isinstance(docs, list):
            raise ValidationError(_("{name}: {table!r} must be a list").format(name=name, table=table))
        for index, doc in enumerate(docs):
            try:
                if not isinstance(doc, dict):
                    raise TypeError("not an object")
                from_doc(doc)
            except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as exc:
                problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
                raise ValidationError(
                    _("{name}: {table}[{index}] is not a valid record ({problem})").format(
                        name=name, table=table, index=index, problem=problem
                    )
                ) from None
    return document


_NUMBERED = re.compile(r"^(?P<prefix>[A-Z0-9]+)-(?P<number>\d+)$")


def restore_backup(store: Store, document: Mapping[str, Any], *, force: bool) -> dict[str, int]:
    """Replace the project with ``document`` (checked by ``decode_backup``) in one transaction."""
    counts: dict[str, int] = {}
    with store.transaction() as uow:
        if not uow.is_empty() and not force:
            raise ConflictError(
                _("{value} already has data; restoring replaces all of it: add --force").format(
                    value=store.describe()
                )
            )
        uow.clear()
        repos: dict[str, Any] = {
            "departments": uow.departments, "people": uow.people, "projects": uow.projects,
            "cards": uow.cards, "risks": uow.risks, "meetings": uow.meetings,
            "change_requests": uow.change_requests,
        }  # fmt: skip
        for table, (_to_doc, from_doc) in _TABLES.items():
            items = [from_doc(doc) for doc in document.get(table, [])]
            for item in items:
                if table == "activity":
                    uow.activity.add(item)
                else:
                    repos[table].put(item)
            counts[table] = len(items)
        _advance_counters(uow, document)
    return counts


def _advance_counters(uow: UnitOfWork, document: Mapping[str, Any]) -> None:
    """Move each id counter past the highest restored id (``OPS-12`` -> ``card:OPS`` to 12)."""
    keys = {doc["key"]: doc["name"] for doc in document.get("departments", [])}
    highest: dict[str, int] = {}
    for table, counter in (
        ("cards", None),
        ("risks", "risk"),
        ("meetings", "meeting"),
        ("change_requests", "change"),
    ):
        for doc in document.get(table, []):
            match = _NUMBERED.match(str(doc.get("id", "")))
            if match is None:
                continue
            name = counter or (f"card:{match['prefix']}" if match["prefix"] in keys else None)
            if name is not None:
                highest[name] = max(highest.get(name, 0), int(match["number"]))
    for name, number in highest.items():
        while uow.next_number(name) < number:
            pass
