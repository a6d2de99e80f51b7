"""The meeting recorder without Textual: journal before data file, in order, and a safe compaction."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from domain.capture import CaptureKind, JournalEntry, draft_record
from domain.errors import ConflictError
from domain.services.meetings import MeetingService
from tui.jobs.recorder import EntryCommitted, EntryFailed, MeetingRecorder


class FakeJournal:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.lines: list[dict[str, Any]] = []

    def append(self, record: dict[str, object]) -> None:
        self.log.append(f"journal {record.get('id', record.get('t'))}")
        self.lines.append(dict(record))

    def records(self) -> Iterator[dict[str, object]]:
        return iter(list(self.lines))

    def rewrite(self, records: Iterable[Mapping[str, Any]]) -> None:
        self.log.append("journal rewritten")
        self.lines = [dict(record) for record in records]

    def clear(self) -> None:
        self.log.append("journal cleared")
        self.lines.clear()

    def close(self) -> None:
        self.log.append("journal closed")


class FakeMeetings:
    """Just the note method, slow on demand, refusing on demand."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.gate = threading.Event()
        self.gate.set()
        self.refuse: set[str] = set()

    def note(self, meeting_id: str, text: str, *, entry_id: str, agenda_index: int | None) -> str:
        self.gate.wait(timeout=5)
        if entry_id in self.refuse:
            raise ConflictError("meeting M-1 has ended; its minutes are closed")
        self.log.append(f"db {entry_id}")
        return entry_id


def note(entry_id: str) -> JournalEntry:
    return JournalEntry(entry_id, CaptureKind.NOTE, f"text of {entry_id}", 0)


def run(recorder: MeetingRecorder) -> list[threading.Thread]:
    threads = [threading.Thread(target=recorder.journal_loop), threading.Thread(target=recorder.db_loop)]
    for thread in threads:
        thread.start()
    return threads


def stop(recorder: MeetingRecorder, threads: list[threading.Thread]) -> None:
    recorder.stop()
    for thread in threads:
        thread.join(timeout=10)
    assert recorder.finished.is_set()


def test_every_line_is_journaled_before_its_write_and_writes_keep_their_order() -> None:
    log: list[str] = []
    events: list[object] = []
    recorder = MeetingRecorder(
        cast(MeetingService, FakeMeetings(log)), "M-1", FakeJournal(log), events.append
    )
    threads = run(recorder)
    for name in ("a", "b", "c"):
        recorder.capture(note(name))
    stop(recorder, threads)
    writes = [line for line in log if line.startswith("db ")]
    assert writes == ["db a", "db b", "db c"]
    for name in ("a", "b", "c"):
        assert log.index(f"journal {name}") < log.index(f"db {name}")
    assert [e.entry.id for e in events if isinstance(e, EntryCommitted)] == ["a", "b", "c"]
    assert log[-2:] == ["journal cleared", "journal closed"]


def test_compaction_keeps_lines_in_flight_and_the_newest_draft() -> None:
    log: list[str] = []
    meetings = FakeMeetings(log)
    journal = FakeJournal(log)
    recorder = MeetingRecorder(cast(MeetingService, meetings), "M-1", journal, lambda event: None)
    meetings.gate.clear()  # the data file is slow: "old" and everything queued after it wait
    threads = run(recorder)
    recorder.replay(note("old"))
    recorder.compact("draft from the crash")
    recorder.capture(note("new"))
    recorder.draft("typed since")
    while not any(line == "journal new" for line in log):
        threading.Event().wait(0.01)
    meetings.gate.set()
    recorder.keep_journal = True
    stop(recorder, threads)
    kept = journal.lines
    assert {"t": "draft", "text": "typed since"} in kept
    assert any(r.get("id") == "new" for r in kept), "a line not yet in the data file was compacted away"


def test_a_refused_line_is_marked_dropped_and_reported() -> None:
    log: list[str] = []
    events: list[object] = []
    meetings = FakeMeetings(log)
    meetings.refuse.add("late")
    journal = FakeJournal(log)
    recorder = MeetingRecorder(cast(MeetingService, meetings), "M-1", journal, events.append)
    recorder.keep_journal = True
    threads = run(recorder)
    recorder.capture(note("late"))
    stop(recorder, threads)
    (failed,) = [e for e in events if isinstance(e, EntryFailed)]
    assert failed.entry.id == "late"
    assert "has ended" in failed.message
    assert journal.lines[-1] == {"t": "dropped", "id": "late"}


def test_hang_up_flush_writes_the_draft_synchronously() -> None:
    log: list[str] = []
    journal = FakeJournal(log)
    recorder = MeetingRecorder(cast(MeetingService, FakeMeetings(log)), "M-1", journal, lambda event: None)
    recorder.flush_now("the link is dropping")
    assert journal.lines == [draft_record("the link is dropping")]
    recorder.flush_now("the link is dropping")
    assert len(journal.lines) == 1
