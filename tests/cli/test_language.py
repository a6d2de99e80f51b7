"""The CLI's language: ``--lang``, config ``language``, the locale; help and errors translated,
exit codes and ``--json`` the same in every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Cli

JSON_COMMANDS = (
    ("card", "list", "--json"),
    ("card", "show", "OPS-1", "--json"),
    ("risk", "list", "--json"),
    ("meeting", "list", "--json"),
    ("dept", "list", "--json"),
    ("person", "list", "--json"),
)


def test_help_in_chinese_from_lang_and_from_the_locale(cli: Cli) -> None:
    by_option = cli.run("--lang", "zh-CN", "--help")
    assert by_option.code == 0
    assert by_option.out.startswith("用法：huddle ")
    for text in ("位置参数", "选项", "显示此帮助信息并退出"):
        assert text in by_option.out
    by_locale = cli.run("--help", env={"LANG": "zh_CN.UTF-8"})
    assert by_locale.out == by_option.out
    english = cli.run("--lang", "en", "--help", env={"LANG": "zh_CN.UTF-8"})
    assert english.out.startswith("usage: huddle ")
    assert "positional arguments" in english.out


def test_usage_errors_in_chinese_keep_the_prefix_and_the_exit_code(cli: Cli) -> None:
    result = cli.run("--db", str(cli.db), "card", "move", "--lang=zh_CN.UTF-8")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err.startswith("huddle: error: 缺少以下参数：ID, COLUMN")
    english = cli.run("--db", str(cli.db), "card", "move")
    assert english.code == 2
    assert english.err.startswith("huddle: error: the following arguments are required: ID, COLUMN")
    assert not cli.db.exists()


def test_an_unknown_lang_is_a_usage_error_naming_it(cli: Cli) -> None:
    result = cli.run("--db", str(cli.db), "--lang", "fr", "card", "list")
    assert (result.code, result.out) == (2, "")
    assert result.err == "huddle: error: --lang: unknown language 'fr'; available: en, zh-CN\n"
    assert not cli.db.exists()
    # An unknown locale is only a preference: English, silently.
    fallback = cli.run("--help", env={"LANG": "fr_FR.UTF-8"})
    assert (fallback.code, fallback.err) == (0, "")
    assert fallback.out.startswith("usage: huddle ")


def test_config_language_is_applied_and_checked(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text('language = "zh-CN"\n', encoding="utf-8")
    result = cli.run("--help", env={"HUDDLE_CONFIG": str(config)})
    assert result.out.startswith("用法：huddle ")
    assert cli.run("--lang", "en", "--help", env={"HUDDLE_CONFIG": str(config)}).out.startswith("usage:")
    config.write_text('language = "klingon"\n', encoding="utf-8")
    bad = cli.run("--db", str(cli.db), "card", "list", env={"HUDDLE_CONFIG": str(config)})
    assert bad.code == 1
    assert bad.err == (
        f"huddle: error: {config}: language: unknown language 'klingon'; available: en, zh-CN\n"
    )


def test_json_is_byte_identical_in_every_language(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("demo")
    for command in JSON_COMMANDS:
        english = cli("--lang", "en", *command)
        chinese = cli("--lang", "zh-CN", *command)
        assert english.code == chinese.code == 0, (command, english.err, chinese.err)
        assert chinese.out.encode() == english.out.encode(), command
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        by_locale = cli(*command)
        monkeypatch.setenv("LANG", "C.UTF-8")
        assert by_locale.out.encode() == english.out.encode(), command
    # The same through a real process, as scripts call it.
    assert cli.run("--db", str(cli.db), "--lang", "zh-CN", "card", "list", "--json").out == english_cards(cli)


def english_cards(cli: Cli) -> str:
    return cli.run("--db", str(cli.db), "--lang", "en", "card", "list", "--json").out


def test_markdown_minutes_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    meeting = cli.ok("meeting", "start", "--title", "周会", "--attendee", "ann", "--agenda", "进展:20",
                     "--tz", "Asia/Shanghai")  # fmt: skip
    cli.ok("meeting", "decide", meeting, "批准预算")
    result = cli("--lang", "zh-CN", "export", "meeting", meeting, "--markdown", "-o", "-")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "# 周会"
    assert lines[2] == "- **时间：** 2026年11月25日 周三 10:00 (Asia/Shanghai)"
    for text in ("## 议程", "1. 进展（20 分钟）", "## 决定事项", "- 批准预算", "## 待办事项", "（无）"):
        assert text in lines, text
    english = cli("--lang", "en", "export", "meeting", meeting, "--markdown", "-o", "-").out.splitlines()
    assert english[2] == "- **When:** 2026-11-25 (Wed) 10:00 (Asia/Shanghai)"
