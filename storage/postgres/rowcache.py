"""What one process keeps of the server's rows between changes, and how it catches up with one query.

Why: an open app used to re-read and decode a whole board (625 cards at 5,000) after every change
anyone made, although a change touches one or two rows. Every row now carries ``ver``, a number
from one sequence stamped on each insert and update, and a delete leaves a tombstone with its own
``ver`` (the row-versions migration in ``schema.py``). So catching up is one statement: the rows
whose ``ver`` is above the highest one already seen, the tombstones since then, and whatever a read
needs that is not kept yet (a whole table, one department's cards), decoded once and kept.

- **Consistent.** The state row, the changes and the loads come from one statement, that is one
  snapshot of the database, so a kept generation never mixes two moments. Each generation is
  immutable (a change copies the mappings it touches), so a reader in another thread keeps seeing
  the one it started with.
- **Ordered.** Huddle's writers are serialised by the advisory write lock, so a row version handed
  out is committed before any higher one: "above the highest seen" misses nothing. A write outside
  Huddle that skipped the lock could break that; ``db check`` is the tool for such databases.
- **Invalidated whole** when the database is not the one the cache was filled from: another epoch
  (``clear()`` and copies skip the tombstones and move it), another server start
  (``pg_postmaster_start_time``: a restore or a failover may have happened meanwhile), another
  database oid (dropped and re-created), or a version or row mark that went backwards.
- **Cheap when nothing changed.** While the change listener is connected and has heard nothing
  since the last catch-up, and this process committed nothing, a new snapshot uses the kept
  generation without asking the server; otherwise it asks (one round trip, as the version check
  did before).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from psycopg import sql

from domain.models import Card
from storage import codecs
from storage.postgres import schema

Rows = Mapping[str, tuple[int, Any]]
"""A kept table (or one department's cards): id -> (write order ``seq``, decoded record), by ``seq``."""

DECODERS = {table: codecs.DECODERS[table] for table in schema.VERSIONED_TABLES}

_IDENTITY: LiteralString = (
    "concat_ws(' ', epoch, pg_postmaster_start_time(), "
    "(SELECT oid FROM pg_database WHERE datname = current_database()))"
)
_MARK: LiteralString = (
    "coalesce(greatest("
    + ", ".join(f"(SELECT max(ver) FROM {name})" for name in (*schema.VERSIONED_TABLES, "huddle_deleted"))
    + "), 0)"
)
_STATE = sql.SQL(
    "SELECT 0, " + _IDENTITY + ", NULL::text, version, " + _MARK + ", NULL::jsonb FROM huddle_state"
)


@dataclass(frozen=True)
class Need:
    """What a read wants kept: whole tables, some departments' cards, or every card."""

    tables: frozenset[str] = frozenset()
    boards: frozenset[str] = frozenset()
    all_cards: bool = False


NOTHING = Need()


class Unknown:
    """``Generation.card``: the card's department is not kept, so ask the server."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Generation:
    """The rows kept as of one moment of the database; never changed once made."""

    identity: str = ""
    version: int = -1
    mark: int = 0
    """The highest row version this generation has seen: the next catch-up asks for those above."""
    tables: Mapping[str, Rows] = field(default_factory=dict)
    boards: Mapping[str, Rows] = field(default_factory=dict)
    """Cards by department, for the departments a read asked for (or all of them, ``all_cards``)."""
    all_cards: bool = False
    token: tuple[int, int, int] | None = None
    """(listener connection, notifications heard, own commits) when the catch-up started."""

    def has(self, need: Need) -> bool:
        if not need.tables <= self.tables.keys() or (need.all_cards and not self.all_cards):
            return False
        return self.all_cards or need.boards <= self.boards.keys()

    def kept(self) -> bool:
        return bool(self.tables or self.boards or self.all_cards)

    def board(self, dept: str) -> Rows:
        return self.boards.get(dept, {})

    def has_board(self, dept: str) -> bool:
        return self.all_cards or dept in self.boards

    def card(self, key: str) -> Card | Unknown | None:
        for rows in self.boards.values():
            if key in rows:
                found: Card = rows[key][1]
                return found
        return None if self.all_cards else UNKNOWN

    def every_card(self) -> list[Card]:
        entries = [entry for rows in self.boards.values() for entry in rows.values()]
        entries.sort(key=lambda entry: entry[0])
        return [card for _, card in entries]


def _statement(base: Generation, need: Need) -> tuple[sql.Composed, list[Any]]:
    """One statement: the state row, the changes since ``base`` (if it keeps anything), the loads."""
    parts: list[sql.Composable] = [_STATE]
    params: list[Any] = []
    if base.kept():
        parts.append(sql.SQL("SELECT 1, tbl, id, NULL, ver, NULL FROM huddle_deleted WHERE ver > %s"))
        params.append(base.mark)
        changed = [*base.tables, *(["cards"] if base.boards or base.all_cards else [])]
        for name in changed:
            parts.append(
                sql.SQL("SELECT 2, {name}, id, seq, ver, doc FROM {table} WHERE ver > %s").format(
                    name=sql.Literal(name), table=sql.Identifier(name)
                )
            )
            params.append(base.mark)
    for name in sorted(need.tables - base.tables.keys()):
        parts.append(
            sql.SQL("SELECT 3, {name}, id, seq, ver, doc FROM {table}").format(
                name=sql.Literal(name), table=sql.Identifier(name)
            )
        )
    if need.all_cards and not base.all_cards:
        parts.append(sql.SQL("SELECT 3, 'cards', id, seq, ver, doc FROM cards"))
    elif not base.all_cards:
        for dept in sorted(need.boards - base.boards.keys()):
            parts.append(sql.SQL("SELECT 3, 'cards', id, seq, ver, doc FROM cards WHERE dept = %s"))
            params.append(dept)
    return sql.SQL(" UNION ALL ").join(parts), params


class _Builder:
    """The next generation's mappings, copying each kept table or board the first time it changes."""

    def __init__(self, base: Generation) -> None:
        self.tables: dict[str, Rows] = dict(base.tables)
        self.boards: dict[str, Rows] = dict(base.boards)
        self.all_cards = base.all_cards
        self._copied: set[tuple[str, str]] = set()
        self._unordered: set[tuple[str, str]] = set()

    def _own(self, kind: str, key: str) -> dict[str, tuple[int, Any]]:
        mapping = self.tables if kind == "table" else self.boards
        if (kind, key) not in self._copied:
            mapping[key] = dict(mapping.get(key, {}))
            self._copied.add((kind, key))
        own = mapping[key]
        assert isinstance(own, dict)
        return own

    def delete(self, table: str, key: str) -> None:
        if table == "cards":
            for dept, rows in list(self.boards.items()):
                if key in rows:
                    del self._own("board", dept)[key]
        elif key in self.tables.get(table, {}):
            del self._own("table", table)[key]

    def put(self, table: str, key: str, seq: int, doc: dict[str, Any]) -> None:
        if table != "cards":
            if table in self.tables:
                self._put(self._own("table", table), ("table", table), key, seq, DECODERS[table](doc))
            return
        dept = str(doc["dept"])
        for other, rows in list(self.boards.items()):
            if other != dept and key in rows:
                del self._own("board", other)[key]  # moved to another department
        if self.all_cards or dept in self.boards:
            self._put(self._own("board", dept), ("board", dept), key, seq, codecs.card_from_doc(doc))

    def _put(
        self, rows: dict[str, tuple[int, Any]], where: tuple[str, str], key: str, seq: int, item: Any
    ) -> None:
        if key not in rows and rows and seq < next(reversed(rows.values()))[0]:
            self._unordered.add(where)  # a card moved in from another board: sort by write order
        rows[key] = (seq, item)

    def load(self, table: str, rows: Iterable[tuple[str, int, dict[str, Any]]]) -> None:
        decode = DECODERS[table]
        self.tables[table] = {key: (seq, decode(doc)) for key, seq, doc in sorted(rows, key=lambda r: r[1])}
        self._copied.add(("table", table))

    def load_cards(self, depts: Iterable[str], rows: Iterable[tuple[str, int, dict[str, Any]]]) -> None:
        fresh: dict[str, dict[str, tuple[int, Any]]] = {dept: {} for dept in depts}
        for key, seq, doc in sorted(rows, key=lambda r: r[1]):
            fresh.setdefault(str(doc["dept"]), {})[key] = (seq, codecs.card_from_doc(doc))
        for dept, kept in fresh.items():
            self.boards[dept] = kept
            self._copied.add(("board", dept))

    def finish(
        self, identity: str, version: int, mark: int, token: tuple[int, int, int] | None
    ) -> Generation:
        for kind, key in self._unordered:
            mapping = self.tables if kind == "table" else self.boards
            mapping[key] = dict(sorted(mapping[key].items(), key=lambda item: item[1][0]))
        return Generation(identity, version, mark, self.tables, self.boards, self.all_cards, token)


def _apply(
    base: Generation, need: Need, rows: Sequence[tuple[Any, ...]], token: tuple[int, int, int] | None
) -> Generation:
    """The generation after one catch-up statement's rows. When the database is not the one ``base``
    was filled from, its changes mean nothing: start empty, keeping only what was loaded whole."""
    _, identity, _, version, mark, _ = next(row for row in rows if row[0] == 0)
    version, mark = int(version), int(mark)
    same = identity == base.identity and version >= base.version and mark >= base.mark
    builder = _Builder(base if same else Generation())
    if same:
        # Tombstones and changed rows in the order they happened (an id deleted, then written again).
        for part, table, key, seq, _ver, doc in sorted(
            (r for r in rows if r[0] in (1, 2)), key=lambda r: r[4]
        ):
            if part == 1:
                builder.delete(table, key)
            else:
                builder.put(table, key, int(seq), doc)
    loads: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
    for part, table, key, seq, _ver, doc in rows:
        if part == 3:
            loads.setdefault(table, []).append((key, int(seq), doc))
    for table in need.tables - base.tables.keys():  # what _statement loaded
        builder.load(table, loads.get(table, []))
    if need.all_cards and not base.all_cards:
        builder.boards, builder.all_cards = {}, True
        builder.load_cards((), loads.get("cards", []))
    elif not base.all_cards and need.boards - base.boards.keys():
        builder.load_cards(need.boards - base.boards.keys(), loads.get("cards", []))
    return builder.finish(identity, version, mark, token)


class RowCache:
    """The kept generation of one store, brought up to date under a lock (one catch-up at a time)."""

    def __init__(self, read: Callable[[sql.Composed, Sequence[Any]], list[tuple[Any, ...]]]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self.current = Generation()
        self.heard = 0
        """Notifications heard (and listener reconnects): bumped from the listener's thread."""
        self.commits = 0
        """This process's own commits through the store (a transaction's end, whatever its outcome)."""
        self.listener: Callable[[], int | None] = lambda: None
        """The listener's connection number while it is connected, else None (set by the store)."""
        self.catch_ups = 0
        """Statements sent to catch up (tests: a quiet snapshot sends none)."""

    def hear(self) -> None:
        self.heard += 1

    def committed(self) -> None:
        self.commits += 1

    def _token(self) -> tuple[int, int, int] | None:
        connection = self.listener()
        return None if connection is None else (connection, self.heard, self.commits)

    def quiet(self) -> Generation | None:
        """The kept generation if nothing can have changed since it was made (no round trip)."""
        current = self.current
        token = self._token()
        return current if token is not None and current.token == token else None

    def ensure(self, need: Need) -> Generation:
        """Catch up with every change since the last look and load what ``need`` asks for."""
        with self._lock:
            while True:
                base = self.current
                token = self._token()
                query, params = _statement(base, need)
                self.catch_ups += 1
                self.current = _apply(base, need, self._read(query, params), token)
                if self.current.has(need):  # else the cache was dropped (a new epoch): load again
                    return self.current
