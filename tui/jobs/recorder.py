"""The meeting recorder: journal first, then the data file, each in order on its own thread.

No Textual import. The live meeting screen runs ``journal_loop`` and ``db_loop`` as two thread workers
and receives events through ``on_event`` (called on those threads); the benchmark runs the same loops
on plain threads. A captured line is appended to the journal and fsynced before its data-file write
starts, so a crash at any point leaves it in one place or the other; the in-progress draft goes to the
journal only, so it is never held up behind a slow write of the shared file.

Every data-file write holds ``write_gate`` (the app's one write queue, ``WriteQueue.exclusive``), so
the recorder's writes and the app's other writes reach the store one at a time. Lock order: the
write gate, then the store's own lock; ``_journal_lock`` is never held while waiting for the gate.

The events reported through ``on_event`` are the frozen dataclasses below (:data:`RecorderEvent`).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from domain.capture import JournalEntry, apply_entry, draft_record, dropped_record
from domain.errors import StorageError
from domain.i18n import _
from domain.services.meetings import MeetingService
from tui.wiring import ClosableJournal

POLL_SECONDS = 0.2
"""How often an idle loop checks whether it was cancelled."""
RETRY_SECONDS = 0.5
"""First pause before writing a journaled line again when the store could not be reached."""
CANCEL_GRACE_SECONDS = 2.0
"""A cancelled loop (the app is exiting) keeps going this long for the screen's ``stop()``."""
FLUSH_SECONDS = 1.0
"""How long a hang-up waits for submitted lines to reach the journal (each takes well under 1 ms)."""


class _LeftInJournal(Exception):
    """The meeting was left while its line waited for the store: the journal keeps it for a resume."""


@dataclass(frozen=True, slots=True)
class EntryDurable:
    """The entry is fsynced in the journal; ``seconds`` since it was submitted."""

    entry_id: str
    seconds: float


@dataclass(frozen=True, slots=True)
class EntryCommitted:
    """The entry is in the data file; ``seconds`` since it was submitted."""

    entry: JournalEntry
    result: object
    seconds: float


@dataclass(frozen=True, slots=True)
class EntryFailed:
    """The data file refused the entry; its text should go back to the person who typed it."""

    entry: JournalEntry
    message: str


@dataclass(frozen=True, slots=True)
class TaskDone:
    """A write handed to ``run`` (agenda, attendance, end) succeeded with ``result``."""

    label: str
    result: object


@dataclass(frozen=True, slots=True)
class TaskFailed:
    """A write handed to ``run`` failed, or the store is unreachable (``label`` "save"), or a read failed."""

    label: str
    message: str


@dataclass(frozen=True, slots=True)
class JournalFailed:
    """The journal could not be written: typing is not crash-safe until this is fixed."""

    message: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """A fresh read of what the meeting screen shows."""

    view: object


RecorderEvent: TypeAlias = (
    EntryDurable | EntryCommitted | EntryFailed | TaskDone | TaskFailed | JournalFailed | Loaded
)
"""What the recorder reports, on its own threads, through ``on_event``."""


@dataclass(slots=True)
class _Capture:
    entry: JournalEntry
    submitted: float
    journaled: threading.Event = field(default_factory=threading.Event)
    replay: bool = False


@dataclass(slots=True)
class _Task:
    label: str
    call: Callable[[], object]
    writes: bool = True
    """A data-file write (held under the write gate); loads and journal compaction are not."""


class MeetingRecorder:
    """Ordered, crash-safe writes for one meeting, off the event loop."""

    def __init__(
        self,
        meetings: MeetingService,
        meeting_id: str,
        journal: ClosableJournal | None,
        on_event: Callable[[RecorderEvent], None],
        load: Callable[[], object] | None = None,
    ) -> None:
        self.meetings = meetings
        self.meeting_id = meeting_id
        self.journal = journal
        self.on_event = on_event
        self.load = load
        self.write_gate: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
        """Held around each data-file write; the live screen sets the app's write queue's ``exclusive``."""
        self._journal_queue: queue.SimpleQueue[dict[str, Any] | _Capture | None] = queue.SimpleQueue()
        self._db_queue: queue.SimpleQueue[_Capture | _Task | None] = queue.SimpleQueue()
        self._journal_lock = threading.Lock()
        self._load_wanted = threading.Event()
        self._journal_stopped = threading.Event()
        self._stopping = threading.Event()
        self._cancelled: Callable[[], bool] = lambda: False
        """The db loop's cancellation check, also asked while a line waits for an unreachable store."""
        self._cancelled_at: float | None = None
        self.finished = threading.Event()
        """Set when the data-file loop has drained its queue and tidied the journal."""
        self.keep_journal = False
        """Set by the screen when the journal must outlive this recorder (a draft, an unsaved line)."""
        self._last_draft = ""
        self._last_capture: _Capture | None = None
        self._uncommitted: dict[str, JournalEntry] = {}
        """Captured lines not yet in the data file (written back if the journal is compacted)."""

    # --- called on the event loop -----------------------------------------------------------------

    def capture(self, entry: JournalEntry) -> None:
        """Journal ``entry`` (fsync), then write it to the data file."""
        item = _Capture(entry, time.perf_counter())
        self._uncommitted[entry.id] = entry
        if self.journal is None:
            item.journaled.set()
        else:
            self._last_capture = item
            self._journal_queue.put(item)
        self._last_draft = ""
        self._db_queue.put(item)

    def replay(self, entry: JournalEntry) -> None:
        """Write an entry that is already in the journal (resume after a crash)."""
        item = _Capture(entry, time.perf_counter(), replay=True)
        item.journaled.set()
        self._db_queue.put(item)

    def draft(self, text: str) -> None:
        """Journal the in-progress line if it changed since the last time."""
        if self.journal is None or text == self._last_draft:
            return
        self._last_draft = text
        self._journal_queue.put(draft_record(text))

    def run(self, label: str, call: Callable[[], object]) -> None:
        """Run a data-file write (agenda, attendance, end) in order with the captured lines."""
        self._db_queue.put(_Task(label, call))

    def request_load(self) -> None:
        """Re-read the meeting on the data-file thread (coalesced)."""
        if not self._load_wanted.is_set():
            self._load_wanted.set()
            self._db_queue.put(_Task("load", lambda: None, writes=False))

    def flush_now(self, draft: str) -> bool:
        """SIGHUP: wait (bounded) until every submitted line is journaled, then append the draft.

        May run in a signal handler while the event loop is stuck: it only waits on the journal
        thread, with timeouts. True when everything typed is in the journal.
        """
        if self.journal is None:
            return True
        last = self._last_capture
        journaled = last is None or last.journaled.wait(timeout=FLUSH_SECONDS)
        if draft == self._last_draft:
            return journaled
        if self._journal_lock.acquire(timeout=FLUSH_SECONDS):
            try:
                self.journal.append(draft_record(draft))
                self._last_draft = draft
                return journaled
            except Exception:  # the terminal is going away: nothing left to tell
                return False
            finally:
                self._journal_lock.release()
        return False

    def stop(self) -> None:
        """Finish queued work, then end both loops."""
        self._stopping.set()
        self._journal_queue.put(None)
        self._db_queue.put(None)

    # --- the loops (thread workers) ---------------------------------------------------------------

    def journal_loop(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Append records in order, each fsynced before the next."""
        try:
            while True:
                try:
                    item = self._journal_queue.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    self._check_cancelled(cancelled)
                    continue
                if item is None:
                    return
                record = item.entry.to_record() if isinstance(item, _Capture) else item
                try:
                    self._append(record)
                    if isinstance(item, _Capture):
                        self.on_event(EntryDurable(item.entry.id, time.perf_counter() - item.submitted))
                except Exception as exc:  # reported, never the end of the loop: typing goes on
                    self.on_event(JournalFailed(str(exc)))
                finally:
                    if isinstance(item, _Capture):
                        item.journaled.set()
        finally:
            self._journal_stopped.set()

    def db_loop(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Write captured lines and other changes in the order they were made."""
        self._cancelled = cancelled
        while True:
            try:
                item = self._db_queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_cancelled(cancelled)
                continue
            if item is None:
                break
            if isinstance(item, _Capture):
                self._write_entry(item)
            elif item.label == "load":
                self._load_wanted.clear()
                self._load()
            else:
                try:
                    with self.write_gate() if item.writes else contextlib.nullcontext():
                        result = item.call()
                    self.on_event(TaskDone(item.label, result))
                except Exception as exc:  # reported to the person; the next write still runs
                    self.on_event(TaskFailed(item.label, str(exc)))
            was_load = isinstance(item, _Task) and item.label == "load"
            if self._db_queue.empty() and not self._stopping.is_set() and not was_load:
                self._load()
        self._journal_stopped.wait(timeout=5)
        if self.journal is not None:
            with self._journal_lock:
                if not self.keep_journal and not self._uncommitted:
                    with contextlib.suppress(Exception):
                        self.journal.clear()
                self.journal.close()
        self.finished.set()

    def compact(self, draft: str) -> None:
        """Empty the journal once everything in it is in the data file, keeping the current draft."""
        if self.journal is None:
            return
        if draft:
            self._last_draft = draft  # already in the journal, and the compacted one keeps it
        self._db_queue.put(_Task("compact", lambda: self._compact(draft), writes=False))

    # --- helpers ------------------------------------------------------------------------------------

    def _check_cancelled(self, cancelled: Callable[[], bool]) -> None:
        """On exit Textual cancels the workers before the screen closes the recorder: wait a little for
        the screen's ``stop()`` (it journals the draft and says whether to keep the journal), then stop
        anyway, keeping the journal, since what the line held is unknown."""
        if self._stopping.is_set() or not cancelled():
            return
        now = time.monotonic()
        if self._cancelled_at is None:
            self._cancelled_at = now
        elif now - self._cancelled_at >= CANCEL_GRACE_SECONDS:
            self.keep_journal = True
            self.stop()

    def _compact(self, draft: str) -> None:
        """Replace the journal, in one atomic step, with what is not in the data file yet: lines in flight
        and the newest draft."""
        assert self.journal is not None
        draft = self._last_draft or draft
        kept = [entry.to_record() for entry in list(self._uncommitted.values())]
        if draft:
            kept.append(draft_record(draft))
        with self._journal_lock:
            self.journal.rewrite(kept)
            self._last_draft = draft

    def _append(self, record: dict[str, Any]) -> None:
        assert self.journal is not None
        with self._journal_lock:
            self.journal.append(record)

    def _write_entry(self, item: _Capture) -> None:
        item.journaled.wait(timeout=5)
        try:
            result = self._apply_when_reachable(item.entry)
        except _LeftInJournal:
            return
        except Exception as exc:  # the text goes back to the person who typed it
            if self.journal is not None:
                with contextlib.suppress(Exception):
                    self._append(dropped_record(item.entry.id))
            self._uncommitted.pop(item.entry.id, None)
            self.on_event(EntryFailed(item.entry, str(exc)))
            return
        self._uncommitted.pop(item.entry.id, None)
        self.on_event(EntryCommitted(item.entry, result, time.perf_counter() - item.submitted))

    def _apply_when_reachable(self, entry: JournalEntry) -> object:
        """Write ``entry``, waiting out a store that cannot be reached (a server restart, a dropped link).

        The line is already fsynced in the journal, so nothing is lost while it waits: later lines
        queue behind it in order, and if the meeting is left first it stays in the journal, which the
        next start offers to resume. A refusal of the change itself (a closed meeting) is not waited on.
        """
        pause = RETRY_SECONDS
        told = False
        while True:
            try:
                with self.write_gate():
                    return apply_entry(self.meetings, self.meeting_id, entry)
            except StorageError as exc:
                if self.journal is None:
                    raise
                if not told:
                    told = True
                    self.on_event(
                        TaskFailed(
                            "save",
                            _("{error}; the minutes wait in the journal and go in when it is back").format(
                                error=exc
                            ),
                        )
                    )
                retry_at = time.monotonic() + pause
                while time.monotonic() < retry_at:
                    self._check_cancelled(self._cancelled)  # the app exiting still ends the loop
                    if self._stopping.wait(POLL_SECONDS):
                        raise _LeftInJournal from None
                pause = min(pause * 2, 5.0)

    def _load(self) -> None:
        if self.load is None:
            return
        try:
            self.on_event(Loaded(self.load()))
        except Exception as exc:
            self.on_event(TaskFailed("load", str(exc)))
