"""The data file's layout, one table per line, so a read decodes only the tables it uses.

The file stays one JSON object (TinyDB's format, readable by any JSON tool), written as::

    {"_meta":{...},
    "departments":{...},
    "cards":{...}}

orjson never writes a raw newline (one inside a string is escaped), so ``,\\n`` appears only between
tables and the file splits into tables without being parsed. Each table is decoded (and shape-checked)
the first time something reads it; a table nobody read is written back byte for byte. A file that does
not split cleanly (an older Huddle's single line, another tool's indentation), or whose split piece
does not decode, is parsed whole instead, so the layout is a speed-up and never a second format:
anything that parses as JSON reads exactly as before.

What a write no longer does: parse, check and re-encode the tables it never read. A damaged entry in
such a table is still refused, with the same one line, by every command that reads that table, and its
bytes are carried over unchanged, never re-encoded or dropped.

What a re-read no longer does (``load(..., previous=...)``, the app's snapshots after a change made
elsewhere): decode and check again what did not change. A table whose line is byte for byte the line of
the version read before is that version's decoded (and checked) table, shared; snapshots never change
their data, so sharing is safe, and a transaction always decodes afresh. A table whose line changed is
decoded from the changed records only: the old and the new line agree on a prefix and a suffix, the
records wholly inside them are the old decoded records, and only the bytes in between, widened to whole
records, are parsed and checked. Record boundaries are found by a scan for ``},"N":{`` that is trusted
only when it finds exactly the table's records in order (a nested object with a number key makes it
find more, and the table is then decoded whole); any doubt (a parse error, a repeated key) decodes the
whole line, so the result is always what ``orjson.loads`` of the line gives.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Container, ItemsView, Iterator, ValuesView
from pathlib import Path
from typing import Any

import orjson

from storage import shape
from storage.files import parse_json
from storage.migrations import META
from storage.records import RecordScan

Data = dict[str, Any]
_HEAD = re.compile(rb'"([A-Za-z0-9_]+)":\{')
_CLOSE = ord("}")
_SEP = b",\n"
_ENDS = (_SEP, b"}\n")
"""What follows a table's closing brace: the separator, or the end of the file."""

_RECORD = re.compile(rb'\},"(\d+)":\{')
"""Where one record of a table ends and the next begins (when it is trusted: the module's docstring)."""
_CHUNK = 1 << 16


class _Base:
    """A table of the version read before: its line, its decoded value, and its records' offsets."""

    __slots__ = ("raw", "start", "starts", "stop", "table")

    def __init__(self, raw: bytes, start: int, stop: int, table: Data, starts: list[int] | None) -> None:
        self.raw, self.start, self.stop, self.table, self.starts = raw, start, stop, table, starts


class _Encoded:
    """A table as it sits in the file (``raw[start:stop]``), not decoded yet; ``base`` is the same table
    of the version read before, when that one was decoded: only the changed records are then decoded.
    ``scan`` is that version's record scan, when it was read record by record instead
    (``storage/records.py``)."""

    __slots__ = ("base", "raw", "scan", "start", "stop")

    def __init__(self, raw: bytes, start: int, stop: int, base: _Base | None = None) -> None:
        self.raw, self.start, self.stop, self.base = raw, start, stop, base
        self.scan: RecordScan | None = None

    @property
    def body(self) -> memoryview:
        return memoryview(self.raw)[self.start : self.stop]


def _same(raw: bytes, start: int, stop: int, old: _Base | _Encoded | RecordScan) -> bool:
    """Whether ``raw[start:stop]`` holds the same bytes as ``old``'s line (compared without copying)."""
    return stop - start == old.stop - old.start and raw.startswith(
        memoryview(old.raw)[old.start : old.stop], start
    )


def _common_prefix(old: memoryview, raw: bytes, start: int, limit: int) -> int:
    """How many leading bytes ``old`` and ``raw[start:]`` share (at most ``limit``), by memcmp."""
    done = 0
    while done < limit and raw.startswith(old[done : min(limit, done + _CHUNK)], start + done):
        done = min(limit, done + _CHUNK)
    if done >= limit:
        return limit
    low, high = done, min(limit, done + _CHUNK)  # old[:low] is shared, old[:high] is not
    while high - low > 1:
        middle = (low + high) // 2
        if raw.startswith(old[low:middle], start + low):
            low = middle
        else:
            high = middle
    return low


def _common_suffix(old: memoryview, raw: bytes, stop: int, limit: int) -> int:
    """How many trailing bytes ``old`` and ``raw[:stop]`` share (at most ``limit``), by memcmp."""
    size = len(old)
    done = 0
    while done < limit:
        step = min(limit, done + _CHUNK)
        if not raw.endswith(old[size - step : size - done], 0, stop - done):
            break
        done = step
    if done >= limit:
        return limit
    low, high = done, min(limit, done + _CHUNK)
    while high - low > 1:
        middle = (low + high) // 2
        if raw.endswith(old[size - middle : size - low], 0, stop - low):
            low = middle
        else:
            high = middle
    return low


def record_starts(body: bytes | memoryview, table: Data) -> list[int] | None:
    """The offset in ``body`` (a table's line, ``{"1":{...},"2":{...}}``) of each record's key, in order,
    or None when the scan does not find exactly ``table``'s records in ``table``'s order."""
    if not table or set(map(type, table.values())) != {dict}:
        return None
    keys = iter(table)
    head = b'{"' + next(keys).encode() + b'":{'
    if bytes(body[: len(head)]) != head:
        return None
    starts = [1]
    for match in _RECORD.finditer(body):
        if next(keys, None) != match[1].decode():
            return None
        starts.append(match.start() + 2)
    return starts if next(keys, None) is None else None


def _patched(name: str, value: _Encoded, path: Path, check: bool) -> tuple[Data, list[int]] | None:
    """``value`` decoded from its base: the base's records outside the changed bytes, the changed ones
    parsed (and checked); None when the base cannot say which records changed (decode it whole)."""
    base = value.base
    assert base is not None
    old = memoryview(base.raw)[base.start : base.stop]
    starts = base.starts if base.starts is not None else record_starts(old, base.table)
    raw, start, stop = value.raw, value.start, value.stop
    size_old, size_new = len(old), stop - start
    if starts is None or size_new <= 2:
        return None
    prefix = _common_prefix(old, raw, start, min(size_old, size_new))
    suffix = _common_suffix(old, raw, stop, min(size_old, size_new) - prefix)
    if suffix < 1:
        return None
    first = max(0, bisect_right(starts, prefix) - 1)  # the record the change begins in
    after = bisect_left(starts, size_old - suffix)  # the first record wholly in the common suffix
    begin = starts[first]
    end_old = starts[after] if after < len(starts) else size_old - 1
    end_new = size_new - (size_old - end_old)
    if end_new < begin:
        return None
    piece = raw[start + begin : start + end_new]
    if after < len(starts) and piece:
        # The suffix's first key follows a comma outside any string, so it is a record of the table.
        if not piece.endswith(b","):
            return None
        piece = piece[:-1]
    elif after == len(starts) and not piece and first > 0:
        return None  # "...,}": not JSON; decoding the whole line says so
    try:
        wrapped = b"{" + piece + b"}"
        changed = orjson.loads(wrapped) if piece else {}
    except orjson.JSONDecodeError:
        return None
    if type(changed) is not dict:
        return None
    keys = list(base.table)
    gone = keys[first:after]
    if any(key in base.table for key in changed.keys() - set(gone)):
        return None  # a key twice in the line: decode it whole, as orjson does
    inner = record_starts(wrapped, changed) if changed else []
    if inner is None:
        return None
    if check:
        shape.check_table(name, changed, path)
    old_table = base.table
    if list(changed) == gone or after == len(keys):
        # The usual change (records edited in place, or added at the end): a copy made in C, then the
        # changed records; an edited record keeps its place, an added one goes last, as in the file.
        table = dict(old_table)
        if list(changed) != gone:
            for key in gone:
                del table[key]
        table.update(changed)
    else:
        table = {key: old_table[key] for key in keys[:first]}
        table.update(changed)
        for key in keys[after:]:
            table[key] = old_table[key]
    shift = size_new - size_old
    new_starts = starts[:first] + [begin + at - 1 for at in inner] + [at + shift for at in starts[after:]]
    return table, new_starts


class LazyData(dict[str, Any]):
    """The file's tables, each decoded on first access through any reading method.

    TinyDB and the repositories read tables with ``[]``, ``get``, ``items`` and ``values``; all of them
    decode first, so nothing ever sees an undecoded table. ``dump`` reads the raw entries to write an
    untouched table back as it was.
    """

    def __init__(
        self,
        pieces: dict[str, Any],
        raw: bytes,
        path: Path,
        check: bool,
        lines: dict[str, _Encoded] | None = None,
        starts: dict[str, list[int]] | None = None,
        changed: frozenset[str] | None = None,
        known: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(pieces)
        self._known = known
        """Tables of this version already checked by the store: decoded without the shape check."""
        self._raw: bytes | None = raw
        self._path = path
        self._check = check
        self._decoding = threading.RLock()
        self._lines: dict[str, _Encoded] = lines if lines is not None else dict(pieces)
        """Where each table sits in ``raw``, decoded or not: what the next version's load compares."""
        self._starts: dict[str, list[int]] = starts if starts is not None else {}
        """Each decoded table's record offsets in its line, where known (see :func:`record_starts`)."""
        self.changed = changed
        """The tables whose line differs from the version this one was loaded after (``load``'s
        ``previous``): None when there was none to compare with, or it was not in the layout."""
        self._origins: dict[str, tuple[Data, tuple[str, ...]]] = {}
        """Each table decoded whole from its line: the dict made, and its keys then (:func:`_appended`)."""
        self._scans: dict[str, RecordScan | None] = {}
        """Tables read record by record (:meth:`records`), while they are not decoded whole."""
        self.verified: set[str] = set(known)
        """The tables decoded whole from this version, each checked (or known checked): ``TinyStore``
        skips the check of these, and only these, when it reads the same version again."""

    def records(self, name: str) -> RecordScan | None:
        """Table ``name`` as a :class:`~storage.records.RecordScan` while it is not decoded whole, for a
        read-only snapshot (its documents are shared); None when it is decoded, or cannot be scanned."""
        value = dict.get(self, name)
        if type(value) is not _Encoded or value.base is not None:
            return None  # decoded, or cheaper to patch from the version before
        with self._decoding:
            if name not in self._scans:
                old = value.scan
                if old is not None and _same(value.raw, value.start, value.stop, old):
                    scan: RecordScan | None = old.moved(
                        value.raw, value.start, value.stop, self._checks(name)
                    )
                else:
                    scan = RecordScan.build(
                        name, value.raw, value.start, value.stop, self._path, self._checks(name), old
                    )
                value.scan = None
                self._scans[name] = scan
            return self._scans[name]

    def _checks(self, name: str) -> bool:
        """Whether table ``name`` is shape-checked as it is decoded."""
        return self._check and name not in self._known

    def _decoded(self, name: str, value: Any) -> Any:
        if type(value) is not _Encoded:
            return value
        # A cached snapshot is shared by the app's worker threads: one decodes, the others wait for it
        # (a whole-file fallback empties the dict for a moment).
        with self._decoding:
            value = dict.__getitem__(self, name)
            if type(value) is not _Encoded:
                return value
            patched = None if value.base is None else _patched(name, value, self._path, self._checks(name))
            if patched is not None:
                table, self._starts[name] = patched
            else:
                try:
                    table = orjson.loads(value.body)
                except orjson.JSONDecodeError:
                    return dict.__getitem__(self._parse_whole(), name)
                if self._checks(name):
                    shape.check_table(name, table, self._path)
                scan = self._scans.get(name)
                if scan is not None:  # the documents already handed out stay the table's documents
                    keys = scan.region.keys
                    for index, doc in list(scan.docs.items()):
                        table[keys[index].decode()] = doc
                self._origins[name] = (table, tuple(table))
            value.base = value.scan = None  # the old version's line and table are no longer needed
            self._scans.pop(name, None)
            dict.__setitem__(self, name, table)
            self.verified.add(name)
            return table

    def _parse_whole(self) -> Data:
        """The split was not the file's real structure: parse (and check) it whole, as an older file."""
        whole = parse_json(self._raw or b"", self._path)
        if self._check:
            shape.check(whole, self._path)
        dict.update(self, whole)  # update, then drop what the split made up: no table is ever missing
        for extra in set(dict.keys(self)) - whole.keys():
            dict.__delitem__(self, extra)
        self._scans.clear()
        self.verified.update(whole)
        self._raw = None
        return self

    def decode_all(self) -> None:
        for name, value in list(dict.items(self)):
            self._decoded(name, value)

    def __getitem__(self, name: str) -> Any:
        return self._decoded(name, dict.__getitem__(self, name))

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if dict.__contains__(self, name) else default

    def setdefault(self, name: str, default: Any = None) -> Any:
        if dict.__contains__(self, name):
            return self[name]
        dict.__setitem__(self, name, default)
        return default

    def pop(self, name: str, *default: Any) -> Any:
        if dict.__contains__(self, name):
            value = self[name]
            dict.__delitem__(self, name)
            return value
        return dict.pop(self, name, *default)

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self.decode_all()
        return super().values()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self.decode_all()
        return super().items()

    def copy(self) -> Data:
        self.decode_all()
        return dict(super().items())

    def __iter__(self) -> Iterator[str]:
        return super().__iter__()


def load(
    raw: bytes, path: Path, *, check: bool, previous: Data | None = None, known: frozenset[str] = frozenset()
) -> Data:
    """The data of a file's bytes: lazily by table when the file has the layout, else parsed whole.

    ``check`` runs the shape check (``storage/shape.py``) on each table as it is decoded; ``_meta`` (the
    Huddle marker, the schema, the counters) is decoded and checked at once, so a file that is not
    Huddle's is refused before anything else happens.

    ``previous`` is the data of the version read before, for a read-only snapshot only (its tables are
    shared with the result, so neither may ever be changed): a table with the same line is its decoded
    table, a changed table is decoded from the changed records (see the module's docstring), and the
    result's ``changed`` names the tables whose lines differ.

    ``known`` names the tables of this very version the caller has already checked: they are not checked
    again (the result's ``verified`` is ``known`` and every table decoded whole since).
    """
    if raw.startswith(b'{"_meta":') and raw.endswith(b"}\n"):
        pieces: dict[str, _Encoded] = {}
        start, stop = 1, len(raw) - 2
        while start < stop:  # a handful of tables: find the separators, copy nothing
            # A raw newline is the rare byte (every separator has one, nothing else in the layout does):
            # searching for it alone runs at memchr speed, where ``,\n`` stopped at every comma.
            end = raw.find(b"\n", start, stop)
            end = stop if end < 0 else end - 1
            head = _HEAD.match(raw, start, end)
            name = "" if head is None else head[1].decode()
            if head is None or name in pieces or raw[end - 1] != _CLOSE or raw[end : end + 2] not in _ENDS:
                break
            pieces[name] = _Encoded(raw, head.end() - 1, end)
            start = end + len(_SEP)
        else:
            data = _after(previous, pieces, raw, path, check, known)
            data.get(META)  # decoded and checked now: the marker and the schema come first
            return data
    whole = parse_json(raw, path)
    if check:
        shape.check(whole, path)
    return whole


def _after(
    previous: Data | None,
    pieces: dict[str, _Encoded],
    raw: bytes,
    path: Path,
    check: bool,
    known: frozenset[str],
) -> LazyData:
    """The lazy data of ``pieces``, sharing what it can with ``previous`` (see :func:`load`)."""
    if not isinstance(previous, LazyData) or previous._raw is None:
        return LazyData(pieces, raw, path, check, known=known)
    values: dict[str, Any] = dict(pieces)
    starts: dict[str, list[int]] = {}
    changed = set(previous._lines.keys() ^ pieces.keys())
    shared = set(known)  # a table shared with the version before is as checked as it was there
    for name, line in pieces.items():
        old = previous._lines.get(name)
        if old is None:
            continue
        decoded = dict.get(previous, name)
        if _same(raw, line.start, line.stop, old):
            if decoded is not None and type(decoded) is not _Encoded:
                values[name] = decoded
                if name in previous.verified:
                    shared.add(name)
                if name in previous._starts:
                    starts[name] = previous._starts[name]
            else:
                line.scan = previous._scans.get(name) or (decoded.scan if type(decoded) is _Encoded else None)
            continue
        changed.add(name)
        if decoded is not None and type(decoded) is not _Encoded:
            line.base = _Base(old.raw, old.start, old.stop, decoded, previous._starts.get(name))
        else:  # read record by record before (or not read): scan what changed, from that version's scan
            line.scan = previous._scans.get(name) or (decoded.scan if type(decoded) is _Encoded else None)
    return LazyData(values, raw, path, check, pieces, starts, frozenset(changed), frozenset(shared))


def dump(data: Data, edited: Container[str] | None = None) -> bytes:
    """The file's bytes in the layout; a table still undecoded is written back byte for byte.

    ``edited``: see :func:`dump_pieces`."""
    return b"".join(dump_pieces(data, edited))


def dump_pieces(data: Data, edited: Container[str] | None = None) -> list[bytes | memoryview]:
    """:func:`dump`'s bytes as the pieces they are joined from, in order, for ``os.writev``: the store's
    write path writes them without one more copy of the whole file.

    ``edited`` names the tables some of whose records read from the file may have been changed in
    place since (None: any table): the store's write path knows, since its storage makes every such
    change (``json_store.BufferStorage``). A table not named there whose only change is records added
    at its end (``card add``) is not encoded again: its line as read, with the new records' encoding
    spliced in before its closing brace (:func:`_appended`), which is the same bytes as encoding it
    whole when the line is orjson's own (as Huddle writes every line).
    """
    names = sorted(dict.keys(data), key=lambda name: name != META)  # _meta first: it names the layout
    parts: list[bytes | memoryview] = []
    for name in names:
        value = dict.__getitem__(data, name)
        parts += (_SEP, orjson.dumps(name), b":")
        if type(value) is _Encoded:
            # An undecoded table's bytes go into the write as the view they are: never copied.
            parts.append(value.body)
        elif edited is None or name in edited or not _appended(data, name, value, parts):
            parts.append(orjson.dumps(value))
    parts[:1] = [b"{"]  # in place of the first separator (or the only part of an empty file)
    parts.append(b"}\n")
    return parts


def _appended(data: Data, name: str, table: Data, parts: list[bytes | memoryview]) -> bool:
    """Add table ``name``'s encoding to ``parts`` as its line read from the file plus the records added
    since, when that is all that changed: the very dict decoded from the line (TinyDB's own writes
    replace a table's dict), its keys then still its first keys, in order. False (nothing added) when
    the table was not decoded whole from a line of this file, or anything else changed."""
    if not isinstance(data, LazyData) or name == META:  # _meta: tiny, and migrate() sets it in place
        return False
    origin = data._origins.get(name)
    if origin is None or origin[0] is not table:
        return False
    keys = tuple(table)
    before = len(origin[1])
    if keys[:before] != origin[1]:
        return False
    line = data._lines[name].body  # the table's line as read, ``{...}``
    added = keys[before:]
    if not added:
        parts.append(line)
        return True
    parts.append(line[:-1] if before else b"{")
    encoded = b",".join(orjson.dumps(key) + b":" + orjson.dumps(table[key]) for key in added)
    parts += (b"," if before else b"", encoded, b"}")
    return True


__all__ = ["Data", "LazyData", "dump", "dump_pieces", "load"]
