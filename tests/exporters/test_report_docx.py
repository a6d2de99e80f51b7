"""The close report: rendered from a closed project, reopened with python-docx, laid out by LibreOffice
and turned into page images with pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from domain.models import Actor, RiskStatus
from domain.services import Services
from exporters.minutes_docx import EAST_ASIA_FONT
from exporters.report_docx import render_report_docx
from tests.helpers.clock import ZONE, FixedClock

PROJECT = "智能排程 2.0 发布"


@pytest.fixture
def closed(seeded: Services, clock: FixedClock) -> Services:
    """A small project taken through review, acceptance, a change, a retrospective and a forced close."""
    s = seeded
    s.directory.update_project(name=PROJECT, vision="三家试点客户按时上线")
    s.directory.add_goal("Pilot customers live", metric="customers", target="3", deadline=date(2027, 1, 9))
    s.directory.add_goal("Launch on budget", target="≤ 100%")
    s.closing.update_goal("1", "2", on=date(2026, 11, 20), note="ACME, 华星")
    s.closing.update_goal("2", "92%")
    s.cards.add("OPS", "上线 Go-live", milestone=True, due=date(2026, 11, 30), blocked_by=["OPS-1"],
                accountable="wei")  # fmt: skip
    s.milestones.add_criterion("OPS-2", "运行手册已评审")
    s.milestones.add_criterion("OPS-2", "Load test passed")
    wei = Services.build(s.store, clock, Actor("wei", "tester"), ZONE)
    review = s.milestones.review("OPS-2", tz="Asia/Shanghai")
    s.milestones.record_outcome(review.id, "conditions", "load test by Friday")
    s.meetings.end(review.id)
    clock.advance(days=1)
    wei.milestones.accept("OPS-2", "1", evidence="wiki/runbook")
    wei.milestones.waive("OPS-2", "2", "moved to phase 2")
    change = s.records.request_change(
        "单点登录 SSO", scope="SAML login", schedule_days=5, cost=1200, cards=["OPS-1"]
    )
    steering = s.meetings.start("Steering", attendees=["ann"], tz="Asia/Shanghai")
    s.records.decide_change(change.id, True, meeting_id=steering.id)
    s.meetings.end(steering.id)
    risk = s.risks.add("Vendor ships late", 4, 4, owner="ann", mitigation="second vendor")
    s.risks.edit(risk.id, {"status": RiskStatus.OCCURRED.value})
    retro = s.closing.start_retro(tz="Asia/Shanghai", attendees=["ann", "wei"])
    s.meetings.note(retro.id, "跨部门里程碑评审很有效", agenda_index=0)
    s.meetings.note(retro.id, "Risk reviews were skipped in busy weeks", agenda_index=1)
    s.meetings.note(retro.id, "Put risk review on every weekly agenda", agenda_index=2)
    s.meetings.action(retro.id, "ann", date(2026, 12, 9), "Add risk review to the weekly template")
    s.meetings.end(retro.id)
    s.closing.close(force=True, reason="预算年度结束，剩余工作移交 2.1")
    return s


def render(services: Services) -> bytes:
    return render_report_docx(services.closing.report(), now=services.clock(), tz="Asia/Shanghai")


def rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_report_holds_every_section_with_its_facts(closed: Services) -> None:
    document = docx.Document(BytesIO(render(closed)))
    assert document.paragraphs[0].text == f"Close report: {PROJECT}"
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [
        "1. Goals: target and actual",
        "2. Milestones: planned and actual",
        "3. Decisions",
        "4. Change requests and their impact",
        "5. Risks that occurred",
        "6. Retrospective",
        "7. Open items handed over",
    ]
    block, goals, milestones, criteria, decisions, changes, risks, actions, handed = document.tables
    assert ["State", "Closed on 2026-11-26 by Ann Lee (@ann)"] in rows(block)
    assert ["Close reason", "预算年度结束，剩余工作移交 2.1"] in rows(block)
    assert rows(goals)[1:] == [
        ["Pilot customers live", "3", "2 (2026-11-20)", "67%", "2027-01-09"],
        ["Launch on budget", "≤ 100%", "92% (2026-11-25)", "100% met", "—"],
    ]
    assert rows(milestones)[1:] == [["OPS-2", "上线 Go-live", "2026-11-30", "2026-11-26", "2/2 (1 waived)"]]
    assert rows(criteria)[1:] == [
        ["OPS-2 AC-1", "运行手册已评审", "李伟 (@wei), 2026-11-26", "wiki/runbook"],
        ["OPS-2 AC-2", "Load test passed", "waived by 李伟 (@wei), 2026-11-26", "moved to phase 2"],
    ]
    texts = [r[2] for r in rows(decisions)[1:]]
    assert texts == [
        "Review of OPS-2 上线 Go-live: passed with conditions — load test by Friday",
        "CR-1 approved: 单点登录 SSO (scope: SAML login; +5 days; cost 1200)",
    ]
    assert rows(changes)[1] == ["CR-1", "单点登录 SSO", "approved", "scope: SAML login; +5 days; cost 1200",
                                "M-2 2026-11-26", "OPS-1"]  # fmt: skip
    assert rows(risks)[1][:4] == ["R-1", "Vendor ships late", "Ann Lee (@ann)", "16"]
    paragraphs = [p.text for p in document.paragraphs]
    worked = paragraphs.index("What worked and should spread")
    assert paragraphs[worked + 1] == "跨部门里程碑评审很有效"
    assert (
        paragraphs[paragraphs.index("What went wrong, and why") + 1]
        == "Risk reviews were skipped in busy weeks"
    )
    assert (
        paragraphs[paragraphs.index("What to change next time") + 1]
        == "Put risk review on every weekly agenda"
    )
    assert rows(actions)[1][:4] == [
        "Add risk review to the weekly template",
        "Ann Lee (@ann)",
        "2026-12-09",
        "OPS-3",
    ]
    assert {r[1] for r in rows(handed)[1:]} == {"OPS-1", "MKT-1", "OPS-3"}


def test_properties_fonts_and_a4(closed: Services) -> None:
    document = docx.Document(BytesIO(render(closed)))
    props = document.core_properties
    assert props.title == f"Close report: {PROJECT}"
    assert props.author == "Ann Lee"
    assert props.language == "zh-CN"
    assert props.created is not None
    assert (props.created.year, props.created.month, props.created.day) == (2026, 11, 26)
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    left, right = section.left_margin, section.right_margin
    assert width is not None
    assert height is not None
    assert left is not None
    assert right is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    for table in document.tables:
        assert sum(c.width or 0 for c in table.columns) <= width - left - right
    fonts = [r._r.get_or_add_rPr().find(qn("w:rFonts")) for p in document.paragraphs for r in p.runs]
    assert fonts
    assert all(f is not None and f.get(qn("w:eastAsia")) == EAST_ASIA_FONT for f in fonts)
    footer = document.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._p.xml
    assert "NUMPAGES" in footer._p.xml


def test_a_new_project_is_still_a_valid_report(services: Services) -> None:
    document = docx.Document(BytesIO(render(services)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.count("None.") >= 7
    assert "None: no retrospective meeting was held (huddle meeting start --kind retro)." in paragraphs


def test_unknown_zone_is_refused(closed: Services) -> None:
    from domain.errors import ValidationError

    with pytest.raises(ValidationError, match="Mars"):
        render_report_docx(closed.closing.report(), now=closed.clock(), tz="Mars/Olympus")


def test_control_characters_never_reach_the_xml(closed: Services) -> None:
    report = closed.closing.report()
    dirty = replace(report, project=replace(report.project, vision="bad\x07bell"))
    document = docx.Document(BytesIO(render_report_docx(dirty, now=closed.clock(), tz="UTC")))
    assert ["Vision", "badbell"] in rows(document.tables[0])


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (libreoffice-writer-nogui) and pdftotext/pdftoppm (poppler-utils) are not installed",
)
def test_libreoffice_lays_it_out_and_pdftoppm_draws_the_pages(closed: Services, tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(render(closed))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert f"Close report: {PROJECT}" in lines
    assert any("运行手册已评审" in line for line in lines)
    assert any(line.startswith("Pilot customers live 3 2 (2026-11-20) 67%") for line in lines)
    assert any(line.endswith("跨部门里程碑评审很有效") for line in lines)
    assert "Page 1 of 2" in lines or "Page 1 of 3" in lines
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    assert all(p.stat().st_size > 5000 for p in pages)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "CJK" in fonts, "Chinese text was not set in a CJK font"


def test_same_project_same_moment_same_bytes_and_letter_paper(closed: Services) -> None:
    assert render(closed) == render(closed)
    letter = render_report_docx(closed.closing.report(), now=closed.clock(), tz="UTC", paper="letter")
    section = docx.Document(BytesIO(letter)).sections[0]
    assert section.page_width is not None
    assert round(section.page_width.inches, 1) == 8.5
    from domain.errors import ValidationError

    with pytest.raises(ValidationError, match="paper 'a5'"):
        render_report_docx(closed.closing.report(), now=closed.clock(), tz="UTC", paper="a5")
