"""Import from a file and table exports, started from the boards and risks screens.

Importing: a small form asks for the file (and, optionally, the department); the file is read and
planned in a thread; the plan is shown; only "Apply" sends the import to the app's write queue, where
it runs in one transaction. Exporting: the format is asked, the table rendered and written in a
thread to the current folder (an existing file is kept: a numbered copy is written beside it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import HuddleError
from domain.i18n import _

if TYPE_CHECKING:
    from textual.screen import Screen

    from importers.model import SourceBatch
    from tui.wiring import Context


def start_import(screen: Screen[Any], context: Context, current_dept: str | None) -> None:
    """Ask for the file to import, then show its plan."""
    from tui.dialogs.fields import FieldsModal, FormField

    def chosen(values: dict[str, str] | None) -> None:
        if values and values["file"].strip():
            path = Path(values["file"].strip()).expanduser()
            plan_file(screen, context, path, values["dept"].strip() or None, current_dept)

    fields = [
        FormField("file", _("File"), placeholder=_("tasks.xlsx, board.json (Trello), jira.csv ...")),
        FormField("dept", _("Department"), placeholder=_("(the file's, the Trello board's or this board's)")),
    ]
    screen.app.push_screen(FieldsModal(_("Import cards from a file"), fields), chosen)


def plan_file(
    screen: Screen[Any], context: Context, path: Path, dept: str | None, current_dept: str | None
) -> None:
    """Read and plan ``path`` in a thread, then offer the plan."""

    def read() -> None:
        from importers import guess_kind, read_file, read_source
        from importers.plan import plan_import

        try:
            data = read_file(path)
            batch = read_source(guess_kind(path, data), data, path.name, zone=context.zone)
            target = dept or (None if _names_departments(batch) else current_dept)
            plan = plan_import(batch, context.services.store.snapshot(), dept=target)
        except HuddleError as exc:
            screen.app.call_from_thread(screen.notify, str(exc), severity="error", timeout=15, markup=False)
            return
        changes = plan.count("create") + plan.count("update") > 0
        screen.app.call_from_thread(offer, batch, target, plan.lines(), changes)

    def offer(batch: SourceBatch, target: str | None, lines: list[str], changes: bool) -> None:
        from tui.dialogs.import_plan import ImportPlanModal

        def answered(apply: bool | None) -> None:
            if apply:
                apply_plan(screen, context, batch, target)

        screen.app.push_screen(ImportPlanModal(lines, changes=changes), answered)

    screen.run_worker(read, thread=True, group="import", exit_on_error=False)


def _names_departments(batch: SourceBatch) -> bool:
    return batch.default_dept is not None or all(item.dept for item in batch.items)


def apply_plan(screen: Screen[Any], context: Context, batch: SourceBatch, dept: str | None) -> None:
    """Apply the import through the app's write queue (one transaction; planned again against the
    data as it is then, so a change made meanwhile is respected)."""
    from importers.plan import ImportPlan, apply_import, summary
    from tui.shell import WriteJob, shell_of

    def run() -> ImportPlan:
        return apply_import(context.services, batch, dept=dept)

    def done(plan: ImportPlan) -> None:
        screen.notify(
            summary(plan), title=_("Imported {name}").format(name=batch.name), timeout=10, markup=False
        )

    shell_of(screen.app).submit_write(WriteJob(_("import {name}").format(name=batch.name), run, done))


def offer_table_export(screen: Screen[Any], context: Context, what: str, dept: str | None = None) -> None:
    """Ask for the format, then write ``what`` (cards of ``dept``, or the risk register)."""
    from tui.dialogs.export_format import ExportFormatModal

    def chosen(fmt: str | None) -> None:
        if fmt:
            export_table(screen, context, what, fmt, dept)

    if what == "cards" and dept:
        label = _("the {dept} board").format(dept=dept)
    elif what == "risks":
        label = _("the risk register")
    elif what == "cards":
        label = _("cards")
    else:
        label = what
    screen.app.push_screen(ExportFormatModal(label), chosen)


def export_table(screen: Screen[Any], context: Context, what: str, fmt: str, dept: str | None) -> None:
    """Render and write the table in a thread; one notification names the file."""
    from tui.jobs.outbound import run_outbound, write_beside

    def work() -> tuple[str, str]:
        from outbound.exporting import export_of
        from outbound.tables import table_export

        export = export_of(table_export(context.services, what, fmt, now=context.clock(), dept=dept), what)
        written = write_beside(export, export.default_name)
        return _("Exported"), f"{export.description} → {written.resolve()}"

    if what == "cards":
        started = _("Exporting cards…")
    elif what == "risks":
        started = _("Exporting risks…")
    else:
        started = _("Exporting {what}…").format(what=what)
    run_outbound(screen, started, work)
