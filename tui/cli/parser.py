"""Building the ``huddle`` argument parser: the global options, the command groups, and for a command
only the group and the subcommand it names.

Building every group's subparsers costs more than some commands do, so ``build_parser(argv)`` builds
the group named on the command line, and of that group the subcommand named after it (``card add``),
in full; every other group and subcommand is a bare name with its help (so ``huddle bogus`` and
``huddle card bogus`` still list them all). ``--help`` without a group, an unknown group and
``build_parser()`` build everything: the help and error text is the same as a full build. Each group
lives in its own module, imported only when its parser is built; its handlers come with it
(``set_defaults(handler=...)``).
"""

from __future__ import annotations

import argparse
import functools
import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from domain.dates import DATE_FORMS
from domain.i18n import N_, _, available_languages
from tui.cli.args import Parser
from tui.language import LanguageChoices

if TYPE_CHECKING:
    from tui.wiring import Context

Handler = Callable[["Context", argparse.Namespace], int]

# ---------------------------------------------------------------- global options
# Every command accepts these before or after its words. A new global option (such as --lang) is added
# in add_global_options, and, when it takes a value, named in VALUE_OPTIONS so that command_in skips
# its value; main() reads it from the parsed namespace (getattr: it is SUPPRESSed when not given).

DB_HELP = N_("data file (default: $HUDDLE_DB, else huddle.json in the user data folder)")
USER_HELP = N_("your handle (default: $HUDDLE_USER, else the login name)")
VALUE_OPTIONS = ("--db", "--user", "--lang")
"""Global options followed by a value (which is therefore not the command group)."""


def add_global_options(
    parser: argparse.ArgumentParser,
    *,
    db_metavar: str = "PATH",
    db_help: str = DB_HELP,
    user_help: str = USER_HELP,
) -> None:
    """``--db``, ``--user`` and ``--lang``; SUPPRESSed defaults, so a value given before the command is
    not reset by the subcommand's copy of the option. ``--lang`` is applied by main() before the parser
    is built (tui.language); here it is accepted and checked like any option."""
    parser.add_argument("--db", metavar=db_metavar, default=argparse.SUPPRESS, help=_(db_help))
    parser.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help=_(user_help))
    parser.add_argument(
        "--lang",
        metavar="LANG",
        default=argparse.SUPPRESS,
        choices=LanguageChoices(),
        help=_("language: {languages} (default: config language, else the locale)").format(
            languages=", ".join(available_languages())
        ),
    )


def global_parent(**texts: str) -> Parser:
    """A parent parser holding the global options (``texts``: see add_global_options)."""
    common = Parser(add_help=False)
    add_global_options(common, **texts)
    return common


def short_common() -> Parser:
    """The global options with the shorter help the export, import and rsvp groups have always shown."""
    return global_parent(db_help=N_("the data file"), user_help=N_("your handle"))


# ---------------------------------------------------------------- the groups


class Group(NamedTuple):
    help: str
    module: str
    """The module under tui.cli whose ``add_parsers(sub, builder)`` adds this group (and its neighbours)."""


GROUPS: dict[str, Group] = {
    "demo": Group(N_("fill the data file with a demo project"), "demo"),
    "dept": Group(N_("departments and their boards"), "depts"),
    "person": Group(N_("people"), "people"),
    "card": Group(N_("cards on the department boards"), "cards"),
    "risk": Group(N_("the risk register"), "risks"),
    "milestone": Group(N_("milestones: acceptance criteria, reviews, critical path"), "plan"),
    "meeting": Group(N_("meetings, minutes, decisions and action items"), "meetings"),
    "project": Group(N_("the project: vision, SMART goals and their actuals, escalation, close"), "project"),
    "change": Group(N_("change requests, approved or rejected"), "records"),
    "decision": Group(N_("the decision log across meetings"), "records"),
    "activity": Group(N_("who changed what, newest first"), "records"),
    "column": Group(N_("columns of a department board: order, names, WIP limits"), "columns"),
    "export": Group(N_("write Word minutes or calendar files"), "export"),
    "send": Group(N_("e-mail the follow-up invite"), "export"),
    "calendar": Group(N_("publish to a CalDAV calendar"), "export"),
    "db": Group(N_("copy between a data file and a PostgreSQL database; check one"), "db"),
    "rsvp": Group(
        N_("read meeting replies (accepted, declined, tentative) from files or an IMAP mailbox"), "rsvp"
    ),
    "import": Group(N_("bring cards in from a sheet, Trello or Jira"), "imports"),
    "backup": Group(N_("write the whole project to one JSON file"), "imports"),
    "restore": Group(N_("replace the project with a backup"), "imports"),
}
"""Every command group in the order ``huddle --help`` lists them; a module's groups are neighbours."""


def group_help(name: str) -> str:
    """Group ``name``'s help text in the current language (GROUPS holds the English msgids)."""
    text = GROUPS[name].help
    return _(text)


DATE_EPILOG = N_("DATE accepts {forms}. DATETIME adds HH:MM, e.g. 'fri 14:00' or '2026-12-01 14:00'.")
"""The epilog of every command (translated and formatted where it is used: :func:`date_epilog`)."""


def date_epilog() -> str:
    """DATE_EPILOG in the current language, with the date forms filled in."""
    return _(DATE_EPILOG).format(forms=DATE_FORMS)


class _Unbuilt:
    """What a group module gets for a subcommand that is not run: every call it makes on it (add an
    argument, a group, subparsers, defaults) is accepted and does nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return self._ignore

    def _ignore(self, *args: object, **kwargs: object) -> _Unbuilt:
        return self


class _OneActionBuilt(argparse._SubParsersAction):  # type: ignore[type-arg]
    """A group's subparsers of which only ``only`` is built in full; every other subcommand is there by
    name and help (what the group's help and its invalid-choice error list), with no arguments."""

    def __init__(self, *args: Any, only: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._only = only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if name == self._only:
            return super().add_parser(name, **kwargs)
        super().add_parser(name, **{key: kwargs[key] for key in ("help", "aliases") if key in kwargs})
        return _Unbuilt()


class Builder:
    """What a group module needs to add its commands: the shared parent and the usual shapes.

    ``action``: the subcommand named on the command line, when known (:func:`action_in`); its group's
    other subcommands are then added by name only (``_OneActionBuilt``)."""

    def __init__(self, action: str | None = None) -> None:
        self.common = global_parent()
        self.action = action

    def group(
        self, sub: Any, name: str, *, metavar: str = "ACTION", description: str | None = None,
        common: argparse.ArgumentParser | None = None,
    ) -> Any:  # fmt: skip
        """Add group ``name`` (help from GROUPS) and return its subparsers, one of which is required."""
        group = sub.add_parser(
            name, help=group_help(name), description=description, parents=[common or self.common]
        )
        only = {} if self.action is None else {"action": _OneActionBuilt, "only": self.action}
        return group.add_subparsers(
            dest="action", metavar=metavar, required=True, parser_class=Parser, **only
        )

    def command(self, sub: Any, name: str, handler: Handler, help_text: str) -> Parser:
        """A runnable subcommand: its help is also its description; the epilog explains DATE forms."""
        p: Parser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[self.common], epilog=date_epilog()
        )
        p.set_defaults(handler=handler)
        return p

    @staticmethod
    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help=_("print one JSON document (UTF-8)"))


def command_in(argv: Sequence[str]) -> str | None:
    """The first positional word of the command line (the command group), skipping global options."""
    found = _positional(argv)
    return None if found is None else argv[found]


def action_in(argv: Sequence[str]) -> str | None:
    """The positional word after the command group (its subcommand), skipping global options; None
    when there is none, or when a ``--`` or an abbreviated option leaves room for doubt."""
    group = _positional(argv)
    if group is None:
        return None
    rest = argv[group + 1 :]
    found = _positional(rest)
    if found is None or _in_doubt(argv[: group + 1 + found]):
        return None
    return rest[found]


def _in_doubt(words: Sequence[str]) -> bool:
    """Whether argparse may read the words after ``words`` otherwise than :func:`_positional` does: a
    ``--``, or an abbreviation of a global option taking a value (``--us`` for ``--user``), which then
    takes the next word as its value."""
    return any(word == "--" or _abbreviated(word) for word in words)


def _abbreviated(word: str) -> bool:
    """Whether ``word`` may be an abbreviation that argparse expands to a global option taking the next
    word as its value (``--us`` for ``--user``): then the next word is not what it seems."""
    return (
        word.startswith("--")
        and len(word) > 2
        and "=" not in word
        and word not in VALUE_OPTIONS
        and any(option.startswith(word) for option in VALUE_OPTIONS)
    )


def _positional(argv: Sequence[str]) -> int | None:
    """The index of the first positional word of ``argv``, skipping global options and their values."""
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
        elif word in VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return index
    return None


@contextmanager
def _argparse_words_translated_once() -> Iterator[None]:
    """argparse passes each of its own words ("options", "show this help message and exit", ...) through
    ``gettext.gettext`` as it builds a parser, and gettext searches the disk for a catalog on every
    call when none exists (it caches only what it found): with ``LANG=C.UTF-8`` that was 4 of the
    7 ms of ``card add``'s parser, more under a ``zh_CN`` locale. Remembering each answer while one
    parser is built gives the same words; the original function is back before anything is parsed, so
    a translation chosen later (``--lang``) still applies to help and error text."""
    name = "_"  # argparse's module-level gettext alias (not in its type stubs)
    plain = getattr(argparse, name)
    setattr(argparse, name, functools.cache(plain))
    try:
        yield
    finally:
        setattr(argparse, name, plain)


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The argument parser; with ``argv``, only the invoked group's subcommands are built (start-up time)."""
    with _argparse_words_translated_once():
        return _build(argv)


def _build(argv: Sequence[str] | None) -> Parser:
    at = None if argv is None else _positional(argv)
    wanted = None if argv is None or at is None else argv[at]
    # No command word (the TUI, or ``huddle --help``): the top level's help lists every group from
    # GROUPS alone, so no group is built. A word that names no group, or one that an abbreviated option
    # may have taken as its value (``--us card``), builds them all, so argparse says what it says.
    build_all = argv is None or (wanted is not None and (wanted not in GROUPS or _in_doubt(argv[:at])))
    builder = Builder(None if build_all or argv is None else action_in(argv))
    parser = Parser(
        prog="huddle",
        description=_(
            "Kanban boards, live meeting minutes, risks and calendar exports for cross-department "
            "projects. Without a command, opens the terminal app."
        ),
        epilog=_("Dates accept {forms}. Date-times add HH:MM, e.g. 'fri 14:00'.").format(forms=DATE_FORMS),
        parents=[builder.common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version="huddle 0.1.0",
        help=_("show program's version number and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    built: set[str] = set()
    for name, group in GROUPS.items():
        if group.module in built:
            continue
        if build_all or (wanted is not None and GROUPS[wanted].module == group.module):
            importlib.import_module(f"tui.cli.{group.module}").add_parsers(sub, builder)
            built.add(group.module)
        else:
            sub.add_parser(name, help=group_help(name))
    return parser
