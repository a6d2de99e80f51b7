"""The summary of an ended meeting: decisions, actions by owner, carried-over items, the next meeting;
with exports of the minutes and the follow-up invite."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from domain.i18n import N_, _
from tui.jobs.recorder import Loaded
from tui.screens.meeting_live import MeetingView, RecorderEvent, load_view, summary_lines
from tui.screens.outbound import confirm_write, export_meeting, offer_invite
from tui.translated import TranslatedBindings
from tui.widgets.key_bar import KeyBar
from tui.widgets.meeting_summary import MeetingSummary
from tui.widgets.safe import literal

if TYPE_CHECKING:
    from tui.wiring import Context


class MeetingSummaryScreen(TranslatedBindings, Screen[None]):
    """The summary of an ended meeting, with exports of the minutes and the follow-up invite."""

    CLOSES_ON_AREA_SWITCH: ClassVar[bool] = True
    """Coming back to the Meetings area (``4``) shows the list, never a summary left open earlier."""

    CSS_PATH = "meetings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("Meetings"), id="meeting-summary.leave"),
        Binding("n", "new_meeting", N_("New meeting"), id="meeting-summary.new"),
        Binding("e", "export_minutes", N_("Export minutes"), id="meeting-summary.export-minutes"),
        Binding("i", "export_invite", N_("Export invite"), id="meeting-summary.export-invite"),
        Binding("m", "mail_invite", N_("Mail invite"), id="meeting-summary.mail-invite"),
    ]

    def __init__(self, context: Context, meeting_id: str) -> None:
        super().__init__()
        self.context = context
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None

    def compose(self) -> ComposeResult:
        yield Static(literal(_("{id} · summary").format(id=self.meeting_id)), id="meeting-top")
        yield MeetingSummary(id="meeting-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, group="summary-load", exit_on_error=False)

    def _load(self) -> None:
        view = load_view(self.context.services, self.meeting_id)
        self.post_message(RecorderEvent(Loaded(view)))

    @on(RecorderEvent)
    def loaded(self, message: RecorderEvent) -> None:
        event = message.event
        if isinstance(event, Loaded) and isinstance(event.view, MeetingView):
            self.view = event.view
            meeting = event.view.meeting
            self.query_one("#meeting-top", Static).update(
                literal(_("{id} {title} · summary").format(id=meeting.id, title=meeting.title))
            )
            self.query_one("#meeting-summary", MeetingSummary).show(summary_lines(event.view, meeting.tz))
            self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(_("{work} failed: {error}").format(work=event.worker.name or _("background work"),
                        error=event.worker.error), severity="error", timeout=30, markup=False)  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export_invite", "mail_invite"):
            meeting = self.view.meeting if self.view else None
            return meeting is not None and meeting.next_start is not None
        return True

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_new_meeting(self) -> None:
        """``n`` here means what it means on the list: back to the list, with the start form open."""
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.app.pop_screen()
        if below is not None:
            self.app.call_later(below.run_action, "new_meeting")

    def action_export_minutes(self) -> None:
        confirm_write(
            self,
            _("Export the Word minutes of {id}?").format(id=self.meeting_id),
            lambda: export_meeting(self, self.context, self.meeting_id, "minutes"),
        )

    def action_export_invite(self) -> None:
        confirm_write(
            self,
            _("Export the follow-up invite of {id} (.ics)?").format(id=self.meeting_id),
            lambda: export_meeting(self, self.context, self.meeting_id, "invite"),
        )

    def action_mail_invite(self) -> None:
        offer_invite(self, self.context, self.meeting_id)
