"""Word minutes: rendered, reopened with python-docx, and (when LibreOffice is installed) laid out."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZipFile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Inches

from domain.models import ActionItem, Attendee, EntryKind, Meeting, MinuteEntry, Person
from exporters.minutes_docx import EAST_ASIA_FONT, render_minutes_docx, text_statistics
from tests.helpers.delivery import HUDDLE, MEETING_TITLE, World, cli_env

THEME_ATTRS = [qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")]


def render(world: World, meeting: Meeting | None = None, **options: Any) -> bytes:
    services = world.services
    meeting = meeting or world.meeting
    return render_minutes_docx(
        meeting,
        people=services.directory.people(),
        action_cards=services.meetings.action_cards(meeting),
        carried_over=[services.cards.get(c) for c in meeting.carried_over],
        now=options.pop("now", world.clock()),
        **options,
    )


def texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_minutes_hold_every_section_in_order(world: World) -> None:
    document = docx.Document(BytesIO(render(world)))
    paragraphs = texts(document)
    assert paragraphs[0] == MEETING_TITLE
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings == [
        "Attendees",
        "Agenda",
        "Notes",
        "1. 场地 Venue",
        "2. 预算 Budget",
        "Decisions",
        "Action items",
        "Open items carried over",
        "Next meeting",
    ]
    assert "Present: Ann Lee (@ann), Bob Stone (@bob)" in paragraphs
    assert "Absent: 李伟 (@wei)" in paragraphs
    assert [p for p in paragraphs if "min)" in p] == ["1. 场地 Venue (15 min)", "2. 预算 Budget (20 min)"]
    # Notes sit under their agenda item; decisions and actions are labelled.
    venue, budget = paragraphs.index("1. 场地 Venue"), paragraphs.index("2. 预算 Budget")
    assert paragraphs[venue + 1] == "场地已确认，可容纳 200 人"
    assert paragraphs[budget + 1 : budget + 5] == [
        "Budget needs sign-off\nby finance",
        "Decision: 预算上限 5 万元",
        "Action: 预订酒店",
        "Action: Send the floor plan",
    ]
    assert paragraphs[paragraphs.index("Decisions") + 1] == "1. 预算上限 5 万元"
    assert paragraphs[-1] == "2026-12-02 (Wed) 10:00 (Asia/Shanghai, UTC+08:00), 60 min, 会议室 3"

    block, actions, carried = document.tables
    assert dict(table_rows(block)) == {
        "Meeting": f"{MEETING_TITLE} (M-1)",
        "Series": "发布会",
        "Date": "2026-11-25 (Wed)",
        "Time": "10:00–11:00 (Asia/Shanghai, UTC+08:00)",
        "Place": "会议室 3",
        "Chair": "Ann Lee (@ann)",
    }
    assert table_rows(actions) == [
        ["Action", "Owner", "Due", "Card", "State"],
        ["预订酒店", "李伟 (@wei)", "2026-12-01", "MKT-2", "To do"],
        ["Send the floor plan", "Ann Lee (@ann)", "2026-12-03", "OPS-2", "To do"],
    ]
    assert table_rows(carried) == [
        ["Item", "Owner", "Due", "Card", "State"],
        ["Rack the new servers", "Ann Lee (@ann)", "—", "OPS-1", "Backlog"],
    ]


def test_action_state_follows_the_card(world: World) -> None:
    world.services.cards.move("MKT-2", "Done")
    world.services.cards.delete("OPS-2")
    rows = table_rows(docx.Document(BytesIO(render(world))).tables[1])
    assert [row[4] for row in rows[1:]] == ["done", "deleted"]


def test_core_properties_come_from_the_meeting_not_the_template(world: World) -> None:
    props = docx.Document(BytesIO(render(world))).core_properties
    assert props.title == MEETING_TITLE
    assert props.author == "Ann Lee"
    assert props.last_modified_by == "Ann Lee"
    assert props.created == world.meeting.start  # python-docx reads W3CDTF "Z" back as UTC
    assert props.modified == world.meeting.ended_at  # the last moment the meeting records
    assert props.language == "zh-CN"
    assert "python-docx" not in (props.author, props.last_modified_by, props.comments)


def test_chinese_text_names_an_east_asian_font_and_zh_cn(world: World) -> None:
    document = docx.Document(BytesIO(render(world)))
    styles = document.styles.element
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert default.find(qn("w:rFonts")).get(qn("w:eastAsia")) == EAST_ASIA_FONT
    assert default.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid"):
        rpr = document.styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIA_FONT, name
        assert not [a for a in THEME_ATTRS if fonts.get(a) is not None], name
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN", name
    # No theme font attribute is left anywhere in the styles part: it would override w:eastAsia.
    assert not [el for el in styles.iter(qn("w:rFonts")) if any(el.get(a) is not None for a in THEME_ATTRS)]
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    chinese = [r for r in runs if any("\u4e00" <= ch <= "\u9fff" for ch in r.text)]
    assert len(chinese) >= 10
    for run in runs:
        rpr = run._r.rPr
        assert rpr is not None
        assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == EAST_ASIA_FONT
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_footer_numbers_pages(world: World) -> None:
    document = docx.Document(BytesIO(render(world)))
    footer = document.sections[0].footer
    instructions = [el.text.strip() for el in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Page ")


def test_an_empty_meeting_is_still_a_complete_document() -> None:
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    meeting = Meeting(id="M-9", title="Quiet", start=start, tz="America/New_York")
    data = render_minutes_docx(meeting, people=[], action_cards={}, carried_over=[], now=start)
    paragraphs = texts(docx.Document(BytesIO(data)))
    assert paragraphs.count("None.") == 5  # agenda, notes, decisions, actions, carried over
    assert "Present: none recorded" in paragraphs
    assert paragraphs[-1] == "Not scheduled."
    block = table_rows(docx.Document(BytesIO(data)).tables[0])
    assert ["Time", "09:00 (America/New_York, UTC-04:00)"] in block  # DST began on 2026-03-08


def test_text_is_literal_and_controls_cannot_break_the_xml() -> None:
    start = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    meeting = Meeting(
        id="M-5",
        title="<b>Review</b> & {{fields}}",
        start=start,
        tz="Europe/Berlin",
        organizer="eve",
        attendees=(Attendee("eve"), Attendee("gone")),
        notes=(MinuteEntry("n1", start, "bell\x07 and nul\x00 here", EntryKind.NOTE, 7),),
        actions=(ActionItem("OPS-99", "lost card", "gone", date(2026, 11, 1), "M-5", start),),
        next_start=start.replace(day=30),
        next_cancelled=True,
    )
    people = [Person("eve", "Eve <eve@x>", "eve@example.com")]
    data = render_minutes_docx(meeting, people=people, action_cards={}, carried_over=[], now=start)
    document = docx.Document(BytesIO(data))
    paragraphs = texts(document)
    assert paragraphs[0] == "<b>Review</b> & {{fields}}"
    assert "Other notes" in paragraphs  # agenda index 7 does not exist
    assert "bell and nul here" in paragraphs
    assert "Present: Eve <eve@x> (@eve), @gone" in paragraphs
    assert table_rows(document.tables[1])[1] == ["lost card", "@gone", "2026-11-01", "OPS-99", "deleted"]
    assert paragraphs[-1] == "Cancelled: 2026-10-30 (Fri) 09:00 (Europe/Berlin, UTC+01:00), 60 min"


def test_an_unknown_zone_is_a_validation_error(world: World) -> None:
    from domain.errors import ValidationError

    with pytest.raises(ValidationError, match="Mars/Olympus"):
        render(world, replace(world.meeting, tz="Mars/Olympus"))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, folder: Path) -> Path:
    """``data`` (a .docx) laid out by LibreOffice into ``folder``/minutes.pdf, with a private profile."""
    source = folder / "minutes.docx"
    source.write_bytes(data)
    profile = folder / "lo-profile"
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / "minutes.pdf"


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (libreoffice-writer-nogui) and pdftotext (poppler-utils) are not installed",
)
def test_libreoffice_lays_out_chinese_text_and_the_action_table(world: World, tmp_path: Path) -> None:
    pdf = to_pdf(render(world), tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert MEETING_TITLE in text
    assert "场地已确认，可容纳 200 人" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "预订酒店 李伟 (@wei) 2026-12-01 MKT-2 To do" in lines
    assert "Send the floor plan Ann Lee (@ann) 2026-12-03 OPS-2 To do" in lines
    assert any(re.fullmatch(r"Page 1 of [1-9]", line) for line in lines)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "CJK" in fonts, "Chinese text was not set in a CJK font"


# ----- paper, table widths, package properties, reproducibility (issue 12) ---------------------------

PAPER_CM = {"a4": (21.0, 29.7), "letter": (21.59, 27.94)}


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_size_margins_and_tables_as_wide_as_the_text(world: World, paper: str) -> None:
    document = docx.Document(BytesIO(render(world, paper=paper)))
    (section,) = document.sections
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == PAPER_CM[paper]
    assert section.left_margin == section.right_margin == Cm(2.54)
    text_width = section.page_width - section.left_margin - section.right_margin
    assert len(document.tables) == 3  # title block, action items, carried over
    for table in document.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert abs(sum(grid) - text_width / 635) <= len(grid)  # twips; rounding of each column
        tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
        assert tbl_w.get(qn("w:type")) == "dxa"
        assert abs(int(tbl_w.get(qn("w:w"))) - text_width / 635) <= 1
        for row in table.rows:
            assert abs(sum(cell.width or 0 for cell in row.cells) - text_width) <= 635 * len(row.cells)


def test_an_unknown_paper_is_refused(world: World) -> None:
    from domain.errors import ValidationError

    with pytest.raises(ValidationError, match="paper 'a5'"):
        render(world, paper="a5")


def test_no_template_leftovers_and_true_properties(world: World) -> None:
    data = render(world)
    with ZipFile(BytesIO(data)) as package:
        names = package.namelist()
        assert not [n for n in names if "thumbnail" in n]
        assert b"thumbnail" not in package.read("_rels/.rels")
        assert b"jpeg" not in package.read("[Content_Types].xml")
        app = package.read("docProps/app.xml").decode()
        assert b'w:eastAsia="zh-CN"' in package.read("word/settings.xml")
    assert "Macintosh" not in app
    assert "Normal.dotm" not in app
    assert "<Application>Huddle</Application>" in app
    assert "<Pages>" not in app  # no page count we cannot know; Word and LibreOffice count on opening
    document = docx.Document(BytesIO(data))
    body_text = "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))
    )
    words, characters, _ = text_statistics(body_text)
    assert f"<Words>{words}</Words>" in app
    assert f"<Characters>{characters}</Characters>" in app
    assert text_statistics("场地已确认 Venue ok, 200 人") == (9, 17, 21)
    assert words > 50


def test_the_same_meeting_gives_the_same_bytes(world: World, tmp_path: Path) -> None:
    first = render(world)
    world.clock.advance(minutes=7)
    assert render(world, now=world.clock()) == first
    with ZipFile(BytesIO(first)) as package:
        infos = package.infolist()
    assert [i.filename for i in infos][:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {world.meeting.ended_at.timetuple()[:6]}  # type: ignore[union-attr]
    # Through the CLI, twice, some time apart under HUDDLE_NOW: byte-identical files.
    outputs = []
    for name in ("a.docx", "b.docx"):
        env = cli_env(world.db_path, HUDDLE_NOW="2026-12-20T10:00:00+08:00")
        subprocess.run([str(HUDDLE), "export", "minutes", "M-1", "-o", str(tmp_path / name)], env=env,
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_the_paper_setting_reaches_the_cli(world: World, tmp_path: Path) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text('paper = "letter"\n')
    env = cli_env(world.db_path, HUDDLE_CONFIG=str(config))
    out = tmp_path / "letter.docx"
    subprocess.run([str(HUDDLE), "export", "minutes", "M-1", "-o", str(out)], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    section = docx.Document(str(out)).sections[0]
    assert section.page_width == Inches(8.5)
    config.write_text('paper = "a5"\n')
    bad = subprocess.run([str(HUDDLE), "export", "minutes", "M-1", "-o", str(tmp_path / "x.docx")],
                         env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode != 0
    assert bad.stderr.startswith("huddle: error: ")
    assert 'paper must be "a4" or "letter"' in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "x.docx").exists()


def _gray_page(pdf: Path, page: int, folder: Path) -> tuple[int, int, bytes]:
    """Page ``page`` of ``pdf`` as 8-bit gray pixels at 72 dpi (one pixel per PostScript point)."""
    stem = folder / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=120)  # fmt: skip
    raw = stem.with_suffix(".pgm").read_bytes()
    magic, width, height, _, pixels = raw.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (libreoffice-writer-nogui) and poppler-utils are not installed",
)
@pytest.mark.parametrize(("paper", "points"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_libreoffice_pages_have_the_paper_size_and_nothing_in_the_margins(
    world: World, tmp_path: Path, paper: str, points: tuple[int, int]
) -> None:
    """Laid out by LibreOffice: page size, and every dark pixel (text and the table borders) inside
    the text area, 2.54 cm = 72 pt from each side; the action table's outer borders on the margins."""
    meeting = world.meeting
    text = "行动项 {} prepare the launch checklist"
    many = tuple(replace(meeting.actions[0], card_id=f"X-{i}", text=text.format(i)) for i in range(40))
    pdf = to_pdf(render(world, replace(meeting, actions=meeting.actions + many), paper=paper), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    assert (round(float(size.group(1))), round(float(size.group(2)))) == points
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 2
    margin = 72
    for page in range(1, pages + 1):
        width, height, pixels = _gray_page(pdf, page, tmp_path)
        assert (width, height) == (points[0] + 1, points[1]) or (width, height) == points
        dark_columns = [x for x in range(width) if any(pixels[y * width + x] < 160 for y in range(height))]
        assert dark_columns, f"page {page} is blank"
        assert min(dark_columns) >= margin - 1, (page, min(dark_columns))
        assert max(dark_columns) <= points[0] - margin + 1, (page, max(dark_columns))
    # The table's vertical borders: columns dark over most of a page full of table rows.
    width, height, pixels = _gray_page(pdf, pages - 1, tmp_path)
    lines = [x for x in range(width) if sum(pixels[y * width + x] < 160 for y in range(height)) > height // 2]
    assert lines
    assert abs(min(lines) - margin) <= 1, lines
    assert abs(max(lines) - (points[0] - margin)) <= 1, lines
