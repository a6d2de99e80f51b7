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
"""

from __future__ import annotations

import re
import threading
from collections.abc import ItemsView, Iterator, ValuesView
from pathlib import Path
from typing import Any

import orjson

from storage import shape
from storage.files import parse_json
from storage.migrations import META

Data = dict[str, Any]
_HEAD = re.compile(rb'"([A-Za-z0-9_]+)":\{')
_CLOSE = ord("}")
_SEP = b",\n"
_ENDS = (_SEP, b"}\n")
"""What follows a table's closing brace: the separator, or the end of the file."""


class _Encoded:
    """A table as it sits in the file, not decoded yet."""

    __slots__ = ("body",)

    def __init__(self, body: bytes | memoryview) -> None:
        self.body = body


class LazyData(dict[str, Any]):
    """The file's tables, each decoded on first access through any reading method.

    TinyDB and the repositories read tables with ``[]``, ``get``, ``items`` and ``values``; all of them
    decode first, so nothing ever sees an undecoded table. ``dump`` reads the raw entries to write an
    untouched table back as it was.
    """

    def __init__(self, pieces: dict[str, _Encoded], raw: bytes, path: Path, check: bool) -> None:
        super().__init__(pieces)
        self._raw: bytes | None = raw
        self._path = path
        self._check = check
        self._decoding = threading.RLock()

    def _decoded(self, name: str, value: Any) -> Any:
        if type(value) is not _Encoded:
            return value
        # A cached snapshot is shared by the app's worker threads: one decodes, the others wait for it
        # (a whole-file fallback empties the dict for a moment).
        with self._decoding:
            value = dict.__getitem__(self, name)
            if type(value) is not _Encoded:
                return value
            try:
                table = orjson.loads(value.body)
            except orjson.JSONDecodeError:
                return dict.__getitem__(self._parse_whole(), name)
            if self._check:
                shape.check_table(name, table, self._path)
            dict.__setitem__(self, name, table)
            return table

    def _parse_whole(self) -> Data:
        """The split was not the file's real structure: parse (and check) it whole, as an older file."""
        whole = parse_json(self._raw or b"", self._path)
        if self._check:
            shape.check(whole, self._path)
        dict.update(self, whole)  # update, then drop what the split made up: no table is ever missing
        for extra in set(dict.keys(self)) - whole.keys():
            dict.__delitem__(self, extra)
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


def load(raw: bytes, path: Path, *, check: bool) -> Data:
    """The data of a file's bytes: lazily by table when the file has the layout, else parsed whole.

    ``check`` runs the shape check (``storage/shape.py``) on each table as it is decoded; ``_meta`` (the
    Huddle marker, the schema, the counters) is decoded and checked at once, so a file that is not
    Huddle's is refused before anything else happens.
    """
    if raw.startswith(b'{"_meta":') and raw.endswith(b"}\n"):
        pieces: dict[str, _Encoded] = {}
        view, start, stop = memoryview(raw), 1, len(raw) - 2
        while start < stop:  # a handful of tables: find the separators, copy nothing
            # A raw newline is the rare byte (every separator has one, nothing else in the layout does):
            # searching for it alone runs at memchr speed, where ``,\n`` stopped at every comma.
            end = raw.find(b"\n", start, stop)
            end = stop if end < 0 else end - 1
            head = _HEAD.match(raw, start, end)
            name = "" if head is None else head[1].decode()
            if head is None or name in pieces or raw[end - 1] != _CLOSE or raw[end : end + 2] not in _ENDS:
                break
            pieces[name] = _Encoded(view[head.end() - 1 : end])
            start = end + len(_SEP)
        else:
            data = LazyData(pieces, raw, path, check)
            data.get(META)  # decoded and checked now: the marker and the schema come first
            return data
    whole = parse_json(raw, path)
    if check:
        shape.check(whole, path)
    return whole


def dump(data: Data) -> bytes:
    """The file's bytes in the layout; a table still undecoded is written back byte for byte."""
    names = sorted(dict.keys(data), key=lambda name: name != META)  # _meta first: it names the layout
    parts: list[bytes | memoryview] = []
    for name in names:
        value = dict.__getitem__(data, name)
        # An undecoded table's bytes go into the one join as the view they are: copied once, not twice.
        parts += (
            _SEP,
            orjson.dumps(name),
            b":",
            value.body if type(value) is _Encoded else orjson.dumps(value),
        )
    parts[:1] = [b"{"]  # in place of the first separator (or the only part of an empty file)
    parts.append(b"}\n")
    return b"".join(parts)


__all__ = ["Data", "LazyData", "dump", "load"]
