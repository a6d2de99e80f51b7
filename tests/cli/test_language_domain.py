"""Texts built in the domain and in outbound/ in zh-CN (issue 16): the generic text checks with their
field names, the open items of ``project close``, the demo's summary, export descriptions and push
reports, the "… and N more" of unknown people, meeting prep suggestions. English stays as it was and
``--json`` keeps its bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import ValidationError
from domain.i18n import using_language
from domain.text import clean_handle, clean_text, clean_title
from outbound.caldav import PushResult
from outbound.rsvp import import_files
from tests.helpers.cli import Cli
from tests.helpers.delivery import World


def _message(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(caught.value)


def test_generic_text_checks_name_the_field_in_chinese() -> None:
    with using_language("zh-CN"):
        assert _message(clean_title, "  ") == "标题为空"
        assert _message(clean_title, "", "agenda item") == "议程项为空"
        assert _message(clean_title, "x" * 201) == "标题长 201 个字符；上限是 200"
        assert _message(clean_title, "a\nb", "column name") == "列名包含换行符（U+000A）；必须是一行"
        assert "控制字符（U+001B）" in _message(clean_text, "a\x1b[31m", "note")
        assert _message(clean_handle, "A B").startswith("用户名 'A B' 无效")
        # A name the catalog does not know (a flag) is shown as it is.
        assert _message(clean_title, "", "--milestone") == "--milestone为空"
    assert _message(clean_title, "  ") == "title is empty"
    assert (
        _message(clean_title, "a\nb", "column name")
        == "column name contains a line break (U+000A); it must be one line"
    )
    assert _message(clean_title, "x" * 201) == "title is 201 characters long; the limit is 200"


def test_a_service_error_names_the_field_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    chinese = cli("--lang", "zh-CN", "card", "edit", "RND-8", "--title", " ")
    english = cli("--lang", "en", "card", "edit", "RND-8", "--title", " ")
    assert chinese.code == english.code != 0
    assert "标题为空" in chinese.err, chinese.err
    assert "title is empty" in english.err, english.err


def test_project_close_lists_open_items_in_chinese_and_json_keeps_english(cli: Cli) -> None:
    cli.ok("demo")
    live = cli.ok("meeting", "start", "--title", "站会", "--attendee", "ann")
    chinese = cli("--lang", "zh-CN", "project", "close")
    english = cli("--lang", "en", "project", "close")
    assert chinese.code == english.code == 1
    assert "站会仍在进行中" in chinese.out, chinese.out
    assert "（缓解中）" in chinese.out or "（未关闭）" in chinese.out, chinese.out
    assert "站会 is still live" in english.out
    assert " (open)" in english.out or " (mitigating)" in english.out
    assert live in chinese.out
    as_json = [cli("--lang", lang, "project", "close", "--json").out for lang in ("en", "zh-CN")]
    assert as_json[0] == as_json[1]
    assert "站会 is still live" in as_json[0]


def test_demo_summary_in_chinese_and_english(cli: Cli) -> None:
    chinese = cli("--lang", "zh-CN", "demo")
    assert chinese.code == 0, chinese.err
    assert chinese.out.rstrip().endswith("：6 个部门、10 人、60 张卡片、12 个风险、2 次会议"), chinese.out
    english = cli("--lang", "en", "demo", "--force")
    assert english.out.rstrip().endswith(": 6 departments, 10 people, 60 cards, 12 risks, 2 meetings")
    again = cli("--lang", "zh-CN", "demo")
    assert again.code == 1
    assert "已有数据；使用 'huddle demo --force' 以演示项目替换它" in again.err, again.err
    # The demo's data is the same whatever the language.
    typed = ("title", "dept", "column", "owner", "tags", "blocked_reason")
    after_english = {k: v for k, v in cli("card", "show", "RND-8", "--json").json().items() if k in typed}
    cli.ok("--lang", "zh-CN", "demo", "--force")
    after_chinese = {k: v for k, v in cli("card", "show", "RND-8", "--json").json().items() if k in typed}
    assert after_chinese == after_english
    assert "title" in after_chinese


def test_export_descriptions_in_chinese_and_english(cli: Cli, tmp_path: Path) -> None:
    cli.ok("demo")
    milestones = cli("--lang", "zh-CN", "export", "ics", "--milestones", "-o", str(tmp_path / "m.ics"))
    assert milestones.code == 0, milestones.err
    assert re.search(r"（\d+ 个里程碑）$", milestones.out.rstrip()), milestones.out
    english = cli("--lang", "en", "export", "ics", "--milestones", "-o", str(tmp_path / "m2.ics"))
    assert re.search(r" \(\d+ milestones\)$", english.out.rstrip()), english.out
    minutes = cli("--lang", "zh-CN", "export", "minutes", "M-2", "-o", str(tmp_path / "m.docx"))
    assert re.search(r"（M-2 的会议纪要（\d+ 条记录，\d+ 项待办））$", minutes.out.rstrip()), minutes.out
    risks = cli("--lang", "zh-CN", "export", "risks", "--csv", "-o", str(tmp_path / "r.csv"))
    assert risks.out.rstrip().endswith("（risks 表 12 行（csv））"), risks.out
    english = cli("--lang", "en", "export", "risks", "--csv", "-o", str(tmp_path / "r2.csv"))
    assert english.out.rstrip().endswith("(12 risks rows as csv)"), english.out


def test_calendar_push_summary_in_chinese_and_english() -> None:
    done = PushResult("https://dav.example/cal/", 1, 2, removed=("旧里程碑", "Old one"))
    preview = PushResult(
        "https://dav.example/cal/", 1, 1, ("a",), ("b",), ("c",), ("x changed",), dry_run=True
    )
    with using_language("zh-CN"):
        assert done.summary() == (
            "已发布1 个后续会议和 2 个里程碑到 https://dav.example/cal/；"
            "已删除 2 个不再导出的事件：旧里程碑、Old one"
        )
        assert preview.summary().splitlines() == [
            "将发布1 个后续会议和 1 个里程碑到 https://dav.example/cal/：1 个新建，1 个更新",
            "  将删除（不再导出）：c",
            "  冲突：x changed",
        ]
    assert done.summary() == (
        "published 1 follow-up meeting(s) and 2 milestone(s) to https://dav.example/cal/; "
        "removed 2 no longer exported: 旧里程碑, Old one"
    )
    assert preview.summary().splitlines()[1:] == [
        "  would remove (no longer exported): c",
        "  conflict: x changed",
    ]


def test_rsvp_report_lines_in_chinese_and_json_in_english(world: World, tmp_path: Path) -> None:
    from tests.helpers.imap import reply_ics

    uid = world.meeting.next_uid
    bob = tmp_path / "bob.ics"
    bob.write_bytes(reply_ics(uid, "bob@example.com", "ACCEPTED", name="Bob Stone"))
    eve = tmp_path / "eve.ics"
    eve.write_bytes(reply_ics(uid, "eve@example.org", "DECLINED", name="Eve"))
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"Subject: hello\r\n\r\nno calendar here\r\n")
    with using_language("zh-CN"):
        report = import_files(world.services, [bob, eve, empty])
        again = import_files(world.services, [bob])
        lines = report.lines()
        assert lines[0] == f"M-1 @bob 已接受（{bob}）"
        assert lines[1] == f"未匹配：eve@example.org 已拒绝（{eve}）：eve@example.org 不是 M-1 的参会人员"
        assert lines[2] == f"{empty}：其中没有日历回复（METHOD:REPLY）"
        assert again.lines()[0] == f"M-1 @bob 已接受（{bob}）：未变化，已记录过"
        as_json = report.as_json()
    assert as_json == report.as_json()
    assert as_json["notes"] == [f"{empty}: no calendar reply (METHOD:REPLY) in it"]
    replies = as_json["replies"]
    assert isinstance(replies, list)
    assert replies[1]["detail"] == "eve@example.org is not an attendee of M-1"
    assert again.lines()[0] == f"M-1 @bob accepted ({bob}): unchanged, already recorded"


def test_known_people_counts_the_rest_in_chinese() -> None:
    from domain.capture import known_people
    from domain.models import Person

    people = [Person(f"p{i:02}", f"Person {i}", "") for i in range(1, 16)]
    with using_language("zh-CN"):
        assert known_people(people, 3) == "@p01、@p02、@p03 …… 另有 12 人"
        assert known_people(people[:4], 3) == "@p01、@p02、@p03 …… 另有 1 人"
        assert known_people([]) != "nobody yet"
    assert known_people(people, 3) == "@p01, @p02, @p03 ... and 12 more"


def test_meeting_prep_suggests_in_chinese_and_json_keeps_english(cli: Cli) -> None:
    cli.ok("demo")
    chinese = cli("--lang", "zh-CN", "meeting", "prep")
    english = cli("--lang", "en", "meeting", "prep")
    assert chinese.code == english.code == 0, chinese.err
    assert "的逾期和升级卡片（" in chinese.out, chinese.out
    assert "Overdue and escalated in " in english.out
    assert "Overdue and escalated" not in chinese.out
    as_json = [cli("--lang", lang, "meeting", "prep", "--json").out for lang in ("en", "zh-CN")]
    assert as_json[0] == as_json[1]
    assert "Overdue and escalated in " in as_json[0]
    # A suggestion picked in zh-CN is the agenda item's title in Chinese.
    started = cli(
        "--lang", "zh-CN", "meeting", "start", "--title", "周会", "--pick", "1", "--attendee", "ann"
    )
    assert started.code == 0, started.err
    shown = cli("--lang", "zh-CN", "meeting", "show", started.out.split()[0]).out
    assert "的逾期和升级卡片（" in shown, shown


def test_calendar_push_problems_in_chinese() -> None:
    from outbound.caldav import _Push

    with using_language("zh-CN"):
        text = _Push._changed("里程碑：发布", "uid-1", "removed")
    assert text.startswith(
        "里程碑：发布（uid-1）在 Huddle 推送后已在服务器上被修改（412 Precondition Failed）；未删除"
    )
    assert _Push._changed("x", "u", "overwritten") == (
        "x (u) was changed on the server since Huddle pushed it (412 Precondition Failed); not overwritten, "
        "'huddle calendar push --force' replaces the server's version"
    )


def test_agenda_pick_and_goal_hints_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    pick = cli("--lang", "zh-CN", "meeting", "start", "--title", "周会", "--pick", "99", "--attendee", "ann")
    assert pick.code != 0
    assert "议程选择 99：建议的编号是 1 到 " in pick.err, pick.err
    goal = cli("--lang", "zh-CN", "project", "goal-update", "不存在的目标", "1")
    assert goal.code != 0
    assert "请给出它的编号或其文字的开头" in goal.err, goal.err
    english = cli("--lang", "en", "project", "goal-update", "no such goal", "1")
    assert "give its number or the start of its text" in english.err, english.err
