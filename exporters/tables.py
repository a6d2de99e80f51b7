"""Tables (cards, risks, RACI) as CSV, .xlsx or Markdown, and a meeting's minutes as Markdown. Bytes out.

CSV is written for Excel: UTF-8 with a byte-order mark (without it Excel reads UTF-8 Chinese text as
the local code page), CRLF line ends, every cell that needs it quoted. A cell starting with ``=``,
``+``, ``-`` or ``@`` gets a leading apostrophe, so a title can never run as a spreadsheet formula;
the importer takes it off again. The headers are the ones ``huddle import csv`` recognises, so an
export can be edited in a spreadsheet and imported back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.i18n import _, pgettext
from domain.models import Card, Meeting, Person, Risk
from domain.rules import raci_problems
from exporters._text import display_name, index_people, wall_clock, xml_safe, zone_of

FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class Table:
    """A titled grid of text cells, the same for every format."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


CARD_HEADERS = ("ID", "Title", "Department", "Column", "Owner", "Due", "Start", "Priority", "Tags",
                "Blocked by", "Parent", "Milestone", "Estimate", "Progress", "Description")  # fmt: skip


def cards_table(cards: Iterable[Card], *, title: str = "Cards") -> Table:
    """One row per card, in the order given."""
    rows = tuple(
        (
            c.id,
            c.title,
            c.dept,
            c.column,
            c.owner or "",
            _d(c.due),
            _d(c.start),
            c.priority.value,
            ", ".join(c.tags),
            " ".join(c.blocked_by),
            c.parent or "",
            "yes" if c.milestone else "",
            _num(c.estimate),
            str(c.progress),
            c.description,
        )
        for c in cards
    )
    return Table(title, CARD_HEADERS, rows)


def risks_table(risks: Iterable[Risk], *, title: str = "Risk register") -> Table:
    """The risk register: scores before and after mitigation, the response, review date, links."""
    headers = ("ID", "Title", "Probability", "Impact", "Score", "Residual probability", "Residual impact",
               "Residual score", "Owner", "Status", "Category", "Review date", "Mitigation", "Contingency",
               "Trigger", "Linked cards", "Description")  # fmt: skip
    rows = tuple(
        (
            r.id,
            r.title,
            _num(r.probability),
            _num(r.impact),
            _num(r.score),
            _num(r.residual_probability),
            _num(r.residual_impact),
            _num(r.residual_score),
            r.owner or "",
            r.status.value,
            r.category,
            _d(r.review_date),
            r.mitigation,
            r.contingency,
            r.trigger,
            " ".join(r.linked_cards),
            r.description,
        )
        for r in risks
    )
    return Table(title, headers, rows)


def raci_table(cards: Iterable[Card], *, title: str = "RACI matrix") -> Table:
    """Who is Responsible, Accountable, Consulted and Informed per card, and what is missing."""
    headers = ("ID", "Title", "Department", "Responsible", "Accountable", "Consulted", "Informed", "Missing")
    rows = tuple(
        (
            c.id,
            c.title,
            c.dept,
            ", ".join(c.responsible or ((c.owner,) if c.owner else ())),
            c.accountable or "",
            ", ".join(c.consulted),
            ", ".join(c.informed),
            ", ".join(raci_problems(c)),
        )
        for c in cards
    )
    return Table(title, headers, rows)


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(table: Table) -> bytes:
    """The table as CSV that Excel opens correctly: UTF-8 with BOM, CRLF, quoted where needed."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(_csv_cell(xml_safe(cell)) for cell in row)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def render_xlsx(table: Table, *, created: datetime | None = None) -> bytes:
    """The table as one worksheet: bold frozen header, every cell text (never a formula)."""
    from openpyxl import Workbook  # deferred: a large import, needed only for .xlsx
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(table.title)
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table.rows, start=2):
        for column, text in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = xml_safe(text)
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column, header in enumerate(table.headers, start=1):
        width = max([_width(header), *(_width(r[column - 1]) for r in table.rows)])
        sheet.column_dimensions[get_column_letter(column)].width = min(60, width + 2)
    book.properties.title = table.title
    book.properties.creator = "Huddle"
    if created is not None:
        book.properties.created = created.replace(tzinfo=None)
        book.properties.modified = created.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\``."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet"
    return cleaned[:31]


def _width(text: str) -> int:
    import unicodedata

    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _md(text: str) -> str:
    """A Markdown table cell: pipes escaped, line breaks as ``<br>``."""
    return xml_safe(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def render_markdown(table: Table) -> bytes:
    """The table as a GitHub-flavoured Markdown table under a heading."""
    lines = [f"# {_md(table.title)}", ""]
    if not table.rows:
        lines.append("(none)")
    else:
        lines.append("| " + " | ".join(_md(h) for h in table.headers) + " |")
        lines.append("|" + "|".join(" --- " for _header in table.headers) + "|")
        lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_meeting_markdown(
    meeting: Meeting,
    *,
    people: Sequence[Person] | Mapping[str, Person],
    action_cards: Mapping[str, Card | None],
) -> bytes:
    """A meeting's minutes as Markdown: when and where, attendees, agenda with notes, decisions, actions;
    labels and headings in the current language (domain.i18n)."""
    directory = index_people(people)
    zone = zone_of(meeting.tz)
    lines = [f"# {_line(meeting.title)}", ""]

    def field(label: str, value: str) -> str:
        return f"- **{_('{label}: ').format(label=label).rstrip()}** {value}"

    lines.append(
        field(_("When"), f"{wall_clock(meeting.held_from, zone)} ({meeting.tz})")
    )  # when it was held
    if meeting.place:
        lines.append(field(_("Where"), _line(meeting.place)))
    if meeting.series:
        lines.append(field(_("Series"), _line(meeting.series)))
    present = [display_name(a.handle, directory) for a in meeting.attendees if a.present]
    absent = [display_name(a.handle, directory) for a in meeting.attendees if not a.present]
    separator = pgettext("list separator", ", ")
    lines.append(field(_("Present"), separator.join(present) or "-"))
    if absent:
        lines.append(field(_("Absent"), separator.join(absent)))
    notes = [n for n in meeting.notes if n.kind in ("note", "risk")]
    lines += ["", f"## {_('Agenda')}", ""]
    for index, item in enumerate(meeting.agenda):
        lines.append(
            _("{number}. {title} ({minutes} min)").format(
                number=index + 1, title=_line(item.title), minutes=item.minutes
            )
        )
        lines.extend(f"   - {_line(n.text)}" for n in notes if n.agenda_index == index)
    loose = [n for n in notes if n.agenda_index is None or n.agenda_index >= len(meeting.agenda)]
    if loose:
        lines += ["", f"## {_('Notes')}", ""]
        lines.extend(f"- {_line(n.text)}" for n in loose)
    lines += ["", f"## {_('Decisions')}", ""]
    lines.extend(f"- {_line(d.text)}" for d in meeting.decisions)
    if not meeting.decisions:
        lines.append(_("(none)"))
    lines += ["", f"## {_('Action items')}", ""]
    if meeting.actions:
        header = (_("Card"), _("Action"), _("Owner"), _("Due"), _("State"))
        lines += ["| " + " | ".join(header) + " |", "| --- | --- | --- | --- | --- |"]
        for action in meeting.actions:
            card = action_cards.get(action.card_id)
            state = card.column if card else _("deleted")
            lines.append(
                f"| {action.card_id} | {_md(action.text)} | {_md(display_name(action.owner, directory))} | "
                f"{_d(action.due)} | {_md(state)} |"
            )
    else:
        lines.append(_("(none)"))
    if meeting.next_start and not meeting.next_cancelled:
        when = f"{wall_clock(meeting.next_start, zone)} ({meeting.tz})"
        lines += ["", f"**{_('{label}: ').format(label=_('Next meeting')).rstrip()}** {when}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _line(text: str) -> str:
    """One-line Markdown text: line breaks kept as Markdown hard breaks."""
    return xml_safe(text).replace("\n", "  \n   ")
