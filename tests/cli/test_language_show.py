"""The CLI's human output in zh-CN (issue 16): every ``show`` command's detail lines, the status words
in tables, dates as the language writes them, the "… and N more" hint, tables aligned in cells with
Chinese data; ``--json`` the same bytes in every language and exit codes unchanged. The clock is the
tests' fixed one (Wednesday 25 November 2026, Asia/Shanghai)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.helpers.cli import Cli

SHOWS = (
    ("card", "show", "RND-8"),
    ("risk", "show", "R-2"),
    ("meeting", "show", "M-2"),
    ("milestone", "show", "MKT-7"),
    ("project", "show"),
)
"""One of each ``show`` command on the demo project (RND-8 is a milestone with RACI and history, R-2 has
a residual score and a review date, M-2 has minutes, actions and a follow-up, MKT-7 is on the critical
path with late predecessors)."""

JSON_COMMANDS = (
    *((*words, "--json") for words in SHOWS),
    ("milestone", "show", "SAL-2", "--json"),
    ("meeting", "prep", "--json"),
    ("project", "goals", "--json"),
    ("milestone", "list", "--json"),
    ("risk", "list", "--json"),
    ("meeting", "list", "--json"),
    ("change", "list", "--json"),
    ("activity", "--json"),
)

ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")
"""A lowercase English word: what a label or a line left untranslated shows (ids, zones, P4 and
placeholders such as TEXT are not lowercase words)."""


def cells(text: str) -> int:
    """Terminal cells ``text`` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def typed_text(cli: Cli, *words: str) -> set[str]:
    """Every string value of the command's --json document (data as typed, never translated)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(cli(*words, "--json").json())
    return found


def without(text: str, data: set[str]) -> str:
    """``text`` with the typed data and the command hints (``huddle milestone ...``) taken out."""
    for value in sorted(data, key=len, reverse=True):
        if len(value) > 1:
            text = text.replace(value, "")
    return re.sub(r"huddle [a-z -]+", "", text)


@pytest.fixture
def demo(cli: Cli) -> Cli:
    cli.ok("demo")
    return cli


@pytest.mark.parametrize("words", SHOWS, ids=lambda words: " ".join(words))
def test_every_show_command_speaks_chinese(demo: Cli, words: tuple[str, ...]) -> None:
    chinese = demo("--lang", "zh-CN", *words)
    english = demo("--lang", "en", *words)
    assert chinese.code == english.code == 0, chinese.err
    assert chinese.out.count("\n") == english.out.count("\n")
    # The data (titles, handles, activity details, OS accounts) is kept; every other word is Chinese.
    data = typed_text(demo, *words)
    data |= {
        a[key] for a in demo("activity", "--limit", "500", "--json").json() for key in ("detail", "os_user")
    }
    left = ENGLISH_WORD.findall(without(chinese.out, data))
    assert not left, left
    assert ENGLISH_WORD.findall(without(english.out, data)), "the check would see English"


def test_card_show_labels_values_and_history_in_chinese(demo: Cli) -> None:
    lines = demo("--lang", "zh-CN", "card", "show", "RND-8").out.splitlines()
    assert "       截止日期：12月16日 周三" in lines
    assert "         里程碑：是" in lines
    assert "         优先级：普通" in lines
    assert "       前置卡片：RND-5、RND-6、RND-7" in lines
    # The labels are right-aligned in cells: every colon is in the same terminal column.
    fields = lines[: lines.index("           历史：") + 1]
    assert {cells(line.partition("：")[0]) for line in fields} == {15}
    assert "  11月25日 周三 10:00  ann (" in lines[-1]
    assert " 已添加验收标准  AC-" in lines[-1]
    english = demo("--lang", "en", "card", "show", "RND-8").out.splitlines()
    assert "            due: Wed 16 Dec" in english
    assert "      milestone: True" in english
    assert demo("card", "show", "RND-8", "--json").json()["due"] == "2026-12-16"


def test_meeting_show_in_chinese_and_english(demo: Cli) -> None:
    lines = demo("--lang", "zh-CN", "meeting", "show", "M-2").out.splitlines()
    assert lines[0] == "M-2  跨部门周会 Weekly sync  [已结束]"
    assert lines[1] == "  开始：2026年11月18日 周三 10:00 Asia/Shanghai"
    assert "  议程 1. 上周行动项回顾（10 分钟）" in lines
    assert "  参会人员：li.wei、chen.jing、ann、sofia、liu.yang" in lines
    assert any(re.fullmatch(r"  \d\d:\d\d \[决定\] .+", line) for line in lines)
    assert any(line.startswith("  待办事项 FIN-10 @liu.yang 截止 11月22日 周日：") for line in lines)
    assert "  下次会议：2026年11月25日 周三 10:00 Asia/Shanghai" in lines
    assert lines[-1].startswith("  回复：li.wei 未答复、")
    english = demo("--lang", "en", "meeting", "show", "M-2").out.splitlines()
    assert english[0] == "M-2  跨部门周会 Weekly sync  [ended]"
    assert english[1] == "  start: Wed 18 Nov 2026 10:00 Asia/Shanghai"
    assert english[-1].startswith("  rsvp: li.wei no answer, ")


def test_a_review_meeting_shows_its_kind_and_outcome(demo: Cli) -> None:
    review = demo.ok("meeting", "start", "--kind", "review", "--milestone", "SAL-2", "--attendee", "sofia")
    demo.ok("meeting", "outcome", review, "passed")
    chinese = demo("--lang", "zh-CN", "meeting", "show", review).out.splitlines()
    assert chinese[1] == "  类型：评审（SAL-2），结果：通过"
    english = demo("--lang", "en", "meeting", "show", review).out.splitlines()
    assert english[1] == "  kind: review of SAL-2, outcome passed"
    milestone = demo("--lang", "zh-CN", "milestone", "show", "SAL-2").out.splitlines()
    assert f"  评审 {review}：通过" in milestone


def test_milestone_show_and_criteria_in_chinese(demo: Cli) -> None:
    demo.ok("milestone", "criterion", "add", "SAL-2", "签字版本存档")
    accepted = demo("--lang", "zh-CN", "milestone", "accept", "SAL-2", "1", "--evidence", "合同扫描件",
                    user="sofia")  # fmt: skip
    assert (accepted.code, accepted.out) == (0, "SAL-2 AC-1 已验收（1/3 已验收或豁免）\n")
    waived = demo("--lang", "zh-CN", "milestone", "waive", "SAL-2", "2", "--reason", "不需要", user="sofia")
    assert waived.out == "SAL-2 AC-2 已豁免（2/3 已验收或豁免）\n"
    lines = demo("--lang", "zh-CN", "milestone", "show", "SAL-2").out.splitlines()
    assert lines[0] == "SAL-2  Pilot contracts signed  [正常]"
    assert lines[1] == "  部门：Sales   截止日期：11月29日 周日   批准人：sofia"
    assert lines[2] == "  浮动时间：+0 天"
    assert "  验收标准（2/3 已验收或豁免）：" in lines
    accepted_line = next(line for line in lines if line.startswith("    AC-1 "))
    assert accepted_line.startswith("    AC-1 [已验收] 三家试点合同已签署 / 3 pilot contracts signed — ")
    assert accepted_line.endswith(" — sofia 11月25日 周三，证据：合同扫描件")
    assert "    AC-2 [已豁免] Contracts filed with Legal — sofia：不需要" in lines
    assert "    AC-3 [待验收] 签字版本存档" in lines
    critical = demo("--lang", "zh-CN", "milestone", "show", "MKT-7").out
    assert "  浮动时间：+0 天（位于关键路径上）\n" in critical
    english = demo("--lang", "en", "milestone", "show", "SAL-2").out.splitlines()
    assert english[1] == "  dept: Sales   due: Sun 29 Nov   accountable: sofia"
    assert "    AC-2 [waived] Contracts filed with Legal — sofia: 不需要" in english


def test_project_show_and_goal_update_in_chinese(demo: Cli) -> None:
    lines = demo("--lang", "zh-CN", "project", "show").out.splitlines()
    assert lines[1].startswith("  愿景：")
    assert "  目标：排程效率提升 30%；指标 平均排程耗时；目标值 -30%；期限 2027年2月23日 周二" in lines
    assert lines[-1] == "  受阻超过 3 天的卡片会被升级"
    english = demo("--lang", "en", "project", "show").out.splitlines()
    assert "  goal: 排程效率提升 30%; metric 平均排程耗时; target -30%; by Tue 23 Feb 2027" in english
    assert english[-1] == "  blocked cards are escalated after 3 days"
    updated = demo("--lang", "zh-CN", "project", "goal-update", "1", "2")
    assert updated.out == "目标 1：2 / 3（67%），测量于 2026年11月25日 周三\n"
    # English keeps the ISO date scripts read from this line (it has no --json).
    assert (
        demo("--lang", "en", "project", "goal-update", "1", "3").out
        == "goal 1: 3 of 3 (100%) on 2026-11-25; met\n"
    )


def test_status_words_are_translated_in_tables_only(demo: Cli) -> None:
    demo.ok("change", "request", "--title", "增加预算", "--card", "FIN-2")
    demo.ok("change", "approve", "CR-1")
    wanted = {
        ("risk", "list"): ("缓解中", "未关闭"),
        ("meeting", "list"): ("已结束",),
        ("milestone", "list"): ("正常", "有风险", "已完成", "到期"),
        ("change", "list"): ("已批准",),
        ("activity", "--limit", "5"): ("已批准", "已申请"),
    }
    raw = {"mitigating", "open", "ended", "on track", "at risk", "done", "approved", "requested"}
    for words, statuses in wanted.items():
        table = demo("--lang", "zh-CN", *words).out
        for status in statuses:
            assert re.search(rf"  {status}(  |$)", table, re.M), (words, status)
        rows = [line.split("  ") for line in table.splitlines()[1:]]
        assert not raw & {cell.strip() for row in rows for cell in row}, words
    english = demo("--lang", "en", "risk", "list").out
    assert re.search(r"  mitigating$", english, re.M)
    # --json keeps the stored values.
    assert {r["status"] for r in demo("--lang", "zh-CN", "risk", "list", "--json").json()} >= {
        "open",
        "mitigating",
    }


@pytest.mark.parametrize(
    "words",
    [("risk", "list"), ("meeting", "list"), ("milestone", "list"), ("card", "list"), ("project", "goals"),
     ("decision", "list"), ("activity", "--limit", "20"), ("dept", "list"), ("person", "list")],
    ids=lambda words: " ".join(words),
)  # fmt: skip
def test_tables_with_chinese_data_line_up_in_cells(demo: Cli, words: tuple[str, ...]) -> None:
    """Each column starts in the same terminal cell on every row, whatever mix of Chinese and Latin."""
    lines = demo("--lang", "zh-CN", *words).out.splitlines()
    assert any(cells(line) > len(line) for line in lines[1:]), "the table has Chinese data"
    header = lines[0]
    starts = [cells(header[: m.start()]) for m in re.finditer(r"(?<=  )\S", header)]
    assert starts, header
    for line in lines[1:]:
        if not line.strip() or line.startswith("*"):
            continue
        for start in (start for start in starts if cells(line) > start):
            # The cell before each column's start is padding (two spaces end the column before).
            prefix, width = "", 0
            for ch in line:
                if width >= start:
                    break
                prefix, width = prefix + ch, width + cells(ch)
            assert width == start, (words, line, start)
            assert prefix.endswith(" "), (words, line, start)


def test_the_and_n_more_hint(demo: Cli) -> None:
    for n in range(6):
        demo.ok("card", "add", "--dept", "Legal", "--title", f"合同审查 {n}", "--due", "2026-11-20")
    chinese = demo("--lang", "zh-CN", "meeting", "prep").out
    row = next(line for line in chinese.splitlines() if "overdue:Legal" in line)
    assert row.endswith("LEG-7、LEG-8、LEG-9、LEG-10 等，另有 3 项"), row
    english = demo("--lang", "en", "meeting", "prep").out
    row = next(line for line in english.splitlines() if "overdue:Legal" in line)
    assert row.endswith("LEG-7, LEG-8, LEG-9, LEG-10 … and 3 more"), row
    refs = next(s for s in demo("meeting", "prep", "--json").json() if s["key"] == "overdue:Legal")["refs"]
    assert len(refs) == 7


def test_counts_of_a_backup_and_a_check_in_chinese(demo: Cli) -> None:
    cards = len(demo("card", "list", "--json").json())
    backup = demo("--lang", "zh-CN", "backup", "-o", str(demo.folder / "b.json"))
    assert backup.out.endswith(f"（6 个部门、10 人、{cards} 张卡片、12 个风险、2 次会议）\n"), backup.out
    check = demo("--lang", "zh-CN", "db", "check").out.splitlines()
    assert re.fullmatch(r"json .+：结构版本 \d+，文档版本 \d+", check[0]), check[0]
    assert check[1].startswith(
        f"6 个部门、10 人、1 个项目、{cards} 张卡片、12 个风险、2 次会议、0 个变更请求、"
    )
    english = demo("--lang", "en", "db", "check").out.splitlines()
    assert english[1].startswith(f"6 departments, 10 people, 1 project, {cards} cards, 12 risks, ")


def test_json_of_every_show_and_listing_is_byte_identical(demo: Cli) -> None:
    for words in JSON_COMMANDS:
        english = demo("--lang", "en", *words)
        chinese = demo("--lang", "zh-CN", *words)
        assert english.code == chinese.code == 0, (words, english.err)
        assert chinese.out.encode() == english.out.encode(), words


def test_exit_codes_are_the_same_in_both_languages(demo: Cli) -> None:
    before = demo.digest()
    cases = [
        (("project", "close"), 1),
        (("milestone", "show", "OPS-1"), 1),
        (("meeting", "show", "M-99"), 1),
        (("risk", "show"), 2),
        (("milestone", "accept", "SAL-2", "1"), 1),  # ann is not the Accountable
    ]
    for words, code in cases:
        for lang in ("en", "zh-CN"):
            result = demo("--lang", lang, *words)
            assert result.code == code, (lang, words, result.err)
            assert result.err.startswith("huddle: error: ") or words == ("project", "close"), result.err
    assert demo.digest() == before


def help_page(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """``huddle --lang zh-CN WORDS --help`` in this process (argparse exits 0 after printing)."""
    from tui.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "zh-CN", *words, "--help"])
    assert exited.value.code == 0, words
    return capsys.readouterr().out


USAGE_OR_EXAMPLE = re.compile(r"^(usage|用法)|^\s+(\[|huddle )")
"""Help lines that are usage (flags and metavars) or example commands, never translated."""


def test_every_subcommand_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """Every group's and every subcommand's help in zh-CN: no help text (or wrapped tail of one) left
    in English; flags, metavars, choices and command names stay as they are."""
    english = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")
    groups = re.findall(r"^    ([a-z]+) ", help_page(capsys), re.M)
    assert len(groups) >= 20
    pages = 0
    for group in groups:
        page = help_page(capsys, group)
        for sub in [None, *re.findall(r"^    ([a-z][a-z-]*)(?:\s|$)", page, re.M)]:
            text = page if sub is None else help_page(capsys, group, sub)
            pages += 1
            for line in text.splitlines():
                if USAGE_OR_EXAMPLE.match(line):
                    continue
                shown = re.sub(r"(?<!\S)(-\S+|\{\S+\}|'[^']*')", "", line)
                assert not english.search(shown), (group, sub, line)
    assert pages > 80
