"""The data file's one-table-per-line layout: what is read is decoded, the rest kept byte for byte,
and any JSON that is not in the layout still reads exactly as before."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from domain.errors import StorageError
from storage import open_store
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services


def lines_by_table(path: Path) -> dict[bytes, bytes]:
    raw = path.read_bytes()
    return {line.split(b'":', 1)[0].strip(b'{"'): line for line in raw.split(b",\n")}


@pytest.fixture
def db(tmp_path: Path, clock: FixedClock) -> Path:
    path = tmp_path / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    services.directory.add_department("研发部", key="RND")
    for n in range(30):
        services.cards.add("OPS" if n % 2 else "RND", f"卡片 {n}", enforce_wip=False)
    services.meetings.start("周会")
    return path


def test_the_file_is_one_json_object_with_one_table_per_line(db: Path) -> None:
    raw = db.read_bytes()
    assert raw.startswith(b'{"_meta":')
    assert raw.endswith(b"}\n")
    data = orjson.loads(raw)
    assert raw.count(b"\n") == len(data)  # a newline only between tables, and the last one
    assert set(lines_by_table(db)) == {name.encode() for name in data}


def test_a_write_keeps_a_table_it_did_not_read_byte_for_byte(db: Path, clock: FixedClock) -> None:
    meetings = lines_by_table(db)[b"meetings"]
    make_services(open_store(db), clock).cards.add("OPS", "one more")
    assert lines_by_table(db)[b"meetings"] == meetings
    assert lines_by_table(db)[b"cards"] != lines_by_table(db)[b"meetings"]


def test_a_damaged_table_is_refused_by_what_reads_it_and_never_rewritten(db: Path, clock: FixedClock) -> None:
    data = orjson.loads(db.read_bytes())
    original = orjson.dumps(data["meetings"])  # orjson's encoding is canonical: the bytes in the file
    assert original in db.read_bytes()
    next(iter(data["meetings"].values())).pop("title")
    damaged = orjson.dumps(data["meetings"])
    db.write_bytes(db.read_bytes().replace(original, damaged))
    make_services(open_store(db), clock).cards.add("OPS", "a card write does not read meetings")
    assert damaged in db.read_bytes()  # carried over as it was, not re-encoded, not dropped
    with pytest.raises(StorageError) as error:
        make_services(open_store(db), clock).meetings.list()
    assert str(db) in str(error.value)
    assert "'title'" in str(error.value)
    assert "\n" not in str(error.value)
    assert damaged in db.read_bytes()


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda data: orjson.dumps(data),  # an older Huddle's single line
        lambda data: orjson.dumps(data, option=orjson.OPT_INDENT_2),  # a person's pretty-printed copy
        lambda data: orjson.dumps(data).replace(b'},"', b'},\n"'),  # newlines at every depth
    ],
    ids=["single-line", "indented", "newline-after-every-object"],
)
def test_json_outside_the_layout_reads_the_same_and_is_rewritten_in_it(
    rewrite: object, db: Path, clock: FixedClock
) -> None:
    services = make_services(open_store(db), clock)
    expected = [(c.id, c.title, c.column) for c in services.cards.list()]
    data = orjson.loads(db.read_bytes())
    assert callable(rewrite)
    db.write_bytes(rewrite(data))
    again = make_services(open_store(db), clock)
    assert [(c.id, c.title, c.column) for c in again.cards.list()] == expected
    assert [m.title for m in again.meetings.list()] == ["周会"]
    again.cards.add("RND", "after the rewrite")
    assert db.read_bytes().startswith(b'{"_meta":')
    assert len(orjson.loads(db.read_bytes())["cards"]) == len(expected) + 1


def test_the_first_page_is_the_start_of_each_column_in_board_order(db: Path, clock: FixedClock) -> None:
    services = make_services(open_store(db), clock)
    blocker = services.cards.add("RND", "the blocker")
    blocked = services.cards.add("OPS", "waits on it", blocked_by=[blocker.id])
    for card in services.cards.list(dept="Operations")[:4]:
        services.cards.move(card.id, "Doing", enforce_wip=False)
    page = services.cards.first_page("Operations", per_column=3)
    board = services.cards.list(dept="Operations")
    assert page.department is not None
    assert page.department.name == "Operations"
    assert [d.name for d in page.departments] == ["Operations", "研发部"]
    by_column: dict[str, list[str]] = {}
    for card in board:
        by_column.setdefault(card.column, []).append(card.id)
    assert [c.id for c in page.cards] == [
        i for col in page.department.columns for i in by_column.get(col.name, [])[:3]
    ]
    assert {k: v for k, v in page.counts.items() if v} == {k: len(v) for k, v in by_column.items()}
    assert page.blocked == services.cards.blocked_among(page.cards)
    assert (blocked.id in page.blocked) == (blocked.id in {c.id for c in page.cards})
    assert services.cards.first_page("gone").department == page.departments[0]
