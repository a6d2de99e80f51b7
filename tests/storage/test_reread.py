"""A snapshot re-read after a change elsewhere decodes what changed, and reads exactly what the file says.

``tables.load(..., previous=...)`` shares the unchanged tables and records of the version read before;
these tests hold it to ``orjson.loads`` of the whole file over many kinds of edits (including text that
looks like a record boundary and nested objects with number keys), and check what is shared, what the
store's change log reports, and that a replaced file is re-read whatever its size and times.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.errors import StorageError
from storage import open_store, tables
from storage.json_store import TinyStore
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

PATH = Path("team.json")


def card(n: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"C-{n}", "dept": "OPS", "title": f"card {n}", "column": "Todo", "uid": f"u{n}", **fields}


def start() -> dict[str, Any]:
    return {
        "_meta": {"1": {"app": "huddle", "schema": 5, "counters": {}}},
        "cards": {str(n): card(n) for n in range(1, 40)},
        "risks": {"1": {"id": "R-1", "title": "a risk"}},
    }


def edit(data: dict[str, Any], rng: random.Random, step: int) -> None:
    """One change of the kinds another process makes, and some it never makes but a file may hold."""
    cards = data["cards"]
    keys = list(cards)
    kind = rng.randrange(9)
    if kind == 0 and keys:
        key = rng.choice(keys)
        cards[key] = {
            **cards[key],
            "title": rng.choice(["", "x", '},"7":{"id":"C-7"', "长" * rng.randint(0, 30)]),
        }
    elif kind == 1:
        number = max(map(int, keys), default=0) + 1
        cards[str(number)] = card(number)
    elif kind == 2 and keys:
        del cards[rng.choice(keys)]
    elif kind == 3 and keys:
        for key in rng.sample(keys, min(len(keys), rng.randint(2, 6))):
            cards[key] = {**cards[key], "column": rng.choice(["Todo", "Doing", "Done"])}
    elif kind == 4:
        data["risks"]["1"] = {**data["risks"]["1"], "title": f"risk {step}"}
    elif kind == 5 and keys:  # number keys inside a record: the boundary scan must not trust itself
        key = rng.choice(keys)
        cards[key] = {**cards[key], "extra": {"3": {"x": step}, "4": {"y": '"},"5":{"'}}}
    elif kind == 6 and keys:
        key = rng.choice(keys)
        cards[key] = {k: v for k, v in cards[key].items() if k != "extra"}
    elif kind == 7 and rng.random() < 0.1:
        cards.clear()
    elif kind == 8 and keys:  # the same bytes, moved: an unchanged line with other records around it
        key = rng.choice(keys)
        cards[key] = cards.pop(key)


def test_a_reread_is_exactly_the_file_over_many_changes() -> None:
    rng = random.Random(20261201)
    data = start()
    previous = tables.load(tables.dump(data), PATH, check=True)
    previous.decode_all() if isinstance(previous, tables.LazyData) else None
    for step in range(1500):
        edit(data, rng, step)
        raw = tables.dump(data)
        loaded = tables.load(raw, PATH, check=True, previous=previous)
        expected = orjson.loads(raw)
        assert {name: loaded[name] for name in loaded} == expected, step
        assert list(loaded["cards"]) == list(expected["cards"]), step  # the order TinyDB's ids come in
        previous = loaded


def test_an_unchanged_table_and_unchanged_records_are_shared_with_the_version_before() -> None:
    data = start()
    before = tables.load(tables.dump(data), PATH, check=True)
    old_cards, old_risks = before["cards"], before["risks"]
    data["cards"]["20"] = {**data["cards"]["20"], "title": "changed elsewhere"}
    after = tables.load(tables.dump(data), PATH, check=True, previous=before)
    assert isinstance(after, tables.LazyData)
    assert after.changed == frozenset({"cards"})
    assert after["risks"] is old_risks  # the same line: the decoded table itself
    new_cards = after["cards"]
    assert new_cards["20"]["title"] == "changed elsewhere"
    assert new_cards["20"] is not old_cards["20"]
    shared = [key for key in new_cards if new_cards[key] is old_cards[key]]
    assert len(shared) >= len(new_cards) - 2  # at most the changed record and a neighbour are parsed again


def test_a_damaged_record_in_the_changed_part_is_refused() -> None:
    data = start()
    before = tables.load(tables.dump(data), PATH, check=True)
    before["cards"]
    data["cards"]["5"] = {k: v for k, v in data["cards"]["5"].items() if k != "title"}
    after = tables.load(tables.dump(data), PATH, check=True, previous=before)
    with pytest.raises(StorageError, match="title"):
        after["cards"]


def test_a_table_that_does_not_decode_is_read_whole_and_refused_as_before() -> None:
    data = start()
    before = tables.load(tables.dump(data), PATH, check=True)
    before["cards"]
    raw = tables.dump(data).replace(b'"title":"card 9"', b'"title":"card 9",')
    with pytest.raises(StorageError):
        tables.load(raw, PATH, check=True, previous=before)["cards"]


def replace_file(path: Path, raw: bytes, like: os.stat_result) -> None:
    """Another program's save: a new file renamed over the old one, with the old one's times."""
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(raw)
    os.utime(temporary, ns=(like.st_atime_ns, like.st_mtime_ns))
    os.replace(temporary, path)


def test_a_replaced_file_of_the_same_size_and_times_is_read_again(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    card_id = services.cards.add("OPS", "aaaa").id
    store = services.store
    assert [c.title for c in store.snapshot().cards.list()] == ["aaaa"]
    raw, before = path.read_bytes(), path.stat()
    replace_file(path, raw.replace(b'"aaaa"', b'"bbbb"'), before)
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ino != before.st_ino
    snapshot = store.snapshot()
    assert [c.title for c in snapshot.cards.list()] == ["bbbb"]
    got = snapshot.cards.get(card_id)
    assert got is not None
    assert got.title == "bbbb"


def test_the_change_log_names_the_tables_that_changed(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    services = make_services(store, clock)
    services.directory.add_department("Operations", key="OPS")
    card_id = services.cards.add("OPS", "a card").id
    other = make_services(open_store(path), clock, "wei")
    store.snapshot()
    first = store.version()
    other.risks.add("Supplier late", 3, 4)
    store.snapshot()
    second = store.version()
    other.cards.edit(card_id, {"title": "edited elsewhere"})
    store.snapshot()
    third = store.version()
    assert store.changed_tables(first, first) == frozenset()
    assert "risks" in (store.changed_tables(first, second) or ())
    assert "cards" not in (store.changed_tables(first, second) or {"cards"})
    assert "cards" in (store.changed_tables(second, third) or ())
    assert store.changed_tables(first, third) == (store.changed_tables(first, second) or frozenset()) | (
        store.changed_tables(second, third) or frozenset()
    )
    assert store.changed_tables(("a version", "never read"), third) is None


def test_snapshot_objects_of_unchanged_records_are_reused_and_changed_ones_decoded(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    services = make_services(store, clock)
    services.directory.add_department("Operations", key="OPS")
    ids = [services.cards.add("OPS", f"card {n}").id for n in range(12)]
    before = {c.id: c for c in store.snapshot().cards.list_for_department("Operations")}
    make_services(open_store(path), clock, "wei").cards.edit(ids[6], {"title": "changed elsewhere"})
    after = {c.id: c for c in store.snapshot().cards.list_for_department("Operations")}
    assert after[ids[6]].title == "changed elsewhere"
    assert after[ids[0]] is before[ids[0]]
    assert after[ids[11]] is before[ids[11]]
    assert after == {**before, ids[6]: after[ids[6]]}


def test_a_transaction_never_shares_what_a_snapshot_read(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    services = make_services(store, clock)
    services.directory.add_department("Operations", key="OPS")
    card_id = services.cards.add("OPS", "before").id
    snapshot = store.snapshot()
    shown = snapshot.cards.get(card_id)
    services.cards.edit(card_id, {"title": "after"})
    assert shown is not None
    assert shown.title == "before"
    again = snapshot.cards.get(card_id)
    assert again is not None
    assert again.title == "before"
    fresh = store.snapshot().cards.get(card_id)
    assert fresh is not None
    assert fresh.title == "after"


def test_a_snapshot_still_refuses_writes(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    services = make_services(store, clock)
    services.directory.add_department("Operations", key="OPS")
    card_id = services.cards.add("OPS", "kept").id
    snapshot = store.snapshot()
    with pytest.raises(StorageError):
        snapshot.cards.delete(card_id)
    # The next snapshot of the same version shares the memo's index: the refused delete left it alone.
    assert store.snapshot().cards.get(card_id) is not None


def test_a_memory_store_has_no_change_log_to_trust() -> None:
    store = TinyStore.memory()
    store.snapshot()
    assert store.changed_tables(store.version(), ("another",)) is None
