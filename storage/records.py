"""A cards table read record by record: the first board page and a department decode only their cards.

A snapshot's cards table is one line of the file (``storage/tables.py``). Decoding it whole (``orjson.loads``
and the shape check) costs 60-100 ms at 20,000 cards, where the first board shows 75 of them. A
:class:`RecordScan` finds each record of the line, and the four fields a board needs to choose its cards
(``id``, ``dept``, ``column``, ``rank``), without decoding the line; a record is decoded (and shape-checked)
only when it is asked for. The scan is read from the bytes of one read of the file, so it is the same
consistent snapshot as a whole decode.

It is trusted only where it cannot differ from ``orjson.loads`` of the line:

- records are found by their heads: the first one at the line's start, each next one just after ``},``;
  every record must start the way Huddle's codec writes a card, ``"N":{"id":"..","dept":"..",``
  (``_HEAD``, no escape in either value);
- ``"dept":`` appears once per record found, in its head. Inside a JSON string a ``"`` is always escaped,
  so that pattern is never part of a string: a record in another key order, one that repeats its
  ``dept`` key (``orjson`` keeps the last one) or a nested object with a ``dept`` key makes the whole
  table decode as before, and the department filter is exact;
- every record used is decoded on its own: the department's records, the page's, a card found by id. A
  head found inside a record (a nested object with number keys whose value starts as a card's does)
  leaves pieces that are not one JSON value each, so they cannot decode, and a piece that decodes holds
  the scanned id and department; a nested object with number keys and no such head stays inside its
  record's piece. A lookup by id that finds nothing is trusted only when no record has an ``"id"`` key
  after its first;
- the keys must be unique.

Anything else answers None ("not sure"), and the caller reads the whole table, which gives exactly the
whole decode's result or error. What this does not do: check the records it never decodes. A damaged card
in another department no longer stops the board of this one; any read of the whole table still refuses
it with the same line, and a transaction checks every table it decodes (``TinyStore`` remembers per table
what it checked, so a scanned read does not count as a check of the cards).

A re-read after a change elsewhere (``tables.load(..., previous=...)``) builds its scan from the previous
version's: the records in the bytes the two lines share at their start and end are the same records (and
the same decoded documents, so the snapshot's ``DecodeMemo`` hands back the same cards); only the bytes
between are scanned.
"""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import compress, repeat
from operator import add, itemgetter
from pathlib import Path
from re import Match
from typing import Any

import orjson

from storage import shape

Data = dict[str, Any]

_HEAD = re.compile(rb'"(\d+)":\{"id":"([^"\\\x00-\x1f]*)","dept":"([^"\\\x00-\x1f]*)",')
"""The start of a record as ``storage.codecs.card_to_doc`` writes it (the key order of its dict); an id or
department with an escape in it does not match (the table is then decoded whole)."""
_NEXT_HEAD = re.compile(rb'\},"(\d+)":\{"id":"([^"\\\x00-\x1f]*)","dept":"([^"\\\x00-\x1f]*)",')
"""A record's end and the next one's start (``},`` then ``_HEAD``): one regex pass finds them all."""
_DEPT_KEY = b'"dept":'
_LATE_ID = b',"id":'


BATCH = 200
"""Records a bulk read off the main thread decodes between two pauses (:func:`pauses`): about 1 ms."""
PAUSE = 0.0
"""How long such a read pauses: ``sleep(0)`` lets go of the interpreter lock, and a thread waiting for it
takes it (measured: as much as with a sleep of 0.1 ms, without slowing the read when nobody waits)."""


def pauses() -> Callable[[], None]:
    """What a bulk read calls between batches: off the main thread, a pause that lets go of the
    interpreter lock, so that the thread waiting for it (the app's event loop, painting) gets it within
    about 1 ms instead of Python's 5 ms switch interval; a worker decoding a department otherwise left its
    event loop about half as much work done (``bench/bench_board_read.py``, "loop work done meanwhile").
    On the main thread (a command, the app's first page) nothing waits for it, and it does not pause."""
    if threading.current_thread() is threading.main_thread():
        return _no_pause
    return _pause


def _no_pause() -> None:
    return None


def _pause() -> None:
    time.sleep(PAUSE)


def _utf8(value: object) -> bytes | None:
    """A decoded string's UTF-8, to compare with a scanned value (None for anything else)."""
    return value.encode() if type(value) is str else None


class _Region:
    """Records of a table's line: offsets relative to the line's start, and each record's key, id and
    department as scanned (bytes)."""

    __slots__ = ("begins", "depts", "ends", "ids", "keys")

    def __init__(self) -> None:
        self.begins: list[int] = []
        self.ends: list[int] = []
        self.keys: list[bytes] = []
        self.depts: list[bytes] = []
        self.ids: list[bytes] = []


def _scan_region(raw: bytes, base: int, lo: int, hi: int) -> _Region | None:
    """Scan the records of ``raw[lo:hi]`` (``"N":{..},"N":{..}``, offsets kept relative to ``base``); None
    when any of them is not sure (see the module's docstring). One regex pass finds every ``},`` + head
    after the first record's head, and the work per record runs in C (``map``); a match cannot run past
    its record's head, since its strings stop at a quote.

    A record is cut only where such a head follows: a nested object with number keys inside a record
    (``},"4":{"x":1}``) stays part of that record's piece, which decodes whole; a nested head-like object
    adds a ``"dept":`` key outside the heads found, or cuts its record into pieces that are not one JSON
    value each, as before."""
    found = _Region()
    if lo >= hi:
        return found
    if raw[hi - 1] != ord("}"):
        return None
    first = _HEAD.match(raw, lo, hi)
    if first is None:
        return None
    matches = [first, *_NEXT_HEAD.finditer(raw, first.end(), hi)]
    if raw.count(_DEPT_KEY, lo, hi) != len(matches):
        return None  # a "dept" key outside the heads: another key order, a repeated key, a nested one
    # Copies of the values, not the matches: a match holds the whole file's bytes, and the records a later
    # version shares with this one would keep this version's bytes alive with it.
    found.keys, found.ids, found.depts = map(list, zip(*map(Match.groups, matches), strict=True))
    cuts = list(map(Match.start, matches))
    cuts[0] = lo - 2  # the first record has no "}," before it
    found.begins = list(map(add, cuts, repeat(2 - base)))
    del cuts[0]
    found.ends = [*map(add, cuts, repeat(1 - base)), hi - base]
    return found


class RecordScan:
    """One version's cards table, its records found but decoded only when asked (module docstring)."""

    def __init__(self, name: str, raw: bytes, start: int, stop: int, path: Path, check: bool) -> None:
        self.name, self.raw, self.start, self.stop, self.path, self.check = (
            name,
            raw,
            start,
            stop,
            path,
            check,
        )
        self.region = _Region()
        self.docs: dict[int, Data] = {}
        """Records decoded so far, by index: the same dicts a later whole decode of the table keeps."""
        self._by_id: dict[bytes, int] | None = None
        self._late_ids: bool | None = None
        self._in_dept: dict[str, list[int]] = {}
        """:meth:`in_department`'s answers so far (a switch back to a department asks again)."""
        self._lock = threading.Lock()

    @classmethod
    def build(
        cls, name: str, raw: bytes, start: int, stop: int, path: Path, check: bool, base: RecordScan | None
    ) -> RecordScan | None:
        """The scan of ``raw[start:stop]`` (a table's line), from ``base`` (the previous version's scan)
        where the two lines share bytes; None when the line is not a table this scan can be sure of."""
        scan = cls(name, raw, start, stop, path, check)
        if stop - start < 4 or raw[start] != ord("{") or raw[stop - 1] != ord("}"):
            return None
        if base is not None and scan._from(base):
            pass
        else:
            region = _scan_region(raw, start, start + 1, stop - 1)
            if region is None:
                return None
            scan.region = region
        if len(set(scan.region.keys)) != len(scan.region.keys):
            return None  # a key twice: orjson keeps the last; decode the whole line
        return scan

    def _from(self, base: RecordScan) -> bool:
        """Take ``base``'s records in the common start and end of the two lines, scan the bytes between."""
        old = memoryview(base.raw)[base.start : base.stop]
        raw, start, stop = self.raw, self.start, self.stop
        size_old, size_new = len(old), stop - start
        # Imported here: tables imports this module.
        from storage.tables import _common_prefix, _common_suffix

        prefix = _common_prefix(old, raw, start, min(size_old, size_new))
        suffix = _common_suffix(old, raw, stop, min(size_old, size_new) - prefix)
        was = base.region
        count = len(was.keys)
        kept = bisect_right(was.ends, prefix)  # records wholly in the common start
        after = max(kept, bisect_left(was.begins, size_old - suffix))  # the first wholly in the common end
        shift = size_new - size_old
        lo = was.ends[kept - 1] + 1 if kept else 1
        hi = was.begins[after] + shift - 1 if after < count else size_new - 1
        if lo == hi + 1:  # nothing between: the two parts meet at one comma (or at a brace)
            middle: _Region | None = _Region()
        elif (
            lo < hi
            and (not kept or raw[start + lo - 1] == ord(","))
            and (after == count or raw[start + hi] == ord(","))
        ):
            middle = _scan_region(raw, start, start + lo, start + hi)
        else:
            middle = None
        if middle is None or (kept == 0 and after == count and not middle.keys):
            return False
        if lo == hi + 1 and kept and after < count and raw[start + hi] != ord(","):
            return False
        new = self.region
        for field in ("keys", "depts", "ids"):
            values: list[Any] = getattr(was, field)
            setattr(new, field, values[:kept] + getattr(middle, field) + values[after:])
        for field in ("begins", "ends"):
            offsets: list[int] = getattr(was, field)
            setattr(
                new, field, offsets[:kept] + getattr(middle, field) + [at + shift for at in offsets[after:]]
            )
        moved = kept + len(middle.keys) - after
        self.docs = {
            (index if index < kept else index + moved): doc
            for index, doc in list(base.docs.items())
            if index < kept or index >= after
        }
        return True

    def __len__(self) -> int:
        return len(self.region.keys)

    def in_department(self, dept: str) -> list[int]:
        """The indexes of the records whose ``dept`` is ``dept``, in file order (exact: module docstring).
        A scanned value holds no escape, so its bytes are the UTF-8 of the decoded string."""
        found = self._in_dept.get(dept)
        if found is None:
            depts = self.region.depts
            found = self._in_dept[dept] = list(compress(range(len(depts)), map(dept.encode().__eq__, depts)))
        return found

    def doc(self, index: int) -> Data | None:
        """Record ``index`` decoded (and shape-checked), the same dict each time; None when it does not
        decode, fails the check or does not hold the scanned values: read the whole table then."""
        doc = self.docs.get(index)
        if doc is not None:
            return doc
        region = self.region
        begin = self.start + region.begins[index] + len(region.keys[index]) + 3  # past "N":
        try:
            doc = orjson.loads(memoryview(self.raw)[begin : self.start + region.ends[index]])
        except orjson.JSONDecodeError:
            return None
        if (
            type(doc) is not dict
            or _utf8(doc.get("id")) != region.ids[index]
            or _utf8(doc.get("dept")) != region.depts[index]
        ):
            return None
        if self.check:
            try:
                shape.check_table(self.name, {region.keys[index].decode(): doc}, self.path)
            except shape.ShapeError:
                return None
        with self._lock:
            return self.docs.setdefault(index, doc)

    def department(self, dept: str) -> list[Data] | None:
        """The documents of ``dept``'s records in file order, each decoded on its own (and shape-checked);
        None when one of them is not sure (read the whole table). The work per record runs in C."""
        indexes = self.in_department(dept)
        known = self.docs
        missing = [index for index in indexes if index not in known]
        if missing:
            region, start = self.region, self.start
            take = itemgetter(*missing) if len(missing) > 1 else (lambda values: (values[missing[0]],))
            keys = take(region.keys)
            # The value of ``"N":{...}``: past the key's two quotes and the colon.
            firsts = list(map(add, map(len, keys), map(add, take(region.begins), repeat(start + 3))))
            pieces = list(
                map(
                    memoryview(self.raw).__getitem__,
                    map(slice, firsts, map(add, take(region.ends), repeat(start))),
                )
            )
            pause = pauses()
            docs: list[Any] = []
            try:
                for at in range(0, len(pieces), BATCH):
                    if at:
                        pause()
                    docs += map(orjson.loads, pieces[at : at + BATCH])
                ids = list(map(str.encode, map(itemgetter("id"), docs)))
                depts = list(map(str.encode, map(itemgetter("dept"), docs)))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                return None  # not one JSON value, not an object, or no id or department as text
            if ids != list(take(region.ids)) or depts != list(take(region.depts)):
                return None
            if self.check:
                try:
                    shape.check_table(
                        self.name, dict(zip(map(bytes.decode, keys), docs, strict=True)), self.path
                    )
                except shape.ShapeError:
                    return None
            with self._lock:
                for index, doc in zip(missing, docs, strict=True):
                    known.setdefault(index, doc)
        docs_by_index = self.docs
        return [docs_by_index[index] for index in indexes]

    def find(self, card_id: str) -> tuple[bool, Data | None]:
        """``(True, the document of card_id)``, ``(True, None)`` when no card has that id, or
        ``(False, None)`` when the scan cannot tell (read the whole table). The last record wins, as in
        the store's id index."""
        if self._by_id is None:
            ids = self.region.ids
            self._by_id = dict(zip(ids, range(len(ids)), strict=True))
        index = self._by_id.get(card_id.encode())
        if index is None:
            if self._late_ids is None:
                self._late_ids = self.raw.count(_LATE_ID, self.start, self.stop) > 0
            return (not self._late_ids, None)
        doc = self.doc(index)
        return (doc is not None, doc)

    def moved(self, raw: bytes, start: int, stop: int, check: bool) -> RecordScan:
        """This scan for the same line at another place (other tables of the file changed)."""
        scan = RecordScan(self.name, raw, start, stop, self.path, check)
        scan.region, scan.docs, scan._in_dept = self.region, self.docs, self._in_dept
        return scan


__all__ = ["RecordScan"]
