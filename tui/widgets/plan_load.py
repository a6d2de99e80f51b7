"""The plan's load tab: open cards per person and department, flagging people spread across departments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static, TabPane

from tui.widgets.tables import fit_columns

if TYPE_CHECKING:
    from tui.views.plan import PlanData


class PlanLoadTab(TabPane):
    """Per-person load; the screen hands it each fresh :class:`PlanData` through ``show``."""

    def compose(self) -> ComposeResult:
        yield Static("", id="load-summary")
        yield DataTable(id="load-table", cursor_type="row", zebra_stripes=True)

    def show(self, data: PlanData, styles: dict[str, Style]) -> None:
        table = self.query_one("#load-table", DataTable)
        table.clear(columns=True)
        depts = [d.name for d in data.departments]
        names = {p.handle: p for p in data.people}
        table.add_column("Person", key="person")
        table.add_column("Home dept", key="home")
        for dept in depts:
            table.add_column(dept, key=f"dept:{dept}")
        table.add_column("Open cards", key="total")
        table.add_column("Note", key="note")
        rows = data.load
        for row in rows:
            person = names.get(row.handle)
            label = f"{person.name} ({row.handle})" if person else row.handle
            note = f"works in {row.departments} departments" if row.departments > 1 else ""
            table.add_row(
                Text(label),
                Text(person.dept or "-" if person else "-"),
                *[Text(str(row.per_dept.get(d, 0) or "")) for d in depts],
                Text(str(row.total)),
                Text(note, style=styles.get("warning", "") if note else ""),
                key=row.handle,
            )
        fit_columns(table)
        spread = sum(1 for r in rows if r.departments > 1)
        self.query_one("#load-summary", Static).update(
            Content.assemble(
                (f"{len(rows)} people own open cards", "bold"),
                f"; {spread} across more than one department." if spread else ".",
            )
        )
