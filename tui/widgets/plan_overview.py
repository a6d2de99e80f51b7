"""The plan's overview tab: the project and its vision, the SMART goals, the milestones and reviews due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static, TabPane

from domain.dates import format_day
from domain.i18n import N_, _, ngettext, pgettext
from domain.rules import goal_progress
from domain.text import printable
from tui.views.plan import progress_bar, slack_text, state_text
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tui.views.plan import PlanData

MILESTONE_HINT = N_("Milestones (enter opens the card, m its acceptance criteria, v starts its review)")


GOAL_PRIORITY = ("goal", "deadline", "progress", "target", "actual", "metric")
"""The goals' columns, most important first: the goal's text shrinks before the deadline is cut."""
MILESTONE_PRIORITY = ("id", "title", "due", "status", "slack", "progress", "accepted", "dept", "preds")
"""The milestone table's columns, most important first (narrow terminals drop from the end)."""


class PlanOverviewTab(TabPane):
    """Project, goals and milestones; the screen hands it each fresh :class:`PlanData` through ``show``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="overview-scroll"):
            yield Static("", id="project-summary")
            yield Label(_("SMART goals"), classes="section-title")
            yield DataTable(id="goals-table", cursor_type="row", zebra_stripes=True)
            yield Label(_(MILESTONE_HINT), classes="section-title")
            yield Static("", id="reviews-due")
            yield DataTable(id="milestone-table", cursor_type="row", zebra_stripes=True)

    def show(self, data: PlanData, styles: dict[str, Style], zone: ZoneInfo) -> None:
        """Repaint from ``data`` (the milestone cursor stays on its row)."""
        project = data.project
        summary = self.query_one("#project-summary", Static)
        if project is None:
            summary.update("")
        else:
            vision = project.vision or _("No vision written yet (huddle project set --vision ...).")
            closed: list[str | tuple[str, str]] = []
            if project.closed:
                if project.closed_at:
                    note = _("Closed on {date} (read-only)").format(
                        date=format_day(project.closed_at.astimezone(zone).date(), today=data.today)
                    )
                else:
                    note = _("Closed (read-only)")
                if project.close_reason:
                    note = _("{note}: {reason}").format(note=note, reason=printable(project.close_reason))
                closed = ["\n", (note, "bold $warning")]
            summary.update(
                Content.assemble(
                    (project.name, "bold"), "\n", (_("Vision: "), "$text-muted"), vision, *closed
                )
            )
        goals = self.query_one("#goals-table", DataTable)
        goals.clear(columns=True)
        for key, label in (
            ("goal", _("Goal")),
            ("metric", _("Metric")),
            ("target", _("Target")),
            ("actual", _("Actual")),
            ("progress", _("Progress")),
            ("deadline", _("Deadline")),
        ):
            goals.add_column(label, key=key)
        for n, goal in enumerate(project.goals if project else ()):
            if goal.deadline is None:
                deadline = Text("-")
            else:
                days = (goal.deadline - data.today).days
                day = format_day(goal.deadline, today=data.today)
                when = (
                    ngettext("{date} ({n} day left)", "{date} ({n} days left)", days).format(date=day, n=days)
                    if days >= 0
                    else ngettext("{date} ({n} day ago)", "{date} ({n} days ago)", -days).format(
                        date=day, n=-days
                    )
                )
                deadline = Text(when, style=styles.get("error", "") if days < 0 else "")
            progress = goal_progress(goal)
            measured = format_day(progress.measured_on, today=data.today) if progress.measured_on else "-"
            actual = Text(f"{progress.actual} ({measured})" if progress.actual else "-")
            if progress.percent is None:
                bar = Text("-")
            else:
                bar = Text(
                    progress_bar(progress.percent, 8), style=styles.get("success", "") if progress.met else ""
                )
            goals.add_row(
                Text(goal.text), Text(goal.metric), Text(goal.target), actual, bar, deadline, key=str(n)
            )
        if goals.row_count == 0:
            goals.add_row(Text(_("No SMART goals yet")), *[Text("")] * 5)
        fit_columns(goals, priority=GOAL_PRIORITY, shrink="goal")
        table = self.query_one("#milestone-table", DataTable)
        selected = cursor_key(table)
        table.clear(columns=True)
        for key, label in (
            ("id", _("ID")), ("title", _("Milestone")), ("dept", _("Dept")), ("due", _("Due")),
            ("progress", _("Progress")), ("accepted", _("Accepted")), ("slack", _("Slack")),
            ("preds", _("Predecessors")), ("status", _("Status")),
        ):  # fmt: skip
            table.add_column(label, key=key)
        status_styles = {
            "late": "error",
            "at risk": "warning",
            "done": "success",
            "awaiting acceptance": "warning",
        }
        facts = {f.card.id: f for f in data.facts}
        self._show_reviews_due(data)
        for row in data.milestones:
            card = row.card
            fact = facts.get(card.id)
            accepted = f"{fact.accepted}/{fact.total}" if fact and fact.total else "-"
            if fact is None or fact.slack is None:
                slack = Text("-")
            else:
                slack_style = (
                    styles.get("error", "")
                    if fact.slack < 0
                    else styles.get("warning", "")
                    if fact.critical
                    else ""
                )
                text = (
                    _("{slack} critical").format(slack=slack_text(fact.slack))
                    if fact.critical
                    else slack_text(fact.slack)
                )
                slack = Text(text, style=slack_style)
            preds = Text()
            for n, pred in enumerate(row.predecessors):
                if n:
                    preds.append(pgettext("list separator", ", "))
                style = styles.get("error", "") if pred.state == "late" else ""
                preds.append(f"{pred.card_id} {state_text(pred.state)}", style=style)
            table.add_row(
                Text(card.id),
                Text(card.title),
                Text(card.dept),
                Text(format_day(card.due, today=data.today) if card.due else "-"),
                Text(progress_bar(row.progress)),
                Text(accepted),
                slack,
                preds if row.predecessors else Text("-"),
                Text(state_text(row.status), style=styles.get(status_styles.get(row.status, ""), "")),
                key=card.id,
            )
        if table.row_count == 0:
            table.add_row(
                Text("-"), Text(_("No milestones yet: mark a card as a milestone on its board.")), *[""] * 7
            )
        fit_columns(table, priority=MILESTONE_PRIORITY, shrink="title")
        restore_cursor(table, selected)

    def _show_reviews_due(self, data: PlanData) -> None:
        due = [f for f in data.facts if f.review_due]
        line = self.query_one("#reviews-due", Static)
        if not due:
            line.update(Content.styled(_("No milestone review is due this week."), "$text-muted"))
            return
        parts: list[str | tuple[str, str]] = [(_("Reviews due: "), "bold $warning")]
        for n, fact in enumerate(due):
            if n:
                parts.append(" · ")
            parts.append((fact.card.id, "bold"))
            day = format_day(fact.card.due, today=data.today) if fact.card.due else "-"
            parts.append(f" {printable(fact.card.title)} ({day})")
        self.query_one("#reviews-due", Static).update(Content.assemble(*parts))
