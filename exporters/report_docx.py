"""The project's close report: ``render_report_docx(report, ...) -> bytes``.

Pure: takes the ``CloseReport`` the closing service read, returns the bytes of a .docx; never reads
storage, config or the clock. Fonts, page numbers and the table look are the minutes' own helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from io import BytesIO
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Emu, Pt

from domain.errors import ValidationError
from domain.i18n import _, pgettext
from domain.models import Card, Person
from domain.rules import is_done, milestone_finished_at
from domain.services.closing import CloseReport
from domain.services.records import impact_text
from exporters._text import display_name, index_people, xml_safe, zone_of
from exporters.minutes_docx import (
    ACTION_HEADER,
    EAST_ASIA_FONT,
    EAST_ASIA_LANG,
    PAPERS,
    _add_page_numbers,
    _drop_template_leftovers,
    _has_cjk,
    _reproducible_zip,
    _set_page,
    _set_style_fonts,
    _Writer,
)

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

TABLE_FONT = Pt(9)
"""Tables are set a little smaller than the text so an ISO date fits a 2.4 cm column."""


def render_report_docx(
    report: CloseReport, *, now: datetime, tz: str, east_asia_font: str = EAST_ASIA_FONT, paper: str = "a4"
) -> bytes:
    """Return the close report of ``report.project`` as a .docx file (A4 unless ``paper="letter"``).

    Contract:
    - Sections in order: title block (project, vision, state, close reason, report date), SMART goals
      (target against the latest actual), milestones (planned against actual dates, acceptance), the
      acceptance criteria, decisions, change requests with their impact, risks that occurred, the
      retrospective (its three sections and its action items), open items handed over.
    - Every heading, table header and fixed text is in the current language (domain.i18n).
    - Every section appears; an empty one says "None." so a brand-new project is a valid document.
    - A milestone's actual date is the day it was finished (its last acceptance); "not done" otherwise.
    - Dates are calendar days in ``tz``; an unknown zone raises ValidationError.
    - Chinese text is set in ``east_asia_font`` (as in the minutes); "Page N of M" on every page.
    - Core properties: title, author (who closed it, else "Huddle"), created = the close (else ``now``),
      modified = ``now``; nothing of the template's remains (as in the minutes); zip entries are
      stamped ``now``, so one report rendered twice with the same ``now`` is byte-identical.
    - Page set-up and table sizing are the minutes' own: columns share the text width.
    """
    if paper not in PAPERS:
        raise ValidationError(f"paper {paper!r} is not one of: {', '.join(PAPERS)}")
    zone = zone_of(tz)
    people = index_people(report.people)
    doc: DocumentObject = Document()
    text_width = _set_page(doc, paper)
    _set_style_fonts(doc, east_asia_font)
    writer = _Writer(doc, east_asia_font, text_width)
    project = report.project

    def day(moment: datetime | None) -> str:
        return "—" if moment is None else moment.astimezone(zone).date().isoformat()

    title = writer.paragraph(_("Close report: {name}").format(name=project.name), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if project.closed:
        state = _("Closed on {day} by {person}").format(
            day=day(project.closed_at), person=display_name(project.closed_by, people) or "—"
        )
    else:
        state = _("Open (not closed yet)")
    writer.key_values(
        [
            (_("Project"), project.name),
            (_("Vision"), project.vision or "—"),
            (_("State"), state),
            (
                _("Close reason"),
                project.close_reason or ("—" if not report.open_items else _("none recorded")),
            ),
            (_("Report date"), now.astimezone(zone).date().isoformat()),
        ]
    )

    writer.heading(_("1. Goals: target and actual"), 1)
    goal_rows = []
    for goal, progress in report.goals:
        actual = progress.actual or _("not measured")
        if progress.measured_on is not None:
            actual += f" ({progress.measured_on.isoformat()})"
        share = "—" if progress.percent is None else f"{progress.percent}%"
        if progress.met:
            share += _(" met")
        goal_rows.append((goal.text, goal.target or "—", actual, share, _day(goal.deadline)))
    _grid(
        writer,
        (_("Goal"), _("Target"), _("Actual"), _("Progress"), _("Deadline")),
        goal_rows,
        (5.2, 2.4, 3.6, 2.4, 2.4),
    )

    writer.heading(_("2. Milestones: planned and actual"), 1)
    rows = []
    for card in report.milestones:
        accepted = sum(1 for c in card.criteria if c.state == "accepted")
        waived = sum(1 for c in card.criteria if c.state == "waived")
        if card.criteria:
            acceptance = f"{accepted + waived}/{len(card.criteria)}" + (
                _(" ({waived} waived)").format(waived=waived) if waived else ""
            )
        else:
            acceptance = _("no criteria")
        finished = milestone_finished_at(card)
        actual = day(finished) if finished else (_("awaiting acceptance") if is_done(card) else _("not done"))
        rows.append((card.id, card.title, _day(card.due), actual, acceptance))
    _grid(
        writer,
        (_("ID"), _("Milestone"), _("Planned"), _("Actual"), _("Accepted")),
        rows,
        (1.8, 5.8, 2.4, 3.0, 3.0),
    )

    writer.heading(_("Acceptance criteria"), 2)
    crit_rows = []
    for card in report.milestones:
        for crit in card.criteria:
            if crit.state == "accepted":
                how = f"{display_name(crit.accepted_by, people)}, {day(crit.accepted_at)}"
                note = crit.evidence or "—"
            elif crit.state == "waived":
                how = _("waived by {person}, {day}").format(
                    person=display_name(crit.accepted_by, people), day=day(crit.accepted_at)
                )
                note = crit.waive_reason
            else:
                how, note = pgettext("criterion", "open"), "—"
            crit_rows.append((f"{card.id} {crit.id}", crit.text, how, note))
    _grid(
        writer,
        (_("Criterion"), _("Text"), _("Accepted"), _("Evidence or reason")),
        crit_rows,
        (2.6, 5.4, 4.0, 4.0),
    )

    writer.heading(_("3. Decisions"), 1)
    _grid(
        writer,
        (_("Date"), _("Meeting"), _("Decision")),
        [(day(d.at), d.meeting_id or "—", d.text) for d in report.decisions],
        (2.4, 2.0, 11.6),
    )

    writer.heading(_("4. Change requests and their impact"), 1)
    _grid(
        writer,
        (_("ID"), _("Change"), _("Status"), _("Impact"), _("Decided"), _("Cards")),
        [
            (
                c.id,
                c.title,
                c.status.value,
                impact_text(c),
                f"{c.meeting_id or '—'} {day(c.decided_at)}" if c.decided_at else "—",
                ", ".join(c.cards) or "—",
            )
            for c in report.changes
        ],
        (1.6, 3.6, 2.2, 4.4, 2.4, 1.8),
    )

    writer.heading(_("5. Risks that occurred"), 1)
    _grid(
        writer,
        (_("ID"), _("Risk"), _("Owner"), _("Score"), _("Response")),
        [
            (
                r.id,
                r.title,
                display_name(r.owner, people) or "—",
                "—" if r.score is None else str(r.score),
                "; ".join(x for x in (r.mitigation, r.contingency) if x) or "—",
            )
            for r in report.occurred_risks
        ],
        (1.6, 5.0, 3.2, 1.4, 4.8),
    )

    writer.heading(_("6. Retrospective"), 1)
    if report.retro is None:
        writer.paragraph(_("None: no retrospective meeting was held (huddle meeting start --kind retro)."))
    else:
        writer.paragraph(f"{report.retro.title} ({report.retro.id}, {day(report.retro.start)})")
        for section, entries in report.retro_sections:
            writer.heading(section, 2)
            if not entries:
                writer.paragraph(_("None."))
            for entry in entries:
                writer.paragraph(entry.text, style="List Bullet")
        writer.heading(_("Actions from the retrospective"), 2)
        _action_table(writer, report.retro_actions, people)

    writer.heading(_("7. Open items handed over"), 1)
    owners = {c.id: c.owner for c in report.cards}
    _grid(
        writer,
        (_("Kind"), _("ID"), _("What"), _("Owner")),
        [
            (item.kind, item.id, item.text, display_name(owners.get(item.id.split("/")[0]), people) or "—")
            for item in report.open_items
        ],
        (2.0, 2.6, 8.0, 3.4),
    )

    _add_page_numbers(doc, writer)
    _set_properties(doc, report, people, now)
    _drop_template_leftovers(doc)
    out = BytesIO()
    doc.save(out)
    return _reproducible_zip(out.getvalue(), now)


def _day(value: date | None) -> str:
    return "—" if value is None else value.isoformat()


def _grid(
    writer: _Writer, header: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float]
) -> None:
    """A grid table whose columns share the text width by ``shares``, with a bold header row repeated
    on each page; "None." when there are no rows."""
    if not rows:
        writer.paragraph(_("None."))
        return
    doc = writer.doc
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    total = sum(shares)
    widths = [Emu(int(writer.text_width * share / total)) for share in shares]
    widths[-1] = Emu(writer.text_width - sum(widths[:-1]))
    writer._size(table, widths)
    for row, values in zip(table.rows, [header, *rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            writer.run(paragraph, value, bold=values is header)
            paragraph.runs[-1].font.size = TABLE_FONT
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _action_table(writer: _Writer, cards: Sequence[Card], people: Mapping[str, Person]) -> None:
    _grid(
        writer,
        tuple(_(h) for h in ACTION_HEADER),
        [
            (
                c.title,
                display_name(c.owner, people) or "—",
                _day(c.due),
                c.id,
                _("done") if is_done(c) else c.column,
            )
            for c in cards
        ],
        (5.6, 3.6, 2.6, 2.0, 2.2),
    )


def _set_properties(
    doc: DocumentObject, report: CloseReport, people: Mapping[str, Person], now: datetime
) -> None:
    """Title, author and dates from the project; python-docx wants naive UTC datetimes."""
    project = report.project
    closer = people.get(project.closed_by)
    author = closer.name if closer else (project.closed_by or "Huddle")
    props = doc.core_properties
    props.title = xml_safe(_("Close report: {name}").format(name=project.name))
    props.subject = xml_safe(project.name)
    props.author = xml_safe(author)
    props.last_modified_by = xml_safe(author)
    props.comments = _("Project close report")
    props.keywords = _("close report")
    props.category = _("Report")
    if _has_cjk(project.name):
        props.language = EAST_ASIA_LANG
    props.revision = 1
    created = project.closed_at or now
    props.created = created.astimezone(UTC).replace(tzinfo=None)
    props.modified = now.astimezone(UTC).replace(tzinfo=None)


__all__ = ["render_report_docx"]
