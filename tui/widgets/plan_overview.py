"""The plan's overview tab: the project and its vision, the SMART goals, the milestones and reviews due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static, TabPane

from domain.rules import goal_progress
from domain.text import printable
from tui.views.plan import progress_bar
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tui.views.plan import PlanData

MILESTONE_HINT = "Milestones (enter opens the card, m its acceptance criteria, v starts its review)"


class PlanOverviewTab(TabPane):
    """Project, goals and milestones; the screen hands it each fresh :class:`PlanData` through ``show``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="overview-scroll"):
            yield Static("", id="project-summary")
            yield Label("SMART goals", classes="section-title")
            yield DataTable(id="goals-table", cursor_type="row", zebra_stripes=True)
            yield Label(MILESTONE_HINT, classes="section-title")
            yield Static("", id="reviews-due")
            yield DataTable(id="milestone-table", cursor_type="row", zebra_stripes=True)

    def show(self, data: PlanData, styles: dict[str, Style], zone: ZoneInfo) -> None:
        """Repaint from ``data`` (the milestone cursor stays on its row)."""
        project = data.project
        summary = self.query_one("#project-summary", Static)
        if project is None:
            summary.update("")
        else:
            vision = project.vision or "No vision written yet (huddle project set --vision ...)."
            closed: list[str | tuple[str, str]] = []
            if project.closed:
                when = f" on {project.closed_at.astimezone(zone):%Y-%m-%d}" if project.closed_at else ""
                reason = f": {printable(project.close_reason)}" if project.close_reason else ""
                closed = ["\n", (f"Closed{when} (read-only){reason}", "bold $warning")]
            summary.update(
                Content.assemble((project.name, "bold"), "\n", ("Vision: ", "$text-muted"), vision, *closed)
            )
        goals = self.query_one("#goals-table", DataTable)
        goals.clear(columns=True)
        for key, label in (
            ("goal", "Goal"),
            ("metric", "Metric"),
            ("target", "Target"),
            ("actual", "Actual"),
            ("progress", "Progress"),
            ("deadline", "Deadline"),
        ):
            goals.add_column(label, key=key)
        for n, goal in enumerate(project.goals if project else ()):
            if goal.deadline is None:
                deadline = Text("-")
            else:
                days = (goal.deadline - data.today).days
                when = (
                    f"{goal.deadline} ({days} days left)"
                    if days >= 0
                    else f"{goal.deadline} ({-days} days ago)"
                )
                deadline = Text(when, style=styles.get("error", "") if days < 0 else "")
            progress = goal_progress(goal)
            actual = Text(f"{progress.actual} ({progress.measured_on})" if progress.actual else "-")
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
            goals.add_row(Text("No SMART goals yet"), *[Text("")] * 5)
        fit_columns(goals)
        table = self.query_one("#milestone-table", DataTable)
        selected = cursor_key(table)
        table.clear(columns=True)
        for key, label in (
            ("id", "ID"), ("title", "Milestone"), ("dept", "Dept"), ("due", "Due"), ("progress", "Progress"),
            ("accepted", "Accepted"), ("slack", "Slack"), ("preds", "Predecessors"), ("status", "Status"),
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
                slack = Text(f"{fact.slack:+d}d" + (" critical" if fact.critical else ""), style=slack_style)
            preds = Text()
            for n, pred in enumerate(row.predecessors):
                if n:
                    preds.append(", ")
                style = styles.get("error", "") if pred.state == "late" else ""
                preds.append(f"{pred.card_id} {pred.state}", style=style)
            table.add_row(
                Text(card.id),
                Text(card.title),
                Text(card.dept),
                Text(card.due.isoformat() if card.due else "-"),
                Text(progress_bar(row.progress)),
                Text(accepted),
                slack,
                preds if row.predecessors else Text("-"),
                Text(row.status, style=styles.get(status_styles.get(row.status, ""), "")),
                key=card.id,
            )
        if table.row_count == 0:
            table.add_row(
                Text("-"), Text("No milestones yet: mark a card as a milestone on its board."), *[""] * 7
            )
        fit_columns(table)
        restore_cursor(table, selected)

    def _show_reviews_due(self, data: PlanData) -> None:
        due = [f for f in data.facts if f.review_due]
        line = self.query_one("#reviews-due", Static)
        if not due:
            line.update(Content.styled("No milestone review is due this week.", "$text-muted"))
            return
        parts: list[str | tuple[str, str]] = [("Reviews due: ", "bold $warning")]
        for n, fact in enumerate(due):
            if n:
                parts.append(" · ")
            parts.append((fact.card.id, "bold"))
            parts.append(f" {printable(fact.card.title)} ({fact.card.due})")
        self.query_one("#reviews-due", Static).update(Content.assemble(*parts))
