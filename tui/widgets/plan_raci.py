"""The plan's RACI tab: who is Responsible, Accountable, Consulted, Informed on each open card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static, TabPane

from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from tui.views.plan import PlanData

RACI_MAX_ROWS = 300
"""More rows than this are not a readable matrix: the screen asks to narrow by department."""


class PlanRaciTab(TabPane):
    """The RACI matrix, flagging cards without an Accountable or a Responsible."""

    def compose(self) -> ComposeResult:
        yield Static("", id="raci-summary")
        yield DataTable(id="raci-table", cursor_type="row", zebra_stripes=True)

    def show(self, data: PlanData, styles: dict[str, Style], dept: str, problems_only: bool) -> None:
        """Repaint the matrix of ``dept`` (empty: every department), only the problems if asked."""
        table = self.query_one("#raci-table", DataTable)
        selected = cursor_key(table)
        table.clear(columns=True)
        in_scope = [r for r in data.raci if not dept or r.card.dept == dept]
        matching = [r for r in in_scope if r.problems] if problems_only else in_scope
        shown = matching[:RACI_MAX_ROWS]
        handles = [p.handle for p in data.people if any(r.letters.get(p.handle) for r in shown)]
        table.add_column("Card", key="card")
        table.add_column("Title", key="title")
        for handle in handles:
            table.add_column(handle, key=f"person:{handle}")
        table.add_column("Problems", key="problems")
        error = styles.get("error", Style())
        for row in shown:
            table.add_row(
                Text(row.card.id),
                Text(row.card.title[:40]),
                *[Text(row.letters[h].center(3)) for h in handles],
                Text(", ".join(row.problems), style=error) if row.problems else Text("ok"),
                key=row.card.id,
            )
        fit_columns(table)
        restore_cursor(table, selected)
        flagged = sum(1 for r in in_scope if r.problems)
        where = dept or "all departments"
        parts: list[str | tuple[str, str]] = [
            (f"{flagged} of {len(in_scope)} open tasks", "bold"),
            f" in {where} have no Accountable or no Responsible.\n",
            ("R", "bold"), "esponsible ", ("A", "bold"), "ccountable ", ("C", "bold"), "onsulted ",
            ("I", "bold"), "nformed · ",
            "only tasks with problems" if problems_only else "all open tasks",
            " (p toggles) · d picks a department",
        ]  # fmt: skip
        if len(matching) > len(shown):
            parts.append(
                (f"\nShowing the first {len(shown)} of {len(matching)}: press d to narrow.", "$warning")
            )
        self.query_one("#raci-summary", Static).update(Content.assemble(*parts))
