"""No path in the shared folder is trusted: planted links, other kinds of files, files that are not
Huddle's, wrong shapes, and modes that do not depend on the umask.

Each attack plants something where Huddle keeps a file and checks two things: the write is refused
with a StorageError naming what was planted, and the target (a stand-in for the victim's
``~/.bashrc``) keeps its content, mode and owner.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.errors import StorageError
from storage import TinyStore, drafts, json_store, open_store
from storage.files import lock_path
from storage.journal import MeetingJournal, claim_journal, claim_path, journal_dir, unclaimed_journals
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

IS_ROOT = os.geteuid() == 0
NOBODY = 65534


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)


class Target:
    """A file an attacker points a link at: its content, mode and owner must never change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_bytes(b"# the victim's shell start-up file\nexport PATH=/usr/bin\n")
        path.chmod(0o644)
        self.before = self.state()

    def state(self) -> tuple[bytes, int, int, int]:
        st = os.stat(self.path)
        return (self.path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)

    def untouched(self) -> bool:
        return self.state() == self.before


@pytest.fixture
def target(tmp_path: Path) -> Target:
    home = tmp_path / "victim-home"
    home.mkdir()
    return Target(home / ".bashrc")


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A setgid group folder, as the README sets one up."""
    folder = tmp_path / "team"
    folder.mkdir()
    folder.chmod(0o2770)
    return folder


def huddle_file(path: Path, clock: FixedClock) -> bytes:
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("OPS", "第一张卡片")
    return path.read_bytes()


def write(path: Path, clock: FixedClock) -> None:
    make_services(open_store(path), clock).cards.add("OPS", "another card")


def refused(action: Callable[[], object], named: Path) -> str:
    with pytest.raises(StorageError) as error:
        action()
    message = str(error.value)
    assert str(named) in message, message
    assert "\n" not in message
    return message


# --- planted links ------------------------------------------------------------------------------


def test_a_link_at_the_lock_file_is_refused_and_its_target_keeps_its_mode(
    shared: Path, target: Target, clock: FixedClock
) -> None:
    path = shared / "team.json"
    before = huddle_file(path, clock)
    lock_path(path).unlink()
    lock_path(path).symlink_to(target.path)

    message = refused(lambda: write(path, clock), lock_path(path))

    assert "symbolic link" in message
    assert target.untouched()
    assert path.read_bytes() == before
    assert lock_path(path).is_symlink()


def test_a_dangling_link_at_the_lock_file_creates_nothing_at_its_target(
    shared: Path, tmp_path: Path, clock: FixedClock
) -> None:
    path = shared / "team.json"
    huddle_file(path, clock)
    lock_path(path).unlink()
    planted = tmp_path / "victim-home" / "made-by-huddle"
    planted.parent.mkdir()
    lock_path(path).symlink_to(planted)

    refused(lambda: write(path, clock), lock_path(path))

    assert not planted.exists()


@pytest.fixture
def small_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_store, "ACTIVITY_KEEP", 4)
    monkeypatch.setattr(json_store, "ACTIVITY_SLACK", 2)


@pytest.mark.usefixtures("small_keep")
def test_a_link_at_the_activity_archive_is_refused_at_the_roll_over(
    shared: Path, target: Target, clock: FixedClock
) -> None:
    path = shared / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    json_store.activity_archive_path(path).symlink_to(target.path)
    card = services.cards.add("OPS", "rack servers")
    before = path.read_bytes()

    def roll_over() -> None:
        for n in range(10):
            services.cards.edit(card.id, {"title": f"rack servers v{n}"})

    message = refused(roll_over, json_store.activity_archive_path(path))

    assert "symbolic link" in message
    assert target.untouched()
    data = orjson.loads(path.read_bytes())
    assert len(data["activity"]) == 6, "the writes before the roll-over are kept; the refused one is not"
    assert path.read_bytes() != before


@pytest.mark.usefixtures("small_keep")
def test_a_hard_link_at_the_activity_archive_is_refused(shared: Path, clock: FixedClock) -> None:
    path = shared / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    other = shared / "someone-elses-file"
    other.write_bytes(b"keep\n")
    os.link(other, json_store.activity_archive_path(path))
    card = services.cards.add("OPS", "rack servers")

    def roll_over() -> None:
        for n in range(10):
            services.cards.edit(card.id, {"title": f"v{n}"})

    assert "hard links" in refused(roll_over, json_store.activity_archive_path(path))
    assert other.read_bytes() == b"keep\n"


def test_a_link_at_the_archive_is_not_read_either(shared: Path, target: Target, clock: FixedClock) -> None:
    path = shared / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    card = services.cards.add("OPS", "rack servers")
    json_store.activity_archive_path(path).symlink_to(target.path)

    refused(lambda: services.cards.history(card.id), json_store.activity_archive_path(path))


def test_a_link_at_the_journal_folder_is_refused(shared: Path, tmp_path: Path, target: Target) -> None:
    path = shared / "team.json"
    elsewhere = tmp_path / "victim-home"
    journal_dir(path).symlink_to(elsewhere, target_is_directory=True)
    journal = MeetingJournal(path, "M-1", "ann")

    assert "symbolic link" in refused(
        lambda: journal.append({"kind": "note", "text": "x"}), journal_dir(path)
    )
    refused(lambda: claim_journal(path, "M-1", "ann"), journal_dir(path))
    refused(lambda: unclaimed_journals(path, "ann"), journal_dir(path))

    assert sorted(p.name for p in elsewhere.iterdir()) == [".bashrc"]
    assert target.untouched()


def test_a_link_at_a_journal_file_is_refused(shared: Path, target: Target) -> None:
    path = shared / "team.json"
    journal = MeetingJournal(path, "M-1", "ann")
    journal.append({"kind": "note", "text": "first"})
    journal.close()
    journal.path.unlink()
    journal.path.symlink_to(target.path)

    assert "symbolic link" in refused(lambda: journal.append({"kind": "note", "text": "x"}), journal.path)
    refused(lambda: list(journal.records()), journal.path)
    assert target.untouched()


def test_a_link_at_a_journal_claim_lock_is_refused(shared: Path, target: Target) -> None:
    path = shared / "team.json"
    journal = MeetingJournal(path, "M-1", "ann")
    journal_dir(path).mkdir()
    claim_path(journal.path).symlink_to(target.path)

    refused(lambda: claim_journal(path, "M-1", "ann"), claim_path(journal.path))
    assert target.untouched()


def test_a_link_at_the_journal_rewrite_temp_name_is_refused(shared: Path, target: Target) -> None:
    path = shared / "team.json"
    journal = MeetingJournal(path, "M-1", "ann")
    journal.append({"kind": "note", "text": "first"})
    temp = journal.path.with_name(f".{journal.path.name}.{os.getpid()}.tmp")
    temp.symlink_to(target.path)

    refused(lambda: journal.rewrite([{"kind": "note", "text": "kept"}]), temp)

    assert target.untouched()
    assert [r["text"] for r in journal.records()] == ["first"]


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another account needs root")
def test_a_journal_of_another_account_under_my_name_is_refused(shared: Path) -> None:
    path = shared / "team.json"
    journal = MeetingJournal(path, "M-1", "ann")
    journal.append({"kind": "note", "text": "first"})
    journal.close()
    os.chown(journal.path, NOBODY, -1)

    assert "another account" in refused(lambda: journal.append({"kind": "note"}), journal.path)


def test_a_link_at_a_temp_name_is_refused_by_the_create(shared: Path, target: Target) -> None:
    """Every temp file is created with O_EXCL | O_NOFOLLOW: nothing planted at its name is opened."""
    from storage.files import open_new

    planted = shared / ".team.json.123.cafe.tmp"
    planted.symlink_to(target.path)
    with pytest.raises(FileExistsError):
        open_new(planted, os.O_WRONLY, 0o660)
    assert target.untouched()


def test_a_link_at_a_draft_is_never_written_through(target: Target) -> None:
    path = drafts.save_draft("card-OPS-1", {"title": "初稿"})
    path.unlink()
    path.symlink_to(target.path)

    assert drafts.take_draft("card-OPS-1") is None
    drafts.save_draft("card-OPS-1", {"title": "第二稿"})

    assert target.untouched()
    assert not path.is_symlink()
    assert drafts.take_draft("card-OPS-1") == {"title": "第二稿"}


def test_drafts_are_private_whatever_the_umask() -> None:
    old = os.umask(0)
    try:
        path = drafts.save_draft("card-new-OPS", {"title": "私人"})
    finally:
        os.umask(old)
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700


# --- the data file itself -----------------------------------------------------------------------


def test_a_data_file_given_as_a_link_is_used_through_its_real_path(
    shared: Path, tmp_path: Path, clock: FixedClock
) -> None:
    """Resolved once at open: the link and the real path share one lock, the link stays a link."""
    real = shared / "team.json"
    huddle_file(real, clock)
    link = tmp_path / "my-team.json"
    link.symlink_to(real)

    via_link = open_store(link)
    assert via_link.path == real
    write(link, clock)

    assert link.is_symlink()
    assert not lock_path(link).exists()
    cards = [c.title for c in open_store(real).snapshot().cards.list()]
    assert cards == ["第一张卡片", "another card"]


def test_a_link_to_nothing_as_the_data_file_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    link = tmp_path / "team.json"
    nowhere = tmp_path / "victim-home" / "created-through-a-link.json"
    nowhere.parent.mkdir()
    link.symlink_to(nowhere)

    assert "does not exist" in refused(lambda: open_store(link), link)
    assert not nowhere.exists()


def test_a_data_file_swapped_for_a_link_after_open_is_refused(
    shared: Path, target: Target, clock: FixedClock
) -> None:
    path = shared / "team.json"
    huddle_file(path, clock)
    opened = open_store(path)
    path.unlink()
    path.symlink_to(target.path)

    refused(lambda: make_services(opened, clock).cards.add("OPS", "x"), path)
    assert target.untouched()
    assert path.is_symlink()


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_a_device_fifo_or_folder_is_refused_never_replaced(
    kind: str, tmp_path: Path, clock: FixedClock
) -> None:
    if kind == "device":
        path = Path("/dev/null")
    elif kind == "fifo":
        path = tmp_path / "team.json"
        os.mkfifo(path)
    else:
        path = tmp_path / "team.json"
        path.mkdir()
    before = os.stat(path)

    message = refused(lambda: open_store(path), path)
    assert {"device": "a device", "fifo": "a FIFO", "folder": "a folder"}[kind] in message
    refused(lambda: TinyStore(path).snapshot(), path)
    refused(lambda: make_services(TinyStore(path), clock).cards.add("OPS", "x"), path)

    after = os.stat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind != "device":
        assert sorted(p.name for p in tmp_path.iterdir()) == ["team.json"]


def test_a_read_only_data_file_is_refused_not_replaced(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    before = huddle_file(path, clock)
    path.chmod(0o444)
    inode = os.stat(path).st_ino

    message = refused(lambda: write(path, clock), path)

    assert "read-only" in message
    assert os.stat(path).st_ino == inode
    assert path.read_bytes() == before
    assert [c.title for c in open_store(path).snapshot().cards.list()] == ["第一张卡片"]


NOT_HUDDLE: list[Any] = [
    pytest.param({"name": "package.json", "version": "1.0.0"}, id="someone-elses-json"),
    pytest.param({"_default": {"1": {"title": "x"}}}, id="a-plain-tinydb-file"),
    pytest.param({"_meta": {"1": {"app": "other", "schema": 2}}}, id="another-apps-marker"),
    pytest.param({"_meta": {"1": {"counters": {}}}}, id="meta-without-schema-or-marker"),
]


@pytest.mark.parametrize("content", NOT_HUDDLE)
def test_json_that_is_not_a_huddle_file_is_refused_not_adopted(
    content: dict[str, Any], tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "team.json"
    path.write_bytes(orjson.dumps(content))
    before = path.read_bytes()

    assert "not a Huddle data file" in refused(lambda: open_store(path).snapshot(), path)
    refused(lambda: write(path, clock), path)

    assert path.read_bytes() == before


def test_an_empty_object_is_a_new_file(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "team.json"
    path.write_bytes(b"{}")
    huddle_file(path, clock)
    assert [c.title for c in open_store(path).snapshot().cards.list()] == ["第一张卡片"]


def damaged(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return change


def _set(table: str, key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[table][key] = value

    return change


def _card(field: str, value: object = None, *, drop: bool = False) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        card = data["cards"]["1"]
        if drop:
            del card[field]
        else:
            card[field] = value

    return change


def _top(table: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[table] = value

    return change


WRONG_SHAPES: list[Any] = [
    pytest.param(_top("cards", [{"id": "OPS-1"}]), "'cards' is a list", id="table-is-a-list"),
    pytest.param(_top("cards", "OPS-1"), "'cards' is a string", id="table-is-a-string"),
    pytest.param(_top("extra", 3), "'extra' is a number", id="unknown-table-not-an-object"),
    pytest.param(_set("cards", "1", "OPS-1"), "document 1 is a string", id="document-not-an-object"),
    pytest.param(_set("cards", "x", {}), "not a document number", id="document-key-not-a-number"),
    pytest.param(_top("_meta", [1, 2]), "'_meta' is a list", id="meta-is-a-list"),
    pytest.param(
        _set("_meta", "1", "schema 3"), "'_meta' document 1 is a string", id="meta-document-a-string"
    ),
    pytest.param(lambda d: d["_meta"]["1"].update(schema="3"), "schema is a string", id="schema-a-string"),
    pytest.param(lambda d: d["_meta"]["1"].update(counters=[]), "counters", id="counters-a-list"),
    pytest.param(lambda d: d["_meta"]["1"]["counters"].update(x="1"), "counters", id="counter-a-string"),
    pytest.param(_card("title", drop=True), "no valid 'title' (missing)", id="card-missing-title"),
    pytest.param(_card("uid", drop=True), "no valid 'uid' (missing)", id="card-missing-uid"),
    pytest.param(_card("dept", 7), "no valid 'dept' (a number)", id="card-dept-a-number"),
    pytest.param(_card("column", None), "no valid 'column' (null)", id="card-column-null"),
    pytest.param(_card("priority", "urgentest"), "cannot be read", id="card-unknown-priority"),
    pytest.param(_card("due", "next tuesday"), "cannot be read", id="card-bad-date"),
]


@pytest.mark.parametrize(("change", "expected"), WRONG_SHAPES)
def test_a_data_file_of_the_wrong_shape_is_refused_and_never_rewritten(
    change: Callable[[dict[str, Any]], None], expected: str, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "team.json"
    data = orjson.loads(huddle_file(path, clock))
    change(data)
    path.write_bytes(orjson.dumps(data))
    before = path.read_bytes()

    def read() -> object:
        return open_store(path).snapshot().cards.list()

    assert expected in refused(read, path)
    refused(lambda: write(path, clock), path)
    assert path.read_bytes() == before


def test_a_store_that_checked_the_file_checks_it_again_once_someone_else_replaced_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The shape check is skipped only for a version of the file this store checked or wrote itself."""
    path = tmp_path / "team.json"
    huddle_file(path, clock)
    store = open_store(path)
    services = make_services(store, clock)
    services.cards.add("OPS", "written by this store")  # checked on load, then written by this store
    assert len(store.snapshot().cards.list()) == 2  # its own version: read back without a new check
    data = orjson.loads(path.read_bytes())
    next(iter(data["cards"].values()))["priority"] = "someday"
    path.write_bytes(orjson.dumps(data))  # another program rewrites the file in place
    before = path.read_bytes()
    assert "unknown priority" in refused(lambda: services.cards.add("OPS", "after the edit"), path)
    assert "unknown priority" in refused(lambda: store.snapshot().cards.list(), path)
    assert path.read_bytes() == before


# --- modes whatever the umask -------------------------------------------------------------------


@pytest.fixture(params=[0o000, 0o022, 0o077], ids=["umask-000", "umask-022", "umask-077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.mark.usefixtures("small_keep", "umask")
@pytest.mark.parametrize("group_folder", [True, False], ids=["setgid-folder", "plain-folder"])
def test_every_file_huddle_creates_has_the_folder_mode_whatever_the_umask(
    group_folder: bool, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    os.chmod(folder, 0o2770 if group_folder else 0o755)
    path = folder / "team.json"
    services = make_services(open_store(path), clock)
    services.directory.add_department("Operations", key="OPS")
    card = services.cards.add("OPS", "rack")
    for n in range(8):
        services.cards.edit(card.id, {"title": f"rack {n}"})
    held = claim_journal(path, "M-1", "ann")
    assert held is not None
    held.append({"kind": "note", "text": "共享"})
    held.rewrite([{"kind": "note", "text": "共享"}, {"kind": "note", "text": "二"}])
    journal = held.path
    held.close()

    file_mode, dir_mode = (0o660, 0o2770) if group_folder else (0o600, 0o700)
    files = [path, lock_path(path), json_store.activity_archive_path(path), journal, claim_path(journal)]
    assert {p.name: mode_of(p) for p in files} == {p.name: file_mode for p in files}
    assert mode_of(journal_dir(path)) == dir_mode


def test_the_journals_of_a_data_file_given_as_a_link_go_beside_the_real_file(
    shared: Path, tmp_path: Path, clock: FixedClock
) -> None:
    from tui.wiring import build_context

    real = shared / "team.json"
    huddle_file(real, clock)
    link = tmp_path / "my-team.json"
    link.symlink_to(real)

    context = build_context(db=str(link), user="ann", clock=clock)
    journal = context.open_journal("M-1")
    assert journal is not None
    journal.append({"kind": "note", "text": "一"})
    journal.close()

    assert context.db_path == real
    assert (journal_dir(real) / f"M-1.{context.os_user}.jsonl").exists()
    assert not journal_dir(link).exists()


def test_a_data_file_with_a_second_hard_link_is_still_read_and_written(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Replacing the data file never writes through a name, so a hard link (a backup) is harmless."""
    path = tmp_path / "team.json"
    huddle_file(path, clock)
    os.link(path, tmp_path / "backup.json")
    write(path, clock)
    assert len(open_store(path).snapshot().cards.list()) == 2
