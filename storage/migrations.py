"""Schema version in the ``_meta`` table and the ordered migrations applied on open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.errors import StorageError
from domain.i18n import _

Data = dict[str, Any]
META = "_meta"
MARKER_KEY = "app"
MARKER = "huddle"
"""``_meta`` document 1 carries ``"app": "huddle"``: what tells a Huddle file from any other JSON."""


def _v1_initial(data: Data) -> None:
    """The first schema: nothing to convert."""


def _v2_card_progress(data: Data) -> None:
    """Cards gained ``progress``; Done cards count as complete."""
    for doc in data.get("cards", {}).values():
        doc.setdefault("progress", 100 if doc.get("column") == "Done" else 0)


def _card_import_source(data: Data) -> None:
    """Cards gained ``source`` and ``source_id`` (where an imported card came from). Both default to empty,
    which compact documents leave out, so no document changes; the version step is what matters: an
    older Huddle refuses the file instead of rewriting cards without their source ids."""


def _huddle_marker(data: Data) -> None:
    """Files gained the Huddle marker in ``_meta``, so JSON that is not Huddle's is never adopted; a
    file of an older schema (checked as Huddle's by its valid ``_meta`` schema) gets it here."""
    meta(data)[MARKER_KEY] = MARKER


def _meeting_started_at(data: Data) -> None:
    """Meetings gained ``started_at`` (when they really began, beside the planned ``start``); a live or
    ended meeting of an older file began at its planned time. The version step also makes an older
    Huddle refuse the file rather than drop the real start times."""
    for doc in data.get("meetings", {}).values():
        if doc.get("started_at") is None and doc.get("status", "live") != "planned":
            doc["started_at"] = doc.get("start")


MIGRATIONS: list[tuple[str, Callable[[Data], None]]] = [
    ("initial", _v1_initial),
    ("card-progress", _v2_card_progress),
    ("card-import-source", _card_import_source),
    ("huddle-marker", _huddle_marker),
    ("meeting-started-at", _meeting_started_at),
]
SCHEMA_VERSION = len(MIGRATIONS)


def meta(data: Data) -> dict[str, Any]:
    table = data.setdefault(META, {})
    doc: dict[str, Any] = table.setdefault("1", {"schema": 0, "counters": {}})
    return doc


def migrate(data: Data, path: object) -> bool:
    """Bring ``data`` up to SCHEMA_VERSION in place; True when something changed."""
    info = meta(data)
    version = int(info.get("schema", 0))
    if version > SCHEMA_VERSION:
        raise StorageError(
            _(
                "{path} was written by a newer Huddle (schema {version}, this one knows "
                "{SCHEMA_VERSION}); upgrade huddle"
            ).format(path=path, version=version, SCHEMA_VERSION=SCHEMA_VERSION)
        )
    for _name, step in MIGRATIONS[version:]:
        step(data)
    info["schema"] = SCHEMA_VERSION
    return version != SCHEMA_VERSION
