"""The meeting journal: append + fsync per record, readback, torn last lines, crash discovery."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from domain.errors import StorageError
from domain.repository import Journal
from storage.journal import MeetingJournal, journal_dir, pending_journals
from tests.helpers.disk import fill


def test_records_come_back_in_order_with_chinese_text(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-3", "ann")
    records: list[dict[str, object]] = [
        {"kind": "note", "id": "n1", "text": "场地已确认"},
        {"kind": "draft", "text": "下一步：联系供应商\n第二行"},
        {"kind": "note", "id": "n2", "text": "[bold]not markup[/bold] \x1b[31m"},
    ]
    for record in records:
        journal.append(record)

    assert list(journal.records()) == records
    raw = journal.path.read_bytes()
    assert raw.count(b"\n") == 3, "one line per record: newlines inside text are escaped"
    assert "场地已确认".encode() in raw
    assert b"\\u" not in raw.replace(b"\\u001b", b"")
    journal.close()


def test_it_is_the_journal_the_domain_asks_for(db_path: Path) -> None:
    journal: Journal = MeetingJournal(db_path, "M-1", "ann")
    journal.append({"kind": "draft", "text": "typed"})
    assert list(journal.records()) == [{"kind": "draft", "text": "typed"}]
    journal.clear()


def test_the_file_is_named_for_meeting_and_user_beside_the_data_file(db_path: Path) -> None:
    with MeetingJournal(db_path, "M-3", "li.wei") as journal:
        journal.append({"kind": "note", "text": "x"})
    assert journal.path == db_path.parent / "huddle.json.journal" / "M-3.li.wei.jsonl"
    assert journal_dir(db_path) == journal.path.parent


def test_the_descriptor_stays_open_between_appends(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-1", "ann")
    journal.append({"n": 1})
    fd = journal._fd
    journal.append({"n": 2})
    assert journal._fd == fd is not None
    journal.close()
    assert journal._fd is None
    journal.append({"n": 3})
    assert [r["n"] for r in journal.records()] == [1, 2, 3]
    journal.close()


def test_each_append_is_on_disk_before_it_returns(db_path: Path) -> None:
    """Read through a separate descriptor while the writer keeps its own open."""
    journal = MeetingJournal(db_path, "M-1", "ann")
    for n in range(50):
        journal.append({"kind": "note", "n": n})
        assert list(MeetingJournal(db_path, "M-1", "ann").records())[-1] == {"kind": "note", "n": n}
    journal.close()


def test_a_torn_last_line_is_skipped_and_the_next_append_starts_clean(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-1", "ann")
    journal.append({"kind": "note", "text": "第一条"})
    journal.close()
    with open(journal.path, "ab") as torn:
        torn.write('{"kind": "note", "text": "被截断的'.encode())

    reader = MeetingJournal(db_path, "M-1", "ann")
    assert list(reader.records()) == [{"kind": "note", "text": "第一条"}]
    assert reader.torn == 1

    reader.append({"kind": "note", "text": "第三条"})
    assert [r["text"] for r in reader.records()] == ["第一条", "第三条"]
    assert reader.torn == 1
    reader.close()


def test_a_torn_multibyte_character_is_skipped(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-1", "ann")
    journal.append({"text": "完整"})
    journal.close()
    line = '{"text": "中文"}\n'.encode()
    with open(journal.path, "ab") as torn:
        torn.write(line[:12])
    assert list(MeetingJournal(db_path, "M-1", "ann").records()) == [{"text": "完整"}]


def test_clear_removes_the_journal(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-1", "ann")
    journal.append({"kind": "draft", "text": "half a sentence"})
    journal.clear()
    assert not journal.path.exists()
    assert list(journal.records()) == []
    journal.clear()
    assert pending_journals(db_path) == []


def test_pending_journals_finds_what_a_crash_left(db_path: Path) -> None:
    assert pending_journals(db_path) == []
    for meeting, user in [("M-2", "ann"), ("M-10", "li.wei"), ("M-2", "bob")]:
        journal = MeetingJournal(db_path, meeting, user)
        journal.append({"kind": "note", "text": "x"})
        journal.close()
    (journal_dir(db_path) / "notes.txt").write_text("not a journal")
    (journal_dir(db_path) / ".M-9.ann.jsonl.swp").write_text("editor")

    found = pending_journals(db_path)

    folder = journal_dir(db_path)
    assert found == [
        ("M-10", "li.wei", folder / "M-10.li.wei.jsonl"),
        ("M-2", "ann", folder / "M-2.ann.jsonl"),
        ("M-2", "bob", folder / "M-2.bob.jsonl"),
    ]
    for meeting, user, path in found:
        assert MeetingJournal(db_path, meeting, user).path == path


def test_private_folder_and_file_outside_a_shared_folder(db_path: Path) -> None:
    with MeetingJournal(db_path, "M-1", "ann") as journal:
        journal.append({"kind": "note", "text": "x"})
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(journal.path.parent).st_mode) == 0o700


@pytest.mark.parametrize(
    ("meeting_id", "os_user"), [("../M-1", "ann"), ("M-1", "../etc"), ("", "ann"), ("M-1", "")]
)
def test_ids_that_would_escape_the_folder_are_refused(db_path: Path, meeting_id: str, os_user: str) -> None:
    with pytest.raises(ValueError, match="journal file"):
        MeetingJournal(db_path, meeting_id, os_user)


def test_a_journal_that_cannot_be_created_names_the_path(tmp_path: Path) -> None:
    db_path = tmp_path / "huddle.json"
    journal_dir(db_path).write_text("a file where the folder should be")
    journal = MeetingJournal(db_path, "M-1", "ann")
    with pytest.raises(StorageError, match=r"huddle\.json\.journal"):
        journal.append({"kind": "note", "text": "x"})


def test_rewrite_replaces_the_lines_in_one_step_and_keeps_the_mode(db_path: Path) -> None:
    journal = MeetingJournal(db_path, "M-1", "ann")
    for n in range(5):
        journal.append({"kind": "note", "n": n})
    mode = stat.S_IMODE(journal.path.stat().st_mode)
    inode = journal.path.stat().st_ino
    journal.rewrite([{"kind": "note", "n": 4}, {"kind": "draft", "text": "半句话"}])
    assert list(journal.records()) == [{"kind": "note", "n": 4}, {"kind": "draft", "text": "半句话"}]
    assert journal.path.stat().st_ino != inode, "a new file renamed over the old one, not truncated in place"
    assert stat.S_IMODE(journal.path.stat().st_mode) == mode
    assert [p.name for p in journal.path.parent.iterdir()] == [journal.path.name]
    journal.append({"kind": "note", "n": 5})
    assert [r.get("n") for r in journal.records()] == [4, None, 5]
    assert [(m, u) for m, u, _ in pending_journals(db_path)] == [("M-1", "ann")]
    journal.rewrite([])
    assert not journal.path.exists()
    journal.close()


def test_rewrite_on_a_full_disk_keeps_the_old_journal_whole(tiny_disk: Path) -> None:
    journal = MeetingJournal(tiny_disk / "huddle.json", "M-1", "ann")
    journal.append({"kind": "note", "text": "已记录的内容"})
    journal.append({"kind": "draft", "text": "typed before the disk filled"})
    before = journal.path.read_bytes()
    fill(tiny_disk)
    with pytest.raises(StorageError, match="disk is full"):
        journal.rewrite([{"kind": "draft", "text": "x" * 100_000}])
    assert journal.path.read_bytes() == before
    assert [p.name for p in journal.path.parent.iterdir()] == [journal.path.name]
