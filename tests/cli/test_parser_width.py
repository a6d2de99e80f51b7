"""The CLI's parsers format help at the width argparse itself would choose, without importing shutil."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import pytest

from tui.cli.args import Parser, terminal_columns
from tui.cli.parser import build_parser


@pytest.mark.parametrize("columns", [None, "", "0", "-3", "abc", "52", "140"])
def test_the_width_is_shutils(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns
    ours = Parser(prog="huddle")._get_formatter()
    theirs = argparse.ArgumentParser._get_formatter(Parser(prog="huddle"))  # argparse's own choice
    assert (ours._width, ours._max_help_position) == (theirs._width, theirs._max_help_position)


@pytest.mark.parametrize("columns", ["52", "140"])
@pytest.mark.parametrize("argv", [None, ["card", "add", "--help"], ["meeting", "start", "--help"]])
def test_help_text_is_argparses(
    columns: str, argv: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)

    def helps() -> list[str]:
        parser = build_parser(argv)
        found = [parser.format_help()]
        if argv:
            group = parser._subparsers._group_actions[0].choices[argv[0]]  # type: ignore[union-attr,index]
            found += [group.format_help(), group._subparsers._group_actions[0].choices[argv[1]].format_help()]
        return found

    ours = helps()
    monkeypatch.setattr(Parser, "_get_formatter", argparse.ArgumentParser._get_formatter)
    assert ours == helps()


def test_building_a_command_parser_does_not_import_shutil() -> None:
    code = (
        "import sys\n"
        "from tui.cli.parser import build_parser\n"
        "build_parser(['--db', 'x.json', 'card', 'add', '--dept', 'D', '--title', 'T']).format_help()\n"
        "print('shutil' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
