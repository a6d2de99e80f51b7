"""The plan's records tab: change requests, the decision log and the recent activity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, TabPane

from domain.models import ChangeStatus
from domain.services.records import impact_text
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tui.views.plan import PlanData

CHANGES_HINT = "Change requests (a approves, x rejects the selected open one)"
ACTIVITY_ROWS = 50
"""Recent changes shown on the records tab (``huddle activity --limit N`` shows more)."""


class PlanRecordsTab(TabPane):
    """Change requests, decisions and activity; the screen hands it each :class:`PlanData` via ``show``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="records-scroll"):
            yield Label(CHANGES_HINT, classes="section-title")
            yield DataTable(id="change-table", cursor_type="row", zebra_stripes=True)
            yield Label("Decision log, newest first", classes="section-title")
            yield DataTable(id="decision-table", cursor_type="row", zebra_stripes=True)
            yield Label(f"Recent activity, the last {ACTIVITY_ROWS} changes", classes="section-title")
            yield DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)

    def show(self, data: PlanData, styles: dict[str, Style], zone: ZoneInfo) -> None:
        status_styles = {
            ChangeStatus.OPEN: "warning",
            ChangeStatus.APPROVED: "success",
            ChangeStatus.REJECTED: "error",
        }
        table = self.query_one("#change-table", DataTable)
        selected = cursor_key(table)
        table.clear(columns=True)
        for key, label in (
            ("id", "ID"), ("status", "Status"), ("title", "Change"), ("impact", "Impact"),
            ("by", "Requested by"), ("when", "Requested"), ("decided", "Decided"),
        ):  # fmt: skip
            table.add_column(label, key=key)
        for change in data.changes:
            decided = (
                f"{change.decided_by} {change.decided_at.astimezone(zone):%Y-%m-%d}"
                if change.decided_at
                else "-"
            )
            if change.meeting_id:
                decided += f" in {change.meeting_id}"
            table.add_row(
                Text(change.id),
                Text(change.status.value, style=styles.get(status_styles.get(change.status, ""), "")),
                Text(change.title),
                Text(impact_text(change) + (f"; cards {', '.join(change.cards)}" if change.cards else "")),
                Text(change.requested_by or "-"),
                Text(f"{change.created_at.astimezone(zone):%Y-%m-%d}" if change.created_at else "-"),
                Text(decided),
                key=change.id,
            )
        if table.row_count == 0:
            table.add_row(
                Text("-"),
                Text(""),
                Text("No change requests yet (huddle change request --title ...)"),
                *[""] * 4,
            )
        fit_columns(table)
        restore_cursor(table, selected)
        decisions = self.query_one("#decision-table", DataTable)
        decisions.clear(columns=True)
        for key, label in (("when", "When"), ("meeting", "Meeting"), ("text", "Decision"), ("by", "By")):
            decisions.add_column(label, key=key)
        for decision in data.decisions:
            decisions.add_row(
                Text(f"{decision.at.astimezone(zone):%Y-%m-%d %H:%M}"),
                Text(decision.meeting_id or "-"),
                Text(decision.text),
                Text(decision.by or "-"),
                key=decision.id,
            )
        if decisions.row_count == 0:
            decisions.add_row(
                Text("-"), Text(""), Text("No decisions yet: record them in meeting mode (/d)."), Text("")
            )
        fit_columns(decisions)
        activity = self.query_one("#activity-table", DataTable)
        activity.clear(columns=True)
        for key, label in (
            ("when", "When"),
            ("who", "Who"),
            ("what", "What"),
            ("action", "Change"),
            ("detail", "Detail"),
        ):
            activity.add_column(label, key=key)
        for entry in data.activity:
            activity.add_row(
                Text(f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M}"),
                Text(f"{entry.user} ({entry.os_user})" if entry.os_user != entry.user else entry.user),
                Text(entry.entity_id),
                Text(entry.action),
                Text(entry.detail[:80]),
                key=entry.id,
            )
        fit_columns(activity)
