"""``huddle`` reads its config file once: the language and the context come from the same read (the app's
start-up and every command paid for a second parse before). A broken file is still reported by the
context, in the language chosen by then, and ``--help`` still works with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import tui.config
from tests.helpers.cli import Cli


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every config file turned into settings from now on (``load_settings`` builds them here, whoever
    imported it)."""
    reads: list[Path] = []
    original = tui.config._build

    def counted(cls: type, values: dict[str, Any], where: str) -> Any:
        if cls is tui.config.Settings:
            reads.append(Path(where))
        return original(cls, values, where)

    monkeypatch.setattr(tui.config, "_build", counted)
    return reads


def test_a_command_reads_the_config_once_for_language_and_context(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text('language = "zh-CN"\nrisk_amber = 4\n', encoding="utf-8")
    monkeypatch.setenv("HUDDLE_CONFIG", str(config))
    reads = count_reads(monkeypatch)
    result = cli("dept", "add", "Ops")  # in-process: tui.cli.main as the script runs it
    assert result.code == 0, result.err
    assert reads == [config]
    bad = cli("card", "show", "NOPE-1")
    assert bad.code == 1
    assert re.search("[\u4e00-\u9fff]", bad.err), bad.err  # the config's language reached the error line
    assert reads == [config, config]


def test_a_broken_config_is_still_reported_by_the_context_in_the_chosen_language(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text("risk_amber = 'high'\n", encoding="utf-8")
    monkeypatch.setenv("HUDDLE_CONFIG", str(config))
    with pytest.raises(SystemExit) as help_exit:  # argparse's --help exits from inside main
        cli("--help")
    assert help_exit.value.code == 0
    result = cli("--lang", "zh-CN", "dept", "list")
    assert result.code == 1
    assert result.err.startswith(f"huddle: error: {config}：risk_amber 必须是整数"), result.err
    assert "Traceback" not in result.err
