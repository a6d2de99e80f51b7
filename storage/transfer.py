"""Copying a whole Huddle between backends, and checking one's integrity (``huddle db copy|check``).

Both backends keep the same documents (``storage/codecs.py``), so a copy is a copy of documents
in write order plus the id counters, never re-encoded through the models: what a newer field
holds travels even if this code does not know it. The target is written in one transaction
(the JSON file: under its lock, one atomic replace; the server: one transaction) and read back
and compared inside it before it is committed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from domain.errors import ConflictError, StorageError
from domain.i18n import _
from storage import codecs
from storage.json_store import TinyStore, activity_archive_path
from storage.migrations import MARKER, MARKER_KEY, META, SCHEMA_VERSION, meta, migrate

if TYPE_CHECKING:
    from domain.repository import Store

Doc = dict[str, Any]

DOC_TABLES = (
    "departments",
    "people",
    "projects",
    "cards",
    "risks",
    "meetings",
    "change_requests",
    "published",
)
"""Tables of ``id + doc`` records. ``published`` (what Huddle wrote to CalDAV calendars) travels too:
without it the copy's next push would write every event again beside the old ones, and could never
remove what the source had published."""
TABLES = (*DOC_TABLES, "activity")
"""Every table a copy moves and verifies; ``tests/storage/test_postgres_copy.py`` checks that no table
of either backend is missing here."""

DECODERS = codecs.DECODERS
COUNTED = {"risks": ("risk", "R"), "meetings": ("meeting", "M"), "change_requests": ("change", "CR")}
"""Tables whose ids are ``PREFIX-n`` numbered by a named counter (cards use ``card:KEY``)."""


@dataclass
class Dump:
    """Every document of a Huddle, table by table in write order, and its id counters."""

    tables: dict[str, list[Doc]] = field(default_factory=lambda: {t: [] for t in TABLES})
    counters: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {table: len(docs) for table, docs in self.tables.items()}

    def is_empty(self) -> bool:
        return not any(self.tables.values())


def _canonical(doc: Doc) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def differences(source: Dump, target: Dump) -> list[str]:
    """What differs between two dumps (counts, documents, counters); empty when they are the same."""
    found = []
    for table in TABLES:
        a, b = source.tables.get(table, []), target.tables.get(table, [])
        if len(a) != len(b):
            found.append(f"{table}: {len(a)} in the source, {len(b)} in the target")
            continue
        left, right = list(map(_canonical, a)), list(map(_canonical, b))
        if sorted(left) != sorted(right):
            found.append(f"{table}: the documents differ")
        elif left != right:  # write order is data too: the activity feed and card history list by it
            found.append(f"{table}: the same documents in another order")
    for name, value in source.counters.items():
        if target.counters.get(name, 0) < value:
            found.append(
                f"counter {name}: {value} in the source, {target.counters.get(name, 0)} in the target"
            )
    return found


# ----- the JSON file ---------------------------------------------------------------------------


def _json_dump(data: dict[str, Any], archived: Iterator[Doc] | None = None) -> Dump:
    dump = Dump(counters={k: int(v) for k, v in meta(data).get("counters", {}).items()})
    for table in DOC_TABLES:
        rows = data.get(table, {})
        dump.tables[table] = [rows[key] for key in sorted(rows, key=int)]
    activity: dict[str, Doc] = {doc["id"]: doc for doc in archived or ()}
    rows = data.get("activity", {})
    activity.update((rows[key]["id"], rows[key]) for key in sorted(rows, key=int))
    dump.tables["activity"] = list(activity.values())
    return dump


def _archived(store: TinyStore) -> Iterator[Doc]:
    if store.path is None:
        return
    try:
        lines = activity_archive_path(store.path).read_bytes().splitlines()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(
            _("cannot read the activity archive of {path}: {strerror}").format(
                path=store.path, strerror=exc.strerror
            )
        ) from exc
    for line in lines:
        with contextlib.suppress(orjson.JSONDecodeError):  # a torn last line: also in the data file
            yield orjson.loads(line)


def _json_data(dump: Dump) -> dict[str, Any]:
    info = {"schema": SCHEMA_VERSION, "counters": dict(dump.counters), MARKER_KEY: MARKER}
    data: dict[str, Any] = {META: {"1": info}}
    for table in TABLES:
        data[table] = {str(n): doc for n, doc in enumerate(dump.tables[table], start=1)}
    return data


def _json_load(store: TinyStore, dump: Dump, force: bool) -> None:
    from storage import tables
    from storage.files import atomic_write, exclusive_lock

    lock = exclusive_lock(store.path) if store.path else contextlib.nullcontext()
    with lock:
        current = store._load_for_write()
        migrate(current, store.describe())
        existing = _json_dump(current, _archived(store))
        _refuse_non_empty(existing, force, store.describe())
        counters = {**existing.counters}
        for name, value in dump.counters.items():
            counters[name] = max(value, counters.get(name, 0))  # ids are never reused
        data = _json_data(Dump(dump.tables, counters))
        encoded = tables.dump(data)
        check = differences(dump, _json_dump(orjson.loads(encoded)))
        if check:
            raise StorageError(
                "the copy did not read back the same: " + "; ".join(check) + "; nothing written"
            )
        if store.path is None:
            store._save(data)
            return
        activity_archive_path(store.path).unlink(missing_ok=True)
        atomic_write(store.path, encoded)


def _refuse_non_empty(existing: Dump, force: bool, where: str) -> None:
    if not existing.is_empty() and not force:
        counts = ", ".join(f"{n} {t}" for t, n in existing.counts().items() if n)
        raise ConflictError(
            _("{where} already holds data ({counts}); pass --force to replace it").format(
                where=where, counts=counts
            )
        )


# ----- both backends ---------------------------------------------------------------------------


def dump(store: Store) -> Dump:
    """A consistent read of everything in ``store``."""
    if isinstance(store, TinyStore):
        data = store._load_for_read()
        migrate(data, store.describe())
        return _json_dump(data, _archived(store))
    from storage.postgres import PgStore

    if isinstance(store, PgStore):
        with store.reading() as uow:
            return Dump({t: uow.raw(t) for t in TABLES}, uow.counters())
    raise StorageError(_("cannot copy from {value}: unknown kind of store").format(value=store.describe()))


def load(store: Store, source: Dump, *, force: bool = False) -> None:
    """Replace what ``store`` holds with ``source`` in one transaction, verified before it commits.

    Refuses a target with data unless ``force``; counters only ever grow, so no id is handed out
    twice even after a forced copy over a database that had gone further.
    """
    if isinstance(store, TinyStore):
        _json_load(store, source, force)
        return
    from storage.postgres import PgStore

    if not isinstance(store, PgStore):
        raise StorageError(_("cannot copy to {value}: unknown kind of store").format(value=store.describe()))
    with store.transaction() as uow, uow.bulk():  # the column counts taken once, at the end
        existing_counters = uow.counters()
        if not uow.is_empty(published=True):
            _refuse_non_empty(Dump({t: uow.raw(t) for t in TABLES}), force, store.describe())
            uow.clear(published=True)
        for table in TABLES:
            uow.load_raw(table, source.tables[table])
        counters = {**existing_counters}
        for name, value in source.counters.items():
            counters[name] = max(value, counters.get(name, 0))
        uow.set_counters(counters)
        check = differences(source, Dump({t: uow.raw(t) for t in TABLES}, uow.counters()))
        if check:
            raise StorageError(
                "the copy did not read back the same: " + "; ".join(check) + "; nothing written"
            )
    store.analyze()


# ----- integrity -------------------------------------------------------------------------------


@dataclass
class CheckReport:
    backend: str
    where: str
    schema: int
    document_schema: int
    counts: dict[str, int]
    problems: list[str]

    def as_json(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "where": self.where,
            "schema": self.schema,
            "document_schema": self.document_schema,
            "counts": self.counts,
            "problems": self.problems,
            "ok": not self.problems,
        }


def _number(identifier: str, prefix: str) -> int | None:
    match = re.fullmatch(re.escape(prefix) + r"-(\d+)", identifier)
    return int(match.group(1)) if match else None


def document_problems(data: Dump) -> list[str]:
    """Documents that do not decode, duplicate ids, dangling references, counters behind their ids."""
    problems: list[str] = []
    for table in TABLES:
        seen: set[str] = set()
        for doc in data.tables[table]:
            key = str(doc.get("id"))
            if key in seen:
                problems.append(f"{table}: id {key} appears twice")
            seen.add(key)
            try:
                DECODERS[table](doc)
            except (KeyError, TypeError, ValueError, AssertionError) as exc:
                problems.append(f"{table}: {key} does not decode ({type(exc).__name__}: {exc})")
    departments = {doc.get("name"): doc.get("key") for doc in data.tables["departments"]}
    cards = {doc.get("id") for doc in data.tables["cards"]}
    for doc in data.tables["cards"]:
        key = str(doc.get("id"))
        if doc.get("dept") not in departments:
            problems.append(f"cards: {key} is on department {doc.get('dept')!r}, which does not exist")
        for other in doc.get("blocked_by", []):
            if other not in cards:
                problems.append(f"cards: {key} waits for {other}, which does not exist")
        if doc.get("parent") and doc["parent"] not in cards:
            problems.append(f"cards: {key} has parent {doc['parent']}, which does not exist")
        dept_key = departments.get(doc.get("dept"))
        number = _number(key, str(dept_key)) if dept_key else None
        if number is not None and data.counters.get(f"card:{dept_key}", 0) < number:
            problems.append(f"counters: card:{dept_key} is behind {key}; a new card would reuse an id")
    for table, (counter, prefix) in COUNTED.items():
        for doc in data.tables[table]:
            number = _number(str(doc.get("id")), prefix)
            if number is not None and data.counters.get(counter, 0) < number:
                problems.append(f"counters: {counter} is behind {doc['id']}; a new one would reuse an id")
    return problems


def check(store: Store) -> CheckReport:
    """Schema versions, counts and every integrity problem found in ``store``."""
    data = dump(store)
    problems = document_problems(data)
    if isinstance(store, TinyStore):
        version = store.schema_version() if store.path else SCHEMA_VERSION
        return CheckReport("json", store.describe(), version, version, data.counts(), problems)
    from storage.postgres import PgStore

    assert isinstance(store, PgStore)
    problems.extend(store.column_problems())
    sql_version, doc_version = store.versions()
    return CheckReport("postgresql", store.describe(), sql_version, doc_version, data.counts(), problems)
