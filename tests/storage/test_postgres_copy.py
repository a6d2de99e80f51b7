"""``db copy`` moves every kind of record both ways: a JSON file holding one of each kind (activity,
counters, criteria, reviews and their outcomes, goal actuals, change requests with their impact,
RSVP answers, CalDAV push records, a closed project, a deleted card's gap) goes to PostgreSQL and
back, and each side holds exactly the same documents, in the same write order, as the first."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.demo import fill_demo
from domain.errors import ConflictError
from domain.models import PublishedEvent, RsvpReply, RsvpStatus
from domain.repository import Store
from storage import open_store, transfer
from storage.postgres import PgStore
from tests.helpers.clock import FixedClock
from tests.helpers.pgserver import PgServer
from tests.helpers.workspace import make_services

CALENDAR = "http://127.0.0.1:5232/ann/huddle/"
SERVER_ONLY_TABLES = {"huddle_schema", "huddle_state", "counters", "card_columns", "huddle_deleted"}
"""Server tables that are not documents: the schema's history, the change counter, the column counts
(derived from the cards by a trigger), the id counters (which a copy carries as ``Dump.counters``) and
the tombstones the open apps' row caches catch up with (a copy starts a new epoch instead)."""


def every_kind(path: Path, clock: FixedClock) -> None:
    """The demo, then one record of each kind the services write beyond it."""
    fill_demo(make_services(open_store(path), clock))
    ann = make_services(open_store(path), clock)
    owner = make_services(open_store(path), clock, handle="li.wei")  # Accountable of milestone RND-8
    owner.milestones.add_criterion("RND-8", "文档评审 docs reviewed")
    owner.milestones.accept("RND-8", "AC-1", "压测报告 p95 = 210 ms")
    owner.milestones.waive("RND-8", "AC-2", "audit moved to Q2")
    review = ann.milestones.review("RND-8", at=clock() + timedelta(days=2))
    ann.milestones.record_outcome(review.id, "conditions", "手册 by Friday")
    ann.closing.update_goal("1", "42", note="first actual")
    change = ann.records.request_change("推迟发布一周", "scope cut", scope="beta", schedule_days=7, cost=1.5)
    ann.records.link_cards(change.id, ["RND-8"])
    ann.records.decide_change(change.id, True, meeting_id=review.id, note="agreed")
    meeting = ann.meetings.get("M-2")
    assert meeting.next_uid
    replies = [RsvpReply(meeting.next_uid, "li.wei@example.com", RsvpStatus.ACCEPTED, 0, clock(), "r.ics")]
    ann.rsvp.record_replies(replies)
    event = PublishedEvent(CALENDAR, "uid-1@huddle", CALENDAR + "uid-1.ics", '"e1"', "周会", clock())
    ann.publishing.record_push(CALENDAR, written=[event], removed=[])
    gone = ann.cards.add("OPS", "to be deleted")
    ann.cards.move("OPS-1", "Done", enforce_wip=False)
    ann.cards.delete(gone.id)  # a gap in the file's document numbers
    ann.closing.close(force=True, reason="移交运维 handed over")


def file_tables(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def documents(path: Path) -> dict[str, list[Any]]:
    """Each table's documents in write order (the file's document numbers), as stored."""
    data = file_tables(path)
    return {
        table: [rows[key] for key in sorted(rows, key=int)]
        for table, rows in data.items()
        if table != "_meta"
    }


def domain_view(store: Store) -> dict[str, list[Any]]:
    """What the repositories give back, record by record: the copy must decode to the same models."""
    uow = store.snapshot()
    view: dict[str, list[Any]] = {
        name: sorted(map(repr, getattr(uow, name).list()))
        for name in ("departments", "people", "projects", "cards", "risks", "meetings", "change_requests")
    }
    view["published"] = sorted(map(repr, uow.published.list()))
    view["activity"] = list(map(repr, uow.activity.recent(100_000)))
    return view


def server_tables(server: PgServer, url: str) -> set[str]:
    database = url.rsplit("/", 1)[1]
    rows = server.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", database=database
    )
    return {str(row[0]) for row in rows}


def test_every_table_of_both_backends_is_copied(tmp_path: Path, pg_url: str, pg_server: PgServer) -> None:
    """A table added to either backend fails here until ``db copy`` carries it."""
    path = tmp_path / "kinds.json"
    every_kind(path, FixedClock())
    assert set(file_tables(path)) - {"_meta"} == set(transfer.TABLES)
    open_store(pg_url).snapshot().cards.list()  # applies the migrations
    assert server_tables(pg_server, pg_url) - SERVER_ONLY_TABLES == set(transfer.TABLES)


def test_every_kind_of_record_goes_to_postgres_and_back_unchanged(
    tmp_path: Path, pg_url: str, clock: FixedClock
) -> None:
    source = tmp_path / "kinds.json"
    every_kind(source, clock)
    original = documents(source)
    assert all(original[table] for table in transfer.TABLES), "every table kind holds records"
    meetings = {m["id"]: m for m in original["meetings"]}
    assert any(m.get("rsvp") for m in meetings.values()), "an RSVP answer is on file"
    assert any(m.get("outcome") for m in meetings.values()), "a review outcome is on file"
    assert original["projects"][0].get("closed"), "the project is closed"
    assert original["change_requests"][0].get("cards") == ["RND-8"]

    server = open_store(pg_url)
    assert isinstance(server, PgStore)
    transfer.load(server, transfer.dump(open_store(source)))
    on_server = transfer.dump(server)
    for table in transfer.TABLES:  # the same documents in the same write order, not just the counts
        assert on_server.tables[table] == original[table], table
    assert on_server.counters == file_tables(source)["_meta"]["1"]["counters"]
    assert domain_view(server) == domain_view(open_store(source))

    back = tmp_path / "back.json"
    transfer.load(open_store(back), on_server)
    assert documents(back) == original
    assert file_tables(back)["_meta"] == file_tables(source)["_meta"]  # schema, counters, marker
    assert domain_view(open_store(back)) == domain_view(open_store(source))
    assert transfer.check(server).problems == []
    assert transfer.check(open_store(back)).problems == []


def test_a_forced_copy_replaces_the_targets_push_records(
    tmp_path: Path, pg_url: str, clock: FixedClock
) -> None:
    """Push records alone count as data (a copy would drop them), and a forced copy brings the
    source's in their place: the next push then updates the events the source wrote."""
    source = tmp_path / "kinds.json"
    every_kind(source, clock)
    server = open_store(pg_url)
    stale = PublishedEvent(CALENDAR, "stale@huddle", CALENDAR + "stale.ics", "", "old", clock())
    with server.transaction() as uow:  # a push record and nothing else
        uow.published.put(stale)
    with pytest.raises(ConflictError, match="1 published"):
        transfer.load(server, transfer.dump(open_store(source)))
    transfer.load(server, transfer.dump(open_store(source)), force=True)
    keys = {p.uid for p in server.snapshot().published.list()}
    assert keys == {"uid-1@huddle"}


def test_a_reordered_copy_is_not_called_the_same() -> None:
    """The verification compares write order too: the activity feed lists by it."""
    first, second = {"id": "a"}, {"id": "b"}
    one, other = transfer.Dump(), transfer.Dump()
    one.tables["activity"] = [first, second]
    other.tables["activity"] = [second, first]
    assert transfer.differences(one, other) == ["activity: the same documents in another order"]
    other.tables["activity"] = [first, {"id": "c"}]
    assert transfer.differences(one, other) == ["activity: the documents differ"]
