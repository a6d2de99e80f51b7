"""The plan's RACI tab: who is Responsible, Accountable, Consulted, Informed on each open card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static, TabPane

from domain.i18n import _, pgettext
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from tui.views.plan import PlanData

RACI_MAX_ROWS = 300
"""More rows than this are not a readable matrix: the screen asks to narrow by department."""


RACI_PRIORITY = ("card", "problems", "person:*", "title")
"""The matrix's columns, most important first: the title shrinks, then goes, before any person."""


def problem_text(problem: str) -> str:
    """A RACI problem as :func:`domain.rules.raci_problems` states it, in the current language."""
    texts = {"no Accountable": _("no Accountable"), "no Responsible": _("no Responsible")}
    return texts.get(problem, problem)


def raci_legend() -> list[str | tuple[str, str]]:
    """``R``esponsible ``A``ccountable ... with the letters in bold; a language whose word does not
    start with the letter gets the letter, then the word (``R 执行``)."""
    parts: list[str | tuple[str, str]] = []
    for letter, word in (
        ("R", _("Responsible")), ("A", _("Accountable")), ("C", _("Consulted")), ("I", _("Informed")),
    ):  # fmt: skip
        parts.append((letter, "bold"))
        parts.append(f"{word[1:]} " if word.startswith(letter) else f" {word} ")
    parts.append("· ")
    return parts


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
        table.add_column(_("Card"), key="card")
        table.add_column(_("Title"), key="title")
        for handle in handles:
            table.add_column(handle, key=f"person:{handle}")
        table.add_column(_("Problems"), key="problems")
        error = styles.get("error", Style())
        for row in shown:
            table.add_row(
                Text(row.card.id),
                Text(set_cell_size(row.card.title, 40).rstrip()),  # cut in cells: titles may be Chinese
                *[Text(row.letters[h].center(3)) for h in handles],
                Text(
                    pgettext("list separator", ", ").join(problem_text(p) for p in row.problems), style=error
                )
                if row.problems
                else Text(_("ok")),
                key=row.card.id,
            )
        fit_columns(table, priority=RACI_PRIORITY, shrink="title")
        restore_cursor(table, selected)
        flagged = sum(1 for r in in_scope if r.problems)
        where = dept or _("all departments")
        parts: list[str | tuple[str, str]] = [
            (_("{flagged} of {total} open tasks").format(flagged=flagged, total=len(in_scope)), "bold"),
            _(" in {where} have no Accountable or no Responsible.").format(where=where), "\n",
            *raci_legend(),
            _("only tasks with problems") if problems_only else _("all open tasks"),
            _(" (p toggles) · d picks a department"),
        ]  # fmt: skip
        if len(matching) > len(shown):
            parts.append(
                (
                    _("\nShowing the first {shown} of {total}: press d to narrow.").format(
                        shown=len(shown), total=len(matching)
                    ),
                    "$warning",
                )
            )
        self.query_one("#raci-summary", Static).update(Content.assemble(*parts))
