"""The plan area: the project's vision and SMART goals, milestones, a week timeline, RACI, load, and the
records (decision log and change requests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static, TabbedContent
from textual.worker import get_current_worker

from domain.dates import parse_date
from domain.errors import HuddleError, ValidationError
from domain.i18n import N_, _, ngettext, pgettext
from domain.models import (
    ChangeRequest,
    ChangeStatus,
)
from domain.text import clean_text, clean_title
from tui.messages import OpenCard
from tui.screens.base import AreaScreen
from tui.shell import WriteJob, shell_of
from tui.translated import TranslatedBindings
from tui.views.plan import MilestoneFacts, PlanData, change_status_text, compute_plan
from tui.widgets.key_bar import KeyBar
from tui.widgets.plan_load import PlanLoadTab
from tui.widgets.plan_overview import PlanOverviewTab
from tui.widgets.plan_raci import PlanRaciTab
from tui.widgets.plan_records import ACTIVITY_ROWS, PlanRecordsTab
from tui.widgets.plan_timeline import PlanTimelineTab
from tui.widgets.safe import literal
from tui.widgets.tables import cursor_key, theme_styles
from tui.widgets.timeline import TimelineChart

if TYPE_CHECKING:
    from tui.dialogs.fields import FormField
    from tui.wiring import Context

TABS = {
    "overview": "overview-tab",
    "timeline": "timeline-tab",
    "raci": "raci-tab",
    "load": "load-tab",
    "records": "records-tab",
}


def _one_line(message: str) -> str:
    """An error as one line (a traceback-like message or a path with a newline stays readable)."""
    return " ".join(message.split())


class PlanScreen(TranslatedBindings, AreaScreen):
    """Project goals and milestones, timeline, RACI matrix (flagging missing A or R), per-person load."""

    CSS_PATH = "plan.tcss"
    BINDING_GROUP_TITLE = N_("Plan")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "show_tab('overview')", N_("Overview"), id="plan.show-overview"),
        Binding("t", "show_tab('timeline')", N_("Timeline"), id="plan.show-timeline"),
        Binding("r", "show_tab('raci')", N_("RACI"), id="plan.show-raci"),
        Binding("l", "show_tab('load')", N_("Load"), id="plan.show-load"),
        Binding("p", "toggle_problems", N_("Only RACI problems"), id="plan.raci-problems"),
        Binding("d", "next_department", N_("RACI department"), id="plan.raci-department"),
        Binding("c", "show_tab('records')", N_("Records"), id="plan.show-records"),
        Binding("e", "edit_project", N_("Edit project"), id="plan.edit-project"),
        Binding("g", "add_goal", N_("Add goal"), id="plan.add-goal"),
        Binding("i", "export_milestones", N_("Export milestones"), id="plan.export-milestones"),
        Binding("u", "publish_calendar", N_("Publish calendar"), id="plan.publish-calendar"),
        Binding("n", "new_change", N_("New change"), id="plan.new-change"),
        Binding("a", "decide_change(True)", N_("Approve change"), id="plan.approve-change"),
        Binding("x", "decide_change(False)", N_("Reject change"), id="plan.reject-change"),
        Binding("m", "milestone_detail", N_("Criteria"), id="plan.milestone-criteria"),
        Binding("v", "start_review", N_("Start review"), id="plan.start-review"),
        Binding("G", "update_goal", N_("Goal value"), id="plan.goal-value"),
        Binding("C", "close_project", N_("Close project"), id="plan.close-project"),
    ]

    problems_only: reactive[bool] = reactive(False, init=False)
    """Show only the cards whose RACI lacks an Accountable or a Responsible."""
    raci_dept: reactive[str] = reactive("", init=False)
    """Show the RACI matrix of one department; empty means every department."""

    @dataclass
    class Loaded(Message):
        data: PlanData

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.data = PlanData()
        self._stale: set[str] = set()
        self._load_error: str | None = None
        """Why the last read failed, kept so a repaint (a resize, a tab switch) shows it again."""

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#plan-tabs", TabbedContent)

    @property
    def milestone_table(self) -> DataTable[object]:
        return self.query_one("#milestone-table", DataTable)

    @property
    def raci_table(self) -> DataTable[object]:
        return self.query_one("#raci-table", DataTable)

    @property
    def load_table(self) -> DataTable[object]:
        return self.query_one("#load-table", DataTable)

    @property
    def change_table(self) -> DataTable[object]:
        return self.query_one("#change-table", DataTable)

    @property
    def timeline(self) -> TimelineChart:
        return self.query_one("#timeline", TimelineChart)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="plan-tabs"):
            yield PlanOverviewTab(_("Overview"), id=TABS["overview"])
            yield PlanTimelineTab(_("Timeline"), id=TABS["timeline"])
            yield PlanRaciTab("RACI", id=TABS["raci"])
            yield PlanLoadTab(_("Load"), id=TABS["load"])
            yield PlanRecordsTab(_("Records"), id=TABS["records"])
        yield KeyBar()

    def on_mount(self) -> None:
        self.milestone_table.focus()
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="plan-load", exit_on_error=False)
    def _load(self) -> None:
        """Read the project, cards and people off the event loop and post them back."""
        try:
            services = self.services
            warnings = services.risks.warnings(self.context.settings.blocked_escalation_days)
            data = compute_plan(
                services.directory.project(),
                services.cards.list(),
                sorted(services.directory.people(), key=lambda p: p.handle),
                services.directory.departments(),
                frozenset(w.target for w in warnings if w.kind == "milestone-at-risk"),
                services.cards.today(),
                services.records.decisions(),
                services.records.change_requests(),
                services.records.feed(ACTIVITY_ROWS),
                meetings=services.meetings.list(),
                open_items=services.closing.open_items(),
            )
        except HuddleError as exc:
            self.post_message(self.LoadFailed(_one_line(str(exc))))
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a file no rule expected: still one line
            self.post_message(
                self.LoadFailed(_one_line(f"{self.context.db_path}: {type(exc).__name__}: {exc}"))
            )
            return
        # A newer load replaced this one (thread workers run to the end): its older read must not land after.
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(data))

    def on_plan_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        self._load_error = None
        self.refresh_views()

    def on_plan_screen_load_failed(self, message: LoadFailed) -> None:
        self._load_error = message.error
        self._show_load_error()
        self.notify(escape(message.error), title=_("Cannot read the plan"), severity="error")

    def _show_load_error(self) -> None:
        if self._load_error is not None:
            self.query_one("#project-summary", Static).update(
                literal(_("Cannot read the plan: {error}").format(error=self._load_error))
            )

    def on_resize(self, event: events.Resize) -> None:
        """Refit the tables: which columns fit depends on the width."""
        self.refresh_views()

    def refresh_views(self) -> None:
        """Paint the visible tab now and the others when they are first shown."""
        self._stale = set(TABS.values())
        self.refresh_active_tab()

    def refresh_active_tab(self) -> None:
        active = self.tabs.active
        if active not in self._stale:
            return
        self._stale.discard(active)
        painter = {
            TABS["overview"]: self.refresh_overview,
            TABS["timeline"]: self.refresh_timeline,
            TABS["raci"]: self.refresh_raci,
            TABS["load"]: self.refresh_load,
            TABS["records"]: self.refresh_records,
        }[active]
        painter()

    @on(TabbedContent.TabActivated, "#plan-tabs")
    def paint_shown_tab(self) -> None:
        self.refresh_active_tab()
        self.refresh_bindings()  # approve and reject belong to the records tab

    def _styles(self) -> dict[str, Style]:
        """Rich styles from the theme's variables, for DataTable cells."""
        return theme_styles(self.app.get_css_variables())

    def refresh_overview(self) -> None:
        self.query_one(PlanOverviewTab).show(self.data, self._styles(), self.context.zone)
        self._show_load_error()

    def refresh_timeline(self) -> None:
        self.query_one(PlanTimelineTab).show(self.data)

    def refresh_raci(self) -> None:
        self.query_one(PlanRaciTab).show(self.data, self._styles(), self.raci_dept, self.problems_only)

    def refresh_load(self) -> None:
        self.query_one(PlanLoadTab).show(self.data, self._styles())

    def refresh_records(self) -> None:
        self.query_one(PlanRecordsTab).show(self.data, self._styles(), self.context.zone)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """New, approve and reject apply on the records tab only."""
        if action in ("decide_change", "new_change"):
            return self.is_mounted and self.tabs.active == TABS["records"]
        return True

    def action_export_milestones(self) -> None:
        """Every dated milestone as an all-day event, in an .ics file in the current folder."""
        from tui.screens.outbound import export_calendar

        export_calendar(self, self.context, "milestones")

    def action_publish_calendar(self) -> None:
        """Put follow-up meetings and milestones on the team's CalDAV calendar, after asking."""
        from tui.dialogs.confirm import ConfirmModal
        from tui.screens.outbound import publish_calendar

        def answered(yes: bool | None) -> None:
            if yes:
                publish_calendar(self, self.context)

        question = _("Publish every follow-up meeting and milestone to the CalDAV calendar of huddle.toml?")
        self.app.push_screen(ConfirmModal(question, yes=_("Publish")), answered)

    def _form_then_write(
        self,
        title: str,
        fields: list[FormField],
        *,
        label: str,
        check: Callable[[dict[str, str]], object],
        write: Callable[[dict[str, str]], Any],
        done: Callable[[Any], str],
        error: str = "",
        today: date | None = None,
    ) -> None:
        """Ask with a small form, then write; a write the service refuses reopens the form as typed.

        ``today`` resolves the form's date fields, whose resolved date shows under them as typed.
        """
        from tui.dialogs.fields import FieldsModal

        def answered(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def finished(result: Any) -> None:
                self.notify(done(result), markup=False)
                self.reload()

            def failed(exc: Exception) -> None:
                typed = [replace(f, value=values.get(f.key, f.value)) for f in fields]
                self._form_then_write(
                    title,
                    typed,
                    label=label,
                    check=check,
                    write=write,
                    done=done,
                    error=_("Not saved: {reason}").format(reason=exc),
                    today=today,
                )

            shell_of(self.app).submit_write(WriteJob(label, lambda: write(values), finished, failed))

        self.app.push_screen(FieldsModal(title, fields, check=check, error=error, today=today), answered)

    def action_new_change(self) -> None:
        """Raise a change request: what should change, and why."""
        from tui.dialogs.fields import FormField

        records = self.services.records

        def impact(values: dict[str, str]) -> tuple[int, float | None]:
            days, cost = values["days"].strip(), values["cost"].strip()
            try:
                return int(days or 0), float(cost) if cost else None
            except ValueError:
                raise ValidationError(_("schedule days must be a whole number and cost a number")) from None

        def check(values: dict[str, str]) -> None:
            clean_title(values["title"], _("change"))
            clean_text(values["description"], _("description"), required=False)
            clean_text(values["scope"], _("scope"), required=False)
            impact(values)

        def write(values: dict[str, str]) -> ChangeRequest:
            days, cost = impact(values)
            return records.request_change(
                values["title"], values["description"], scope=values["scope"], schedule_days=days, cost=cost
            )

        self._form_then_write(
            _("New change request"),
            [
                FormField("title", _("Change"), placeholder=_("what should change")),
                FormField("description", _("Why"), placeholder=_("the reason")),
                FormField("scope", _("Scope"), placeholder=_("what it adds, removes or alters")),
                FormField("days", _("Schedule days"), placeholder=_("days it moves the schedule, e.g. 5")),
                FormField("cost", _("Cost"), placeholder=_("extra cost, e.g. 1200")),
            ],
            label=_("raise the change request"),
            check=check,
            write=write,
            done=lambda result: _("{id} requested: {title}").format(id=result.id, title=result.title),
        )

    def action_edit_project(self) -> None:
        """Change the project's name, vision and escalation threshold (its goals stay)."""
        from tui.dialogs.fields import FormField

        project = self.data.project or self.services.directory.project()
        directory = self.services.directory

        def days(values: dict[str, str]) -> int:
            text = values["escalate"].strip()
            if not text.isdigit() or int(text) < 1:
                raise ValidationError(
                    _("escalate after {text}: give a whole number of days, at least 1").format(
                        text=repr(text)
                    )
                )
            return int(text)

        def check(values: dict[str, str]) -> None:
            clean_title(values["name"], _("project name"))
            clean_text(values["vision"], _("vision"), required=False)
            days(values)

        self._form_then_write(
            _("Project"),
            [
                FormField("name", _("Name"), project.name),
                FormField(
                    "vision", _("Vision"), project.vision, _("why the departments work on this together")
                ),
                FormField(
                    "escalate", _("Escalate after"), str(project.blocked_escalation_days), _("days blocked")
                ),
            ],
            label=_("save the project"),
            check=check,
            write=lambda values: directory.update_project(
                name=values["name"], vision=values["vision"], escalate_after_days=days(values)
            ),
            done=lambda result: _("Project saved: {name}").format(name=result.name),
        )

    def action_add_goal(self) -> None:
        """Add a SMART goal: what, measured how, to which target, by when (human dates accepted)."""
        from tui.dialogs.fields import FormField

        directory = self.services.directory
        today = self.data.today if self.data.project is not None else self.services.cards.today()

        def deadline(values: dict[str, str]) -> date | None:
            text = values["deadline"].strip()
            try:
                return parse_date(text, today) if text else None
            except ValidationError as exc:
                raise ValidationError(_("deadline: {reason}").format(reason=exc)) from None

        def check(values: dict[str, str]) -> None:
            clean_title(values["text"], _("goal"))
            clean_text(values["metric"], _("metric"), required=False)
            clean_text(values["target"], _("target"), required=False)
            deadline(values)

        self._form_then_write(
            _("New SMART goal"),
            [
                FormField("text", _("Goal"), placeholder=_("specific: what will be true")),
                FormField("metric", _("Metric"), placeholder=_("measurable: counted how")),
                FormField("target", _("Target"), placeholder=_("the number to reach")),
                FormField("deadline", _("Deadline"), placeholder=_("2027-01-31, +6w, 下周五"), is_date=True),
            ],
            today=today,
            label=_("add the goal"),
            check=check,
            write=lambda values: directory.add_goal(
                values["text"], metric=values["metric"], target=values["target"], deadline=deadline(values)
            ),
            done=lambda result: _("Goal added: {text}").format(text=result.goals[-1].text),
        )

    def action_decide_change(self, approve: bool) -> None:
        change_id = cursor_key(self.change_table)
        change = next((c for c in self.data.changes if c.id == change_id), None)
        if change is None:
            return
        if change.status != ChangeStatus.OPEN:
            self.notify(
                _("{id} was already {status}").format(id=change.id, status=change_status_text(change.status)),
                markup=False,
            )
            return
        records = self.services.records

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def done(result: ChangeRequest) -> None:
                self.notify(f"{result.id} {change_status_text(result.status)}", markup=False)
                self.reload()

            label = (_("approve {id}") if approve else _("reject {id}")).format(id=change.id)
            job = WriteJob(label, lambda: records.decide_change(change.id, approve), done)
            shell_of(self.app).submit_write(job)

        from tui.dialogs.confirm import ConfirmModal

        if approve:
            question, verb = _("Approve {id}: {title}?"), _("Approve")
        else:
            question, verb = _("Reject {id}: {title}?"), _("Reject")
        question = question.format(id=change.id, title=change.title)
        self.app.push_screen(ConfirmModal(question, yes=verb), answered)

    def _selected_milestone(self) -> MilestoneFacts | None:
        card_id = cursor_key(self.milestone_table)
        found = next((f for f in self.data.facts if f.card.id == card_id), None)
        if found is None:
            self.notify(_("No milestone selected: pick one in the milestone table"), severity="warning")
        return found

    def _write(self, label: str, write: Callable[[], Any], done: Callable[[Any], str]) -> None:
        """Run one write off the event loop, tell the result, reload."""

        def finished(result: Any) -> None:
            self.notify(done(result), markup=False)
            self.reload()

        shell_of(self.app).submit_write(WriteJob(label, write, finished))

    def action_milestone_detail(self) -> None:
        """The highlighted milestone's acceptance criteria: accept, waive, add, or start its review."""
        from tui.dialogs.milestone import MilestoneModal

        facts = self._selected_milestone()
        if facts is not None:
            self.app.push_screen(
                MilestoneModal(facts), lambda request: self._criterion_request(facts, request)
            )

    def _criterion_request(self, facts: MilestoneFacts, request: Any) -> None:
        from tui.dialogs.fields import FormField

        if request is None:
            return
        milestones = self.services.milestones
        card = facts.card
        if request.action == "review":
            self.action_start_review(facts)
        elif request.action == "add":
            self._form_then_write(
                _("New acceptance criterion for {id}").format(id=card.id),
                [
                    FormField(
                        "text", _("Criterion"), placeholder=_("what must be true to accept the milestone")
                    )
                ],
                label=_("add the criterion"),
                check=lambda values: clean_title(values["text"], _("criterion")),
                write=lambda values: milestones.add_criterion(card.id, values["text"]),
                done=lambda result: _("{card} {criterion} added: {text}").format(
                    card=card.id, criterion=result[1].id, text=result[1].text
                ),
            )
        elif request.action == "accept":
            self._form_then_write(
                _("Accept {card} {criterion}").format(card=card.id, criterion=request.criterion),
                [FormField("evidence", _("Evidence"), placeholder=_("where the proof is (optional)"))],
                label=_("accept the criterion"),
                check=lambda values: clean_text(values["evidence"], _("evidence"), required=False),
                write=lambda values: milestones.accept(card.id, request.criterion, values["evidence"]),
                done=lambda result: _("{card} {criterion} accepted").format(
                    card=card.id, criterion=result[1].id
                ),
            )
        elif request.action == "waive":
            self._form_then_write(
                _("Waive {card} {criterion}").format(card=card.id, criterion=request.criterion),
                [FormField("reason", _("Reason"), placeholder=_("why it is not needed (kept on record)"))],
                label=_("waive the criterion"),
                check=lambda values: clean_text(values["reason"], _("reason")),
                write=lambda values: milestones.waive(card.id, request.criterion, values["reason"]),
                done=lambda result: _("{card} {criterion} waived").format(
                    card=card.id, criterion=result[1].id
                ),
            )

    def action_start_review(self, facts: MilestoneFacts | None = None) -> None:
        """Start the highlighted milestone's review (agenda from its criteria, predecessors and risks)."""
        from tui.dialogs.confirm import ConfirmModal

        facts = facts or self._selected_milestone()
        if facts is None:
            return
        card = facts.card
        milestones, zone = self.services.milestones, self.context.zone_name

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    _("start the review of {id}").format(id=card.id),
                    lambda: milestones.review(card.id, tz=zone),
                    lambda meeting: _("{id} started: {title} (open it in Meetings, key 4)").format(
                        id=meeting.id, title=meeting.title
                    ),
                )

        question = _("Start the review meeting of {id} {title} now?").format(id=card.id, title=card.title)
        self.app.push_screen(ConfirmModal(question, yes=_("Start review")), answered)

    def action_update_goal(self) -> None:
        """Record a SMART goal's measured value (dated; the history is kept)."""
        from tui.dialogs.fields import FormField

        project = self.data.project
        if project is None or not project.goals:
            self.notify(_("No SMART goals yet: g adds one"), severity="warning")
            return
        goals_table = self.query_one("#goals-table", DataTable)
        row = cursor_key(goals_table)
        number = str(int(row) + 1) if row is not None and row.isdigit() else "1"
        closing, today = self.services.closing, self.data.today

        def measured_on(values: dict[str, str]) -> date | None:
            text = values["on"].strip()
            try:
                return parse_date(text, today) if text else None
            except ValidationError as exc:
                raise ValidationError(_("measured on: {reason}").format(reason=exc)) from None

        def check(values: dict[str, str]) -> None:
            number = values["goal"].strip()
            if not number.isdigit() or not 1 <= int(number) <= len(project.goals):
                raise ValidationError(_("goal: give a number from 1 to {n}").format(n=len(project.goals)))
            clean_title(values["value"], _("value"))
            measured_on(values)

        self._form_then_write(
            _("Record a goal's value"),
            [
                FormField("goal", _("Goal number"), number, _("1 to {n}").format(n=len(project.goals))),
                FormField("value", _("Value"), placeholder=_("measured now, e.g. 2 or 92%")),
                FormField("on", _("Measured on"), placeholder=_("today, or a date")),
            ],
            label=_("record the goal value"),
            check=check,
            write=lambda values: closing.update_goal(values["goal"], values["value"], on=measured_on(values)),
            done=lambda goal: _("{goal}: {value} on {date}").format(
                goal=goal.text, value=goal.actuals[-1].value, date=goal.actuals[-1].on
            ),
        )

    def action_close_project(self) -> None:
        """Close the project: lists what is open; closing anyway needs a reason, which is recorded."""
        from tui.dialogs.confirm import ConfirmModal
        from tui.dialogs.fields import FormField

        closing = self.services.closing
        items = self.data.open_items
        if self.data.project is not None and self.data.project.closed:
            self.notify(_("The project is already closed (read-only)"), markup=False)
            return
        if not items:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(
                        _("close the project"), lambda: closing.close(), lambda _r: _("Project closed")
                    )

            self.app.push_screen(
                ConfirmModal(_("Nothing is open. Close the project?"), yes=_("Close")), answered
            )
            return
        kinds: dict[str, int] = {}
        for item in items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        summary = pgettext("list separator", ", ").join(
            _("{n} {kind}(s)").format(n=n, kind=kind) for kind, n in kinds.items()
        )
        first = "; ".join(f"{i.id} {i.text}" for i in items[:3])
        self._form_then_write(
            _("{n} items still open ({summary}): {first}…  Close anyway? They are handed over.").format(
                n=len(items), summary=summary, first=first
            ),
            [FormField("reason", _("Reason"), placeholder=_("why the project closes with items open"))],
            label=_("close the project"),
            check=lambda values: clean_text(values["reason"], _("reason")),
            write=lambda values: closing.close(force=True, reason=values["reason"]),
            done=lambda result: ngettext(
                "Project closed; {n} open item handed over",
                "Project closed; {n} open items handed over",
                len(result[1]),
            ).format(n=len(result[1])),
        )

    def watch_problems_only(self) -> None:
        self.refresh_raci()

    def watch_raci_dept(self) -> None:
        self.refresh_raci()

    def action_next_department(self) -> None:
        names = ["", *(d.name for d in self.data.departments)]
        index = names.index(self.raci_dept) if self.raci_dept in names else 0
        self.raci_dept = names[(index + 1) % len(names)]
        if self.tabs.active != TABS["raci"]:
            self.action_show_tab("raci")

    def action_show_tab(self, name: str) -> None:
        self.tabs.active = TABS[name]
        target = {
            "overview": self.milestone_table,
            "timeline": self.query_one("#timeline-scroll"),
            "raci": self.raci_table,
            "load": self.load_table,
            "records": self.change_table,
        }[name]
        target.focus()

    def action_toggle_problems(self) -> None:
        self.problems_only = not self.problems_only
        if self.tabs.active != TABS["raci"]:
            self.action_show_tab("raci")

    @on(DataTable.RowSelected, "#milestone-table, #raci-table")
    def open_card(self, event: DataTable.RowSelected) -> None:
        card_id = event.row_key.value
        card = next((c for c in self.data.cards if c.id == card_id), None)
        if card is None:
            return
        self.post_message(OpenCard(card.id))
