"""The plan area: the project's vision and SMART goals, milestones, a week timeline, RACI, load, and the
records (decision log and change requests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Header, TabbedContent

from domain.dates import parse_date
from domain.errors import HuddleError, ValidationError
from domain.models import (
    ChangeRequest,
    ChangeStatus,
)
from domain.text import clean_text, clean_title
from tui.messages import OpenCard
from tui.screens.base import AreaScreen
from tui.shell import WriteJob, shell_of
from tui.views.plan import MilestoneFacts, PlanData, compute_plan
from tui.widgets.key_bar import KeyBar
from tui.widgets.plan_load import PlanLoadTab
from tui.widgets.plan_overview import PlanOverviewTab
from tui.widgets.plan_raci import PlanRaciTab
from tui.widgets.plan_records import ACTIVITY_ROWS, PlanRecordsTab
from tui.widgets.plan_timeline import PlanTimelineTab
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


class PlanScreen(AreaScreen):
    """Project goals and milestones, timeline, RACI matrix (flagging missing A or R), per-person load."""

    CSS_PATH = "plan.tcss"
    BINDING_GROUP_TITLE = "Plan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "show_tab('overview')", "Overview", id="plan.show-overview"),
        Binding("t", "show_tab('timeline')", "Timeline", id="plan.show-timeline"),
        Binding("r", "show_tab('raci')", "RACI", id="plan.show-raci"),
        Binding("l", "show_tab('load')", "Load", id="plan.show-load"),
        Binding("p", "toggle_problems", "Only RACI problems", id="plan.raci-problems"),
        Binding("d", "next_department", "RACI department", id="plan.raci-department"),
        Binding("c", "show_tab('records')", "Records", id="plan.show-records"),
        Binding("e", "edit_project", "Edit project", id="plan.edit-project"),
        Binding("g", "add_goal", "Add goal", id="plan.add-goal"),
        Binding("i", "export_milestones", "Export milestones", id="plan.export-milestones"),
        Binding("u", "publish_calendar", "Publish calendar", id="plan.publish-calendar"),
        Binding("n", "new_change", "New change", id="plan.new-change"),
        Binding("a", "decide_change(True)", "Approve change", id="plan.approve-change"),
        Binding("x", "decide_change(False)", "Reject change", id="plan.reject-change"),
        Binding("m", "milestone_detail", "Criteria", id="plan.milestone-criteria"),
        Binding("v", "start_review", "Start review", id="plan.start-review"),
        Binding("G", "update_goal", "Goal value", id="plan.goal-value"),
        Binding("C", "close_project", "Close project", id="plan.close-project"),
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
            yield PlanOverviewTab("Overview", id=TABS["overview"])
            yield PlanTimelineTab("Timeline", id=TABS["timeline"])
            yield PlanRaciTab("RACI", id=TABS["raci"])
            yield PlanLoadTab("Load", id=TABS["load"])
            yield PlanRecordsTab("Records", id=TABS["records"])
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
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(data))

    def on_plan_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        self.refresh_views()

    def on_plan_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(escape(message.error), title="Cannot read the plan", severity="error")

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

        question = "Publish every follow-up meeting and milestone to the CalDAV calendar of huddle.toml?"
        self.app.push_screen(ConfirmModal(question, yes="Publish"), answered)

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
    ) -> None:
        """Ask with a small form, then write; a write the service refuses reopens the form as typed."""
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
                    title, typed, label=label, check=check, write=write, done=done, error=f"Not saved: {exc}"
                )

            shell_of(self.app).submit_write(WriteJob(label, lambda: write(values), finished, failed))

        self.app.push_screen(FieldsModal(title, fields, check=check, error=error), answered)

    def action_new_change(self) -> None:
        """Raise a change request: what should change, and why."""
        from tui.dialogs.fields import FormField

        records = self.services.records

        def impact(values: dict[str, str]) -> tuple[int, float | None]:
            days, cost = values["days"].strip(), values["cost"].strip()
            try:
                return int(days or 0), float(cost) if cost else None
            except ValueError:
                raise ValidationError("schedule days must be a whole number and cost a number") from None

        def check(values: dict[str, str]) -> None:
            clean_title(values["title"], "change")
            clean_text(values["description"], "description", required=False)
            clean_text(values["scope"], "scope", required=False)
            impact(values)

        def write(values: dict[str, str]) -> ChangeRequest:
            days, cost = impact(values)
            return records.request_change(
                values["title"], values["description"], scope=values["scope"], schedule_days=days, cost=cost
            )

        self._form_then_write(
            "New change request",
            [
                FormField("title", "Change", placeholder="what should change"),
                FormField("description", "Why", placeholder="the reason"),
                FormField("scope", "Scope", placeholder="what it adds, removes or alters"),
                FormField("days", "Schedule days", placeholder="days it moves the schedule, e.g. 5"),
                FormField("cost", "Cost", placeholder="extra cost, e.g. 1200"),
            ],
            label="raise the change request",
            check=check,
            write=write,
            done=lambda result: f"{result.id} requested: {result.title}",
        )

    def action_edit_project(self) -> None:
        """Change the project's name, vision and escalation threshold (its goals stay)."""
        from tui.dialogs.fields import FormField

        project = self.data.project or self.services.directory.project()
        directory = self.services.directory

        def days(values: dict[str, str]) -> int:
            text = values["escalate"].strip()
            if not text.isdigit() or int(text) < 1:
                raise ValidationError(f"escalate after {text!r}: give a whole number of days, at least 1")
            return int(text)

        def check(values: dict[str, str]) -> None:
            clean_title(values["name"], "project name")
            clean_text(values["vision"], "vision", required=False)
            days(values)

        self._form_then_write(
            "Project",
            [
                FormField("name", "Name", project.name),
                FormField("vision", "Vision", project.vision, "why the departments work on this together"),
                FormField("escalate", "Escalate after", str(project.blocked_escalation_days), "days blocked"),
            ],
            label="save the project",
            check=check,
            write=lambda values: directory.update_project(
                name=values["name"], vision=values["vision"], escalate_after_days=days(values)
            ),
            done=lambda result: f"Project saved: {result.name}",
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
                raise ValidationError(f"deadline: {exc}") from None

        def check(values: dict[str, str]) -> None:
            clean_title(values["text"], "goal")
            clean_text(values["metric"], "metric", required=False)
            clean_text(values["target"], "target", required=False)
            deadline(values)

        self._form_then_write(
            "New SMART goal",
            [
                FormField("text", "Goal", placeholder="specific: what will be true"),
                FormField("metric", "Metric", placeholder="measurable: counted how"),
                FormField("target", "Target", placeholder="the number to reach"),
                FormField("deadline", "Deadline", placeholder="2027-01-31, +6w, 下周五"),
            ],
            label="add the goal",
            check=check,
            write=lambda values: directory.add_goal(
                values["text"], metric=values["metric"], target=values["target"], deadline=deadline(values)
            ),
            done=lambda result: f"Goal added: {result.goals[-1].text}",
        )

    def action_decide_change(self, approve: bool) -> None:
        change_id = cursor_key(self.change_table)
        change = next((c for c in self.data.changes if c.id == change_id), None)
        if change is None:
            return
        if change.status != ChangeStatus.OPEN:
            self.notify(f"{change.id} was already {change.status.value}", markup=False)
            return
        verb = "Approve" if approve else "Reject"
        records = self.services.records

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def done(result: ChangeRequest) -> None:
                self.notify(f"{result.id} {result.status.value}", markup=False)
                self.reload()

            job = WriteJob(
                f"{verb.lower()} {change.id}", lambda: records.decide_change(change.id, approve), done
            )
            shell_of(self.app).submit_write(job)

        from tui.dialogs.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(f"{verb} {change.id}: {change.title}?", yes=verb), answered)

    def _selected_milestone(self) -> MilestoneFacts | None:
        card_id = cursor_key(self.milestone_table)
        found = next((f for f in self.data.facts if f.card.id == card_id), None)
        if found is None:
            self.notify("No milestone selected: pick one in the milestone table", severity="warning")
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
                f"New acceptance criterion for {card.id}",
                [FormField("text", "Criterion", placeholder="what must be true to accept the milestone")],
                label="add the criterion",
                check=lambda values: clean_title(values["text"], "criterion"),
                write=lambda values: milestones.add_criterion(card.id, values["text"]),
                done=lambda result: f"{card.id} {result[1].id} added: {result[1].text}",
            )
        elif request.action == "accept":
            self._form_then_write(
                f"Accept {card.id} {request.criterion}",
                [FormField("evidence", "Evidence", placeholder="where the proof is (optional)")],
                label="accept the criterion",
                check=lambda values: clean_text(values["evidence"], "evidence", required=False),
                write=lambda values: milestones.accept(card.id, request.criterion, values["evidence"]),
                done=lambda result: f"{card.id} {result[1].id} accepted",
            )
        elif request.action == "waive":
            self._form_then_write(
                f"Waive {card.id} {request.criterion}",
                [FormField("reason", "Reason", placeholder="why it is not needed (kept on record)")],
                label="waive the criterion",
                check=lambda values: clean_text(values["reason"], "reason"),
                write=lambda values: milestones.waive(card.id, request.criterion, values["reason"]),
                done=lambda result: f"{card.id} {result[1].id} waived",
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
                    f"start the review of {card.id}",
                    lambda: milestones.review(card.id, tz=zone),
                    lambda meeting: f"{meeting.id} started: {meeting.title} (open it in Meetings, key 4)",
                )

        question = f"Start the review meeting of {card.id} {card.title} now?"
        self.app.push_screen(ConfirmModal(question, yes="Start review"), answered)

    def action_update_goal(self) -> None:
        """Record a SMART goal's measured value (dated; the history is kept)."""
        from tui.dialogs.fields import FormField

        project = self.data.project
        if project is None or not project.goals:
            self.notify("No SMART goals yet: g adds one", severity="warning")
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
                raise ValidationError(f"measured on: {exc}") from None

        def check(values: dict[str, str]) -> None:
            number = values["goal"].strip()
            if not number.isdigit() or not 1 <= int(number) <= len(project.goals):
                raise ValidationError(f"goal: give a number from 1 to {len(project.goals)}")
            clean_title(values["value"], "value")
            measured_on(values)

        self._form_then_write(
            "Record a goal's value",
            [
                FormField("goal", "Goal number", number, f"1 to {len(project.goals)}"),
                FormField("value", "Value", placeholder="measured now, e.g. 2 or 92%"),
                FormField("on", "Measured on", placeholder="today, or a date"),
            ],
            label="record the goal value",
            check=check,
            write=lambda values: closing.update_goal(values["goal"], values["value"], on=measured_on(values)),
            done=lambda goal: f"{goal.text}: {goal.actuals[-1].value} on {goal.actuals[-1].on}",
        )

    def action_close_project(self) -> None:
        """Close the project: lists what is open; closing anyway needs a reason, which is recorded."""
        from tui.dialogs.confirm import ConfirmModal
        from tui.dialogs.fields import FormField

        closing = self.services.closing
        items = self.data.open_items
        if self.data.project is not None and self.data.project.closed:
            self.notify("The project is already closed (read-only)", markup=False)
            return
        if not items:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write("close the project", lambda: closing.close(), lambda _r: "Project closed")

            self.app.push_screen(ConfirmModal("Nothing is open. Close the project?", yes="Close"), answered)
            return
        kinds: dict[str, int] = {}
        for item in items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}(s)" for kind, n in kinds.items())
        first = "; ".join(f"{i.id} {i.text}" for i in items[:3])
        self._form_then_write(
            f"{len(items)} items still open ({summary}): {first}…  Close anyway? They are handed over.",
            [FormField("reason", "Reason", placeholder="why the project closes with items open")],
            label="close the project",
            check=lambda values: clean_text(values["reason"], "reason"),
            write=lambda values: closing.close(force=True, reason=values["reason"]),
            done=lambda result: f"Project closed; {len(result[1])} open item(s) handed over",
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
