"""Word minutes of a meeting: ``render_minutes_docx(meeting, ...) -> bytes``.

Pure: takes domain objects, returns the bytes of a .docx; never reads storage, config or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from domain.models import Card, EntryKind, Meeting, MinuteEntry, Person
from domain.rules import is_done
from exporters._text import display_name, index_people, offset_label, wall_clock, xml_safe, zone_of

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph

LATIN_FONT = "Calibri"
EAST_ASIA_FONT = "Microsoft YaHei"
"""Chinese typeface named in the document; Word on Windows has it, LibreOffice substitutes a zh-CN font."""
EAST_ASIA_LANG = "zh-CN"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_COLUMN_CM = (5.6, 3.6, 2.8, 2.0, 2.0)
"""Widths of the five table columns (text, owner, due, card, state); 16 cm fits Letter and A4."""
_KIND_LABEL = {EntryKind.DECISION: "Decision", EntryKind.ACTION: "Action", EntryKind.RISK: "Risk"}


def render_minutes_docx(
    meeting: Meeting,
    *,
    people: Iterable[Person] | Mapping[str, Person],
    action_cards: Mapping[str, Card | None],
    carried_over: Sequence[Card],
    now: datetime,
    east_asia_font: str = EAST_ASIA_FONT,
) -> bytes:
    """Return the minutes of ``meeting`` as a .docx file.

    Contract:
    - Sections in order: title block (meeting, series, date, time with zone and UTC offset, place,
      chair), attendees present and absent, agenda, notes per agenda item, decisions, action items
      table (action, owner, due, card, state), open items carried over, next meeting.
    - Empty parts still appear with a "None." line, so a meeting with no notes is a valid document.
    - Notes with no agenda item (or an index past the end of the agenda) go under "Other notes".
    - ``action_cards`` maps card ids to the current card; a missing or None card shows as "deleted".
      A card in its board's done column shows "done", any other its column name.
    - Times are wall-clock times in ``meeting.tz``; an unknown zone raises ValidationError.
    - Core properties come from the meeting: title = meeting title, author = the chair (else the
      creator), created = meeting start, modified = ``now``; nothing of the template's remains.
    - Every style and run names ``east_asia_font`` as its East Asian font, theme font attributes are
      removed and the East Asian language is zh-CN, so Chinese text never falls back to a Japanese face.
    - Every page has "Page N of M" in the footer (PAGE and NUMPAGES fields).
    - Text is written literally; characters XML cannot hold (C0 controls) are dropped.
    """
    zone = zone_of(meeting.tz)
    by_handle = index_people(people)
    doc: DocumentObject = Document()
    _set_style_fonts(doc, east_asia_font)
    writer = _Writer(doc, east_asia_font)

    title = writer.paragraph(meeting.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    chair = display_name(meeting.organizer, by_handle)
    # The real times: a meeting started early is recorded when it was held, not at its planned slot.
    when = wall_clock(meeting.held_from, zone)
    time_text = meeting.held_from.astimezone(zone).strftime("%H:%M")
    if meeting.ended_at is not None:
        time_text += "–" + meeting.ended_at.astimezone(zone).strftime("%H:%M")
    block = [
        ("Meeting", f"{meeting.title} ({meeting.id})"),
        ("Series", meeting.series or "—"),
        ("Date", when.split(" ", 2)[0] + " " + when.split(" ", 2)[1]),
        ("Time", f"{time_text} ({offset_label(meeting.held_from, zone)})"),
        ("Place", meeting.place or "—"),
        ("Chair", chair or "—"),
    ]
    writer.key_values(block)

    writer.heading("Attendees", 1)
    present = [display_name(a.handle, by_handle) for a in meeting.attendees if a.present]
    absent = [display_name(a.handle, by_handle) for a in meeting.attendees if not a.present]
    writer.labelled("Present: ", ", ".join(present) or "none recorded")
    writer.labelled("Absent: ", ", ".join(absent) or "none")

    writer.heading("Agenda", 1)
    if meeting.agenda:
        for number, item in enumerate(meeting.agenda, 1):
            writer.paragraph(f"{number}. {item.title} ({item.minutes} min)")
    else:
        writer.paragraph("None.")

    writer.heading("Notes", 1)
    groups = _notes_by_item(meeting)
    if not meeting.notes:
        writer.paragraph("None.")
    for index, entries in groups:
        if not entries:
            continue
        heading = f"{index + 1}. {meeting.agenda[index].title}" if index is not None else "Other notes"
        writer.heading(heading, 2)
        for entry in entries:
            label = _KIND_LABEL.get(entry.kind)
            paragraph = writer.paragraph("", style="List Bullet")
            if label:
                writer.run(paragraph, f"{label}: ", bold=True)
            writer.run(paragraph, entry.text)

    writer.heading("Decisions", 1)
    if meeting.decisions:
        for number, decision in enumerate(meeting.decisions, 1):
            writer.paragraph(f"{number}. {decision.text}")
    else:
        writer.paragraph("None.")

    writer.heading("Action items", 1)
    if meeting.actions:
        rows = []
        for action in meeting.actions:
            card = action_cards.get(action.card_id)
            rows.append(
                (
                    card.title if card else action.text,
                    display_name(card.owner if card else action.owner, by_handle),
                    _iso(card.due if card else action.due),
                    action.card_id,
                    _state(card),
                )
            )
        writer.table(("Action", "Owner", "Due", "Card", "State"), rows)
    else:
        writer.paragraph("None.")

    writer.heading("Open items carried over", 1)
    if carried_over:
        writer.table(
            ("Item", "Owner", "Due", "Card", "State"),
            [(c.title, display_name(c.owner, by_handle), _iso(c.due), c.id, _state(c)) for c in carried_over],
        )
    else:
        writer.paragraph("None.")

    writer.heading("Next meeting", 1)
    if meeting.next_start is None:
        writer.paragraph("Not scheduled.")
    else:
        text = f"{wall_clock(meeting.next_start, zone)} ({offset_label(meeting.next_start, zone)}), "
        text += f"{meeting.next_minutes} min"
        if meeting.place:
            text += f", {meeting.place}"
        writer.paragraph(("Cancelled: " if meeting.next_cancelled else "") + text)

    _add_page_numbers(doc, writer)
    _set_core_properties(doc, meeting, by_handle, now)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _notes_by_item(meeting: Meeting) -> list[tuple[int | None, list[MinuteEntry]]]:
    groups: dict[int | None, list[MinuteEntry]] = {i: [] for i in range(len(meeting.agenda))}
    groups[None] = []
    for entry in meeting.notes:
        index = entry.agenda_index
        key = index if index is not None and 0 <= index < len(meeting.agenda) else None
        groups[key].append(entry)
    return list(groups.items())


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else "—"


def _state(card: Card | None) -> str:
    if card is None:
        return "deleted"
    return "done" if is_done(card) else card.column


class _Writer:
    """Adds paragraphs, runs and tables with the East Asian font set on every run."""

    def __init__(self, doc: DocumentObject, east_asia_font: str) -> None:
        self.doc = doc
        self.font = east_asia_font

    def paragraph(self, text: str, *, style: str | None = None) -> Paragraph:
        paragraph: Paragraph = self.doc.add_paragraph(style=style)
        if text:
            self.run(paragraph, text)
        return paragraph

    def heading(self, text: str, level: int) -> None:
        self.run(self.doc.add_heading(level=level), text)

    def run(self, paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
        run = paragraph.add_run(xml_safe(text))
        if bold:
            run.bold = True
        _set_fonts(run._r.get_or_add_rPr(), self.font)

    def labelled(self, label: str, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        self.run(paragraph, label, bold=True)
        self.run(paragraph, text)

    def key_values(self, pairs: Sequence[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=len(pairs), cols=2)
        table.autofit = False
        table.columns[0].width, table.columns[1].width = Cm(3), Cm(13)
        for row, (key, value) in zip(table.rows, pairs, strict=True):
            key_cell, value_cell = row.cells
            key_cell.width, value_cell.width = Cm(3), Cm(13)
            self.run(key_cell.paragraphs[0], key, bold=True)
            self.run(value_cell.paragraphs[0], value)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A grid table with a repeating bold header row; columns sized for action-item tables."""
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        widths = [Cm(w) for w in _COLUMN_CM]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row, values in zip(table.rows, [header, *rows], strict=True):
            is_header = values is header
            for cell, value, width in zip(row.cells, values, widths, strict=True):
                cell.width = width
                self.run(cell.paragraphs[0], value, bold=is_header)
        repeat = OxmlElement("w:tblHeader")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)


def _set_fonts(rpr: Any, east_asia_font: str) -> None:
    """Name the Latin and East Asian fonts in a ``w:rPr`` element and set the zh-CN East Asian language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        style_ref = rpr.find(qn("w:rStyle"))
        if style_ref is not None:
            style_ref.addnext(fonts)
        else:
            rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia_font)
    fonts.set(qn("w:cs"), LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        successor = next((rpr.find(qn(tag)) for tag in _AFTER_LANG if rpr.find(qn(tag)) is not None), None)
        if successor is not None:
            successor.addprevious(lang)
        else:
            rpr.append(lang)
    if lang.get(qn("w:val")) is None:
        lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), EAST_ASIA_LANG)


def _set_style_fonts(doc: DocumentObject, east_asia_font: str) -> None:
    """Apply the fonts to the document defaults and to every paragraph, character and table style."""
    styles = doc.styles.element
    default_rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if default_rpr is not None:
        _set_fonts(default_rpr, east_asia_font)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character", "table"):
            _set_fonts(style.get_or_add_rPr(), east_asia_font)
    # Conditional table formatting (w:tblStylePr) has its own rFonts with theme attributes.
    for fonts in styles.iter(qn("w:rFonts")):
        if any(fonts.get(qn(attr)) is not None for attr in _THEME_ATTRS):
            _set_fonts(fonts.getparent(), east_asia_font)


def _add_field(paragraph: Paragraph, writer: _Writer, instruction: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice update when laying out."""
    run = paragraph.add_run()
    _set_fonts(run._r.get_or_add_rPr(), writer.font)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        run._r.append(element)


def _add_page_numbers(doc: DocumentObject, writer: _Writer) -> None:
    for section in doc.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        writer.run(paragraph, "Page ")
        _add_field(paragraph, writer, "PAGE")
        writer.run(paragraph, " of ")
        _add_field(paragraph, writer, "NUMPAGES")


def _set_core_properties(
    doc: DocumentObject, meeting: Meeting, people: Mapping[str, Person], now: datetime
) -> None:
    """Title, author and dates from the meeting, replacing the template's "python-docx" and 2013 stamp.

    python-docx writes these datetimes with a literal ``Z`` and ignores tzinfo, so they go in as UTC.
    """
    props = doc.core_properties
    chair = people.get(meeting.organizer or "")
    author = chair.name if chair else (meeting.organizer or meeting.created_by or "Huddle")
    props.title = xml_safe(meeting.title)
    props.subject = xml_safe(meeting.series or "Meeting minutes")
    props.author = xml_safe(author)
    props.last_modified_by = xml_safe(author)
    props.comments = f"Minutes of {meeting.id}"
    props.keywords = "minutes"
    props.category = "Minutes"
    if _has_cjk(meeting.title):
        props.language = EAST_ASIA_LANG
    props.revision = 1
    props.created = meeting.start.astimezone(UTC).replace(tzinfo=None)
    props.modified = now.astimezone(UTC).replace(tzinfo=None)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
