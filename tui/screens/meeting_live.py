"""The live meeting: agenda with timers, attendees, minutes with quick capture, open action items.

One person types (the scribe); anyone else can follow read-only in their own terminal and sees the
minutes appear through live refresh. Every line the scribe submits is journaled (fsync) before it is
written to the shared file, and the line being typed is journaled every second, so a crash, a kill -9
or a dropped SSH link loses at most the last second of typing; the next start offers to resume.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from domain.capture import Capture, CaptureKind, JournalEntry, ReplayPlan, parse_capture
from domain.dates import format_day, get_zone
from domain.errors import UnknownPersonError, ValidationError
from domain.i18n import N_, _, ngettext, pgettext
from domain.models import ActionItem, AgendaItem, Card, Meeting, MeetingStatus, Person
from tui.dialogs.end_meeting import EndMeetingModal, EndRequest
from tui.jobs.recorder import (
    EntryCommitted,
    EntryDurable,
    EntryFailed,
    JournalFailed,
    Loaded,
    MeetingRecorder,
    TaskDone,
    TaskFailed,
)
from tui.jobs.recorder import RecorderEvent as RecorderEventData
from tui.jobs.writes import WriteQueue
from tui.messages import DataChanged
from tui.screens.base import ChangeFollower
from tui.translated import TranslatedBindings
from tui.views.meetings import when_text
from tui.widgets.action_item_row import ActionItemRow
from tui.widgets.agenda_panel import AgendaPanel
from tui.widgets.attendee_list import AttendeeList
from tui.widgets.key_bar import KeyBar
from tui.widgets.meeting_clock import MeetingClock
from tui.widgets.meeting_summary import SummaryLine
from tui.widgets.minutes_log import CaptureInput, MinuteLine, MinutesLog
from tui.widgets.replace import replace_children
from tui.widgets.safe import literal

if TYPE_CHECKING:
    from domain.services import Services
    from tui.wiring import ClosableJournal, Context

CAPTURE_HINT = N_("Enter records a note · /d decision · /a @owner DATE text · /r risk · /n next item")


@dataclass(frozen=True, slots=True)
class MeetingView:
    """Everything the live screen shows, read in one go off the event loop."""

    meeting: Meeting
    people: dict[str, Person]
    open_actions: tuple[tuple[ActionItem, Card], ...]
    action_cards: dict[str, Card | None] = field(default_factory=dict)
    blocked: frozenset[str] = frozenset()
    """The open actions' card ids that :func:`domain.rules.is_blocked` says are blocked."""

    @property
    def series(self) -> str:
        return self.meeting.series or self.meeting.id


def load_view(services: Services, meeting_id: str) -> MeetingView:
    """Read a meeting, the people and the open action items of its series (snapshot reads are cached)."""
    meeting = services.meetings.get(meeting_id)
    open_actions = tuple(services.meetings.open_actions(meeting.series or meeting.id))
    return MeetingView(
        meeting=meeting,
        people={p.handle: p for p in services.directory.people()},
        open_actions=open_actions,
        action_cards=services.meetings.action_cards(meeting),
        blocked=services.cards.blocked_among([c for _, c in open_actions]),
    )


def task_title(label: str) -> str:
    """The title of a failed recorder task's notification: its label (``agenda``, ``attendance``,
    ``end``, ``save``, ``load``; compared in code, so kept English) in the current language."""
    titles = {
        "agenda": pgettext("meeting task", "agenda"),
        "attendance": pgettext("meeting task", "attendance"),
        "end": pgettext("meeting task", "end"),
        "save": pgettext("meeting task", "save"),
        "load": pgettext("meeting task", "load"),
    }
    return titles.get(label, label)


def entry_line(entry: JournalEntry) -> str:
    """The capture line that would produce ``entry`` again (to give a refused line back)."""
    if entry.kind == CaptureKind.DECISION:
        return f"/d {entry.text}"
    if entry.kind == CaptureKind.RISK:
        return f"/r {entry.text}"
    if entry.kind == CaptureKind.ACTION:
        due = entry.due.isoformat() if entry.due else ""
        return f"/a @{entry.owner} {due} {entry.text}"
    return entry.text


def summary_lines(view: MeetingView, zone_name: str) -> list[SummaryLine]:
    """The end-of-meeting summary: decisions, actions by owner, open items carried over, next meeting."""
    meeting = view.meeting
    names = {h: p.name for h, p in view.people.items()}
    comma = pgettext("list separator", ", ")
    present = [names.get(a.handle, a.handle) for a in meeting.attendees if a.present]
    absent = [names.get(a.handle, a.handle) for a in meeting.attendees if not a.present]
    lines: list[SummaryLine] = [
        ("title", f"{meeting.id} {meeting.title} — {when_text(meeting.held_from, zone_name)}")
    ]
    lines.append(("meta", _("Present: {names}").format(names=comma.join(present) or _("nobody recorded"))))
    if absent:
        lines.append(("meta", _("Absent: {names}").format(names=comma.join(absent))))
    lines.append(("heading", _("Decisions ({n})").format(n=len(meeting.decisions))))
    lines.extend(("item", f"• {d.text}") for d in meeting.decisions)
    by_owner: dict[str, list[ActionItem]] = defaultdict(list)
    for item in meeting.actions:
        by_owner[item.owner].append(item)
    lines.append(("heading", _("Action items ({n})").format(n=len(meeting.actions))))
    today = meeting.held_from.astimezone(get_zone(zone_name)).date()
    for owner, items in sorted(by_owner.items()):
        lines.append(("item", f"{names.get(owner, owner)} (@{owner})"))
        lines.extend(
            (
                "subitem",
                _("{card} due {due}: {text}").format(
                    card=a.card_id, due=format_day(a.due, today=today), text=a.text
                )
                if a.due
                else _("{card}: {text}").format(card=a.card_id, text=a.text),
            )
            for a in items
        )
    carried = [(a, c) for a, c in view.open_actions if a.meeting_id != meeting.id]
    lines.append(("heading", _("Open items carried over ({n})").format(n=len(carried))))
    lines.extend(
        (
            "item",
            _("{card} @{owner} · {column}: {text}").format(
                card=a.card_id, owner=a.owner, column=c.column, text=a.text
            ),
        )
        for a, c in carried
    )
    if meeting.next_start and not meeting.next_cancelled:
        lines.append(
            (
                "next",
                _("Next meeting: {when} ({minutes} min)").format(
                    when=when_text(meeting.next_start, meeting.tz), minutes=meeting.next_minutes
                ),
            )
        )
    elif meeting.status == MeetingStatus.ENDED:
        lines.append(("next", _("Next meeting: none set")))
    return lines


@dataclass
class RecorderEvent(Message):
    """An event from the recorder threads (journal durable, line committed, a fresh read, a failure)."""

    event: RecorderEventData


def header_line(meeting_id: str, title: str, series: str, state: str, *, width: int) -> str:
    """The live header's left part in ``width`` cells (0: not laid out, everything): the id and the
    state always, then the title cut to fit, the series only where there is room (the clock is beside)."""
    tail = f" · {state}"
    full = f"{meeting_id} {title}" + (_(" · series {series}").format(series=series) if series else "") + tail
    if width <= 0 or cell_len(full) <= width:
        return full
    room = width - cell_len(f"{meeting_id} ") - cell_len(tail)
    if room <= 1:
        short = f"{meeting_id}{tail}"
        return short if cell_len(short) <= width else f"{set_cell_size(short, width - 1).rstrip()}…"
    return (
        f"{meeting_id} {set_cell_size(title, room - 1).rstrip()}…{tail}"
        if cell_len(title) > room
        else (f"{meeting_id} {title}{tail}")
    )


class MeetingTitle(Static):
    """The live header's left part, refitted (:func:`header_line`) whenever its own width changes.

    Its width changes without the screen's: the clock beside it grows once the meeting has started
    (``· meeting 07:00``), and a line fitted to the earlier width would wrap out of the one-line header,
    taking the state with it (in Chinese, where the clock's text is wider, it did at 80 columns)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.parts: tuple[str, str, str, str] | None = None
        """Meeting id, title, series (empty: not shown) and state, as :func:`header_line` takes them."""

    def show(self, meeting_id: str, title: str, series: str, state: str) -> None:
        self.parts = (meeting_id, title, series, state)
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        if self.parts is not None:
            self.update(literal(header_line(*self.parts, width=self.size.width)))


class LiveMeetingScreen(TranslatedBindings, Screen[None]):
    """A live meeting for the scribe (``follow=False``) or a read-only follower."""

    CSS_PATH = "meetings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("Meetings"), id="meeting.leave"),
        # Terminals send alt+letter with its letter, which the focused capture line would type:
        # these bindings must run before the input sees the key.
        Binding("alt+d", "capture('d')", N_("Decision"), id="meeting.decide", priority=True),
        Binding("alt+a", "capture('a')", N_("Action"), id="meeting.action", priority=True),
        Binding("alt+r", "capture('r')", N_("Risk"), id="meeting.risk", priority=True),
        Binding("ctrl+n,alt+n", "next_item", N_("Next item"), id="meeting.next-item", priority=True),
        Binding(
            "ctrl+b,alt+b",
            "previous_item",
            N_("Previous item"),
            id="meeting.previous-item",
            show=False,
            priority=True,
        ),
        Binding("ctrl+t,alt+t", "attendees", N_("Attendees"), id="meeting.attendees", priority=True),
        Binding("alt+e", "end_meeting", N_("End meeting"), id="meeting.end", priority=True),
    ]

    def __init__(
        self,
        context: Context,
        meeting_id: str,
        *,
        follow: bool = False,
        resume: ReplayPlan | None = None,
        journal: ClosableJournal | Literal["claim"] | None = "claim",
    ) -> None:
        """``journal``: the meeting's journal already claimed off the event loop (None: another screen holds
        it), or ``"claim"`` to claim it here."""
        super().__init__()
        self.context = context
        self.meeting_id = meeting_id
        self.follow = follow
        self.resume = resume
        self.view: MeetingView | None = None
        self.pending: dict[str, JournalEntry] = {}
        self.guests: dict[str, Person] = {}
        """People added from the capture line, known here before the next reload brings them."""
        self._unknown_person: str | None = None
        """The handle the last parsed line named and nobody has (offered as a guest on Enter)."""
        self._capture: CaptureInput | None = None
        """The capture line, kept so its text can be journaled after the widgets are gone."""
        self.durable_seconds: list[float] = []
        self.commit_seconds: list[float] = []
        self._unregister_flush: object = None
        if follow:
            journal = None
        elif journal == "claim":
            journal = context.open_journal(meeting_id)
        self.journal_in_use = not follow and journal is None
        """Another open meeting screen of this OS account holds the journal: this one types without it."""
        self.recorder = MeetingRecorder(
            context.services.meetings,
            meeting_id,
            journal,
            self._from_thread,
            lambda: load_view(self.context.services, self.meeting_id),
        )
        self.data_changes = ChangeFollower(self, lambda version: self.post_message(DataChanged(version)))

    # --- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="meeting-top"):
            yield MeetingTitle(id="meeting-title")
            yield MeetingClock(
                self.context.clock, self.context.zone, self.context.zone_name, id="meeting-clock"
            )
        with Horizontal(id="meeting-body"):
            yield AgendaPanel(id="agenda")
            yield MinutesLog(read_only=self.follow, submit=self.record_line, id="minutes")
            with Vertical(id="meeting-side"):
                yield AttendeeList(id="attendees")
                yield VerticalScroll(id="open-actions")
        yield KeyBar()

    @property
    def minutes_log(self) -> MinutesLog:
        return self.query_one("#minutes", MinutesLog)

    @property
    def agenda_panel(self) -> AgendaPanel:
        return self.query_one("#agenda", AgendaPanel)

    @property
    def attendee_list(self) -> AttendeeList:
        return self.query_one("#attendees", AttendeeList)

    @property
    def draft(self) -> str:
        """What the capture line holds right now (read from the line itself, never from a message)."""
        return self._capture.value if self._capture is not None else ""

    def on_mount(self) -> None:
        self.set_class(self.follow, "-follower")
        self.query_one("#open-actions").border_title = _("Open actions")
        self.attendee_list.read_only = self.follow
        if not self.follow:
            self._capture = self.minutes_log.capture_input
        writes = getattr(self.app, "writes", None)
        if isinstance(writes, WriteQueue):
            self.recorder.write_gate = writes.exclusive
        self.data_changes.subscribe()
        self.run_worker(self._journal_loop, thread=True, group="meeting-journal", exit_on_error=False)
        self.run_worker(self._db_loop, thread=True, group="meeting-db", exit_on_error=False)
        if self.resume is not None:
            for entry in self.resume.entries:
                self.pending[entry.id] = entry
                self.recorder.replay(entry)
            if self.resume.draft:
                self.minutes_log.restore(self.resume.draft)
            self.recorder.compact(self.resume.draft)
            if self.resume.entries or self.resume.draft:
                n = len(self.resume.entries)
                done = [ngettext("{n} line saved again", "{n} lines saved again", n).format(n=n)] if n else []
                done += [_("the line being typed is back")] if self.resume.draft else []
                self.notify(
                    _("{meeting}: {done}").format(
                        meeting=self.meeting_id, done=pgettext("list separator", ", ").join(done)
                    ),
                    title=_("Meeting resumed"),
                    markup=False,
                )
        self.recorder.request_load()
        if self.journal_in_use:
            self.notify(
                _(
                    "Another Huddle window of yours is recording this meeting; typing here is not journaled, "
                    "so a crash would lose the line being typed. Follow it with f instead."
                ),
                title=_("Not crash-safe"),
                severity="warning",
                timeout=20,
            )
        if not self.follow:
            self.minutes_log.capture_input.focus()
            self.minutes_log.set_preview(_(CAPTURE_HINT), hint=True)
            register = getattr(self.app, "register_flush", None)
            if callable(register):
                self._unregister_flush = register(self.flush_journal)

    def on_unmount(self) -> None:
        if callable(self._unregister_flush):
            self._unregister_flush()
        self.close_recorder()

    def close_recorder(self) -> None:
        """Journal the draft, then let the loops finish queued writes and tidy the journal."""
        draft = "" if self.follow else self.draft
        self.recorder.draft(draft)
        self.recorder.keep_journal = bool(draft.strip())
        self.recorder.stop()

    def flush_journal(self) -> None:
        """SIGHUP/SIGTERM: journal every submitted line and the current draft now (in the signal handler).

        If the signal arrived in the middle of an Enter, the line is neither the draft nor recorded:
        flush once that Enter is done instead.
        """
        capture = self._capture
        if capture is not None and capture.submitting:
            capture.after_submit = self.flush_journal
        elif not self.follow:
            self.recorder.flush_now(self.draft)

    # --- threads --------------------------------------------------------------------------------------

    def _journal_loop(self) -> None:
        worker = get_current_worker()
        self.recorder.journal_loop(lambda: worker.is_cancelled)

    def _db_loop(self) -> None:
        worker = get_current_worker()
        self.recorder.db_loop(lambda: worker.is_cancelled)

    def _from_thread(self, event: RecorderEventData) -> None:
        self.post_message(RecorderEvent(event))

    @on(RecorderEvent)
    def apply_recorder_event(self, message: RecorderEvent) -> None:
        event = message.event
        if isinstance(event, Loaded) and isinstance(event.view, MeetingView):
            self.show(event.view)
        elif isinstance(event, EntryDurable):
            self.durable_seconds.append(event.seconds)
        elif isinstance(event, EntryCommitted):
            self.commit_seconds.append(event.seconds)
        elif isinstance(event, EntryFailed):
            self.pending.pop(event.entry.id, None)
            self.notify(_("Not saved: {reason}").format(reason=event.message), severity="error", markup=False)
            if not self.follow and not self.draft:
                self.minutes_log.restore(entry_line(event.entry))
            self._show_minutes()
        elif isinstance(event, TaskFailed):
            self.notify(event.message, title=task_title(event.label), severity="error", markup=False)
        elif isinstance(event, JournalFailed):
            self.notify(
                event.message, title=_("Typing is not crash-safe"), severity="error", timeout=30, markup=False
            )
        elif isinstance(event, TaskDone) and event.label == "end" and isinstance(event.result, Meeting):
            # Imported here: the summary screen imports this module's view and its loading.
            from tui.screens.meeting_summary import MeetingSummaryScreen

            self.app.switch_screen(MeetingSummaryScreen(self.context, event.result.id))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is reported, never silent (the meeting must not stop saving quietly)."""
        if event.state == WorkerState.ERROR:
            self.notify(_("{work} failed: {error}").format(work=event.worker.name or _("background work"),
                        error=event.worker.error), severity="error", timeout=30, markup=False)  # fmt: skip

    def on_data_changed(self, message: DataChanged) -> None:
        self.recorder.request_load()

    def on_screen_resume(self) -> None:
        """Back from a dialog or another area: the cursor is in the capture line again."""
        self.data_changes.stale = None  # the load below reads whatever changed while away
        if not self.follow:
            self.minutes_log.capture_input.focus()
        if self.view is not None:
            self.recorder.request_load()

    def on_key(self, event: events.Key) -> None:
        """A printable key that reached the screen unused goes into the capture line, never elsewhere.

        It arrives here when focus is on the agenda, attendees or a scrolled list: without this it would
        be dropped, and the digits would switch areas in the middle of a meeting.
        """
        capture = self._capture
        if capture is None or capture.has_focus or not event.is_printable or event.character is None:
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.enabled and active.node is not self.app:
            return  # the focused widget's own key (space toggles an attendee)
        event.stop()
        event.prevent_default()
        capture.focus()
        capture.insert_text_at_cursor(event.character)

    # --- showing ------------------------------------------------------------------------------------

    def show(self, view: MeetingView) -> None:
        """Push a fresh read down into the widgets."""
        self.view = view
        meeting = view.meeting
        for entry_id in [i for i in self.pending if any(n.id == i for n in meeting.notes)]:
            self.pending.pop(entry_id)
        state = _("read-only, following") if self.follow else _("you are the scribe")
        if meeting.status == MeetingStatus.ENDED:
            state = _("ended")
        series = meeting.series if meeting.series and meeting.series != meeting.title else ""
        self.query_one("#meeting-title", MeetingTitle).show(meeting.id, meeting.title, series, state)
        clock = self.query_one("#meeting-clock", MeetingClock)
        clock.started = meeting.held_from
        clock.zone = get_zone(meeting.tz)
        clock.zone_name = meeting.tz
        clock.show_time()
        self.agenda_panel.show(meeting.agenda, meeting.current_item, self.context.clock())
        self.attendee_list.show(meeting.attendees, {h: p.name for h, p in view.people.items()})
        self._show_minutes()
        self._show_actions(view)

    def _show_minutes(self) -> None:
        if self.view is None:
            return
        meeting = self.view.meeting
        zone = get_zone(meeting.tz)
        current = meeting.current_item if meeting.agenda else None
        lines = [
            MinuteLine(n.id, f"{n.at.astimezone(zone):%H:%M}", n.by, n.kind.value, n.text)
            for n in meeting.notes
            if current is None or n.agenda_index == current
        ]
        now = f"{self.context.clock().astimezone(zone):%H:%M}"
        lines.extend(
            MinuteLine(e.id, now, "", e.kind.value, e.text, pending=True)
            for e in self.pending.values()
            if current is None or e.agenda_index == current
        )
        if current is not None:
            heading = _("Minutes · {n}. {title}").format(n=current + 1, title=meeting.agenda[current].title)
        else:
            heading = _("Minutes")
        self.minutes_log.set_heading(heading)
        self.minutes_log.show_entries(lines)

    def _show_actions(self, view: MeetingView) -> None:
        box = self.query_one("#open-actions", VerticalScroll)
        if not box.is_attached:
            return  # the screen is closing: nothing to draw
        today = self.context.clock().astimezone(get_zone(view.meeting.tz)).date()
        carried = set(view.meeting.carried_over)
        rows = [
            ActionItemRow(a, c, today=today, carried=a.card_id in carried, blocked=c.id in view.blocked)
            for a, c in view.open_actions
        ]
        replace_children(box, rows or [Static(_("No open action items"), classes="empty")])
        box.border_title = _("Open actions · {n}").format(n=len(rows))

    @on(MeetingClock.Ticked)
    def tick(self, message: MeetingClock.Ticked) -> None:
        self.agenda_panel.tick(message.now)
        if not self.follow:
            self.recorder.draft(self.draft)

    # --- capture ------------------------------------------------------------------------------------

    def _today(self) -> date:
        zone = get_zone(self.view.meeting.tz) if self.view else self.context.zone
        return self.context.clock().astimezone(zone).date()

    def _people(self) -> list[Person]:
        known = dict(self.view.people) if self.view else {}
        return list({**known, **self.guests}.values())

    def _parse(self, text: str) -> Capture | None:
        """The capture ``text`` stands for, or None with the reason shown under the line (kept as typed)."""
        self._unknown_person = None
        try:
            return parse_capture(text, today=self._today(), people=self._people())
        except ValidationError as exc:
            if isinstance(exc, UnknownPersonError):
                self._unknown_person = exc.key
            self.minutes_log.set_preview(_("✗ {reason}").format(reason=exc), error=True)
            return None

    def _offer_guest(self, key: str, text: str) -> None:
        """An owner nobody is called: "Add @key as a guest?"; once added, the line is recorded as typed."""
        from tui.screens.people_setup import offer_guest

        def added(person: Person) -> None:
            self.guests[person.handle] = person
            if self.minutes_log.draft == text:
                self.minutes_log.capture_input.submit_line()
            else:
                self.preview_line()

        offer_guest(self, self.context, key, added)

    @on(MinutesLog.DraftChanged)
    def preview_line(self, message: MinutesLog.DraftChanged | None = None) -> None:
        """Show what Enter would record; reads the line as it is now (a burst may be ahead of messages)."""
        text = self.draft
        if not text.strip():
            self.minutes_log.set_preview(_(CAPTURE_HINT), hint=True)
            return
        capture = self._parse(text)
        if capture is not None:
            self.minutes_log.set_preview(capture.describe())

    def record_line(self, text: str) -> bool:
        """Record one submitted line (the capture line's ``submit``); False keeps it in the line, refused.

        Called synchronously for each Enter, in key order, so the agenda item and the order of the
        lines are those the scribe typed, however fast the keys came.
        """
        if self.follow or not text.strip():
            return False
        if self.view is not None and self.view.meeting.status == MeetingStatus.ENDED:
            self.minutes_log.set_preview(_("✗ this meeting has ended; its minutes are closed"), error=True)
            return False
        capture = self._parse(text)
        if capture is None:
            if self._unknown_person is not None:
                self._offer_guest(self._unknown_person, text)
            return False
        if capture.kind == CaptureKind.NEXT:
            self.next_item()
            return True
        meeting = self.view.meeting if self.view else None
        index = meeting.current_item if meeting is not None and meeting.agenda else None
        entry = JournalEntry.from_capture(capture, index)
        self.pending[entry.id] = entry
        self.recorder.capture(entry)
        # Drawn after this key: if the screen is closing (a hang-up while keys are still queued), a
        # failing redraw must not keep the recorded line in the capture line, to be journaled again.
        self.call_next(self._show_recorded, capture)
        return True

    def _show_recorded(self, capture: Capture) -> None:
        self.minutes_log.set_preview(capture.describe().replace("→", "✓", 1), hint=True)
        self._show_minutes()

    def _in_order(self, callback: Callable[[], object]) -> None:
        """Run a priority key's action after the keys typed before it (see ``MinutesLog.after_typed``)."""
        self.minutes_log.after_typed(callback)

    def action_capture(self, command: str) -> None:
        """alt+d / alt+r record the line as a decision or risk; alt+a starts an action item line."""
        if not self.follow:
            self._in_order(lambda: self._capture_as(command))

    def _capture_as(self, command: str) -> None:
        log = self.minutes_log
        text = log.draft.strip()
        if text.startswith(("/", "／", "、")) and len(text) > 1 and text[1].isalpha():
            text = text[2:].strip()
        if command == "a" or not text:
            log.restore(f"/{command} {text}" if text else f"/{command} ")
            log.capture_input.focus()
            self.preview_line()
            return
        log.capture_input.submit_line(f"/{command} {text}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.follow and action in ("capture", "next_item", "previous_item", "end_meeting"))

    def action_next_item(self) -> None:
        self._in_order(self.next_item)

    def action_previous_item(self) -> None:
        self._in_order(self.previous_item)

    def next_item(self) -> None:
        """Move to the next agenda item (``/n``, ctrl+n)."""
        meeting = self.view.meeting if self.view else None
        if meeting is None or not meeting.agenda:
            return
        if meeting.current_item + 1 >= len(meeting.agenda):
            self.notify(_("This is the last agenda item"))
            return
        self._goto(meeting.current_item + 1)

    def previous_item(self) -> None:
        meeting = self.view.meeting if self.view else None
        if meeting is not None and meeting.current_item > 0:
            self._goto(meeting.current_item - 1)

    def _goto(self, index: int) -> None:
        """Move to agenda item ``index`` at once on screen; the write follows in order."""
        if self.view is None:
            return
        meetings = self.context.services.meetings
        self.recorder.run("agenda", lambda: meetings.goto_item(self.meeting_id, index))
        agenda = _moved(
            list(self.view.meeting.agenda), self.view.meeting.current_item, index, self.context.clock()
        )
        # The next line typed belongs to the new item at once; the redraw follows this key (as above).
        self.view = replace(self.view, meeting=replace(self.view.meeting, agenda=agenda, current_item=index))
        self.call_next(self.show, self.view)

    @on(AgendaPanel.GotoRequested)
    def goto_item(self, message: AgendaPanel.GotoRequested) -> None:
        if not self.follow:
            self._goto(message.index)

    def action_attendees(self) -> None:
        self._in_order(self._toggle_attendees_focus)

    def _toggle_attendees_focus(self) -> None:
        if self.attendee_list.has_focus and not self.follow:
            self.minutes_log.capture_input.focus()
        else:
            self.attendee_list.focus()

    @on(AttendeeList.PresenceChangeRequested)
    def set_presence(self, message: AttendeeList.PresenceChangeRequested) -> None:
        if self.follow:
            return
        meetings = self.context.services.meetings
        handle, present = message.handle, message.present
        self.recorder.run("attendance", lambda: meetings.set_present(self.meeting_id, handle, present))
        if self.view is not None:
            attendees = tuple(
                replace(a, present=present) if a.handle == handle else a for a in self.view.meeting.attendees
            )
            self.attendee_list.show(attendees, {h: p.name for h, p in self.view.people.items()})

    def action_leave(self) -> None:
        if not self.follow and not self.minutes_log.capture_input.has_focus:
            self.minutes_log.capture_input.focus()
            return
        self.app.pop_screen()

    def action_end_meeting(self) -> None:
        if not self.follow:
            self._in_order(self._ask_end)

    def _ask_end(self) -> None:
        if self.view is None:
            return
        if self.draft.strip():
            self.notify(_("Submit or clear the capture line before ending the meeting"), severity="warning")
            return
        meeting = self.view.meeting
        zone = get_zone(meeting.tz)
        local = meeting.held_from.astimezone(zone)
        suggestion = f"{(local + timedelta(days=7)).date().isoformat()} {local:%H:%M}"
        self.app.push_screen(
            EndMeetingModal(
                summary_lines(self.view, meeting.tz),
                zone=meeting.tz,
                today=self._today(),
                start=max(meeting.start, meeting.held_from),
                suggestion=suggestion,
            ),
            self._end,
        )

    def _end(self, request: EndRequest | None) -> None:
        if request is None:
            return
        meetings = self.context.services.meetings
        self.recorder.run(
            "end",
            lambda: meetings.end(
                self.meeting_id, next_start=request.next_start, next_minutes=request.next_minutes
            ),
        )


def _moved(agenda: list[AgendaItem], old: int, new: int, now: datetime) -> tuple[AgendaItem, ...]:
    """The agenda after moving from item ``old`` to ``new`` at ``now`` (as ``goto_item`` will store it)."""
    item = agenda[old]
    if item.started_at is not None:
        spent = int((now - item.started_at).total_seconds())
        agenda[old] = replace(item, started_at=None, elapsed_seconds=item.elapsed_seconds + spent)
    agenda[new] = replace(agenda[new], started_at=now)
    return tuple(agenda)
