"""The JSON store's write path inserts and replaces documents itself (not through TinyDB's insert and
update, which copy the whole table twice): document numbers, replacements and the read-only snapshot
behave exactly as they did through TinyDB."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from domain.errors import StorageError
from domain.models import Activity, Card
from storage import open_store
from storage.json_store import TinyStore


def card(number: int, **changes: object) -> Card:
    made = Card(
        id=f"OPS-{number}", dept="Operations", title=f"card {number}", column="To do", uid=f"u{number}"
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def stored(path: Path, table: str) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, dict[str, object]]] = orjson.loads(path.read_bytes())
    return data[table]


def test_new_documents_take_the_next_numbers_after_the_highest_one(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    with store.transaction() as uow:
        uow.cards.put(card(1))
        uow.cards.put_many([card(2), card(3)])
        uow.cards.put(card(4))
    with store.transaction() as uow:
        uow.cards.delete("OPS-2")
        uow.cards.delete("OPS-4")  # the highest: its number is taken again, as TinyDB would
        uow.cards.put(card(5))
        uow.cards.put_many([card(6), card(1, title="first, renamed")])
    cards = stored(path, "cards")
    assert {key: doc["id"] for key, doc in cards.items()} == {
        "1": "OPS-1",
        "3": "OPS-3",
        "4": "OPS-5",
        "5": "OPS-6",
    }
    assert cards["1"]["title"] == "first, renamed"
    assert list(cards) == ["1", "3", "4", "5"]  # the file keeps insertion order


def test_a_replaced_document_drops_the_fields_back_at_their_default(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    with store.transaction() as uow:
        uow.cards.put(card(1, description="long text", owner="ann"))
    with store.transaction() as uow:
        found = uow.cards.get("OPS-1")
        assert found is not None
        assert found.owner == "ann"
        uow.cards.put(replace(found, description="", owner=None))
    again = store.snapshot().cards.get("OPS-1")
    assert again is not None
    assert (again.description, again.owner) == ("", None)
    assert stored(path, "cards")["1"].get("description", "") == ""


def test_activity_records_are_numbered_in_write_order(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n in range(3):
        with store.transaction() as uow:
            uow.activity.add(Activity(f"a{n}", at, "ann", "tester", "card", "OPS-1", f"step {n}"))
    assert [doc["id"] for doc in stored(path, "activity").values()] == ["a0", "a1", "a2"]
    assert [a.action for a in store.snapshot().activity.recent()] == ["step 2", "step 1", "step 0"]


def test_a_snapshot_refuses_a_put_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    with store.transaction() as uow:
        uow.cards.put(card(1))
    snapshot = store.snapshot()
    writes: tuple[Callable[[], None], ...] = (
        lambda: snapshot.cards.put(card(2)),
        lambda: snapshot.cards.put(card(1, title="changed")),
        lambda: snapshot.cards.put_many([card(3)]),
        lambda: snapshot.activity.add(
            Activity("a1", datetime(2026, 12, 1, tzinfo=UTC), "ann", "tester", "card", "OPS-1", "x")
        ),
    )
    for write in writes:
        with pytest.raises(StorageError, match="read-only"):
            write()
    again = store.snapshot()  # the same cached data: nothing was changed in it
    assert [(c.id, c.title) for c in again.cards.list()] == [("OPS-1", "card 1")]
    assert again.activity.recent() == []


def test_the_memory_store_takes_the_same_path(tmp_path: Path) -> None:
    store = TinyStore.memory()
    with store.transaction() as uow:
        uow.cards.put_many([card(1), card(2)])
    with store.transaction() as uow:
        uow.cards.put(card(2, title="two"))
        uow.cards.put(card(3))
    assert [(c.id, c.title) for c in store.snapshot().cards.list()] == [
        ("OPS-1", "card 1"),
        ("OPS-2", "two"),
        ("OPS-3", "card 3"),
    ]
