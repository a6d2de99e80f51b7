"""The documents in Chinese: minutes, the close report, the invite e-mail and the calendars.

English output is guarded by the other exporter tests, which run in English and are unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import icalendar
import pytest

from domain.i18n import using_language
from domain.services import Services
from exporters.calendar_ics import render_actions_ics, render_milestones_ics
from exporters.invite_mail import build_invite_message
from exporters.minutes_docx import render_minutes_docx
from exporters.report_docx import render_report_docx
from tests.helpers.delivery import MEETING_TITLE, World

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def minutes(world: World) -> bytes:
    services = world.services
    meeting = world.meeting
    return render_minutes_docx(
        meeting,
        people=services.directory.people(),
        action_cards=services.meetings.action_cards(meeting),
        carried_over=[services.cards.get(c) for c in meeting.carried_over],
        now=world.clock(),
    )


def headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]


def test_minutes_in_chinese_reopened_with_python_docx(world: World) -> None:
    with using_language("zh-CN"):
        data = minutes(world)
    document = docx.Document(BytesIO(data))
    assert headings(document) == [
        "参会人员", "议程", "记录", "1. 场地 Venue", "2. 预算 Budget",
        "决定事项", "待办事项", "遗留事项", "下次会议",
    ]  # fmt: skip
    block = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert list(block) == ["会议", "系列", "日期", "时间", "地点", "主持人"]
    assert block["日期"] == "2026年11月25日 周三"
    assert [c.text for c in document.tables[1].rows[0].cells] == [
        "待办",
        "负责人",
        "截止日期",
        "卡片",
        "状态",
    ]
    assert [c.text for c in document.tables[2].rows[0].cells] == [
        "事项",
        "负责人",
        "截止日期",
        "卡片",
        "状态",
    ]
    paragraphs = [p.text for p in document.paragraphs]
    assert "出席：Ann Lee (@ann)、Bob Stone (@bob)" in paragraphs
    assert "1. 场地 Venue（15 分钟）" in paragraphs
    assert paragraphs[-1] == "2026年12月2日 周三 10:00（Asia/Shanghai, UTC+08:00），60 分钟，会议室 3"
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == "第 1 页，共 1 页"  # the field placeholders read "1" until a layout engine counts
    instructions = [t.text.strip() for t in footer._p.iter() if t.tag.endswith("}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert document.core_properties.category == "会议纪要"
    # The same meeting in English right after: the language is the only input that changed.
    english = docx.Document(BytesIO(minutes(world)))
    assert headings(english)[0] == "Attendees"


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (libreoffice-writer-nogui) and poppler-utils (pdftotext, pdftoppm) are not installed",
)
def test_chinese_minutes_laid_out_by_libreoffice_and_drawn_by_pdftoppm(world: World, tmp_path: Path) -> None:
    with using_language("zh-CN"):
        (tmp_path / "minutes.docx").write_bytes(minutes(world))
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "minutes.docx")],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "minutes.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    lines = [" ".join(line.split()) for line in text.stdout.splitlines()]
    for heading in ("参会人员", "议程", "决定事项", "待办事项", "遗留事项", "下次会议"):
        assert heading in lines, f"{heading} not laid out: {lines}"
    assert any(re.fullmatch(r"第 1 页，共 [1-9] 页", line) for line in lines), lines
    assert "待办 负责人 截止日期 卡片 状态" in lines
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)  # fmt: skip
    page = next(tmp_path.glob("page-*.png"))
    assert page.stat().st_size > 5000
    if keep := os.environ.get("HUDDLE_KEEP_RENDERINGS"):
        shutil.copy(page, Path(keep) / "minutes-zh-CN.png")
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "CJK" in fonts, "Chinese text was not set in a CJK font"


def test_close_report_in_chinese(seeded: Services) -> None:
    with using_language("zh-CN"):
        data = render_report_docx(seeded.closing.report(), now=seeded.clock(), tz="Asia/Shanghai")
    document = docx.Document(BytesIO(data))
    assert document.paragraphs[0].text.startswith("结项报告：")
    assert headings(document)[:3] == ["1. 目标：目标值与实际值", "2. 里程碑：计划与实际", "验收标准"]
    block = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert list(block) == ["项目", "愿景", "状态", "结项原因", "报告日期"]
    assert block["状态"] == "进行中（尚未结项）"
    assert "无。" in [p.text for p in document.paragraphs]
    assert document.sections[0].footer.paragraphs[0].text == "第 1 页，共 1 页"


def test_invite_mail_in_chinese(world: World) -> None:
    people = world.services.directory.people()
    with using_language("zh-CN"):
        message = build_invite_message(
            world.meeting, people=people, sender="ann@example.com", now=world.clock()
        )
    assert str(message["Subject"]) == f"会议邀请：{MEETING_TITLE} @ 2026年12月2日 周三 10:00"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert f"诚邀您参加{MEETING_TITLE}。" in text
    assert "时间：2026年12月2日 周三 10:00–11:00 (Asia/Shanghai, UTC+08:00)" in text
    assert "地点：会议室 3" in text
    assert message.as_bytes().isascii(), "still 7-bit clean: the Chinese body is quoted-printable"
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith(f"{MEETING_TITLE}（M-1，2026年11月25日 周三 10:00")


def test_calendar_summaries_in_chinese(world: World) -> None:
    services = world.services
    card = services.cards.add("OPS", "上线 Go-live", milestone=True, due=world.meeting.next_start.date())  # type: ignore[union-attr]
    with using_language("zh-CN"):
        milestones = render_milestones_ics([card], calendar_name="里程碑", now=world.clock())
        actions = render_actions_ics(
            services.cards.list(), calendar_name="待办", now=world.clock(), people=services.directory.people()
        )
    event = icalendar.Calendar.from_ical(milestones).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "里程碑：上线 Go-live"
    assert "CATEGORIES:里程碑" in milestones.decode()
    descriptions = [str(e["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(actions).walk("VEVENT")]
    assert descriptions
    assert all(d.startswith("卡片 ") for d in descriptions)
    assert all("状态：" in d for d in descriptions)
    english = icalendar.Calendar.from_ical(
        render_milestones_ics([card], calendar_name="m", now=world.clock())
    )
    assert str(english.walk("VEVENT")[0]["SUMMARY"]) == "Milestone: 上线 Go-live"
