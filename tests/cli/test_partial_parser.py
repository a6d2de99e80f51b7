"""``build_parser(argv)`` builds only the group named in ``argv``: what a user sees must be what the
full parser shows (help of every group and subcommand, usage errors), and argparse is left as found."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from tui.cli import build_parser
from tui.cli.args import UsageError
from tui.cli.parser import GROUPS, action_in, command_in


def shown(parser: argparse.ArgumentParser, words: list[str]) -> str:
    """What parsing ``words`` prints (help) or raises (usage error), as text."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            parser.parse_args(words)
        except SystemExit:
            pass
        except UsageError as exc:
            return f"error: {exc}"
    return out.getvalue()


def subcommands(parser: argparse.ArgumentParser) -> list[list[str]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append([name])
                found += [[name, *rest] for rest in subcommands(sub)]
    return found


FULL = build_parser()
WORDS = subcommands(FULL)


@pytest.mark.parametrize("words", WORDS, ids=lambda words: " ".join(words))
def test_help_of_a_partial_parser_is_the_full_parsers(
    words: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    argv = ["--db", "x.json", *words, "--help"]
    assert shown(build_parser(argv), argv) == shown(build_parser(), argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["card"],
        ["card", "add"],
        ["card", "add", "--dept", "D"],
        ["card", "list", "--bogus"],
        ["--user", "card", "meeting", "list", "--x"],
        ["export", "ics"],
        ["activity", "--limit", "0"],
        ["milestone", "criterion"],
    ],
)
def test_usage_errors_of_a_partial_parser_are_the_full_parsers(argv: list[str]) -> None:
    assert shown(build_parser(argv), argv) == shown(build_parser(), argv)


def test_a_partial_parser_builds_one_module_of_groups() -> None:
    card = build_parser(["card", "add"])
    sub = next(a for a in card._actions if isinstance(a, argparse._SubParsersAction))
    built = {name for name, p in sub.choices.items() if p._subparsers is not None or p.get_default("handler")}
    assert built == {"card"}
    assert set(sub.choices) == set(GROUPS)


def test_the_group_is_found_after_global_options_and_their_values() -> None:
    assert command_in(["--db", "card", "--user", "risk", "meeting", "list"]) == "meeting"
    assert command_in(["--db=x.json", "card"]) == "card"
    assert command_in(["--help"]) is None


def test_argparse_translates_as_before_once_the_parser_is_built() -> None:
    """The parser memoizes argparse's gettext lookups only while it is built."""
    before = vars(argparse)["_"]
    build_parser(["card", "add"])
    assert vars(argparse)["_"] is before


def test_of_the_named_group_only_the_named_subcommand_is_built() -> None:
    """``card add`` builds ``add`` in full; the card group's other subcommands are names with their help."""
    parser = build_parser(["--db", "x.json", "card", "add", "--dept", "D", "--title", "T"])
    groups = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    card = groups.choices["card"]
    actions = next(a for a in card._actions if isinstance(a, argparse._SubParsersAction))
    handlers = {name: p.get_default("handler") for name, p in actions.choices.items()}
    assert [name for name, handler in handlers.items() if handler is not None] == ["add"]
    assert set(handlers) == {"add", "move", "edit", "delete", "list", "show"}
    assert [len(p._actions) for name, p in actions.choices.items() if name != "add"] == [1] * 5  # -h only
    full = next(a for a in FULL._actions if isinstance(a, argparse._SubParsersAction)).choices["card"]
    assert shown(card, ["--help"]) == shown(full, ["--help"])


@pytest.mark.parametrize(
    "argv",
    [
        ["card", "bogus"],
        ["card", "move"],
        ["card", "--lang", "en", "list", "--bogus"],
        ["card", "--us", "list", "add"],
        ["--us", "card", "dept", "add"],
        ["--db", "card", "--us", "card", "dept", "add"],
        ["card", "--", "add"],
        ["card", "--db=x", "show"],
        ["milestone", "criterion", "add"],
        ["milestone", "criterion", "bogus"],
        ["export", "bogus", "--json"],
        ["db", "check", "--bogus"],
    ],
)
def test_usage_errors_of_a_one_subcommand_parser_are_the_full_parsers(argv: list[str]) -> None:
    assert shown(build_parser(argv), argv) == shown(build_parser(), argv)


def test_the_subcommand_is_found_unless_an_abbreviated_option_leaves_a_doubt() -> None:
    assert action_in(["--db", "card", "card", "--user", "add", "list"]) == "list"
    assert action_in(["card", "--lang=zh", "add"]) == "add"
    assert action_in(["card"]) is None
    assert action_in(["card", "--us", "bob", "add"]) is None  # --us may be --user, taking "bob"
    assert action_in(["--la", "en", "card", "add"]) is None
    assert action_in(["card", "--", "add"]) is None


@pytest.mark.parametrize(
    "argv", [["--help"], ["--db", "x.json", "--help"], ["--version"], ["--lang"], ["--db"]]
)
def test_without_a_command_the_top_level_is_the_full_parsers(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI's command line (no command word) builds no group, yet shows the same help and errors."""
    monkeypatch.setenv("COLUMNS", "100")
    assert shown(build_parser(argv), argv) == shown(build_parser(), argv)


def test_the_tuis_command_line_builds_no_group() -> None:
    """Opening the app parses ``--db FILE`` only: building every group's parsers cost its start-up."""
    tui = build_parser(["--db", "x.json", "--user", "me"])
    sub = next(a for a in tui._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(GROUPS)
    assert not [
        name for name, p in sub.choices.items() if p._subparsers is not None or p.get_default("handler")
    ]
    args = tui.parse_args(["--db", "x.json", "--user", "me"])
    assert (args.command, args.db, args.user) == (None, "x.json", "me")
