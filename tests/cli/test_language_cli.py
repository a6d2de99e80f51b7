"""The CLI's own texts in zh-CN (issue 16): help of the program, a group and a command; error lines
from the parser, the domain and the storage; tables and the resolved-date echo. English stays as it
was (the other CLI tests), exit codes stay the same, ``--json`` is the same bytes in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import StorageError
from domain.i18n import using_language
from storage.files import exclusive_lock
from tests.helpers.cli import Cli

LISTINGS = (
    ("card", "list", "--json"),
    ("risk", "list", "--json"),
    ("meeting", "list", "--json"),
    ("dept", "list", "--json"),
    ("person", "list", "--json"),
    ("milestone", "list", "--json"),
    ("milestone", "path", "--json"),
    ("change", "list", "--json"),
    ("decision", "list", "--json"),
    ("activity", "--json"),
    ("project", "show", "--json"),
    ("project", "goals", "--json"),
)
"""Every command that lists records with --json (``column list`` needs a department: below)."""

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> int:
    """How many Chinese characters ``text`` holds."""
    return len(CJK.findall(text))


def test_program_group_and_command_help_are_chinese(cli: Cli) -> None:
    top = cli.run("--lang", "zh-CN", "--help")
    assert top.code == 0
    for text in ("部门看板上的卡片", "风险登记册", "显示程序版本号并退出", "数据文件（默认：", "日期可以是"):
        assert text in top.out, text
    group = cli.run("--lang", "zh-CN", "card", "--help")
    assert group.code == 0
    assert group.out.startswith("用法：huddle card ")
    for text in ("添加卡片；输出其 ID", "把卡片移到另一列", "显示一张卡片及其历史"):
        assert text in group.out, text
    command = cli.run("card", "add", "--help", env={"LANG": "zh_CN.UTF-8"})
    assert command.code == 0
    for text in ("截止日期（", "'none' 表示清除", "RACI：唯一的 Accountable", "DATE 可以是"):
        assert text in command.out, text
    # Flags, metavars and command names are never translated.
    for word in ("--due DATE", "--title TEXT", "--dept NAME"):
        assert word in command.out, word
    english = cli.run("--lang", "en", "card", "add", "--help", env={"LANG": "zh_CN.UTF-8"})
    assert "due date (" in english.out
    assert chinese(english.out) == chinese("明天, 周五, 下周一") * 2  # only the date forms, in both epilogs


def test_every_group_and_command_help_is_translated(cli: Cli) -> None:
    """No help line in zh-CN is left in English (help texts are whole phrases, so an English one shows
    as a run of lowercase words)."""
    top = cli.run("--lang", "zh-CN", "--help").out
    groups = re.findall(r"^    ([a-z]+) ", top, re.M)
    assert len(groups) == 20
    english_help = re.compile(r"^  \S.*?\s{2,}[a-z]+ [a-z]+ [a-z]+", re.M)
    for group in groups:
        page = cli.run("--lang", "zh-CN", group, "--help").out
        assert chinese(page), group
        assert not english_help.findall(page), (group, english_help.findall(page))


def test_error_lines_in_chinese_keep_the_prefix_and_the_exit_code(cli: Cli) -> None:
    cli.ok("demo")
    before = cli.digest()
    bad_date = cli("--lang", "zh-CN", "card", "add", "--dept", "研发部", "--title", "x", "--due", "blah")
    assert bad_date.code == 1
    assert bad_date.err.startswith("huddle: error: --due：无法识别日期 'blah'；请使用 ")
    assert bad_date.err.count("\n") == 1
    unknown = cli("--lang", "zh-CN", "card", "show", "NOPE-9")
    assert (unknown.code, unknown.err) == (1, "huddle: error: 没有卡片 'NOPE-9'\n")
    assert cli("--lang", "en", "card", "show", "NOPE-9").err == "huddle: error: no card 'NOPE-9'\n"
    usage = cli("--lang", "zh-CN", "risk", "add", "--title", "x", "--probability", "9", "--impact", "1")
    assert usage.code == 2
    assert usage.err.startswith(
        "huddle: error: 参数 --probability：9 不在 1 和 5 之间（参见 'huddle risk add --help'）"
    )
    assert cli.digest() == before


def test_a_wip_refusal_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    dept = cli("dept", "list", "--json").json()[0]["name"]
    columns = cli("column", "list", dept, "--json").json()
    target = columns[1]["name"]
    cli.ok("column", "wip", dept, target, str(max(1, columns[1]["cards"])))
    card = cli.ok("card", "add", "--dept", dept, "--title", "one more")
    before = cli.digest()
    refused = cli("--lang", "zh-CN", "card", "move", card, target)
    assert refused.code == 1
    assert refused.err.startswith(f"huddle: error: {dept} 的列 '{target}' 已达 WIP 上限（")
    assert refused.err.endswith("）；请先完成一些工作，或提高上限\n")
    english = cli("--lang", "en", "card", "move", card, target)
    assert "is at its WIP limit" in english.err
    assert cli.digest() == before


def test_a_lock_timeout_message_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "huddle.json"
    with (
        exclusive_lock(db),
        using_language("zh-CN"),
        pytest.raises(StorageError) as error,
        exclusive_lock(db, timeout=0.6),
    ):
        pass
    assert str(error.value) == f"{db} 被另一个 huddle 进程锁定超过 1 秒；请重试"


def test_tables_confirmations_and_the_resolved_date_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    table = cli("--lang", "zh-CN", "card", "list").out.splitlines()
    header = table[0].split()
    assert header == ["ID", "标题", "列", "负责人", "截止日期", "标记"]
    # Columns line up in cells: the header's second field starts where each row's title starts.
    title_at = table[0].index("标题")
    assert all(len(row[:title_at].rstrip()) <= title_at for row in table[1:])
    added = cli("--lang", "zh-CN", "card", "add", "--dept", "研发部", "--title", "t", "--due", "2026-12-04")
    assert added.code == 0, added.err
    assert added.err == "截止日期：2026年12月4日 周五\n"
    english = cli("--lang", "en", "card", "add", "--dept", "研发部", "--title", "t", "--due", "2026-12-04")
    assert english.err == "due: Fri 2026-12-04\n"
    card = added.out.strip()
    assert cli("--lang", "zh-CN", "card", "delete", card).out == f"已删除 {card}\n"
    # --json keeps ISO dates whatever the language.
    shown = cli("--lang", "zh-CN", "card", "show", english.out.strip(), "--json").json()
    assert shown["due"] == "2026-12-04"


def test_json_of_every_listing_is_byte_identical_across_languages(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("demo")
    dept = cli("dept", "list", "--json").json()[0]["name"]
    for command in (*LISTINGS, ("column", "list", dept, "--json")):
        english = cli("--lang", "en", *command)
        assert english.code == 0, (command, english.err)
        assert english.out.startswith(("[", "{")), command
        chinese_run = cli("--lang", "zh-CN", *command)
        assert (chinese_run.code, chinese_run.out.encode()) == (0, english.out.encode()), command
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        assert cli(*command).out.encode() == english.out.encode(), command
        monkeypatch.delenv("LANG")


def test_lang_locale_and_config_all_translate_an_error_line(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text('language = "zh-CN"\n', encoding="utf-8")
    db = str(cli.db)
    expected = "huddle: error: 没有卡片 'NOPE-1'\n"
    by_option = cli.run("--db", db, "--lang", "zh-CN", "card", "show", "NOPE-1")
    by_locale = cli.run("--db", db, "card", "show", "NOPE-1", env={"LANG": "zh_CN.UTF-8"})
    by_config = cli.run("--db", db, "card", "show", "NOPE-1", env={"HUDDLE_CONFIG": str(config)})
    for result in (by_option, by_locale, by_config):
        assert (result.code, result.err) == (1, expected)
    english = cli.run(
        "--db", db, "--lang", "en", "card", "show", "NOPE-1", env={"HUDDLE_CONFIG": str(config)}
    )
    assert (english.code, english.err) == (1, "huddle: error: no card 'NOPE-1'\n")
