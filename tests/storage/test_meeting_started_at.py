"""Files and server databases from before ``Meeting.started_at`` open with a live or ended meeting started
at its planned time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from storage import open_store
from storage.codecs import meeting_from_doc
from storage.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from tests.helpers.pgserver import PgServer

START = "2026-11-18T02:00:00+00:00"


def old_meeting(number: int, status: str) -> dict[str, Any]:
    """A meeting as schema 3 wrote it: no ``started_at``."""
    return {
        "id": f"M-{number}", "title": f"周会 {number}", "start": START, "tz": "Asia/Shanghai",
        "status": status,
        "ended_at": "2026-11-18T03:00:00+00:00" if status == "ended" else None,
        "next_uid": f"next-{number}@huddle", "uid": f"m-{number}@huddle",
    }  # fmt: skip


def test_an_old_file_gets_real_start_times_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    data = {
        "_meta": {"1": {"schema": 3, "counters": {"meeting": 3}}},
        "meetings": {
            "1": old_meeting(1, "ended"),
            "2": old_meeting(2, "live"),
            "3": old_meeting(3, "planned"),
        },
    }
    path.write_bytes(orjson.dumps(data))
    store = open_store(path)
    meetings = {m.id: m for m in store.snapshot().meetings.list()}
    planned = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    assert meetings["M-1"].started_at == planned
    assert meetings["M-2"].started_at == planned
    assert meetings["M-3"].started_at is None
    with store.transaction():
        pass
    assert orjson.loads(path.read_bytes())["_meta"]["1"]["schema"] == SCHEMA_VERSION
    reopened = {m.id: m for m in open_store(path).snapshot().meetings.list()}
    assert reopened["M-2"].started_at == planned


def test_an_old_server_database_gets_real_start_times_on_open(pg_url: str, pg_server: PgServer) -> None:
    """The same meetings in a database whose documents a Huddle before ``started_at`` wrote: the
    document migrations are replayed over the server's documents on open, once."""
    from storage.postgres import PgStore

    store = PgStore(pg_url)
    with store.transaction() as uow, uow.bulk():
        uow.load_raw("meetings", [old_meeting(1, "ended"), old_meeting(2, "live"), old_meeting(3, "planned")])
    store.close()
    before = next(n for n, (name, _) in enumerate(MIGRATIONS, start=1) if name == "meeting-started-at") - 1
    pg_server.sql(f"UPDATE huddle_state SET doc_schema = {before}", pg_url.rsplit("/", 1)[1])
    planned = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    for _ in range(2):  # migrated on the first open, kept by the second
        reopened = PgStore(pg_url)
        try:
            meetings = {m.id: m for m in reopened.snapshot().meetings.list()}
            assert reopened.versions()[1] == SCHEMA_VERSION
        finally:
            reopened.close()
        assert meetings["M-1"].started_at == planned
        assert meetings["M-2"].started_at == planned
        assert meetings["M-3"].started_at is None
    rows = pg_server.sql("SELECT doc->>'started_at' FROM meetings ORDER BY id", pg_url.rsplit("/", 1)[1])
    assert rows == [(START,), (START,), (None,)], "the documents themselves were brought up"


def test_the_codec_defaults_a_missing_started_at() -> None:
    assert meeting_from_doc(old_meeting(1, "live")).held_from == datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    assert meeting_from_doc(old_meeting(2, "planned")).started_at is None
