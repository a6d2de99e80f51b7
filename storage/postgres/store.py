"""The PostgreSQL Store: the repositories of ``domain.repository`` over JSONB rows on a server.

Why it is shaped like this:

- Documents are exactly those of ``storage/codecs.py`` (the JSON store's), so a field another
  change adds to a model reaches the server without a migration here, and a copy between the two
  backends is a copy of documents.
- A write costs what it changes: the unit of work reads lazily, one query per repository call, and
  writes one row per ``put``. Nothing loads or rewrites the whole project.
- Writers are serialised by one transaction-scoped advisory lock, taken before the first read,
  as the JSON store serialises them with its lock file. The services check WIP limits and
  dependency cycles by reading inside ``transaction()``; under the lock nobody can commit between
  that read and the write, so the check holds (READ COMMITTED reads see every earlier commit).
  SERIALIZABLE alone would be correct too, but a serialisation failure can only be cured by
  re-running the caller's whole ``with`` block, which a context manager cannot do; with the lock
  there is nothing to retry. What *is* retried, a bounded time, is getting a healthy connection and
  the lock before the block starts: a restarted server or a connection the server dropped while it
  sat idle costs a reconnect, not an error.
- A client killed mid-transaction changes nothing: the server rolls back a transaction whose
  connection went away and frees its lock (``idle_in_transaction_session_timeout`` also frees one
  held by a stopped, not killed, client).
- Each committed change bumps ``huddle_state.version`` (the cheap poll token) and NOTIFYs it on
  ``huddle_changes`` inside the same transaction, so listeners hear only of committed changes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, LiteralString, TypeVar

import orjson
import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb, set_json_loads

from domain.errors import StorageError
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
from storage import codecs
from storage.dburl import redact
from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA_VERSION
from storage.migrations import migrate
from storage.postgres import firstpage, schema
from storage.postgres.rowcache import NOTHING, Generation, Need, RowCache, Rows, Unknown

T = TypeVar("T")
Doc = dict[str, Any]
Query = sql.SQL | sql.Composed | LiteralString

WRITE_LOCK = 0x48756464
"""The advisory lock key every Huddle writer (and the migrations) takes: one writer at a time."""
RETRY_SECONDS = 15.0
"""How long a write keeps trying to reach the server (a restart takes a few seconds)."""
SESSION_SETTINGS: tuple[LiteralString, ...] = (
    "SET lock_timeout = '30s'",
    "SET idle_in_transaction_session_timeout = '60s'",
    "SET application_name = 'huddle'",
)


def _dumps(doc: Any) -> str:
    return orjson.dumps(doc).decode()


def _one_line(exc: BaseException) -> str:
    """libpq's message on one line (it never holds the password)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _permanent(exc: psycopg.OperationalError) -> bool:
    """Connection errors that waiting will not cure: a wrong password, a missing database or role."""
    text = str(exc).lower()
    return any(
        word in text
        for word in (
            "authentication",
            "does not exist",
            "no password supplied",
            "permission denied",
            "certificate",
        )
    )


class _Pool:
    """A few idle connections kept for reuse; a broken or closed one is dropped on return.

    Not psycopg_pool: its ``getconn`` reports a failed connect as a timeout rather than libpq's reason
    (a wrong password, a refused connection), and it starts maintenance threads in every one-shot CLI
    process; Huddle needs a handful of connections per process and retries on its own terms.
    """

    def __init__(self, conninfo: str, keep: int = 4) -> None:
        self.conninfo = conninfo
        self.keep = keep
        self._idle: deque[psycopg.Connection[Any]] = deque()
        self._lock = threading.Lock()

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
        set_json_loads(orjson.loads, conn)
        conn.execute("; ".join(SESSION_SETTINGS))  # one round trip (the app's start waits on it)
        conn.autocommit = autocommit
        return conn

    def get(self) -> psycopg.Connection[Any]:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and not conn.broken:
                    return conn
        return self.connect()

    def put(self, conn: psycopg.Connection[Any]) -> None:
        healthy = not conn.closed and not conn.broken
        if healthy and conn.info.transaction_status != TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
            healthy = not conn.broken and conn.info.transaction_status == TransactionStatus.IDLE  # type: ignore[comparison-overlap]
        with self._lock:
            if healthy and len(self._idle) < self.keep:
                self._idle.append(conn)
                return
        with contextlib.suppress(psycopg.Error):
            conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = list(self._idle), deque()
        for conn in idle:
            with contextlib.suppress(psycopg.Error):
                conn.close()


class _Session:
    """Where a unit of work's queries run: one locked write transaction, or a snapshot's reads."""

    writable = False
    dirty = False

    def rows(self, query: Query, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def execute(self, query: Query, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def execute_many(self, query: Query, params: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows into an empty table by COPY (a copy's load): one stream, not a statement per row."""
        raise NotImplementedError

    def whole(self, table: str) -> Rows | None:
        """Every kept record of ``table`` (snapshots: loaded on first use), or None: query instead."""
        return None

    def kept(self) -> Generation | None:
        """The row cache's generation this session reads (snapshots), caught up on first use."""
        return None

    def board(self, dept: str) -> Rows | None:
        """``dept``'s kept cards (snapshots: loaded on first use), or None: query instead."""
        return None

    def every_card(self) -> list[Card] | None:
        """Every card, kept (snapshots), or None: query instead."""
        return None

    def all_docs(self, table: str) -> list[Doc]:
        query = sql.SQL("SELECT doc FROM {} ORDER BY seq").format(sql.Identifier(table))
        return [row[0] for row in self.rows(query)]


class _WriteSession(_Session):
    """The queries of one write transaction, on the connection that holds the writers' lock."""

    writable = True

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.conn = conn
        self.where = where

    def _lost(self, exc: psycopg.Error) -> StorageError:
        return StorageError(
            f"lost the connection to {self.where} ({_one_line(exc)}); nothing was saved, try again"
        )

    def rows(self, query: Query, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(query, params).fetchall()
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None

    def execute(self, query: Query, params: Sequence[Any] = ()) -> None:
        self.dirty = True
        try:
            self.conn.execute(query, params)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None

    def execute_many(self, query: Query, params: Sequence[Sequence[Any]]) -> None:
        self.dirty = True
        try:
            with self.conn.cursor() as cur:
                cur.executemany(query, params)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.dirty = True
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        try:
            with self.conn.cursor() as cur, cur.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None


class _SnapshotSession(_Session):
    """Read-only: whole small tables and the departments' boards come from the store's row cache
    (``rowcache.py``: caught up with one statement the first time this session reads, so an open
    app re-reads only the rows changed since it last looked); other queries each run on a pooled
    connection, retried on a fresh one if the link dropped."""

    def __init__(self, store: PgStore, generation: Generation | None) -> None:
        self.store = store
        self.generation = generation

    def rows(self, query: Query, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.store.read(query, params)

    def execute(self, query: Query, params: Sequence[Any] = ()) -> None:
        raise StorageError("a snapshot is read-only; change data inside store.transaction()")

    def execute_many(self, query: Query, params: Sequence[Sequence[Any]]) -> None:
        self.execute(query)

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.execute("COPY")

    def _having(self, need: Need) -> Generation:
        generation = self.generation
        if generation is None or not generation.has(need):
            generation = self.generation = self.store.catch_up(need)
        return generation

    def kept(self) -> Generation | None:
        if self.generation is None and not self.store.rows.current.kept():
            return None  # nothing in memory to answer from: the caller's own query is the one round trip
        return self._having(NOTHING)

    def whole(self, table: str) -> Rows:
        return self._having(Need(tables=frozenset([table]))).tables[table]

    def board(self, dept: str) -> Rows:
        return self._having(Need(boards=frozenset([dept]))).board(dept)

    def every_card(self) -> list[Card]:
        return self._having(Need(all_cards=True)).every_card()


class PgTable(Generic[T]):
    """Upsert by domain id over one ``seq, id, doc`` table."""

    extra: tuple[str, ...] = ()
    """Hot columns filled from the document on every write."""

    def __init__(
        self, session: _Session, name: str, to_doc: Callable[[T], Doc], from_doc: Callable[[Doc], T]
    ) -> None:
        self._session = session
        self._name = name
        self._to_doc = to_doc
        self._from_doc = from_doc
        columns = ("id", *self.extra, "doc")
        self._upsert = sql.SQL(
            "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO UPDATE SET {updates}"
        ).format(
            table=sql.Identifier(name),
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            updates=sql.SQL(", ").join(
                sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in columns[1:]
            ),
        )

    def _params(self, doc: Doc) -> list[Any]:
        return [doc["id"], *self._extra_values(doc), Jsonb(doc, dumps=_dumps)]

    def _extra_values(self, doc: Doc) -> list[Any]:
        return []

    def get(self, key: str) -> T | None:
        kept = self._session.kept()
        if kept is not None and self._name in kept.tables:
            entry = kept.tables[self._name].get(key)
            return None if entry is None else entry[1]
        query = sql.SQL("SELECT doc FROM {} WHERE id = %s").format(sql.Identifier(self._name))
        rows = self._session.rows(query, [key])
        return self._from_doc(rows[0][0]) if rows else None

    def list(self) -> list[T]:
        kept = self._session.whole(self._name)
        if kept is not None:
            return [item for _, item in kept.values()]
        return [self._from_doc(doc) for doc in self._session.all_docs(self._name)]

    def put(self, item: T) -> None:
        self._session.execute(self._upsert, self._params(self._to_doc(item)))

    def put_many(self, items: Sequence[T]) -> None:
        """Many upserts in one pipelined round of statements (bulk loads)."""
        if items:
            self._session.execute_many(self._upsert, [self._params(self._to_doc(i)) for i in items])

    def delete(self, key: str) -> None:
        query = sql.SQL("DELETE FROM {} WHERE id = %s").format(sql.Identifier(self._name))
        self._session.execute(query, [key])


class PgCards(PgTable[Card]):
    extra = ("dept", "col", "rank")

    def _extra_values(self, doc: Doc) -> list[Any]:
        return [doc["dept"], doc["column"], float(doc.get("rank", 0.0))]

    def get(self, key: str) -> Card | None:
        kept = self._session.kept()
        if kept is not None:
            found = kept.card(key)
            if not isinstance(found, Unknown):
                return found
        return super().get(key)

    def _kept_board(self, dept: str) -> list[Card] | None:
        """``dept``'s cards from the row cache if this session has it or can load it, in write order."""
        kept = self._session.board(dept)
        return None if kept is None else [card for _, card in kept.values()]

    def column_summary(
        self, dept: str, column: str, excluding: str | None = None
    ) -> tuple[int, float | None]:
        kept = self._session.kept()
        if kept is not None and kept.has_board(dept):
            cards = [c for _, c in kept.board(dept).values() if c.column == column and c.id != excluding]
            return len(cards), max((c.rank for c in cards), default=None)
        # The count from the trigger-kept row (less the card left out, if it is there), the rank from
        # the board index read backwards: both cost the same on any size of board.
        rows = self._session.rows(
            "SELECT coalesce((SELECT cards FROM card_columns WHERE dept = %s AND col = %s), 0)"
            " - (SELECT count(*) FROM cards WHERE id = %s AND dept = %s AND col = %s),"
            " (SELECT max(rank) FROM cards WHERE dept = %s AND col = %s AND id IS DISTINCT FROM %s)",
            [dept, column, excluding, dept, column, dept, column, excluding],
        )
        count, last = rows[0]
        return int(count), None if last is None else float(last)

    def first_in_columns(
        self, dept: str, columns: Sequence[str], per_column: int
    ) -> tuple[list[Card], dict[str, int]]:
        """The first ``per_column`` cards of each of ``dept``'s columns in board order (rank, then id)
        and every column's card count (``CardService.first_page``, the app's first board): one query
        over the board index and the kept counts, so only the page travels and is decoded, not the
        department's hundreds of cards."""
        kept = self._session.kept()
        if kept is not None and kept.has_board(dept):  # already in memory: slice it (no round trip)
            order = {name: n for n, name in enumerate(columns)}
            cards = sorted(
                (c for _, c in kept.board(dept).values()),
                key=lambda c: (order.get(c.column, len(order)), c.column, c.rank, c.id),
            )
            taken: dict[str, int] = {}
            for card in cards:
                taken[card.column] = taken.get(card.column, 0) + 1
            return firstpage.first_of_each(cards, per_column), {**dict.fromkeys(columns, 0), **taken}
        return firstpage.arrange(columns, self._session.rows(firstpage.PAGE, [dept, per_column, dept]))

    def list_for_department(self, dept: str) -> list[Card]:
        kept = self._kept_board(dept)
        if kept is not None:
            return kept
        rows = self._session.rows("SELECT doc FROM cards WHERE dept = %s ORDER BY seq", [dept])
        return [codecs.card_from_doc(row[0]) for row in rows]

    def list_in_column(self, dept: str, column: str) -> list[Card]:
        kept = self._kept_board(dept)
        if kept is not None:
            return [card for card in kept if card.column == column]
        rows = self._session.rows(
            "SELECT doc FROM cards WHERE dept = %s AND col = %s ORDER BY seq", [dept, column]
        )
        return [codecs.card_from_doc(row[0]) for row in rows]

    def list(self) -> list[Card]:  # last: inside the class body, ``list`` names this method from here on
        kept = self._session.every_card()
        return kept if kept is not None else super().list()


class PgActivity:
    """The full activity history, in write order (``seq``), indexed by entity."""

    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, entry: Activity) -> None:
        doc = codecs.activity_to_doc(entry)
        self._session.execute(
            "INSERT INTO activity (id, entity_id, doc) VALUES (%s, %s, %s)",
            [doc["id"], doc["entity_id"], Jsonb(doc, dumps=_dumps)],
        )

    def for_entity(self, entity_id: str) -> list[Activity]:
        rows = self._session.rows("SELECT doc FROM activity WHERE entity_id = %s ORDER BY seq", [entity_id])
        return [codecs.activity_from_doc(row[0]) for row in rows]

    def recent(self, limit: int = 50) -> list[Activity]:
        if limit <= 0:
            return []
        rows = self._session.rows("SELECT doc FROM activity ORDER BY seq DESC LIMIT %s", [limit])
        return [codecs.activity_from_doc(row[0]) for row in rows]


class PgUnitOfWork:
    """The repositories over one session (a write transaction or a snapshot)."""

    def __init__(self, session: _Session) -> None:
        self._session = session
        self._bulk = False
        self.departments = PgTable[Department](
            session, "departments", codecs.department_to_doc, codecs.department_from_doc
        )
        self.people = PgTable[Person](session, "people", codecs.person_to_doc, codecs.person_from_doc)
        self.projects = PgTable[Project](session, "projects", codecs.project_to_doc, codecs.project_from_doc)
        self.cards = PgCards(session, "cards", codecs.card_to_doc, codecs.card_from_doc)
        self.risks = PgTable[Risk](session, "risks", codecs.risk_to_doc, codecs.risk_from_doc)
        self.meetings = PgTable[Meeting](session, "meetings", codecs.meeting_to_doc, codecs.meeting_from_doc)
        self.change_requests = PgTable[ChangeRequest](
            session, "change_requests", codecs.change_to_doc, codecs.change_from_doc
        )
        self.activity = PgActivity(session)
        self.published = PgTable[PublishedEvent](
            session, "published", codecs.published_to_doc, codecs.published_from_doc
        )

    def is_empty(self, *, published: bool = False) -> bool:
        """No project data; with ``published``, no CalDAV push records either (a copy replaces those)."""
        tables = (*schema.DATA_TABLES, "published") if published else schema.DATA_TABLES
        query = sql.SQL("SELECT {}").format(
            sql.SQL(" AND ").join(
                sql.SQL("NOT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(t)) for t in tables
            )
        )
        return bool(self._session.rows(query)[0][0])

    def clear(self, *, counters: bool = False, published: bool = False) -> None:
        """Remove the project data (``demo --force``, restore); ``published`` too only for a copy,
        which brings the source's push records in their place. As a bulk change: no tombstone or
        count per row (the open apps' row caches start again, the counts are taken afresh)."""
        with self.bulk():
            for table in (*schema.DATA_TABLES, "published") if published else schema.DATA_TABLES:
                self._session.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        if counters:
            self._session.execute("DELETE FROM counters")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Many rows at once (a copy's load, ``clear``) without the per-row bookkeeping of the triggers.

        Inside, the column-count trigger and the tombstones do nothing (``huddle.bulk``, a setting of
        this transaction only, which any role may set: no superuser, no table lock). At the end, in
        the same transaction, the counts are taken once from the cards and the epoch moves, so every
        open app's row cache reads afresh. A per-row count update made a 100,000-card copy take
        about two minutes: each card rewrote its column's count row, whose versions pile up inside
        one transaction.
        """
        if self._bulk:
            yield
            return
        self._bulk = True
        self._session.execute("SET LOCAL huddle.bulk = 'on'")
        try:
            yield
            self._session.execute(
                "DELETE FROM card_columns; "
                "INSERT INTO card_columns SELECT dept, col, count(*) FROM cards GROUP BY dept, col; "
                "DELETE FROM huddle_deleted; "
                "UPDATE huddle_state SET epoch = epoch + 1; "
                "SET LOCAL huddle.bulk = 'off'"
            )
        finally:
            self._bulk = False

    def next_number(self, counter: str) -> int:
        self._session.dirty = True
        rows = self._session.rows(
            "INSERT INTO counters (name, value) VALUES (%s, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            [counter],
        )
        return int(rows[0][0])

    def counters(self) -> dict[str, int]:
        return {name: int(value) for name, value in self._session.rows("SELECT name, value FROM counters")}

    def set_counters(self, counters: dict[str, int]) -> None:
        self._session.execute("DELETE FROM counters")
        self._session.execute_many(
            "INSERT INTO counters (name, value) VALUES (%s, %s)", sorted(counters.items())
        )

    def raw(self, table: str) -> list[Doc]:
        """Every document of ``table`` in write order (copies and checks)."""
        return self._session.all_docs(table)

    def load_raw(self, table: str, docs: Sequence[Doc]) -> None:
        """Insert documents as they are into an empty table (copies; ``seq`` in the order given):
        the hot columns come from each document. By COPY, inside ``bulk()``: 100,000 cards load in
        a few seconds, where a statement per card took 15."""
        if table == "activity":
            self._session.copy_in(
                "activity",
                ("id", "entity_id", "doc"),
                ([d["id"], d["entity_id"], Jsonb(d, dumps=_dumps)] for d in docs),
            )
            return
        repo: PgTable[Any] = getattr(self, table)
        self._session.copy_in(table, ("id", *repo.extra, "doc"), (repo._params(d) for d in docs))


class PgStore:
    """A Huddle database on a PostgreSQL server, named by a libpq URL.

    The URL may leave out anything libpq finds elsewhere: ``PGPASSFILE`` / ``~/.pgpass`` for the
    password, ``?service=NAME`` for a ``pg_service.conf`` entry, ``PG*`` environment variables.
    Nothing is contacted until the first read or write; the first one applies the migrations.
    """

    def __init__(self, url: str, *, keep_connections: int = 4, retry_seconds: float | None = None) -> None:
        self.url = url
        self.retry_seconds = retry_seconds
        """How long to keep trying to reach the server; None: RETRY_SECONDS (as it is when asked)."""
        self._where = redact(url)
        self._pool = _Pool(url, keep_connections)
        self._schema_ok = False
        self._schema_lock = threading.Lock()
        self._last_version: object = None
        self.rows = RowCache(self._read_composed)
        self._listener: Any = None
        self._warming: threading.Thread | None = threading.Thread(
            target=self._warm_up, name="huddle-connect", daemon=True
        )
        self._warming.start()

    def describe(self) -> str:
        return self._where

    def close(self) -> None:
        """Close the kept connections and stop the change listener (tests, the end of the app)."""
        self._await_warm_up()
        if self._listener is not None:
            self.rows.listener = lambda: None
            self._listener.stop()
            self._listener = None
        self._pool.close()

    # ----- connections -------------------------------------------------------------------------

    def _warm_up(self) -> None:
        """Open the first connection and check the schema in a thread, from the moment the store is
        made: the app imports Textual meanwhile (``build_context`` comes first), so the server's
        connection start-up, authentication and the schema query are no longer waited for in turn
        on the way to the first painted board. Any failure is left to the first real use, which
        retries and reports it as always."""
        with contextlib.suppress(psycopg.Error, StorageError):
            conn = self._pool.connect()
            try:
                self._ensure_schema(conn)
            finally:
                self._pool.put(conn)

    def _await_warm_up(self) -> None:
        thread = self._warming
        if thread is not None and thread is not threading.current_thread():
            thread.join()
            self._warming = None

    def _unreachable(self, exc: BaseException, waited: float) -> StorageError:
        again = f" (kept trying for {waited:.0f} s)" if waited >= 1 else ""
        return StorageError(f"cannot reach the Huddle database {self._where}{again}: {_one_line(exc)}")

    def _with_connection(self, work: Callable[[psycopg.Connection[Any]], T], *, writes: bool) -> T:
        """Run ``work`` on a healthy connection, reconnecting for up to RETRY_SECONDS.

        ``work`` must be safe to run again: reads, or a write's opening (BEGIN + lock) before any
        of the caller's changes.
        """
        self._await_warm_up()
        started = time.monotonic()
        delay = 0.05
        while True:
            conn: psycopg.Connection[Any] | None = None
            try:
                conn = self._pool.get()
                self._ensure_schema(conn)
                result = work(conn)
                if not writes:
                    conn.rollback()
                    self._pool.put(conn)
                return result
            except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled) as exc:
                if conn is not None:
                    self._pool.put(conn)
                raise StorageError(
                    f"{self._where} is busy ({_one_line(exc)}); nothing was saved, try again"
                ) from None
            except psycopg.OperationalError as exc:
                if conn is not None:
                    with contextlib.suppress(psycopg.Error):
                        conn.close()
                waited = time.monotonic() - started
                limit = RETRY_SECONDS if self.retry_seconds is None else self.retry_seconds
                if _permanent(exc) or waited + delay > limit:
                    raise self._unreachable(exc, waited) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            except BaseException:
                if conn is not None:
                    self._pool.put(conn)
                raise

    def read(self, query: Query, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One read-only query, retried on a fresh connection if the link dropped.

        Run in autocommit: one statement is its own transaction anyway, and this spares the BEGIN and
        the ROLLBACK round trips around every snapshot read (three waits on the server become one).
        """
        return self._with_connection(lambda conn: _autocommit_rows(conn, query, params), writes=False)

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        if self._schema_ok:
            return
        with self._schema_lock:
            if not self._schema_ok:
                apply_migrations(conn, self._where)
                self._schema_ok = True

    # ----- the Store protocol ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgUnitOfWork]:
        def begin(conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            return conn

        conn = self._with_connection(begin, writes=True)
        session = _WriteSession(conn, self._where)
        try:
            yield PgUnitOfWork(session)
            if session.dirty:  # one round trip: the new version, announced at commit
                session.rows(
                    "WITH bumped AS (UPDATE huddle_state SET version = version + 1 RETURNING version) "
                    "SELECT pg_notify(%s, version::text) FROM bumped",
                    [schema.CHANNEL],
                )
            try:
                conn.commit()
            except psycopg.OperationalError as exc:
                raise StorageError(
                    f"lost the connection to {self._where} while saving ({_one_line(exc)}); "
                    "the change may or may not be saved: look with 'huddle activity'"
                ) from None
            finally:
                if session.dirty:  # the next snapshot asks the server, whatever the listener heard
                    self.rows.committed()
        except psycopg.Error as exc:
            if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
                raise StorageError(
                    f"{self._where} is busy ({_one_line(exc)}); nothing was saved, try again"
                ) from None
            raise StorageError(
                f"the database refused the change: {_one_line(exc)}; nothing was saved"
            ) from None
        finally:
            self._pool.put(conn)

    def snapshot(self) -> PgUnitOfWork:
        """A read-only view. It catches the row cache up with the server at once (one statement, the
        changed rows only; none at all while the listener has heard of no change, or while nothing
        is kept yet: the first read loads what it needs in the same statement), so the app's read
        before it announces a change (``HuddleApp._read_snapshot``) does the work off the event
        loop; a server out of reach is reported by the first read instead, which retries."""
        generation = self.rows.quiet()
        if generation is None and self.rows.current.kept():  # with nothing kept, the first read loads
            with contextlib.suppress(StorageError):
                generation = self.catch_up(NOTHING)
        return PgUnitOfWork(_SnapshotSession(self, generation))

    def catch_up(self, need: Need) -> Generation:
        """The row cache brought up to date, holding at least what ``need`` asks for."""
        return self.rows.ensure(need)

    def _read_composed(self, query: sql.Composed, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return self.read(query, params)

    def version(self) -> object:
        """The change counter row: one indexed single-row read. The last known value while the server
        cannot be reached (the app keeps showing what it has, and polls again).

        Once the row cache keeps something (an open app), the check *is* the catch-up: the same one
        round trip also brings the changed rows, so the reload the app starts next reads from memory;
        and while the listener has heard nothing (and this process wrote nothing), the kept version
        is the answer, with no round trip at all."""
        try:
            if self.rows.current.kept():
                generation = self.rows.quiet() or self.catch_up(NOTHING)
                self._last_version = generation.version
                return self._last_version
            rows = self.read("SELECT version FROM huddle_state")
        except StorageError:
            return self._last_version
        self._last_version = int(rows[0][0])
        return self._last_version

    @contextlib.contextmanager
    def reading(self) -> Iterator[PgUnitOfWork]:
        """One consistent, read-only view of everything (REPEATABLE READ): copies and checks."""

        def begin(conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return conn

        conn = self._with_connection(begin, writes=True)
        try:
            yield PgUnitOfWork(_WriteSession(conn, self._where))
        finally:
            self._pool.put(conn)

    def analyze(self) -> None:
        """VACUUM ANALYZE after a bulk load (``db copy``): the planner's statistics, and the visibility
        map that lets a column's card count be read from the index alone, without visiting the rows."""

        def run(conn: psycopg.Connection[Any]) -> None:
            conn.rollback()
            conn.autocommit = True
            try:
                for table in schema.DATA_TABLES:
                    conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
            finally:
                conn.autocommit = False

        self._with_connection(run, writes=False)

    def schema_version(self) -> int:
        return self.versions()[0]

    def versions(self) -> tuple[int, int]:
        """(the SQL schema's version, the documents' version) of this database."""
        rows = self.read(
            "SELECT (SELECT coalesce(max(version), 0) FROM huddle_schema), doc_schema FROM huddle_state"
        )
        return int(rows[0][0]), int(rows[0][1])

    def column_problems(self) -> list[str]:
        """Rows whose hot columns disagree with their document (a write outside Huddle, say)."""
        problems = []
        for table in schema.DATA_TABLES:
            query = sql.SQL("SELECT id FROM {} WHERE id IS DISTINCT FROM doc->>'id'").format(
                sql.Identifier(table)
            )
            problems += [
                f"{table}: row {row[0]} holds a document with another id" for row in self.read(query)
            ]
        rows = self.read(
            "SELECT id FROM cards "
            "WHERE dept IS DISTINCT FROM doc->>'dept' OR col IS DISTINCT FROM doc->>'column' "
            "OR rank IS DISTINCT FROM coalesce((doc->>'rank')::float8, 0)"
        )
        problems += [f"cards: {row[0]} has board columns that disagree with its document" for row in rows]
        rows = self.read("SELECT id FROM activity WHERE entity_id IS DISTINCT FROM doc->>'entity_id'")
        problems += [f"activity: {row[0]} is indexed under another entity" for row in rows]
        rows = self.read(
            "SELECT dept, col, coalesce(k.cards, 0), coalesce(n.cards, 0) FROM card_columns k "
            "FULL JOIN (SELECT dept, col, count(*) AS cards FROM cards GROUP BY dept, col) n "
            "USING (dept, col) WHERE coalesce(k.cards, 0) <> coalesce(n.cards, 0)"
        )
        problems += [
            f"card_columns: {dept}/{col} is counted as {kept} cards but holds {real}"
            for dept, col, kept, real in rows
        ]
        return problems

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (from a listener thread) soon after any client commits a change.

        Also called once whenever the listening connection is (re)established, since changes made
        while it was down were not heard. Returns a function that stops the callback.
        """
        from storage.postgres.listener import ChangeListener

        if self._listener is None:
            listener = self._listener = ChangeListener(self._pool, schema.CHANNEL)
            listener.add(self.rows.hear)  # before anyone else's callback: their reads must catch up
            self.rows.listener = lambda: listener.serial if listener.connected else None
        listener = self._listener
        stop: Callable[[], None] = listener.add(callback)
        return stop

    def listening(self) -> bool:
        """True while the notification connection is up (otherwise the app's version poll carries on)."""
        return self._listener is not None and bool(self._listener.connected)


def apply_migrations(conn: psycopg.Connection[Any], where: str) -> None:
    """Bring the database's schema and documents up to this Huddle's, or refuse a newer one.

    The fast path is one query; upgrading takes the writers' lock, so no change runs half-way
    through a migration and two clients opening a fresh database apply each step once.
    """
    with contextlib.suppress(psycopg.errors.UndefinedTable):  # a fresh database: the slow path says so
        current = _autocommit_rows(
            conn, "SELECT (SELECT coalesce(max(version), 0) FROM huddle_schema), doc_schema FROM huddle_state"
        )
        if current == [(schema.SCHEMA_VERSION, DOC_SCHEMA_VERSION)]:  # one round trip when up to date
            return
    conn.rollback()
    sql_version, doc_version = _versions(conn)
    conn.rollback()
    _refuse_newer(sql_version, doc_version, where)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        conn.execute(schema.CREATE_SCHEMA_TABLE)
        sql_version, doc_version = _versions(conn)
        _refuse_newer(sql_version, doc_version, where)
        for number, (name, statements) in enumerate(schema.MIGRATIONS[sql_version:], start=sql_version + 1):
            conn.execute(statements.encode())
            conn.execute("INSERT INTO huddle_schema (version, name) VALUES (%s, %s)", [number, name])
        _, doc_version = _versions(conn)
        if doc_version < DOC_SCHEMA_VERSION:
            _migrate_documents(conn, doc_version, where)
    conn.rollback()


def _autocommit_rows(
    conn: psycopg.Connection[Any], query: Query, params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """One statement as its own transaction (no BEGIN/ROLLBACK round trips); the connection goes back
    to transaction mode for the writes that share the pool."""
    conn.autocommit = True
    try:
        return conn.execute(query, params).fetchall()
    finally:
        if not conn.closed and not conn.broken:
            conn.autocommit = False


def _versions(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    row = conn.execute(
        "SELECT to_regclass('huddle_schema') IS NOT NULL, to_regclass('huddle_state') IS NOT NULL"
    ).fetchone()
    assert row is not None
    sql_version = doc_version = 0
    if row[0]:
        sql_version = int(
            conn.execute("SELECT coalesce(max(version), 0) FROM huddle_schema").fetchall()[0][0]
        )
    if row[1]:
        doc_version = int(conn.execute("SELECT doc_schema FROM huddle_state").fetchall()[0][0])
    return sql_version, doc_version


def _refuse_newer(sql_version: int, doc_version: int, where: str) -> None:
    if sql_version > schema.SCHEMA_VERSION or doc_version > DOC_SCHEMA_VERSION:
        raise StorageError(
            f"{where} was written by a newer Huddle (schema {sql_version}.{doc_version}, this one knows "
            f"{schema.SCHEMA_VERSION}.{DOC_SCHEMA_VERSION}); upgrade huddle"
        )


def _migrate_documents(conn: psycopg.Connection[Any], doc_version: int, where: str) -> None:
    """Replay the JSON store's document migrations over the server's documents (once, under the lock)."""
    data: dict[str, Any] = {"_meta": {"1": {"schema": doc_version, "counters": {}}}}
    before: dict[str, dict[str, bytes]] = {}
    for table in schema.DATA_TABLES:
        query = sql.SQL("SELECT id, doc FROM {}").format(sql.Identifier(table))
        docs = {row[0]: row[1] for row in conn.execute(query).fetchall()}
        data[table] = docs
        before[table] = {key: orjson.dumps(doc) for key, doc in docs.items()}
    migrate(data, where)
    for table in schema.DATA_TABLES:
        for key, doc in data[table].items():
            if orjson.dumps(doc) == before[table].get(key):
                continue
            if table == "cards":
                conn.execute(
                    "UPDATE cards SET doc = %s, dept = %s, col = %s, rank = %s WHERE id = %s",
                    [Jsonb(doc, dumps=_dumps), doc["dept"], doc["column"], float(doc.get("rank", 0.0)), key],
                )
            else:
                update = sql.SQL("UPDATE {} SET doc = %s WHERE id = %s").format(sql.Identifier(table))
                conn.execute(update, [Jsonb(doc, dumps=_dumps), key])
    conn.execute("UPDATE huddle_state SET doc_schema = %s", [DOC_SCHEMA_VERSION])
