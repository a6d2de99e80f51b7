"""Word minutes of a meeting: ``render_minutes_docx(meeting, ...) -> bytes``.

Pure: takes domain objects, returns the bytes of a .docx; never reads storage, config or the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Inches

from domain.dates import format_record_day
from domain.errors import ValidationError
from domain.i18n import N_, _, pgettext
from domain.models import Card, EntryKind, Meeting, MinuteEntry, Person
from domain.rules import is_done
from exporters._text import display_name, index_people, offset_label, wall_clock, xml_safe, zone_of

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table
    from docx.text.paragraph import Paragraph

LATIN_FONT = "Calibri"
EAST_ASIA_FONT = "Microsoft YaHei"
"""Chinese typeface named in the document; Word on Windows has it, LibreOffice substitutes a zh-CN font."""
EAST_ASIA_LANG = "zh-CN"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_COLUMN_SHARES = (5.6, 3.6, 2.8, 2.0, 2.0)
"""Relative widths of the five table columns (text, owner, due, card, state), scaled to the text width."""
_KEY_CM = 3.0
"""Width of the label column of the title block."""
PAPERS = {"a4": (Cm(21.0), Cm(29.7)), "letter": (Inches(8.5), Inches(11))}
"""Page sizes by the ``paper`` setting; A4 is the default (Chinese and European offices print on it)."""
MARGIN = Cm(2.54)
"""Every page margin: Word's "Normal" margins."""
CELL_MARGIN_TWIPS = 108
"""Left and right cell padding of the "Table Grid" style (0.19 cm). Word's legacy layout, which the
template's compatibility settings select and LibreOffice follows, starts a table's border that far
left of the margin; the table is indented by the same amount so its border lies on the margin."""
APPLICATION = "Huddle"
_KIND_LABEL = {EntryKind.DECISION: N_("Decision"), EntryKind.ACTION: N_("Action"), EntryKind.RISK: N_("Risk")}
"""Labels of the typed notes, translated where they are written."""


def render_minutes_docx(
    meeting: Meeting,
    *,
    people: Iterable[Person] | Mapping[str, Person],
    action_cards: Mapping[str, Card | None],
    carried_over: Sequence[Card],
    now: datetime,
    east_asia_font: str = EAST_ASIA_FONT,
    paper: str = "a4",
) -> bytes:
    """Return the minutes of ``meeting`` as a .docx file.

    Contract:
    - Sections in order: title block (meeting, series, date, time with zone and UTC offset, place,
      chair), attendees present and absent, agenda, notes per agenda item, decisions, action items
      table (action, owner, due, card, state), open items carried over, next meeting.
    - Every heading, label and fixed text is in the current language (domain.i18n); dates are
      written as that language writes them (:func:`domain.dates.format_record_day`).
    - Empty parts still appear with a "None." line, so a meeting with no notes is a valid document.
    - Notes with no agenda item (or an index past the end of the agenda) go under "Other notes".
    - ``action_cards`` maps card ids to the current card; a missing or None card shows as "deleted".
      A card in its board's done column shows "done", any other its column name.
    - Times are wall-clock times in ``meeting.tz``; an unknown zone raises ValidationError.
    - Core properties come from the meeting: title = meeting title, author = the chair (else the
      creator), created = meeting start, modified = :func:`last_recorded`; nothing of the
      template's remains.
    - Every style and run names ``east_asia_font`` as its East Asian font, theme font attributes are
      removed and the East Asian language is zh-CN, so Chinese text never falls back to a Japanese face.
    - Every page has "Page N of M" in the footer (PAGE and NUMPAGES fields).
    - Text is written literally; characters XML cannot hold (C0 controls) are dropped.
    - The page is ``paper`` (``"a4"``, the default, or ``"letter"``) with 2.54 cm margins, and every
      table is exactly as wide as the text area.
    - Nothing of python-docx's template is left: no blank thumbnail, and docProps/app.xml says
      Application "Huddle" with the true word, character and paragraph counts. It names no page
      count, because only a layout engine knows it (Word and LibreOffice count on opening).
    - The bytes depend only on the inputs: zip entries in a fixed order, each stamped with
      :func:`last_recorded`, so the same meeting exported twice is byte-identical (the wall clock,
      ``HUDDLE_NOW``'s included, leaves no trace).
    """
    if paper not in PAPERS:
        raise ValidationError(f"paper {paper!r} is not one of: {', '.join(PAPERS)}")
    zone = zone_of(meeting.tz)
    by_handle = index_people(people)
    doc: DocumentObject = Document()
    text_width = _set_page(doc, paper)
    _set_style_fonts(doc, east_asia_font)
    writer = _Writer(doc, east_asia_font, text_width)

    title = writer.paragraph(meeting.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    chair = display_name(meeting.organizer, by_handle)
    # The real times: a meeting started early is recorded when it was held, not at its planned slot.
    time_text = meeting.held_from.astimezone(zone).strftime("%H:%M")
    if meeting.ended_at is not None:
        time_text += "–" + meeting.ended_at.astimezone(zone).strftime("%H:%M")
    block = [
        (_("Meeting"), f"{meeting.title} ({meeting.id})"),
        (_("Series"), meeting.series or "—"),
        (_("Date"), format_record_day(meeting.held_from.astimezone(zone).date())),
        (_("Time"), f"{time_text} ({offset_label(meeting.held_from, zone)})"),
        (_("Place"), meeting.place or "—"),
        (_("Chair"), chair or "—"),
    ]
    writer.key_values(block)

    writer.heading(_("Attendees"), 1)
    present = [display_name(a.handle, by_handle) for a in meeting.attendees if a.present]
    absent = [display_name(a.handle, by_handle) for a in meeting.attendees if not a.present]
    writer.labelled(_("Present: "), pgettext("list separator", ", ").join(present) or _("none recorded"))
    writer.labelled(_("Absent: "), pgettext("list separator", ", ").join(absent) or _("none"))

    writer.heading(_("Agenda"), 1)
    if meeting.agenda:
        for number, item in enumerate(meeting.agenda, 1):
            writer.paragraph(
                _("{number}. {title} ({minutes} min)").format(
                    number=number, title=item.title, minutes=item.minutes
                )
            )
    else:
        writer.paragraph(_("None."))

    writer.heading(_("Notes"), 1)
    groups = _notes_by_item(meeting)
    if not meeting.notes:
        writer.paragraph(_("None."))
    for index, entries in groups:
        if not entries:
            continue
        heading = f"{index + 1}. {meeting.agenda[index].title}" if index is not None else _("Other notes")
        writer.heading(heading, 2)
        for entry in entries:
            label = _KIND_LABEL.get(entry.kind)
            paragraph = writer.paragraph("", style="List Bullet")
            if label:
                writer.run(paragraph, _("{label}: ").format(label=_(label)), bold=True)
            writer.run(paragraph, entry.text)

    writer.heading(_("Decisions"), 1)
    if meeting.decisions:
        for number, decision in enumerate(meeting.decisions, 1):
            writer.paragraph(f"{number}. {decision.text}")
    else:
        writer.paragraph(_("None."))

    writer.heading(_("Action items"), 1)
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
        writer.table(tuple(_(h) for h in ACTION_HEADER), rows)
    else:
        writer.paragraph(_("None."))

    writer.heading(_("Open items carried over"), 1)
    if carried_over:
        writer.table(
            (_("Item"), *(_(h) for h in ACTION_HEADER[1:])),
            [(c.title, display_name(c.owner, by_handle), _iso(c.due), c.id, _state(c)) for c in carried_over],
        )
    else:
        writer.paragraph(_("None."))

    writer.heading(_("Next meeting"), 1)
    if meeting.next_start is None:
        writer.paragraph(_("Not scheduled."))
    else:
        pattern = (
            _("{when} ({zone}), {minutes} min, {place}")
            if meeting.place
            else _("{when} ({zone}), {minutes} min")
        )
        text = pattern.format(
            when=wall_clock(meeting.next_start, zone),
            zone=offset_label(meeting.next_start, zone),
            minutes=meeting.next_minutes,
            place=meeting.place,
        )
        writer.paragraph(_("Cancelled: {text}").format(text=text) if meeting.next_cancelled else text)

    _add_page_numbers(doc, writer)
    _set_core_properties(doc, meeting, by_handle, now)
    _drop_template_leftovers(doc)
    out = BytesIO()
    doc.save(out)
    return _reproducible_zip(out.getvalue(), last_recorded(meeting, now))


def _set_page(doc: DocumentObject, paper: str) -> int:
    """Page size and margins of every section; returns the text width in EMU."""
    width, height = PAPERS[paper]
    for section in doc.sections:
        section.page_width, section.page_height = width, height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
    return int(width - 2 * MARGIN)


def _drop_template_leftovers(doc: DocumentObject) -> None:
    """Remove the template's blank thumbnail and replace its "Microsoft Macintosh Word, 1 page,
    0 words" extended properties with true ones; set the East Asian theme language to zh-CN."""
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), EAST_ASIA_LANG)
    body = doc.element.body
    paragraphs = list(body.iter(qn("w:p")))
    text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs)
    words, characters, with_spaces = text_statistics(text)
    app_xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Words>{words}</Words><Characters>{characters}</Characters>"
        f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity>"
        f"<Paragraphs>{sum(1 for p in paragraphs if p.find(qn('w:r')) is not None)}</Paragraphs>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        f"<CharactersWithSpaces>{with_spaces}</CharactersWithSpaces>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    )
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = app_xml.encode("utf-8")  # a plain Part: python-docx saves its blob as is


def text_statistics(text: str) -> tuple[int, int, int]:
    """Words, characters without spaces and characters with spaces, counted as Word counts them:
    each CJK character is a word of its own, any other run of non-space characters is one word."""
    words = 0
    in_word = False
    for char in text:
        if char.isspace():
            in_word = False
        elif _is_cjk(char):
            words += 1
            in_word = False
        elif not in_word:
            words += 1
            in_word = True
    characters = sum(1 for char in text if not char.isspace())
    with_spaces = sum(1 for char in text if char != "\n")
    return words, characters, with_spaces


_ZIP_ORDER = ("[Content_Types].xml", "_rels/.rels")


def _reproducible_zip(data: bytes, stamp_at: datetime) -> bytes:
    """``data`` re-packed with every entry stamped ``stamp_at`` (UTC; zip cannot go before 1980), the
    content types and package relationships first and the rest sorted, and fixed attributes:
    python-docx stamps entries with the wall clock, so two exports never matched."""
    stamp = max(stamp_at.astimezone(UTC), datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        names = source.namelist()
        ordered = [n for n in _ZIP_ORDER if n in names] + sorted(n for n in names if n not in _ZIP_ORDER)
        for name in ordered:
            info = ZipInfo(name, date_time=stamp)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(name))
    return out.getvalue()


def _notes_by_item(meeting: Meeting) -> list[tuple[int | None, list[MinuteEntry]]]:
    groups: dict[int | None, list[MinuteEntry]] = {i: [] for i in range(len(meeting.agenda))}
    groups[None] = []
    for entry in meeting.notes:
        index = entry.agenda_index
        key = index if index is not None and 0 <= index < len(meeting.agenda) else None
        groups[key].append(entry)
    return list(groups.items())


ACTION_HEADER = (N_("Action"), N_("Owner"), N_("Due"), N_("Card"), N_("State"))
"""Columns of the action tables (minutes, carried-over items, the close report's retrospective)."""


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else "—"


def _state(card: Card | None) -> str:
    if card is None:
        return _("deleted")
    return _("done") if is_done(card) else card.column


class _Writer:
    """Adds paragraphs, runs and tables with the East Asian font set on every run."""

    def __init__(self, doc: DocumentObject, east_asia_font: str, text_width: int) -> None:
        self.doc = doc
        self.font = east_asia_font
        self.text_width = text_width
        self._style_ids: dict[str, str] = {}

    def paragraph(self, text: str, *, style: str | None = None) -> Paragraph:
        paragraph: Paragraph = self.doc.add_paragraph()
        if style is not None:
            paragraph._p.style = self._style_id(style)
        if text:
            self.run(paragraph, text)
        return paragraph

    def _style_id(self, name: str) -> str:
        """The style id of ``name``, looked up once: python-docx scans every style for the default
        on each lookup, which was most of the time of a 300-note meeting."""
        if name not in self._style_ids:
            self._style_ids[name] = str(self.doc.styles[name].style_id)
        return self._style_ids[name]

    def heading(self, text: str, level: int) -> None:
        self.run(self.paragraph("", style="Title" if level == 0 else f"Heading {level}"), text)

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
        key = int(Cm(_KEY_CM))
        widths = [Emu(key), Emu(self.text_width - key)]
        self._size(table, widths)
        for row, (label, value) in zip(table.rows, pairs, strict=True):
            key_cell, value_cell = row.cells
            self.run(key_cell.paragraphs[0], label, bold=True)
            self.run(value_cell.paragraphs[0], value)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A grid table with a repeating bold header row; columns share the text width."""
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        total = sum(_COLUMN_SHARES)
        widths = [Emu(int(self.text_width * share / total)) for share in _COLUMN_SHARES]
        widths[-1] = Emu(self.text_width - sum(widths[:-1]))
        self._size(table, widths)
        for row, values in zip(table.rows, [header, *rows], strict=True):
            is_header = values is header
            for cell, value in zip(row.cells, values, strict=True):
                self.run(cell.paragraphs[0], value, bold=is_header)
        repeat = OxmlElement("w:tblHeader")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)

    def _size(self, table: Table, widths: Sequence[Emu]) -> None:
        """Fixed layout, columns ``widths`` (adding up to the text width), border on the margin."""
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        tbl_pr = table._tbl.tblPr
        for tag, attrs in (
            ("w:tblW", {"w:w": str(sum(widths) // 635), "w:type": "dxa"}),
            ("w:tblInd", {"w:w": str(CELL_MARGIN_TWIPS), "w:type": "dxa"}),
        ):
            element = tbl_pr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                tbl_pr.append(element)
            for name, value in attrs.items():
                element.set(qn(name), value)
        # Schema order of w:tblPr children: tblW, jc, ..., tblInd, ..., tblLayout, tblCellMar, tblLook.
        order = ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                 "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
                 "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"]  # fmt: skip
        rank = {qn(tag): index for index, tag in enumerate(order)}
        children = sorted(tbl_pr, key=lambda child: rank.get(child.tag, len(order)))
        for child in children:
            tbl_pr.append(child)


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
        # "Page {page} of {pages}" as one message, so a language can put the numbers where it needs.
        text = _("Page {page} of {pages}")
        for piece in re.split(r"(\{page\}|\{pages\})", text):
            if piece == "{page}":
                _add_field(paragraph, writer, "PAGE")
            elif piece == "{pages}":
                _add_field(paragraph, writer, "NUMPAGES")
            elif piece:
                writer.run(paragraph, piece)


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
    props.subject = xml_safe(meeting.series or _("Meeting minutes"))
    props.author = xml_safe(author)
    props.last_modified_by = xml_safe(author)
    props.comments = _("Minutes of {id}").format(id=meeting.id)
    props.keywords = _("minutes")
    props.category = _("Minutes")
    if _has_cjk(meeting.title):
        props.language = EAST_ASIA_LANG
    props.revision = 1
    props.created = meeting.start.astimezone(UTC).replace(tzinfo=None)
    props.modified = last_recorded(meeting, now).astimezone(UTC).replace(tzinfo=None)


def last_recorded(meeting: Meeting, now: datetime) -> datetime:
    """The latest moment the meeting records (its end, else its last note, decision or action, else
    its start), never after ``now``: the minutes' "modified" time and the stamp of every zip entry.

    Taken from the data rather than the clock so that exporting the same meeting twice gives the
    same bytes, with or without ``HUDDLE_NOW`` (whose clock runs on between two commands).
    """
    moments = [meeting.start, *(e.at for e in meeting.notes), *(d.at for d in meeting.decisions)]
    moments += [a.at for a in meeting.actions]
    if meeting.ended_at is not None:
        moments.append(meeting.ended_at)
    return min(max(moments), now)


def _has_cjk(text: str) -> bool:
    return any(_is_cjk(ch) for ch in text)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\u3000" < char <= "\u303f"
