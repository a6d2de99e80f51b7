"""Schema version in ``_meta``: old files are migrated on open, files from a newer Huddle are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.errors import StorageError
from storage import TinyStore, open_store
from storage.migrations import MARKER, MARKER_KEY, SCHEMA_VERSION
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services


def card_doc(number: int, column: str) -> dict[str, Any]:
    """A card as schema 1 wrote it: no ``progress`` field."""
    return {
        "id": f"OPS-{number}", "dept": "Operations", "title": f"旧卡片 {number}", "column": column,
        "rank": 1024.0 * number, "uid": f"uid-{number}@huddle", "created_at": "2026-01-05T08:00:00+00:00",
    }  # fmt: skip


SCHEMA_1: dict[str, Any] = {
    "_meta": {"1": {"schema": 1, "counters": {"card:OPS": 2}}},
    "departments": {
        "1": {
            "id": "Operations",
            "name": "Operations",
            "key": "OPS",
            "columns": [
                {"name": n, "wip_limit": None} for n in ("Backlog", "To do", "Doing", "Review", "Done")
            ],
        }
    },
    "cards": {"1": card_doc(1, "Done"), "2": card_doc(2, "Doing")},
}


def test_a_schema_1_file_is_migrated_on_open(db_path: Path, clock: FixedClock) -> None:
    db_path.write_bytes(orjson.dumps(SCHEMA_1))
    store = open_store(db_path)

    assert store.schema_version() == 1
    cards = {c.id: c for c in store.snapshot().cards.list()}
    assert cards["OPS-1"].progress == 100
    assert cards["OPS-2"].progress == 0
    assert cards["OPS-1"].title == "旧卡片 1"

    card = make_services(store, clock).cards.add("OPS", "new after migration")

    assert card.id == "OPS-3", "the counters survive the migration"
    data = orjson.loads(db_path.read_bytes())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["cards"]["1"]["progress"] == 100
    assert data["cards"]["2"]["progress"] == 0
    assert store.schema_version() == SCHEMA_VERSION


def test_an_empty_transaction_still_writes_the_migration(db_path: Path) -> None:
    db_path.write_bytes(orjson.dumps(SCHEMA_1))
    store = open_store(db_path)
    with store.transaction():
        pass
    assert orjson.loads(db_path.read_bytes())["_meta"]["1"]["schema"] == SCHEMA_VERSION


def test_a_file_without_meta_is_not_adopted(db_path: Path, clock: FixedClock) -> None:
    """Every file Huddle ever wrote has ``_meta``; JSON without it is someone else's file."""
    legacy = {key: value for key, value in SCHEMA_1.items() if key != "_meta"}
    db_path.write_bytes(orjson.dumps(legacy))
    before = db_path.read_bytes()
    store = open_store(db_path)
    with pytest.raises(StorageError, match="not a Huddle data file"):
        store.snapshot()
    with pytest.raises(StorageError, match="not a Huddle data file"):
        make_services(store, clock).cards.add("OPS", "must not be written")
    assert db_path.read_bytes() == before


def test_the_huddle_marker_is_added_to_an_older_file_and_written_into_new_ones(
    db_path: Path, tmp_path: Path, clock: FixedClock
) -> None:
    db_path.write_bytes(orjson.dumps(SCHEMA_1))
    make_services(open_store(db_path), clock).cards.add("OPS", "after the marker")
    assert orjson.loads(db_path.read_bytes())["_meta"]["1"][MARKER_KEY] == MARKER

    fresh = tmp_path / "fresh.json"
    make_services(open_store(fresh), clock).directory.add_department("Operations", key="OPS")
    assert orjson.loads(fresh.read_bytes())["_meta"]["1"][MARKER_KEY] == MARKER


def test_a_file_from_a_newer_huddle_is_refused_and_untouched(db_path: Path, clock: FixedClock) -> None:
    newer = dict(SCHEMA_1, _meta={"1": {"schema": SCHEMA_VERSION + 1, "counters": {}}})
    db_path.write_bytes(orjson.dumps(newer))
    before = db_path.read_bytes()
    store = TinyStore(db_path)

    with pytest.raises(StorageError, match="newer Huddle") as snap_error:
        store.snapshot()
    with pytest.raises(StorageError, match="newer Huddle") as write_error:
        make_services(store, clock).cards.add("OPS", "must not be written")

    assert db_path.read_bytes() == before
    for error in (snap_error.value, write_error.value):
        assert str(db_path) in str(error)
        assert "upgrade" in str(error)
