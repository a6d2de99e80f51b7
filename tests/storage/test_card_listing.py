"""``huddle card list`` is made from the stored documents (``codecs.card_listing``, ``CardTable.listing``,
``CardService.listing``) instead of Card objects: the same JSON values, the same flags, the same order,
the same error for a card that cannot be read, on random cards and on hand-edited forms of dates."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain import rules
from domain.errors import StorageError
from domain.models import Card, Priority
from domain.services import Services
from storage import codecs, open_store
from storage.json_store import TinyStore
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services
from tui.cli.cards import card_json

TEXTS = ["预算 客户 评审", "接口联调", "ünïcödé", "emoji 🚀", 'a "quote"', "", "  spaces  "]
DEPTS = ["Operations", "市场部"]
COLUMNS = ["To do", "Doing", "Done"]


def _moment(rng: random.Random) -> datetime | None:
    base = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(3_000_000))
    return rng.choice([None, base, base.replace(microsecond=rng.randrange(1, 10**6)), base.replace(second=0)])


def random_card(rng: random.Random, number: int, dept: str) -> Card:
    """A card with every field ``card list`` prints set at random: flags of every kind among them."""
    pick = rng.choice
    key = "OPS" if dept == "Operations" else "MKT"
    today = date(2026, 12, 1)
    return Card(
        id=f"{key}-{number}", dept=dept, title=f"{pick(TEXTS)} {number}".strip(), column=pick(COLUMNS),
        rank=pick([1024.0, 0.1 + 0.2, 1e-7, rng.random(), 5.0]), description=pick(TEXTS),
        owner=pick([None, "ann", "wei"]),
        responsible=tuple(rng.sample(["ann", "wei", "bob"], rng.randint(0, 2))),
        accountable=pick([None, "ann"]), consulted=pick([(), ("wei",)]), informed=pick([(), ("bob", "ann")]),
        start=pick([None, today - timedelta(days=rng.randint(0, 40))]),
        due=pick([None, today + timedelta(days=rng.randint(-10, 10))]), estimate=pick([None, 1.5]),
        priority=pick(list(Priority)), tags=tuple(rng.sample(TEXTS[:4], rng.randint(0, 2))),
        blocked_by=tuple(f"{pick(['OPS', 'MKT'])}-{rng.randint(1, 70)}" for _ in range(pick([0, 0, 1, 2]))),
        blocked_reason=pick(["", "", "  ", "waiting for 供应商"]), parent=pick([None, f"{key}-1"]),
        milestone=pick([False, True]), progress=pick([0, 0, 50, 100]), meeting_id=pick([None, "MTG-1"]),
        created_at=_moment(rng), created_by=pick(["", "ann"]),
        updated_at=_moment(rng), updated_by=pick(["", "李伟"]),
    )  # fmt: skip


def expected_rows(cards: list[Card], everything: dict[str, Card], today: date) -> list[dict[str, Any]]:
    """``card list --json`` the way it was made before: Card objects and the rules."""
    blocked = rules.blocked_ids(cards, everything)
    return [card_json(c, blocked=c.id in blocked, overdue=rules.is_overdue(c, today)) for c in cards]


@pytest.fixture
def db(tmp_path: Path, clock: FixedClock) -> Path:
    path = tmp_path / "team.json"
    services = make_services(open_store(path), clock)
    for name in DEPTS:
        services.directory.add_department(name, key="OPS" if name == "Operations" else "MKT")
    services.directory.add_person("ann", "Ann Lee", "ann@example.com")
    services.directory.add_person("wei", "李伟", "wei@example.com")
    rng = random.Random(13)
    with open_store(path).transaction() as uow:
        # ids 1-60 of each board; blockers name up to 70, so some name a card that is not there
        uow.cards.put_many([random_card(rng, n, dept) for dept in DEPTS for n in range(1, 61)])
    return path


@pytest.mark.parametrize("dept", [None, "Operations", "市场部"])
@pytest.mark.parametrize("owner", [None, "ann"])
def test_the_listing_is_what_cards_and_the_rules_give(
    db: Path, clock: FixedClock, dept: str | None, owner: str | None
) -> None:
    services = make_services(open_store(db), clock)
    listing = services.cards.listing(dept, owner)
    assert listing is not None
    rows, blocked, overdue = listing
    for row in rows:
        row |= {"blocked": row["id"] in blocked, "overdue": row["id"] in overdue}
    cards = services.cards.list(dept, owner)
    everything = {c.id: c for c in services.cards.list()}
    want = expected_rows(cards, everything, services.cards.today())
    assert rows == want
    assert orjson.dumps(rows) == orjson.dumps(want)  # the same keys in the same order
    assert any(r["blocked"] for r in rows)
    assert any(r["overdue"] for r in rows)
    assert any(r["due"] and r["due"] < services.cards.today().isoformat() and not r["overdue"] for r in rows)
    assert any((r["blocked_by"] or r["blocked_reason"].strip()) and not r["blocked"] for r in rows)


def test_each_listed_document_holds_the_values_of_its_card(db: Path) -> None:
    docs = list(orjson.loads(db.read_bytes())["cards"].values())
    assert len(docs) == 120
    for doc in docs:
        listed = codecs.card_listing(doc)
        assert listed.pop("rank") == codecs.card_from_doc(doc).rank
        made = card_json(codecs.card_from_doc(doc), blocked=False, overdue=False)
        del made["blocked"], made["overdue"]
        assert list(listed.items()) == list(made.items())


@pytest.mark.parametrize(
    ("field", "stored"),
    [
        ("due", "2026-12-01"),
        ("due", "20261201"),
        ("start", "2026-W49-2"),
        ("created_at", "2026-11-25T02:00:00+00:00"),
        ("created_at", "2026-11-25T02:00:00.250000+00:00"),
        ("created_at", "2026-11-25T02:00:00.000000+00:00"),
        ("created_at", "2026-11-25T02:00:00Z"),
        ("created_at", "2026-11-25T02:00:00-00:00"),
        ("created_at", "2026-11-25 02:00:00+00:00"),
        ("updated_at", "2026-11-25T02:00+00:00"),
        ("updated_at", "2026-11-25T10:00:00+08:00"),
        ("updated_at", "2026-11-25T02:00:00.123+00:00"),
        ("updated_at", "2026-11-25T02:00:00"),
    ],
)
def test_a_date_stored_in_another_form_is_listed_as_the_card_shows_it(field: str, stored: str) -> None:
    """A hand-edited file: every form the codec reads is written out as ``isoformat`` writes it."""
    doc = codecs.card_to_doc(
        Card("OPS-1", "Operations", "t", "To do", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    )
    doc[field] = stored
    made = card_json(codecs.card_from_doc(doc), blocked=False, overdue=False)
    assert codecs.card_listing(doc)[field] == made[field]


@pytest.mark.parametrize(
    ("field", "stored"),
    [("priority", None), ("priority", "URGENT"), ("created_at", "yesterday"), ("updated_at", 5), ("tags", 7)],
)
def test_a_card_that_cannot_be_read_is_refused_as_before(
    db: Path, clock: FixedClock, field: str, stored: object
) -> None:
    data = orjson.loads(db.read_bytes())
    data["cards"]["7"][field] = stored
    db.write_bytes(orjson.dumps(data))
    services = make_services(open_store(db), clock)
    with pytest.raises(StorageError) as before:
        services.cards.list()
    dept = data["cards"]["7"]["dept"]
    for where in (None, dept):
        with pytest.raises(StorageError) as now:
            services.cards.listing(where)
        assert str(now.value) == str(before.value)


def test_each_backend_lists_what_list_gives_or_offers_no_listing(seeded: Services, store: object) -> None:
    """The memory and JSON stores list their records; the PostgreSQL store has no ``cards.listing``
    (``card list`` then goes through the Cards)."""
    cards = seeded.cards
    blocker = cards.add("OPS", "first", due=date(2026, 1, 5))
    cards.add("MKT", "waits", blocked_by=[blocker.id], due=date(2030, 1, 1))
    listing = cards.listing()
    if listing is None:
        assert not isinstance(store, TinyStore)
        return
    rows, blocked, overdue = listing
    for row in rows:
        row |= {"blocked": row["id"] in blocked, "overdue": row["id"] in overdue}
    everything = {c.id: c for c in cards.list()}
    assert rows == expected_rows(cards.list(), everything, cards.today())
    assert blocked
    assert overdue


def test_department_counts_are_the_cards_of_each_department(db: Path, clock: FixedClock) -> None:
    """``huddle dept list`` counts from the record scan, without decoding a card; the same numbers."""
    services = make_services(open_store(db), clock)
    services.directory.add_department("Empty", key="EMP")
    want: dict[str, int] = {}
    for card in services.cards.list():
        want[card.dept] = want.get(card.dept, 0) + 1
    fresh = make_services(open_store(db), clock)
    assert fresh.cards.department_counts() == want == {"Operations": 60, "市场部": 60}
    fresh.cards.add("Empty", "the first")  # (the boards above were filled without their id counters)
    assert fresh.cards.department_counts() == {"Operations": 60, "市场部": 60, "Empty": 1}


def test_each_backend_counts_the_departments_cards(seeded: Services) -> None:
    assert seeded.cards.department_counts() == {"Operations": 1, "市场部": 1}
