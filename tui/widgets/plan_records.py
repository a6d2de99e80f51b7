"""The plan's records tab: change requests, the decision log and the recent activity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, TabPane

from domain.dates import format_day, format_moment
from domain.i18n import N_, _
from domain.models import ChangeStatus
from domain.services.records import impact_text
from tui.views.plan import activity_text, change_status_text
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tui.views.plan import PlanData

CHANGES_HINT = N_("Change requests (a approves, x rejects the selected open one)")
ACTIVITY_ROWS = 50
"""Recent changes shown on the records tab (``huddle activity --limit N`` shows more)."""


class PlanRecordsTab(TabPane):
    """Change requests, decisions and activity; the screen hands it each :class:`PlanData` via ``show``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="records-scroll"):
            yield Label(_(CHANGES_HINT), classes="section-title")
            yield DataTable(id="change-table", cursor_type="row", zebra_stripes=True)
            yield Label(_("Decision log, newest first"), classes="section-title")
            yield DataTable(id="decision-table", cursor_type="row", zebra_stripes=True)
            yield Label(
                _("Recent activity, the last {n} changes").format(n=ACTIVITY_ROWS), classes="section-title"
            )
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
            ("id", _("ID")), ("status", _("Status")), ("title", _("Change")), ("impact", _("Impact")),
            ("by", _("Requested by")), ("when", _("Requested")), ("decided", _("Decided")),
        ):  # fmt: skip
            table.add_column(label, key=key)
        for change in data.changes:
            decided = "-"
            if change.decided_at:
                day = format_day(change.decided_at.astimezone(zone).date(), today=data.today)
                decided = f"{change.decided_by} {day}"
            if change.meeting_id:
                decided = _("{decided} in {meeting}").format(decided=decided, meeting=change.meeting_id)
            table.add_row(
                Text(change.id),
                Text(
                    change_status_text(change.status),
                    style=styles.get(status_styles.get(change.status, ""), ""),
                ),
                Text(change.title),
                Text(
                    _("{impact}; cards {cards}").format(
                        impact=impact_text(change), cards=", ".join(change.cards)
                    )
                    if change.cards
                    else impact_text(change)
                ),
                Text(change.requested_by or "-"),
                Text(
                    format_day(change.created_at.astimezone(zone).date(), today=data.today)
                    if change.created_at
                    else "-"
                ),
                Text(decided),
                key=change.id,
            )
        if table.row_count == 0:
            table.add_row(
                Text("-"),
                Text(""),
                Text(_("No change requests yet (huddle change request --title ...)")),
                *[""] * 4,
            )
        fit_columns(table)
        restore_cursor(table, selected)
        decisions = self.query_one("#decision-table", DataTable)
        decisions.clear(columns=True)
        for key, label in (
            ("when", _("When")),
            ("meeting", _("Meeting")),
            ("text", _("Decision")),
            ("by", _("By")),
        ):
            decisions.add_column(label, key=key)
        for decision in data.decisions:
            decisions.add_row(
                Text(format_moment(decision.at, zone, today=data.today)),
                Text(decision.meeting_id or "-"),
                Text(decision.text),
                Text(decision.by or "-"),
                key=decision.id,
            )
        if decisions.row_count == 0:
            decisions.add_row(
                Text("-"), Text(""), Text(_("No decisions yet: record them in meeting mode (/d).")), Text("")
            )
        fit_columns(decisions)
        activity = self.query_one("#activity-table", DataTable)
        activity.clear(columns=True)
        for key, label in (
            ("when", _("When")),
            ("who", _("Who")),
            ("what", _("What")),
            ("action", _("Change")),
            ("detail", _("Detail")),
        ):
            activity.add_column(label, key=key)
        for entry in data.activity:
            activity.add_row(
                Text(format_moment(entry.at, zone, today=data.today)),
                Text(f"{entry.user} ({entry.os_user})" if entry.os_user != entry.user else entry.user),
                Text(entry.entity_id),
                Text(activity_text(entry.action)),
                Text(entry.detail[:80]),
                key=entry.id,
            )
        fit_columns(activity)
