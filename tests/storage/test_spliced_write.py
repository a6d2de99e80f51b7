"""A write that only adds records to a table (``card add``) splices their encoding into the table's line
as read instead of encoding the whole table again: the file is byte for byte what a full encode
writes, and any other change to a table (an edit, a delete, a migration) still encodes it whole."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from domain.models import Card, Priority
from storage import open_store, tables
from storage.migrations import META, SCHEMA_VERSION
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

TEXTS = ["预算 客户 评审", "接口联调", "発表", "ünïcödé", "emoji 🚀✅", 'a "quote"', "back\\slash",
         "tab\tnew\nline", "\u2028sep\u2029", "控制\x01字符", "", "  spaces  ", "ملف", "x" * 300]  # fmt: skip


TYPED = TEXTS[:7]
"""What a person can type in a title or description (the others hold control characters)."""


def random_card(rng: random.Random, number: int) -> Card:
    """A card with random fields of every kind a card stores, Chinese text among them (ids GEN-n: not
    the ids ``card add`` gives, OPS-n)."""
    pick = rng.choice
    return Card(
        id=f"GEN-{number}", dept="Operations", title=f"{pick(TEXTS)} {number} {pick(TEXTS)}".strip() or "t",
        column=pick(["To do", "Doing", "Done"]), rank=pick([1024.0, 0.1 + 0.2, 1e-7, 3.5e12, rng.random()]),
        description=pick(TEXTS), owner=pick([None, "ann", "李伟"]), tags=tuple(rng.sample(TEXTS[:6], 2)),
        priority=pick(list(Priority)), estimate=pick([None, 0.5, 2.25]), progress=rng.randint(0, 100),
        uid=f"{rng.getrandbits(64):016x}@huddle", sequence=rng.randint(0, 3),
    )  # fmt: skip


def full_encode(path: Path) -> bytes:
    """The file as a full encode of everything in it writes it (every table through orjson)."""
    return tables.dump(orjson.loads(path.read_bytes()))


@pytest.fixture
def db(tmp_path: Path, clock: FixedClock) -> Path:
    path = tmp_path / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    with open_store(path).transaction() as uow:
        first = replace(random_card(random.Random(1), 1), rank=1024.0)  # for mark()
        uow.cards.put_many([first] + [random_card(random.Random(n), n) for n in range(2, 200)])
    return path


def test_adding_random_cards_writes_the_bytes_of_a_full_encode(db: Path, clock: FixedClock) -> None:
    rng = random.Random(16)
    store = open_store(db)
    services = make_services(store, clock)
    assert db.read_bytes() == full_encode(db)
    for n in range(200, 240):
        if n % 3:
            title, text, tag = rng.choice(TYPED) + f" {n}", rng.choice(TYPED), rng.choice(TYPED[:4])
            card = services.cards.add("Operations", title, enforce_wip=False, description=text, tags=[tag])
            assert services.cards.get(card.id).title.endswith(f" {n}")
        else:
            with store.transaction() as uow:
                uow.cards.put_many([random_card(rng, 1000 + n), random_card(rng, 2000 + n)])
        assert db.read_bytes() == full_encode(db), n
    cards = orjson.loads(db.read_bytes())["cards"]
    assert len(cards) == 199 + 27 + 2 * 13  # 27 card adds, 13 transactions adding two
    assert list(cards) == [str(n) for n in range(1, len(cards) + 1)]


def mark(path: Path) -> bytes:
    """Write the first card's rank as ``1024.00``: valid JSON for the same number, which a full encode
    writes ``1024.0``. Carried over, it shows that a write kept the records' bytes as read."""
    raw = path.read_bytes()
    start = raw.index(b'"cards":{"1":{')
    end = raw.index(b"},", start)
    record = orjson.loads(raw[start + len(b'"cards":{"1":') : end + 1])
    assert record["rank"] == 1024.0
    marked = raw[:start] + raw[start:end].replace(b'"rank":1024.0', b'"rank":1024.00', 1) + raw[end:]
    assert marked != raw
    path.write_bytes(marked)
    return b'"rank":1024.00'


def test_the_records_read_are_carried_over_as_read_and_the_new_one_added(db: Path, clock: FixedClock) -> None:
    marker = mark(db)
    services = make_services(open_store(db), clock)
    card = services.cards.add("Operations", "新卡片 one more", enforce_wip=False)
    raw = db.read_bytes()
    assert marker in raw
    assert raw.replace(marker, b'"rank":1024.0') == full_encode(db)
    assert orjson.loads(raw)["cards"]["200"]["title"] == "新卡片 one more"
    assert services.cards.get(card.id).title == "新卡片 one more"


@pytest.mark.parametrize("change", ["edit", "delete", "move"])
def test_any_other_change_to_a_table_encodes_it_whole(db: Path, clock: FixedClock, change: str) -> None:
    marker = mark(db)
    store = open_store(db)
    services = make_services(store, clock)
    if change == "edit":
        services.cards.edit("GEN-5", {"title": "改了 renamed"})
    elif change == "delete":
        with store.transaction() as uow:
            uow.cards.delete("GEN-5")
    else:
        services.cards.move("GEN-7", "Done", enforce_wip=False)
    assert marker not in db.read_bytes()
    assert db.read_bytes() == full_encode(db)


def test_a_migrated_file_is_encoded_whole(db: Path, clock: FixedClock) -> None:
    """A migration may change any record in place: nothing read is carried over then."""
    marker = mark(db)
    raw = db.read_bytes()
    old = f'"schema":{SCHEMA_VERSION}'.encode()
    assert raw.count(old) == 1
    assert SCHEMA_VERSION > 1
    db.write_bytes(raw.replace(old, f'"schema":{SCHEMA_VERSION - 1}'.encode()))
    make_services(open_store(db), clock).cards.add("Operations", "after the migration", enforce_wip=False)
    assert marker not in db.read_bytes()
    assert db.read_bytes() == full_encode(db)
    assert orjson.loads(db.read_bytes())[META]["1"]["schema"] == SCHEMA_VERSION


def test_a_table_that_was_not_in_the_file_is_encoded(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "new.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("Operations", "第一张", enforce_wip=False)
    services.cards.add("Operations", "第二张", enforce_wip=False)
    assert path.read_bytes() == full_encode(path)
    assert [c["title"] for c in orjson.loads(path.read_bytes())["cards"].values()] == ["第一张", "第二张"]
