"""Backup and restore through the repositories: the same document from every backend, and back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.errors import ConflictError
from domain.services import Services
from storage import TinyStore
from storage.backup import FORMAT, VERSION, decode_backup, dump_backup, encode_backup, restore_backup
from tests.helpers.clock import FIXED_NOW, FixedClock
from tests.helpers.workspace import make_services


def everything(services: Services) -> dict[str, object]:
    uow = services.store.snapshot()
    return {
        "departments": uow.departments.list(), "people": uow.people.list(), "projects": uow.projects.list(),
        "cards": sorted(uow.cards.list(), key=lambda c: c.id), "risks": uow.risks.list(),
        "meetings": uow.meetings.list(), "changes": uow.change_requests.list(),
        "activity": uow.activity.recent(10_000),
    }  # fmt: skip


def fill(services: Services) -> None:
    services.directory.set_project("发布 2.0", vision="三个城市上线")
    services.directory.add_goal("上线", metric="客户数", target="3", deadline=date(2027, 1, 31))
    services.risks.add("供应商延迟", 4, 3, owner="ann")
    first = services.cards.add("OPS", "采购服务器", owner="ann", due=date(2026, 12, 1))
    services.cards.add("MKT", "发布会", blocked_by=[first.id], milestone=True)
    meeting = services.meetings.start("周会", attendees=["ann", "wei"])
    services.meetings.note(meeting.id, "讨论预算")
    services.meetings.decide(meeting.id, "批准预算")
    services.records.request_change("推迟一周")


@pytest.mark.parametrize("target", ["memory", "json"])
def test_a_backup_restores_the_same_project_on_either_backend(
    seeded: Services, clock: FixedClock, tmp_path: Path, target: str
) -> None:
    fill(seeded)
    document = decode_backup(encode_backup(dump_backup(seeded.store.snapshot(), now=FIXED_NOW)), "b.json")
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    store = TinyStore.memory() if target == "memory" else TinyStore(tmp_path / "restored.json")
    restored = make_services(store, clock)
    counts = restore_backup(store, document, force=False)

    assert counts["cards"] == len(seeded.cards.list())
    assert everything(restored) == everything(seeded)
    assert dump_backup(store.snapshot(), now=FIXED_NOW) == dump_backup(seeded.store.snapshot(), now=FIXED_NOW)
    new = restored.cards.add("OPS", "after the restore")
    assert new.id not in {c.id for c in seeded.cards.list()}, "counters moved past the restored ids"
    assert restored.risks.add("again", 1, 1).id == "R-2"

    with pytest.raises(ConflictError, match="already has data"):
        restore_backup(store, document, force=False)
    restore_backup(store, document, force=True)
    assert everything(restored)["cards"] == everything(seeded)["cards"]
