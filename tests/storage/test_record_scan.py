"""A snapshot reads the cards table record by record (``storage/records.py``), with a whole decode's results.

The first board page, a department's cards and a card by id come from the records they need, found in the
file's bytes without decoding the cards line. Every test here holds those answers to the whole decode's:
what a transaction (which always decodes the whole table) reads from the very same file. The files are
seeded and random: Chinese text, quotes, backslashes and newlines in every text field, text that looks
like a record boundary, every card field, ranks in every JSON number form; some files break the layout
the scan trusts (escapes in a department, another key order, nested objects, a key twice) and must read
the same through the whole decode. A file changed between two reads, a damaged record and the write path's
check of what it never read are covered too.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.errors import StorageError
from domain.models import Card, Criterion, Priority
from storage import codecs, open_store, records, tables
from storage.json_store import CardTable, TinyStore
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

COLUMNS = ["Backlog", "Todo", "Doing", "Done"]
TEXTS = ["", "x", "长文本 " * 3, 'a "quoted" word', "back\\slash", "line\nbreak\ttab", '},"7":{"id":"C-7"',
         '"dept":"研发部"', "emoji 🚀", "\u0001 control"]  # fmt: skip
RANKS = [0.0, 1024.0, -3.5, 1e-7, 2.5e20, 7.0, 1e300]


def random_card(rng: random.Random, number: int, depts: list[str]) -> Card:
    """A card with every field set at random (or left at its default, which the file then leaves out)."""
    pick = rng.choice
    when = datetime(2026, 11, rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC)
    return Card(
        id=f"{pick(['RND', 'OPS', 'MKT'])}-{number}",
        dept=pick(depts),
        title=pick(TEXTS) + f" #{number}",
        column=pick(COLUMNS),
        rank=pick(RANKS),
        description=pick(TEXTS),
        owner=pick([None, "ann", "李伟"]),
        responsible=tuple(rng.sample(["ann", "wei", "bob"], rng.randint(0, 2))),
        accountable=pick([None, "bob"]),
        consulted=("wei",) if rng.random() < 0.3 else (),
        informed=("ann",) if rng.random() < 0.3 else (),
        start=pick([None, date(2026, 12, 1)]),
        due=pick([None, date(2026, 12, rng.randint(1, 31))]),
        estimate=pick([None, 0.5, 3.0]),
        priority=pick(list(Priority)),
        tags=tuple(rng.sample(["后端", "ui", 'q"t'], rng.randint(0, 2))),
        blocked_by=tuple(f"RND-{rng.randint(1, number + 3)}" for _ in range(rng.randint(0, 2))),
        blocked_reason=pick(["", "等待 vendor"]),
        blocked_since=pick([None, when]),
        parent=pick([None, "RND-1"]),
        milestone=rng.random() < 0.2,
        progress=rng.randint(0, 100),
        meeting_id=pick([None, "MTG-1"]),
        criteria=tuple(
            Criterion(f"AC-{k}", pick(TEXTS), accepted_at=pick([None, when]), waived=rng.random() < 0.3)
            for k in range(rng.randint(0, 2))
        ),
        uid=f"uid-{number}@huddle",
        sequence=rng.randint(0, 3),
        created_at=when,
        created_by="ann",
        updated_at=when,
        updated_by=pick(["ann", "李伟"]),
        source=pick(["", "trello:B1"]),
        source_id=pick(["", "x1"]),
    )


def department_doc(name: str, key: str) -> dict[str, Any]:
    return {
        "id": name,
        "name": name,
        "key": key,
        "columns": [{"name": c, "wip_limit": None} for c in COLUMNS],
    }


def write_file(path: Path, cards: dict[str, dict[str, Any]], depts: list[str]) -> None:
    data = {
        "_meta": {"1": {"app": "huddle", "schema": 5, "counters": {}}},
        "departments": {str(n): department_doc(name, f"D{n}") for n, name in enumerate(depts, 1)},
        "cards": cards,
    }
    path.write_bytes(tables.dump(data))


def random_cards(rng: random.Random, count: int, depts: list[str]) -> dict[str, dict[str, Any]]:
    return {str(n): codecs.card_to_doc(random_card(rng, n, depts)) for n in range(1, count + 1)}


def whole_decode(store: TinyStore, depts: list[str], ids: list[str]) -> dict[str, object]:
    """What the whole decode reads: a transaction (it never reads record by record) that writes nothing."""
    with store.transaction() as uow:
        return answers(uow.cards, depts, ids)


def answers(cards: Any, depts: list[str], ids: list[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for dept in depts:
        found[f"list {dept}"] = cards.list_for_department(dept)
        found[f"page {dept}"] = cards.first_in_columns(dept, COLUMNS, 3)
    for card_id in ids:
        found[f"get {card_id}"] = cards.get(card_id)
    return found


def scanned(store: TinyStore) -> bool:
    """Whether the latest snapshot's cards were read record by record (not decoded whole)."""
    cache = store._cache
    assert cache is not None
    data = cache[1]
    return isinstance(data, tables.LazyData) and dict.get(data, "cards").__class__.__name__ == "_Encoded"


def snapshot_cards(store: TinyStore) -> CardTable:
    cards = store.snapshot().cards
    assert isinstance(cards, CardTable)
    return cards


@pytest.mark.parametrize("seed", range(12))
def test_a_department_its_first_page_and_a_card_by_id_read_as_the_whole_decode_does(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    depts = ["研发部", "Operations", "市场部"]
    path = tmp_path / "team.json"
    write_file(path, random_cards(rng, rng.randint(1, 160), depts), depts)
    ids = [*[doc["id"] for doc in orjson.loads(path.read_bytes())["cards"].values()][:40], "RND-0", "NOPE-1"]
    store = open_store(path)
    cards = snapshot_cards(store)
    lazy = answers(cards, [*depts, "no such"], ids)
    assert scanned(store), "the scan trusted a file Huddle wrote"
    assert lazy == whole_decode(open_store(path), [*depts, "no such"], ids)


@pytest.mark.parametrize(
    "damage",
    [
        "escaped department",
        "another key order",
        "nested object",
        "department twice",
        "column twice",
        "rank twice",
        "id twice",
        "key twice",
        "rank not a number",
    ],
)
def test_a_file_the_scan_cannot_be_sure_of_reads_as_the_whole_decode_does(
    tmp_path: Path, damage: str
) -> None:
    rng = random.Random(damage)
    depts = ["研发部", "Operations", 'Q"A\\部']
    cards = random_cards(rng, 60, depts[:2])
    raw_replace: tuple[bytes, bytes] | None = None
    target = cards["7"]
    if damage == "escaped department":
        target["dept"] = depts[2]
    elif damage == "another key order":
        cards["7"] = dict(reversed(list(target.items())))
    elif damage == "nested object":
        target["extra"] = {"3": {"id": "X", "dept": "研发部"}, "4": {"x": 1}}
    else:
        key = {"department twice": "dept", "column twice": "column", "rank twice": "rank",
               "id twice": "id", "rank not a number": "rank"}.get(damage)  # fmt: skip
        if key is not None:
            other = {"dept": "Operations", "column": "Done", "rank": -1.0, "id": "RND-999"}[key]
            if target["dept"] == other:
                other = "研发部"
            raw_replace = (
                b'"uid":"uid-7@huddle"',
                f'"uid":"uid-7@huddle","{key}":'.encode() + orjson.dumps(other),
            )
        if damage == "rank not a number":
            target["rank"] = 5.0
            raw_replace = (b'"rank":5.0', b'"rank":5.0,"x":1')
    path = tmp_path / "team.json"
    write_file(path, cards, depts)
    if damage == "key twice":
        raw_replace = (b',"8":{', b',"7":{')
    if raw_replace is not None:
        raw = path.read_bytes()
        assert raw_replace[0] in raw
        path.write_bytes(raw.replace(raw_replace[0], raw_replace[1], 1))
    ids = [f"RND-{n}" for n in range(70)] + [f"OPS-{n}" for n in range(70)] + [f"MKT-{n}" for n in range(70)]
    ids.append("RND-999")
    try:
        expected: object = whole_decode(open_store(path), depts, ids)
    except StorageError as exc:
        expected = str(exc)
    try:
        found: object = answers(snapshot_cards(open_store(path)), depts, ids)
    except StorageError as exc:
        found = str(exc)
    assert found == expected


def test_a_nested_object_with_number_keys_stays_inside_its_record(tmp_path: Path) -> None:
    """A record holding an object with number keys (``},"4":{`` inside it) is not cut there: the file is
    still read record by record, with the whole decode's answers, that record's document included."""
    rng = random.Random(5)
    depts = ["研发部", "Operations"]
    cards = random_cards(rng, 40, depts)
    for number in ("7", "8"):
        cards[number]["dept"] = "研发部"
        cards[number]["extra"] = {"3": {"x": 1}, "4": {"y": [{"5": {}}]}, "6": {}}
    path = tmp_path / "team.json"
    write_file(path, cards, depts)
    assert b'},"4":{' in path.read_bytes()
    ids = [doc["id"] for doc in cards.values()]
    store = open_store(path)
    lazy = answers(snapshot_cards(store), depts, ids)
    assert scanned(store), "a nested object without a head made the scan give up"
    assert lazy == whole_decode(open_store(path), depts, ids)
    docs = snapshot_cards(store)._department("研发部")
    assert [doc["extra"] for doc in docs if "extra" in doc] == [cards["7"]["extra"], cards["8"]["extra"]]


@pytest.mark.parametrize("damaged", [False, True])
def test_a_department_read_in_batches_off_the_main_thread_reads_as_the_whole_decode(
    tmp_path: Path, damaged: bool
) -> None:
    """An app worker's read of a department (more than two batches of ``records.BATCH``, with a pause
    between them to let the event loop run) gives the whole decode's cards, or its error for a card
    damaged in the last batch."""
    rng = random.Random(17)
    depts = ["研发部", "Operations"]
    count = 2 * records.BATCH + 50
    cards = random_cards(rng, count, depts)
    for doc in cards.values():
        doc["dept"] = "研发部"
    if damaged:
        cards[str(count - 3)]["priority"] = "whenever"
    path = tmp_path / "team.json"
    write_file(path, cards, depts)

    def read() -> object:
        try:
            return snapshot_cards(open_store(path)).list_for_department("研发部")
        except StorageError as exc:
            return str(exc)

    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(read()))
    worker.start()
    worker.join()
    try:
        expected: object = whole_decode(open_store(path), depts, [])["list 研发部"]
    except StorageError as exc:
        expected = str(exc)
    assert found == [expected]
    assert found[0] == read()
    assert isinstance(expected, str) == damaged
    if not damaged:
        assert len(found[0]) == count  # type: ignore[arg-type]


def test_a_file_changed_between_two_reads_reads_as_the_new_file(tmp_path: Path, clock: FixedClock) -> None:
    """Edits, moves, adds, deletes and other tables' changes between snapshots of one store: each snapshot
    equals the whole decode of its version, and a card whose record did not change is the same object."""
    rng = random.Random(7)
    depts = ["研发部", "Operations"]
    path = tmp_path / "team.json"
    write_file(path, random_cards(rng, 120, depts), depts)
    store = open_store(path)
    writer = make_services(open_store(path), clock)
    for step in range(25):
        reader = snapshot_cards(store)
        before = {card.id: card for card in reader.list_for_department("研发部")}
        reader.first_in_columns("Operations", COLUMNS, 3)
        kind = step % 5
        all_cards = writer.cards.list()
        victim = rng.choice(all_cards)
        if kind == 0:
            writer.cards.edit(victim.id, {"title": f'改 {step} "q" \\ }},"9":{{'})
        elif kind == 1:
            writer.cards.move(victim.id, rng.choice(COLUMNS), enforce_wip=False)
        elif kind == 2:
            writer.cards.add(rng.choice(depts), f"新卡 {step}", enforce_wip=False)
        elif kind == 3:
            writer.cards.delete(victim.id)
        else:
            writer.directory.add_person(f"p{step}", f"Person {step}", f"p{step}@example.com")
        ids = [card.id for card in all_cards[:30]] + [victim.id]
        cards = snapshot_cards(store)
        assert answers(cards, depts, ids) == whole_decode(open_store(path), depts, ids)
        assert scanned(store)
        after = {card.id: card for card in cards.list_for_department("研发部")}
        unchanged = [card_id for card_id in before.keys() & after.keys() if after[card_id] == before[card_id]]
        assert len(unchanged) >= len(before) - 20  # a delete also drops the card from its dependants
        if kind != 3:  # one record changed: every other card of the department is the object read before
            assert all(after[card_id] is before[card_id] for card_id in unchanged)


def damaged_file(tmp_path: Path, where: str) -> Path:
    rng = random.Random(3)
    depts = ["研发部", "Operations"]
    cards = random_cards(rng, 50, depts)
    for doc in cards.values():
        doc["dept"] = "研发部" if int(doc["uid"].split("-")[1].split("@")[0]) <= 25 else "Operations"
    cards["30"]["priority"] = "whenever" if where == "priority" else cards["30"].get("priority", "normal")
    path = tmp_path / "team.json"
    write_file(path, cards, depts)
    if where == "syntax":
        raw = path.read_bytes()
        uid = b'"uid":"uid-30@huddle"'
        path.write_bytes(raw.replace(uid, uid + b",,", 1))
    return path


@pytest.mark.parametrize("where", ["priority", "syntax"])
def test_a_damaged_card_gives_the_same_error_as_the_whole_decode(tmp_path: Path, where: str) -> None:
    """Card 30 (Operations) is damaged: reading Operations, and any whole read, say so in the same line;
    the first page of the other department shows, and a write still refuses the file."""
    path = damaged_file(tmp_path, where)
    with pytest.raises(StorageError) as whole:
        open_store(path).snapshot().cards.list()
    message = str(whole.value)
    assert str(path) in message
    store = open_store(path)
    cards = snapshot_cards(store)
    page, counts = cards.first_in_columns("研发部", COLUMNS, 3)
    assert sum(counts.values()) == 25
    assert page
    for read in (
        lambda: cards.list_for_department("Operations"),
        lambda: cards.first_in_columns("Operations", COLUMNS, 3),
        lambda: cards.list(),
    ):
        with pytest.raises(StorageError) as lazy:
            read()
        assert str(lazy.value) == message
    before = path.read_bytes()
    services = make_services(store, FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC)))
    with pytest.raises(StorageError) as refused:
        services.cards.add("研发部", "不该写入", enforce_wip=False)
    assert str(refused.value) == message
    assert path.read_bytes() == before


def test_a_write_after_a_scanned_read_checks_the_table_it_decodes(tmp_path: Path) -> None:
    """The store remembers per table what it checked: a snapshot that read the cards record by record has
    not checked them, so the next transaction on the same version checks the whole table and refuses."""
    path = damaged_file(tmp_path, "priority")
    store = open_store(path)
    snapshot_cards(store).first_in_columns("研发部", COLUMNS, 3)
    assert scanned(store)
    services = make_services(store, FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC)))
    before = path.read_bytes()
    with pytest.raises(StorageError, match="unknown priority"):
        services.cards.add("研发部", "x", enforce_wip=False)
    assert path.read_bytes() == before


def test_the_whole_table_paths_still_decode_the_whole_table(tmp_path: Path) -> None:
    """A whole read (``list``) decodes the line once and keeps the documents handed out before."""
    rng = random.Random(11)
    depts = ["研发部", "Operations"]
    path = tmp_path / "team.json"
    write_file(path, random_cards(rng, 80, depts), depts)
    store = open_store(path)
    cards = snapshot_cards(store)
    page = cards.list_for_department("研发部")
    assert scanned(store)
    every = cards.list()
    assert not scanned(store)
    assert every == [codecs.card_from_doc(doc) for doc in orjson.loads(path.read_bytes())["cards"].values()]
    by_id = {card.id: card for card in every}
    assert all(by_id[card.id] is card for card in page)
