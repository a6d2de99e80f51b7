"""Old activity records move to an append-only archive, so the shared data file stays small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import json_store, open_store
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services


@pytest.fixture
def small_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_store, "ACTIVITY_KEEP", 10)
    monkeypatch.setattr(json_store, "ACTIVITY_SLACK", 5)


@pytest.mark.usefixtures("small_keep")
def test_old_activity_is_archived_and_history_is_whole(db_path: Path, clock: FixedClock) -> None:
    services = make_services(open_store(db_path), clock)
    services.directory.add_department("Operations", key="OPS")
    card = services.cards.add("OPS", "Rack servers")
    for n in range(30):
        clock.advance(minutes=1)
        services.cards.edit(card.id, {"title": f"Rack servers v{n}"})
    data = json.loads(db_path.read_text("utf-8"))
    assert len(data["activity"]) <= 15
    archive = json_store.activity_archive_path(db_path)
    archived = [json.loads(line) for line in archive.read_text("utf-8").splitlines()]
    assert len(archived) + len(data["activity"]) == 32  # department, card created, 30 edits
    history = services.cards.history(card.id)
    assert [a.action for a in history] == ["created"] + ["edited"] * 30
    assert [a.at for a in history] == sorted(a.at for a in history)


@pytest.mark.usefixtures("small_keep")
def test_records_in_both_places_after_a_crash_are_shown_once(db_path: Path, clock: FixedClock) -> None:
    services = make_services(open_store(db_path), clock)
    services.directory.add_department("Operations", key="OPS")
    card = services.cards.add("OPS", "Rack servers")
    data = json.loads(db_path.read_text("utf-8"))
    archive = json_store.activity_archive_path(db_path)
    # As if the archive append succeeded and the process died before replacing the data file,
    # with a torn line left behind.
    archive.write_bytes(
        b"".join(json.dumps(doc).encode() + b"\n" for doc in data["activity"].values()) + b'{"id": '
    )
    assert [a.action for a in services.cards.history(card.id)] == ["created"]
    for n in range(20):
        services.cards.edit(card.id, {"title": f"v{n}"})
    assert [a.action for a in services.cards.history(card.id)] == ["created"] + ["edited"] * 20
