"""The TinyDB-backed Store: locked transactions over a shared JSON file, consistent snapshots.

Every mutation goes through ``TinyStore.transaction()``: exclusive lock on ``PATH.lock``, fresh
read of the file, changes through TinyDB tables held in memory, one atomic replace at the end,
then the lock is released. TinyDB document ids stay inside this module; repositories speak
domain ids.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from domain.errors import StorageError
from domain.i18n import _
from domain.models import (
    Activity,
    Card,
    ChangeRequest,
    Department,
    Meeting,
    Person,
    Project,
    PublishedEvent,
    Risk,
)
from storage import codecs, shape, tables
from storage.files import (
    append_lines,
    atomic_write,
    check_data_file,
    check_writable,
    exclusive_lock,
    file_version,
    read_bytes_safely,
    read_data_bytes,
    remove_stale_temp_files,
    resolve_data_file,
)
from storage.migrations import META, SCHEMA_VERSION, meta, migrate
from storage.records import RecordScan

T = TypeVar("T")
Data = dict[str, Any]


class BufferStorage(Storage):
    """TinyDB storage over a dict already read under the lock; the transaction writes it once."""

    def __init__(self, data: Data, writable: bool = True) -> None:
        self.data = data
        self.writable = writable
        self.dirty = False
        self.edited: set[str] = set()
        """The tables with a record replaced in place (``replace``): ``tables.dump_pieces`` encodes
        them again; any other table whose records were only added to keeps its line as read."""

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self._refuse_read_only()
        self.data = data
        self.dirty = True

    def _refuse_read_only(self) -> None:
        if not self.writable:
            raise StorageError(_("a snapshot is read-only; change data inside store.transaction()"))

    def insert(self, name: str, docs: Sequence[Data]) -> list[int]:
        """Add ``docs`` to table ``name`` under the next document ids, as TinyDB's insert does (one
        above the highest id in the table), without TinyDB's copy of the whole table.

        TinyDB rebuilds a table's dict twice per insert (ids to int and back): at 5,000 cards that
        was a fifth of a ``card add``'s time under the lock. The repositories insert only through
        here, never through TinyDB's ``insert``, whose per-table cached next id would not see these.
        """
        self._refuse_read_only()
        table: Data = self.data.setdefault(name, {})
        first = max(map(int, table), default=0) + 1
        for number, doc in enumerate(docs, first):
            table[str(number)] = dict(doc)
        self.dirty = True
        return list(range(first, first + len(docs)))

    def replace(self, name: str, doc_id: int, doc: Data) -> None:
        """Swap in the whole document ``doc_id`` of table ``name`` (it exists: the caller's index
        found it), in place as TinyDB's update does, without TinyDB's copy of the whole table. A plain
        TinyDB update merges, so a field left out of a compact document would keep its old value."""
        self._refuse_read_only()
        current = self.data[name][str(doc_id)]
        current.clear()
        current.update(doc)
        self.dirty = True
        self.edited.add(name)


class ReadOnlyTable(Table):
    """A snapshot's table: refuses a write before TinyDB changes the data shared by cached snapshots."""

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        # Every TinyDB write goes through here; TinyDB edits the read data in place before calling write().
        raise StorageError(_("a snapshot is read-only; change data inside store.transaction()"))


class SnapshotDB(TinyDB):
    table_class = ReadOnlyTable


def _buffer(db: TinyDB) -> BufferStorage:
    """The storage under every TinyDB this module makes: a BufferStorage."""
    storage = db.storage
    assert isinstance(storage, BufferStorage)
    return storage


class DecodeMemo:
    """The domain objects decoded from one version's documents, for a snapshot's repositories.

    A snapshot's documents are never changed, and ``tables.load`` shares the documents of unchanged
    records with the version read before; so an object decoded from the very same document (the same
    dict, held here so that its ``id`` cannot be reused) is the same object, and a re-read after a change
    elsewhere decodes only the records that changed. The memo of the version before is kept for lookups
    (one generation: what a newer version no longer holds is dropped with it).
    """

    def __init__(self, previous: DecodeMemo | None = None) -> None:
        self.objects: dict[str, dict[int, tuple[Data, object]]] = {}
        self.indexes: dict[str, dict[str, int]] = {}
        self.older = previous.objects if previous is not None else {}

    def table(self, name: str) -> tuple[dict[int, tuple[Data, object]], dict[int, tuple[Data, object]]]:
        return self.objects.setdefault(name, {}), self.older.get(name, {})


class TableRepository(Generic[T]):
    """Upsert by domain id over one TinyDB table."""

    def __init__(
        self,
        db: TinyDB,
        name: str,
        to_doc: Callable[[T], Data],
        from_doc: Callable[[Data], T],
        source: str = "memory",
        memo: DecodeMemo | None = None,
    ) -> None:
        self._db = db
        self._name = name
        self._source = source
        self._table = db.table(name, cache_size=0)
        self._to_doc = to_doc
        self._from_doc = from_doc
        self._ids: dict[str, int] | None = None
        self._memo = memo
        self._objects, self._older = memo.table(name) if memo is not None else ({}, {})

    def _raw_table(self) -> dict[str, Data]:
        """The table as stored ({doc id: document}), read through the storage without wrapping each
        document in a TinyDB ``Document``: scans of 5,000 cards stay cheap."""
        tables = self._db.storage.read() or {}
        table: dict[str, Data] = tables.get(self._name, {})
        return table

    def _index(self) -> dict[str, int]:
        if self._ids is None:
            memo = self._memo
            known = None if memo is None else memo.indexes.get(self._name)
            if known is None:
                table = self._raw_table()  # built at C level (map, zip): a third of the comprehension's time
                known = dict(zip(map(itemgetter("id"), table.values()), map(int, table), strict=True))
                if memo is not None:
                    memo.indexes[self._name] = known
            # A copy: a refused delete() drops the id from the index before TinyDB refuses the write.
            self._ids = known if memo is None else dict(known)
        return self._ids

    def stored(self, doc: Data) -> T:
        """The domain object of a document as stored: from the memo in a snapshot (see DecodeMemo)."""
        if self._memo is None:
            return self.decode(doc)
        key = id(doc)
        hit = self._objects.get(key)
        if hit is None or hit[0] is not doc:
            hit = self._older.get(key)
            if hit is None or hit[0] is not doc:
                hit = (doc, self.decode(doc))
            self._objects[key] = hit
        item: T = hit[1]  # type: ignore[assignment]
        return item

    def decode(self, doc: Data) -> T:
        """The domain object of a stored document; a value the codec cannot read (a bad date, an
        unknown priority) is a StorageError naming the file and the entry, never a traceback."""
        try:
            return self._from_doc(doc)
        except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as exc:
            label = str(doc.get("id"))[:40]
            raise shape.ShapeError(
                f"{self._source} is not a Huddle data file of the expected shape: the {self._name} entry "
                f"{label!r} cannot be read ({type(exc).__name__}: {str(exc)[:80]}); it was left untouched "
                "(nothing was written): restore it from a backup, or fix that entry"
            ) from exc

    def forget_index(self) -> None:
        self._ids = None

    def get(self, key: str) -> T | None:
        doc_id = self._index().get(key)
        if doc_id is None:
            return None
        if self._memo is not None:
            stored = self._raw_table().get(str(doc_id))
            return None if stored is None else self.stored(stored)
        doc = self._table.get(doc_id=doc_id)
        return None if doc is None else self.decode(doc)

    def list(self) -> list[T]:
        if self._memo is not None:
            return [self.stored(doc) for doc in self._raw_table().values()]
        return [self.decode(doc) for doc in self._table]

    def raw(self) -> Iterator[Data]:
        return iter(self._raw_table().values())

    def put(self, item: T) -> None:
        doc = self._to_doc(item)
        index = self._index()
        doc_id = index.get(doc["id"])
        if doc_id is None:
            index[doc["id"]] = _buffer(self._db).insert(self._name, [doc])[0]
        else:
            _buffer(self._db).replace(self._name, doc_id, doc)

    def put_many(self, items: Sequence[T]) -> None:
        """Insert many new items in one table update (bulk loads; existing ids are updated one by one)."""
        index = self._index()
        fresh = [self._to_doc(item) for item in items]
        new = [doc for doc in fresh if doc["id"] not in index]
        storage = _buffer(self._db)
        for doc in fresh:
            if doc["id"] in index:
                storage.replace(self._name, index[doc["id"]], doc)
        for doc, doc_id in zip(new, storage.insert(self._name, new), strict=True):
            index[doc["id"]] = doc_id

    def delete(self, key: str) -> None:
        index = self._index()
        doc_id = index.pop(key, None)
        if doc_id is not None:
            self._table.remove(doc_ids=[doc_id])


class CardTable(TableRepository[Card]):
    """The cards; in a snapshot, a department, its first page and a card by id are read record by record
    (``storage/records.py``) until something reads the whole table, with the same results."""

    def _scan(self) -> RecordScan | None:
        """The snapshot's cards table read record by record, or None (a transaction, or not sure)."""
        if self._memo is None:
            return None
        data = self._db.storage.read()
        return data.records(self._name) if isinstance(data, tables.LazyData) else None

    def _department(self, dept: str) -> Iterable[Data]:
        """The documents of ``dept``'s cards in file order: from the record scan in a snapshot (only
        those records decoded), else filtered from the whole table."""
        scan = self._scan()
        docs = None if scan is None else scan.department(dept)
        return docs if docs is not None else (doc for doc in self.raw() if doc["dept"] == dept)

    def get(self, key: str) -> Card | None:
        scan = self._scan()
        if scan is not None:
            sure, doc = scan.find(key)
            if sure:
                return None if doc is None else self.stored(doc)
        return super().get(key)

    def list_for_department(self, dept: str) -> list[Card]:
        return [self.stored(doc) for doc in self._department(dept)]

    def listing(self, dept: str | None) -> list[Data]:
        """``card list``'s fields (``codecs.card_listing``) of ``dept``'s cards, or of every card when None,
        in file order, made from the stored documents without Card objects (in a snapshot only the
        department's records are decoded from the file). A document that a Card cannot be made of raises
        the ShapeError that decoding it raises."""
        docs = list(self._department(dept) if dept is not None else self.raw())
        try:
            return list(map(codecs.card_listing, docs))
        except (KeyError, TypeError, ValueError, AttributeError):
            for doc in docs:
                self.decode(doc)
            raise

    def department_counts(self) -> dict[str, int]:
        """How many cards each department holds, by name (``huddle dept list``): in a snapshot counted from
        the record scan's departments, no record decoded (exact: ``storage/records.py``), else from the
        documents."""
        scan = self._scan()
        if scan is not None:
            return {dept.decode(): n for dept, n in collections.Counter(scan.region.depts).items()}
        return dict(collections.Counter(map(itemgetter("dept"), self.raw())))

    def list_in_column(self, dept: str, column: str) -> list[Card]:
        return [self.stored(d) for d in self._department(dept) if d["column"] == column]

    def first_in_columns(
        self, dept: str, columns: Sequence[str], per_column: int
    ) -> tuple[list[Card], dict[str, int]]:
        """The first ``per_column`` cards of each of ``dept``'s columns in board order (rank, then id),
        and how many cards each column holds. Only the returned cards become Card objects (the first board
        of the app shows one department's first page, not its 2,500 cards: ``CardService.first_page``),
        and in a snapshot only the department's records are decoded from the file."""
        by_column: dict[str, list[Data]] = {name: [] for name in columns}
        for doc in self._department(dept):
            by_column.setdefault(doc["column"], []).append(doc)
        page: list[Card] = []
        for docs in by_column.values():
            docs.sort(key=lambda d: (float(d.get("rank", 0.0)), d["id"]))
            page += [self.stored(doc) for doc in docs[:per_column]]
        return page, {name: len(docs) for name, docs in by_column.items()}

    def column_summary(
        self, dept: str, column: str, excluding: str | None = None
    ) -> tuple[int, float | None]:
        ranks = [
            float(d.get("rank", 0.0))
            for d in self.raw()
            if d["dept"] == dept and d["column"] == column and d["id"] != excluding
        ]
        return len(ranks), max(ranks, default=None)


CHANGE_LOG = 64
"""Version steps a store remembers for ``changed_tables`` (a screen hidden longer reloads everything)."""

ACTIVITY_KEEP = 2000
"""Activity records kept in the data file; older ones move to the archive beside it."""
ACTIVITY_SLACK = 500
"""Archive only once this many records above ACTIVITY_KEEP have built up (one append per batch)."""


def activity_archive_path(path: Path) -> Path:
    return path.with_name(path.name + ".activity.jsonl")


class ActivityTable:
    def __init__(self, db: TinyDB, archive: Path | None = None) -> None:
        self._db = db
        self._table = db.table("activity", cache_size=0)
        self._archive = archive

    def add(self, entry: Activity) -> None:
        _buffer(self._db).insert("activity", [codecs.activity_to_doc(entry)])

    def for_entity(self, entity_id: str) -> list[Activity]:
        """Oldest first, in the order the records were written (under the lock), whatever the clocks said."""
        docs = {d["id"]: d for d in self._archived() if d["entity_id"] == entity_id}
        docs.update((d["id"], d) for d in self._in_write_order() if d["entity_id"] == entity_id)
        return [codecs.activity_from_doc(d) for d in docs.values()]

    def _in_write_order(self) -> list[Document]:
        return sorted(self._table, key=lambda d: d.doc_id)

    def _archived(self) -> Iterator[Data]:
        if self._archive is None:
            return
        raw = read_bytes_safely(self._archive, "the activity archive")
        if raw is None:
            return
        needed = shape.REQUIRED["activity"]
        for line in raw.splitlines():
            try:
                doc = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a torn last line after a crash: its records are still in the data file
            if isinstance(doc, dict) and all(isinstance(doc.get(k), t) for k, t in needed.items()):
                yield doc

    def recent(self, limit: int = 50) -> list[Activity]:
        """Newest first, in write order."""
        if limit <= 0:
            return []
        return [codecs.activity_from_doc(d) for d in reversed(self._in_write_order()[-limit:])]


class TinyUnitOfWork:
    """The repositories over one in-memory copy of the file."""

    def __init__(
        self, db: TinyDB, archive: Path | None = None, source: str = "memory", memo: DecodeMemo | None = None
    ) -> None:
        """``memo`` only for a snapshot (its documents never change): see :class:`DecodeMemo`."""
        self._db = db
        self.departments = TableRepository[Department](
            db, "departments", codecs.department_to_doc, codecs.department_from_doc, source, memo
        )
        self.people = TableRepository[Person](
            db, "people", codecs.person_to_doc, codecs.person_from_doc, source, memo
        )
        self.projects = TableRepository[Project](
            db, "projects", codecs.project_to_doc, codecs.project_from_doc, source, memo
        )
        self.cards = CardTable(db, "cards", codecs.card_to_doc, codecs.card_from_doc, source, memo)
        self.risks = TableRepository[Risk](
            db, "risks", codecs.risk_to_doc, codecs.risk_from_doc, source, memo
        )
        self.meetings = TableRepository[Meeting](
            db, "meetings", codecs.meeting_to_doc, codecs.meeting_from_doc, source, memo
        )
        self.change_requests = TableRepository[ChangeRequest](
            db, "change_requests", codecs.change_to_doc, codecs.change_from_doc, source, memo
        )
        self.activity = ActivityTable(db, archive)
        self.published = TableRepository[PublishedEvent](
            db, "published", codecs.published_to_doc, codecs.published_from_doc, source, memo
        )

    _DATA_TABLES = (
        "departments",
        "people",
        "projects",
        "cards",
        "risks",
        "meetings",
        "change_requests",
        "activity",
    )
    """The project's own data. ``published`` (what Huddle wrote to CalDAV calendars) is not part of it:
    it describes the calendar servers, which a restore or ``demo --force`` does not change, so it is
    kept and the next push still finds (and updates or removes) what it wrote."""

    def is_empty(self) -> bool:
        return all(len(self._db.table(name, cache_size=0)) == 0 for name in self._DATA_TABLES)

    def clear(self, *, counters: bool = False) -> None:
        for name in self._DATA_TABLES:
            self._db.table(name, cache_size=0).truncate()
        if counters:
            table = self._db.table(META, cache_size=0)
            if table.contains(doc_id=1):
                table.update({"counters": {}}, doc_ids=[1])
        for repo in (self.departments, self.people, self.projects, self.cards, self.risks, self.meetings,
                     self.change_requests):  # fmt: skip
            repo.forget_index()

    def next_number(self, counter: str) -> int:
        table = self._db.table(META, cache_size=0)
        info = dict(table.get(doc_id=1) or {"schema": SCHEMA_VERSION, "counters": {}})
        counters = dict(info.get("counters", {}))
        number = int(counters.get(counter, 0)) + 1
        counters[counter] = number
        info["counters"] = counters
        table.upsert(info, cond=lambda doc: True) if table.contains(doc_id=1) else table.insert(info)
        return number


class TinyStore:
    """A Huddle data file (or, with ``path=None``, an in-memory store for tests and previews)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: Data = {}
        self._memory_version = itertools.count()
        self._memory_token = next(self._memory_version)
        self._cache: tuple[object, Data, DecodeMemo] | None = None
        self._checked: tuple[object, set[str]] | None = None
        """The file version this store last read or wrote, and which of its tables are checked (shape-checked
        when decoded, or written from checked data): reading that version again skips their check only."""
        self._changes: collections.deque[tuple[object, object, frozenset[str] | None]] = collections.deque(
            maxlen=CHANGE_LOG
        )
        """(version, next version read, the tables whose lines differ), oldest first: ``changed_tables``."""

    @classmethod
    def memory(cls) -> TinyStore:
        return cls(None)

    def describe(self) -> str:
        return str(self.path) if self.path else "memory"

    def version(self) -> object:
        if self.path is None:
            return self._memory_token
        return file_version(self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyUnitOfWork]:
        if self.path is not None:
            check_data_file(self.path)
        lock = exclusive_lock(self.path) if self.path else contextlib.nullcontext()
        with lock:
            data = self._load_for_write()
            if self.path is not None:
                check_writable(self.path)
            created = self.path is not None and not self.path.exists()
            changed = migrate(data, self.describe())
            storage = BufferStorage(data)
            db = TinyDB(storage=lambda: storage)
            yield TinyUnitOfWork(db, self._archive_path(), self.describe())
            if storage.dirty or changed or created:
                self._archive_activity(storage.data)
                # A migration may have changed any record in place: then every table is encoded again.
                self._save(storage.data, None if changed else storage.edited)

    def snapshot(self) -> TinyUnitOfWork:
        version = self.version()
        cache = self._cache
        if cache is not None and cache[0] == version:
            data, memo = cache[1], cache[2]
        else:
            # The version read before lends what did not change: its decoded tables, records and objects.
            data = self._load_for_read(None if cache is None else cache[1])
            migrate(data, self.describe())
            memo = DecodeMemo(None if cache is None else cache[2])
            self._cache = (version, data, memo)
            if cache is not None:
                self._changes.append((cache[0], version, getattr(data, "changed", None)))
        return TinyUnitOfWork(
            SnapshotDB(storage=lambda: BufferStorage(data, writable=False)),
            self._archive_path(),
            self.describe(),
            memo,
        )

    def changed_tables(self, since: object, until: object) -> frozenset[str] | None:
        """The tables that changed from the snapshot of version ``since`` to that of ``until``, both read
        by this store (``domain.repository.ChangeLog``); None when it cannot tell (a version it did not
        read, or one outside the file's table-per-line layout): then anything may have changed."""
        if since == until:
            return frozenset()
        found: set[str] = set()
        at = since
        for older, newer, names in list(self._changes):  # list(): one step, while a worker may append
            if older != at:
                continue
            if names is None:
                return None
            found |= names
            at = newer
            if at == until:
                return frozenset(found)
        return None

    def _archive_path(self) -> Path | None:
        return None if self.path is None else activity_archive_path(self.path)

    def _archive_activity(self, data: Data) -> None:
        """Move the oldest activity records to the append-only archive, under the transaction's lock.

        The archive is appended and fsynced before the data file is replaced: a crash in between
        leaves records in both places, and readers de-duplicate them by id.
        """
        table: dict[str, Data] = data.get("activity", {})
        archive = self._archive_path()
        if archive is None or len(table) <= ACTIVITY_KEEP + ACTIVITY_SLACK:
            return
        keys = sorted(table, key=int)[: len(table) - ACTIVITY_KEEP]
        append_lines(archive, [orjson.dumps(table[key]) for key in keys], "the activity archive")
        for key in keys:
            del table[key]

    def schema_version(self) -> int:
        data = self._load_for_read()
        return int(meta(data).get("schema", 0)) if data else 0

    def _load_for_write(self, previous: Data | None = None) -> Data:
        if self.path is None:
            loaded: Data = orjson.loads(orjson.dumps(self._memory))
            return loaded
        before = file_version(self.path)
        raw = read_data_bytes(self.path)
        # The shape check runs once per version of the file: a version this store wrote (from checked data)
        # or already checked is not checked again. The version is taken before and after the read, so a
        # file replaced in between (a snapshot reads without the lock) is always checked. Tables are
        # decoded (and checked) as they are first used: see storage/tables.py.
        same = before is not None and file_version(self.path) == before
        checked = self._checked
        known = (
            frozenset(checked[1]) if same and checked is not None and checked[0] == before else frozenset()
        )
        data = {} if raw is None else tables.load(raw, self.path, check=True, previous=previous, known=known)
        if not same:
            self._checked = None
        elif isinstance(data, tables.LazyData):
            # The very set the data adds to as it decodes (and checks) its tables, in this thread or another.
            self._checked = (before, data.verified)
        else:  # parsed (and checked) whole
            self._checked = (before, set(data))
        return data

    def _load_for_read(self, previous: Data | None = None) -> Data:
        """As for a write, but sharing the unchanged tables of ``previous`` (a snapshot's data: see
        ``tables.load``); a transaction changes what it reads, so it never shares."""
        return self._load_for_write(previous)

    def _save(self, data: Data, edited: Collection[str] | None = None) -> None:
        """Write ``data``; ``edited``: the tables whose records may have changed in place (None: any),
        see ``tables.dump_pieces``."""
        if self.path is None:
            self._memory = data
            self._memory_token = next(self._memory_version)
            return
        remove_stale_temp_files(self.path)
        atomic_write(self.path, tables.dump_pieces(data, edited))
        # Under the lock: nobody else replaced it since. Checked: what was decoded (checked, then changed by
        # this transaction) and what was known checked before; a table copied unread is as it was.
        verified = set(data.verified) if isinstance(data, tables.LazyData) else set(data)
        self._checked = (file_version(self.path), verified)


def open_store(path: Path) -> TinyStore:
    """A store on ``path``; the folder must exist, the file is created on the first write.

    A path through a symbolic link is resolved here, once, to the real file, which the store then uses
    for everything (one lock for every path to a file); a folder, FIFO or device is refused.
    """
    if not path.parent.is_dir():
        raise StorageError(
            _("folder {parent} does not exist; create it or choose another --db").format(parent=path.parent)
        )
    return TinyStore(resolve_data_file(path))
