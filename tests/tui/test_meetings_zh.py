"""A live meeting run in Chinese (issue 16): Chinese typed into the capture line (the full-width ``／`` and
the IME's ``、`` as the slash), the minutes, open actions, key bar and summary labelled in zh-CN, and
the Word minutes exported from the zh-CN app with Chinese headings (reopened with python-docx)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from domain.i18n import using_language
from tests.helpers.meetings import SIZE, open_live, start_meeting
from tests.helpers.wait import until
from tui.app import HuddleApp
from tui.dialogs.confirm import WriteConfirmModal
from tui.dialogs.end_meeting import EndMeetingModal
from tui.screens.meeting_live import LiveMeetingScreen
from tui.screens.meeting_summary import MeetingSummaryScreen
from tui.screens.meetings import MeetingsScreen
from tui.widgets.action_item_row import ActionItemRow
from tui.widgets.meeting_summary import MeetingSummary
from tui.widgets.minutes_log import MinuteRow
from tui.wiring import Context


def rendered(widget: Static) -> str:
    return str(widget.render())


def minute_texts(screen: LiveMeetingScreen) -> list[str]:
    return [rendered(row) for row in screen.query(MinuteRow) if row.line is not None and not row.line.pending]


async def type_line(pilot: Pilot[None], screen: LiveMeetingScreen, text: str) -> None:
    screen.minutes_log.capture_input.insert_text_at_cursor(text)
    await pilot.pause()
    await pilot.press("enter")


async def test_live_meeting_in_chinese(context: Context) -> None:
    meeting = start_meeting(context)
    with using_language("zh-CN"):
        app = HuddleApp(context, start_mode="meetings")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_live(pilot)
            hint = screen.query_one("#capture-preview", Static)
            await until(pilot, lambda: "回车记录笔记" in rendered(hint))
            descriptions = {b.binding.description for b in screen.active_bindings.values()}
            assert {"决定", "待办", "风险", "下一项", "结束会议"} <= descriptions

            await type_line(pilot, screen, "讨论了场地问题")
            await type_line(pilot, screen, "、d 采用方案B，下周一开始试运行")
            await type_line(pilot, screen, "／a @wei 下周五 确认发布会场地")
            await type_line(pilot, screen, "/r 供应商可能延期")
            await until(pilot, lambda: len(minute_texts(screen)) == 4)

            lines = minute_texts(screen)
            assert lines[0].endswith("讨论了场地问题")
            assert "决定 采用方案B，下周一开始试运行" in lines[1]
            assert "待办 确认发布会场地" in lines[2]
            assert "风险 " in lines[3]
            assert "供应商可能延期" in lines[3]
            assert screen.minutes_log.border_title == "会议纪要 · 1. Intro"

            stored = context.services.meetings.get(meeting.id)
            assert [d.text for d in stored.decisions] == ["采用方案B，下周一开始试运行"]
            assert [(a.owner, a.due, a.text) for a in stored.actions] == [
                ("wei", date(2026, 12, 4), "确认发布会场地")
            ]
            await until(pilot, lambda: len(screen.query(ActionItemRow)) == 1)
            row = rendered(screen.query_one(ActionItemRow))
            assert "@wei · 12月4日 周五" in row, row
            assert screen.query_one("#open-actions").border_title == "未完成的待办 · 1"
            assert screen.attendee_list.border_title == "参会人员 3/3"

            await pilot.press("alt+e")
            await until(pilot, lambda: isinstance(app.screen, EndMeetingModal))
            await pilot.click("#end-confirm")
            await until(
                pilot, lambda: isinstance(app.screen, MeetingSummaryScreen) and app.screen.view is not None
            )
            summary = app.screen.query_one(MeetingSummary)
            await until(pilot, lambda: "决定（1）" in summary.text)
            text = summary.text.splitlines()
            assert "出席：Ann Lee、李伟、Bob Stone" in text
            assert "决定（1）" in text
            assert "• 采用方案B，下周一开始试运行" in text
            assert "待办事项（1）" in text
            assert any(t.endswith("截止 12月4日 周五：确认发布会场地") for t in text), text
            # The end dialog suggests the same time a week later; the summary writes it the Chinese way.
            assert text[-1].startswith("下次会议：2026年12月2日 周三 10:00 Asia/Shanghai（"), text[-1]


async def test_word_minutes_from_the_chinese_app_have_chinese_headings(
    context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    meetings = context.services.meetings
    meeting = start_meeting(context)
    meetings.decide(meeting.id, "采用方案B")
    meetings.action(meeting.id, "wei", date(2026, 12, 4), "确认发布会场地")
    meetings.end(meeting.id, next_start=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    with using_language("zh-CN"):
        app = HuddleApp(context, start_mode="meetings")
        async with app.run_test(size=SIZE) as pilot:
            await until(
                pilot, lambda: isinstance(app.screen, MeetingsScreen) and bool(app.screen.data.meetings)
            )
            option_list = app.screen.query_one("#meeting-list", OptionList)
            option_list.highlighted = option_list.get_option_index(meeting.id)
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, WriteConfirmModal))
            assert f"导出 {meeting.id} 的 Word 会议纪要？" in rendered(
                app.screen.query_one("#confirm-question", Static)
            )
            await pilot.click("#yes")
            await until(pilot, lambda: any(tmp_path.glob("*.docx")))
    (written,) = list(tmp_path.glob("*.docx"))  # noqa: ASYNC240 (the app has stopped: nothing to block)
    document = docx.Document(str(written))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    for heading in ("参会人员", "议程", "决定事项", "待办事项", "下次会议"):
        assert heading in headings, headings
    assert not {"Attendees", "Agenda", "Decisions", "Action items"} & set(headings)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "采用方案B" in body
