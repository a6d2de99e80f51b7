"""The meetings area: meetings grouped by series (live, upcoming, past), start, follow, resume.

On mount (and whenever it is shown again) the screen looks for meeting journals this OS account left
behind (a crash, a kill -9, a dropped link) and offers to resume the meeting with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from domain.capture import ReplayPlan, plan_replay
from domain.errors import HuddleError, ValidationError
from domain.i18n import N_, _, ngettext
from domain.models import Meeting, MeetingKind, MeetingStatus, Person
from domain.rules import AgendaSuggestion
from domain.services.milestones import OUTCOME_WORDS
from tui.dialogs.resume_meeting import ResumeMeetingModal
from tui.dialogs.start_meeting import StartMeetingModal, StartRequest
from tui.screens.base import AreaScreen
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meeting_summary import MeetingSummaryScreen
from tui.screens.outbound import confirm_write, export_calendar, export_meeting, offer_invite
from tui.shell import WriteJob, shell_of
from tui.translated import TranslatedBindings
from tui.views.meetings import meeting_detail, meeting_rows, series_key
from tui.widgets.key_bar import KeyBar
from tui.widgets.safe import literal

if TYPE_CHECKING:
    from tui.wiring import ClosableJournal, Context


@dataclass(frozen=True, slots=True)
class MeetingList:
    meetings: tuple[Meeting, ...]
    people: tuple[Person, ...]


@dataclass
class MeetingsLoaded(Message):
    data: MeetingList


@dataclass
class ResumeFound(Message):
    """A journal left by a crash holds lines or a draft that the data file does not."""

    meeting: Meeting
    plan: ReplayPlan


@dataclass
class MeetingStarted(Message):
    meeting_id: str


def meeting_options(meetings: tuple[Meeting, ...]) -> list[Option]:
    """The list: live meetings, upcoming follow-ups, then every series with its meetings, newest first."""
    return [
        Option(literal(row.text, "bold"), disabled=True)
        if row.id is None
        else Option(literal(row.text), id=row.id)
        for row in meeting_rows(meetings)
    ]


class MeetingsScreen(TranslatedBindings, AreaScreen):
    """Meetings grouped by series; start a new one or the next of a series; open, follow, export."""

    CSS_PATH = "meetings.tcss"
    BINDING_GROUP_TITLE = N_("Meetings")
    TABLES = frozenset({"meetings", "people"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_meeting", N_("New meeting"), id="meetings.new"),
        Binding("s", "start_next", N_("Start next in series"), id="meetings.start-next"),
        Binding("enter", "open", N_("Open"), id="meetings.open", show=False),
        Binding("f", "follow", N_("Follow"), id="meetings.follow"),
        Binding("e", "export_minutes", N_("Export minutes"), id="meetings.export-minutes"),
        Binding("i", "export_invite", N_("Export invite"), id="meetings.export-invite"),
        Binding("m", "mail_invite", N_("Mail invite"), id="meetings.mail-invite"),
        Binding("a", "export_actions", N_("Export actions"), id="meetings.export-actions"),
        Binding("p", "prep_agenda", N_("Prep from boards"), id="meetings.prep-agenda"),
        Binding("r", "start_retro", N_("Retrospective"), id="meetings.start-retro"),
        Binding("o", "review_outcome", N_("Review outcome"), id="meetings.review-outcome"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.data = MeetingList((), ())
        self.offered: set[str] = set()
        self.live_screens: list[LiveMeetingScreen] = []
        """Live meeting screens opened from here: a new one for the same meeting waits for their recorders."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="meetings-body"):
            yield OptionList(id="meeting-list")
            yield VerticalScroll(Static(id="meeting-detail-text"), id="meeting-detail")
        yield KeyBar()

    @property
    def meeting_list(self) -> OptionList:
        return self.query_one("#meeting-list", OptionList)

    def on_mount(self) -> None:
        self.meeting_list.border_title = _("Meetings")
        self.query_one("#meeting-detail").border_title = _("Details")
        self.reload()
        self.run_worker(self._find_journals, thread=True, group="meetings-resume", exit_on_error=False)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, group="meetings-load", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is reported, never silent (the meeting must not stop saving quietly)."""
        if event.state == WorkerState.ERROR:
            self.notify(_("{work} failed: {error}").format(work=event.worker.name or _("background work"),
                        error=event.worker.error), severity="error", timeout=30, markup=False)  # fmt: skip

    # --- threads ------------------------------------------------------------------------------------

    def _load(self) -> None:
        services = self.services
        data = MeetingList(tuple(services.meetings.list()), tuple(services.directory.people()))
        if not get_current_worker().is_cancelled:
            self.post_message(MeetingsLoaded(data))

    def _find_journals(self) -> None:
        """Journals this OS account left behind: offer to resume the live meetings they belong to."""
        for meeting_id in self.context.pending_journals():
            try:
                meeting = self.services.meetings.get(meeting_id)
                journal = self.context.open_journal(meeting_id)
                if journal is None:
                    continue
                try:
                    plan = plan_replay(journal.records(), meeting)
                    if plan.empty:
                        journal.clear()
                finally:
                    journal.close()
            except HuddleError as exc:
                self.app.call_from_thread(
                    self.notify, str(exc), title=_("Meeting journal"), severity="error", markup=False
                )
                continue
            if plan.empty:
                continue
            if meeting.status != MeetingStatus.LIVE:
                self.app.call_from_thread(
                    self.notify,
                    ngettext(
                        "{id} has ended, but its journal still holds {n} unsaved line; "
                        "it is kept beside the data file",
                        "{id} has ended, but its journal still holds {n} unsaved lines; "
                        "it is kept beside the data file",
                        len(plan.entries),
                    ).format(id=meeting.id, n=len(plan.entries)),
                    title=_("Meeting journal"),
                    severity="warning",
                    markup=False,
                )
            else:
                self.post_message(ResumeFound(meeting, plan))

    # --- showing ------------------------------------------------------------------------------------

    @on(MeetingsLoaded)
    def show_meetings(self, message: MeetingsLoaded) -> None:
        self.data = message.data
        option_list = self.meeting_list
        highlighted = option_list.highlighted_option.id if option_list.highlighted_option else None
        option_list.clear_options()
        options = meeting_options(message.data.meetings)
        if not options:
            options = [Option(literal(_("No meetings yet: press n to start one")), disabled=True)]
        option_list.add_options(options)
        ids = [o.id for o in options]
        if highlighted is not None and highlighted in ids:
            option_list.highlighted = ids.index(highlighted)
        else:
            option_list.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        self._show_detail()

    @on(OptionList.OptionHighlighted, "#meeting-list")
    def highlight_meeting(self) -> None:
        self._show_detail()

    def _selected(self) -> Meeting | None:
        option = self.meeting_list.highlighted_option
        if option is None or option.id is None:
            return None
        wanted = option.id.removeprefix("next:")
        return next((m for m in self.data.meetings if m.id == wanted), None)

    def _show_detail(self) -> None:
        meeting = self._selected()
        people = {p.handle: p for p in self.data.people}
        text = meeting_detail(meeting, people) if meeting else _("Press n to start a meeting.")
        self.query_one("#meeting-detail-text", Static).update(literal(text, keep_newlines=True))

    # --- actions ------------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#meeting-list")
    def open_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        meeting = self._selected()
        option = self.meeting_list.highlighted_option
        if meeting is None or option is None:
            return
        if option.id and option.id.startswith("next:"):
            self.action_start_next()
        elif meeting.status == MeetingStatus.LIVE:
            self.open_live(meeting.id)
        else:
            self.app.push_screen(MeetingSummaryScreen(self.context, meeting.id))

    def open_live(self, meeting_id: str, *, follow: bool = False, resume: ReplayPlan | None = None) -> None:
        """Open a live meeting; the scribe's own unsaved journal (a draft kept on leaving) comes back."""
        if follow or resume is not None:
            self._push_live(LiveMeetingScreen(self.context, meeting_id, follow=follow, resume=resume))
            return
        self.run_worker(
            lambda: self._open_with_journal(meeting_id),
            thread=True,
            group="meetings-open",
            exit_on_error=False,
        )

    def _open_with_journal(self, meeting_id: str) -> None:
        """In a thread: wait for an earlier recorder of this meeting, claim its journal, read a kept draft."""
        for screen in self.live_screens:
            if screen.meeting_id == meeting_id:
                screen.recorder.finished.wait(timeout=5)
        plan: ReplayPlan | None = None
        if meeting_id in self.context.pending_journals():
            journal = self.context.open_journal(meeting_id)
            if journal is not None:
                try:
                    plan = plan_replay(journal.records(), self.services.meetings.get(meeting_id))
                finally:
                    journal.close()
        claimed = self.context.open_journal(meeting_id)
        # The screen itself is built back on the event loop: widgets are created only there.
        self.app.call_from_thread(self._open_claimed, meeting_id, claimed, plan)

    def _open_claimed(
        self, meeting_id: str, journal: ClosableJournal | None, plan: ReplayPlan | None
    ) -> None:
        self._push_live(LiveMeetingScreen(self.context, meeting_id, resume=plan, journal=journal))

    def _push_live(self, screen: LiveMeetingScreen) -> None:
        self.live_screens = [s for s in self.live_screens if not s.recorder.finished.is_set()]
        self.live_screens.append(screen)
        self.app.push_screen(screen)

    def action_follow(self) -> None:
        meeting = self._selected()
        if meeting is not None:
            self.open_live(meeting.id, follow=True)

    def action_new_meeting(self) -> None:
        today = self.context.clock().astimezone(self.context.zone).date()
        modal = StartMeetingModal(
            self.data.people, today=today, zone=self.context.zone_name, add_guest=self._offer_guest
        )
        self.app.push_screen(modal, self._start)

    def _offer_guest(self, key: str, added: Callable[[Person], None]) -> None:
        """An attendee nobody is called: "Add @key as a guest?", then the person form and the write."""
        from tui.screens.people_setup import offer_guest

        offer_guest(self, self.context, key, added)

    def _start(self, request: StartRequest | None) -> None:
        if request is None:
            return
        meetings = self.services.meetings
        self._start_in_thread(
            lambda: meetings.start(
                request.title,
                attendees=request.attendees,
                at=request.at,
                tz=request.tz,
                series=request.series,
                agenda=request.agenda,
            )
        )

    def action_start_next(self) -> None:
        """Start the next meeting of the highlighted series: attendees, agenda and open actions carry over."""
        meeting = self._selected()
        if meeting is None:
            return
        series = [m for m in self.data.meetings if series_key(m) == series_key(meeting)]
        previous = max(series, key=lambda m: (m.start, int(m.id.split("-")[1])))
        if previous.status == MeetingStatus.LIVE:
            self.notify(
                _("{id} of this series is still live; end it first").format(id=previous.id),
                severity="warning",
            )
            return

        meetings, clock = self.services.meetings, self.context.clock

        def start() -> Meeting:
            at = previous.next_start if previous.next_start and not previous.next_cancelled else None
            return meetings.start_next(previous.id, at=at or clock())

        self._start_in_thread(start)

    def _start_in_thread(self, start: Callable[[], Meeting]) -> None:
        """Start a meeting through the app's write queue, put the clock on its first item, open it live."""
        meetings = self.services.meetings

        def run() -> Meeting:
            meeting = start()
            if meeting.agenda:
                meetings.goto_item(meeting.id, 0)
            return meeting

        def started(meeting: Meeting) -> None:
            self.post_message(MeetingStarted(meeting.id))

        shell_of(self.app).submit_write(WriteJob(_("start the meeting"), run, started, self._write_refused))

    def _write_refused(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", markup=False)

    def action_prep_agenda(self) -> None:
        """Suggest an agenda from the boards; the chair picks items, then the meeting starts with them."""
        from tui.dialogs.agenda_prep import AgendaPrepModal, PrepRequest

        agenda, zone = self.services.agenda, self.context.zone_name

        def picked(request: PrepRequest | None) -> None:
            if request is not None:
                self._start_in_thread(
                    lambda: agenda.start_prepared(
                        request.title, request.picks, attendees=request.attendees, tz=zone
                    )
                )

        def load() -> None:
            suggestions = agenda.suggest()
            self.app.call_from_thread(offer, suggestions)

        def offer(suggestions: list[AgendaSuggestion]) -> None:
            # Back on the event loop: widgets are created only there, never in a worker thread.
            self.app.push_screen(AgendaPrepModal(suggestions, self.data.people), picked)

        self.run_worker(load, thread=True, group="meetings-prep", exit_on_error=False)

    def action_start_retro(self) -> None:
        """Start the project retrospective: what worked, what went wrong and why, what to change."""
        from tui.dialogs.confirm import ConfirmModal

        closing, zone = self.services.closing, self.context.zone_name

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_in_thread(lambda: closing.start_retro(tz=zone))

        question = _(
            "Start the cross-department retrospective now? Its agenda is the three sections: what worked, "
            "what went wrong and why, what to change; its actions become cards."
        )
        self.app.push_screen(ConfirmModal(question, yes=_("Start")), answered)

    def action_review_outcome(self) -> None:
        """End the highlighted milestone review with its outcome, recorded as a decision."""
        from tui.dialogs.fields import FieldsModal, FormField

        meeting = self._selected()
        if meeting is None or meeting.kind != MeetingKind.REVIEW or meeting.status != MeetingStatus.LIVE:
            self.notify(_("Highlight a live milestone review to record its outcome"), severity="warning")
            return
        milestones = self.services.milestones

        def check(values: dict[str, str]) -> None:
            if values["outcome"].strip().lower() not in OUTCOME_WORDS:
                raise ValidationError(_("outcome: passed, conditions or failed"))

        def answered(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def done(ended: Meeting) -> None:
                self.notify(ended.decisions[-1].text, markup=False)
                self.reload()

            job = WriteJob(
                _("record the outcome"),
                lambda: milestones.record_outcome(meeting.id, values["outcome"], values["note"]),
                done,
                self._write_refused,
            )
            shell_of(self.app).submit_write(job)

        fields = [
            FormField("outcome", _("Outcome"), placeholder=_("passed, conditions or failed")),
            FormField("note", _("Conditions / why"), placeholder=_("recorded with the decision")),
        ]
        self.app.push_screen(
            FieldsModal(
                _("Outcome of {id} {title}").format(id=meeting.id, title=meeting.title), fields, check=check
            ),
            answered,
        )

    @on(MeetingStarted)
    def open_started(self, message: MeetingStarted) -> None:
        self.reload()
        self.open_live(message.meeting_id)

    @on(ResumeFound)
    def offer_resume(self, message: ResumeFound) -> None:
        meeting, plan = message.meeting, message.plan
        if meeting.id in self.offered:
            return
        self.offered.add(meeting.id)
        lines = [
            _("{id} {title} was interrupted (a crash, a kill or a dropped connection).").format(
                id=meeting.id, title=meeting.title
            )
        ]
        if plan.entries:
            n = len(plan.entries)
            lines.append(
                ngettext(
                    "{n} line typed but not yet saved will be saved now:",
                    "{n} lines typed but not yet saved will be saved now:",
                    n,
                ).format(n=n)
            )
            lines.extend(f"  • {e.text}" for e in plan.entries[:5])
        if plan.draft:
            lines.append(_("The line being typed comes back: {draft}").format(draft=plan.draft))
        self.app.push_screen(
            ResumeMeetingModal("\n".join(lines)),
            lambda yes: self.open_live(meeting.id, resume=plan) if yes else None,
        )

    def action_export_minutes(self) -> None:
        meeting = self._selected()
        if meeting is not None:
            confirm_write(
                self,
                _("Export the Word minutes of {id}?").format(id=meeting.id),
                lambda: export_meeting(self, self.context, meeting.id, "minutes"),
            )

    def action_export_invite(self) -> None:
        meeting = self._selected()
        if meeting is None or meeting.next_start is None:
            self.notify(_("This meeting has no follow-up; set one when you end it"), severity="warning")
            return
        confirm_write(
            self,
            _("Export the follow-up invite of {id} (.ics)?").format(id=meeting.id),
            lambda: export_meeting(self, self.context, meeting.id, "invite"),
        )

    def action_export_actions(self) -> None:
        """Every action item with a due date, as an event on that date, in an .ics file."""
        confirm_write(
            self,
            _("Export every dated action item as a calendar (.ics)?"),
            lambda: export_calendar(self, self.context, "actions"),
        )

    def action_mail_invite(self) -> None:
        meeting = self._selected()
        if meeting is None or meeting.next_start is None:
            self.notify(_("This meeting has no follow-up; set one when you end it"), severity="warning")
            return
        offer_invite(self, self.context, meeting.id)
