"""Every subcommand x every class of bad input: one clear line, the right exit code, nothing written.

The subcommands come from walking the real argparse tree, so a new command is covered (its
arguments get the bad values that fit their kind) or, if it has no valid invocation in ``GOOD``
below, fails ``test_every_subcommand_has_a_valid_invocation``. Each case runs ``huddle`` in-process
(the same ``main`` the script calls; a subprocess sample in ``test_real_process_sample`` checks
that real argv bytes and environment bytes behave the same) and asserts:

- exactly one stderr line, starting ``huddle: error:``, and nothing on stdout;
- exit status 2 for usage errors (argument syntax, undecodable arguments, numbers out of range),
  1 for everything else (environment, config, values the services refuse);
- no exception escaping (no traceback) and no control, surrogate or bidi-control character in the
  output; the line quotes no more than a short excerpt of any input;
- the data file byte-identical and no export file written.

The table and the valid invocations run on the JSON file and on PostgreSQL (``--db postgresql://``,
a copy of the seeded database per subcommand): "nothing written" there is the database's documents,
counters and activity unchanged (:class:`Target`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from domain.text import BIDI_CONTROLS
from outbound.settings import CalDavSettings, ImapSettings, SmtpSettings
from storage import open_store
from tests.helpers.imap import reply_ics
from tui.cli import build_parser, main
from tui.config import NESTED, Settings

if TYPE_CHECKING:
    import psycopg

    from tests.helpers.pgserver import PgServer

USAGE = 2
FAILURE = 1
BAD_UTF8 = "x\udcff\udcfey"
"""What Python makes of the bytes ``x\\xff\\xfey`` in an argument or variable (surrogateescape)."""
LONGEST_LINE = 400
"""An error line may name paths and choices, but never repeat a 10,000-character input."""

GOOD: dict[tuple[str, ...], list[str]] = {
    ("demo",): ["--force"],
    ("dept", "add"): ["Legal"],
    ("dept", "list"): [],
    ("person", "add"): ["zoe", "--name", "Zoe", "--email", "zoe@example.com"],
    ("person", "list"): [],
    ("card", "add"): ["--dept", "OPS", "--title", "t"],
    ("card", "move"): ["OPS-1", "Doing"],
    ("card", "edit"): ["OPS-1", "--title", "t2"],
    ("card", "delete"): ["OPS-2"],
    ("card", "list"): [],
    ("card", "show"): ["OPS-1"],
    ("risk", "add"): ["--title", "r", "--probability", "2", "--impact", "3"],
    ("risk", "edit"): ["R-1", "--impact", "4"],
    ("risk", "list"): [],
    ("risk", "show"): ["R-1"],
    ("meeting", "start"): ["--title", "m"],
    ("meeting", "next"): ["M-2"],
    ("meeting", "note"): ["M-1", "n"],
    ("meeting", "decide"): ["M-1", "d"],
    ("meeting", "action"): ["M-1", "--owner", "ann", "--due", "fri", "a"],
    ("meeting", "end"): ["M-1"],
    ("meeting", "reschedule-next"): ["M-2", "2026-12-10 10:00"],
    ("meeting", "cancel-next"): ["M-2"],
    ("meeting", "list"): [],
    ("meeting", "show"): ["M-1"],
    ("project", "show"): [],
    ("project", "set"): ["--name", "P"],
    ("project", "goal"): ["g"],
    ("change", "request"): ["--title", "c"],
    ("change", "approve"): ["CR-1"],
    ("change", "reject"): ["CR-1"],
    ("change", "list"): [],
    ("decision", "list"): [],
    ("activity",): [],
    ("export", "minutes"): ["M-1", "-o", "{out}/m.docx"],
    ("export", "ics"): ["--meeting", "M-2", "-o", "{out}/i.ics"],
    ("export", "cards"): ["--csv", "-o", "{out}/c.csv"],
    ("export", "risks"): ["--xlsx", "-o", "{out}/r.xlsx"],
    ("export", "raci"): ["--markdown", "-o", "{out}/r.md"],
    ("export", "meeting"): ["M-1", "--markdown", "-o", "{out}/m.md"],
    ("import", "csv"): ["{data}/tasks-utf8.csv", "--dept", "OPS", "--dry-run"],
    ("import", "xlsx"): ["{data}/tasks-openpyxl.xlsx", "--dept", "OPS", "--dry-run"],
    ("import", "trello"): ["{data}/trello-board-zh.json", "--dept", "OPS", "--dry-run"],
    ("import", "jira"): ["{data}/jira-export.csv", "--dept", "OPS", "--dry-run"],
    ("backup",): ["-o", "{out}/backup.json"],
    ("restore",): ["{seed}/backup.json", "--force"],
    ("send", "invite"): ["M-2"],
    ("calendar", "push"): [],
    ("rsvp", "import"): ["{seed}/reply.ics"],
    ("rsvp", "fetch"): [],
    ("change", "link"): ["CR-1", "OPS-1"],
    ("column", "add"): ["OPS", "QA"],
    ("column", "list"): ["OPS"],
    ("column", "move"): ["OPS", "Review", "--before", "Doing"],
    ("column", "remove"): ["OPS", "Review"],
    ("column", "rename"): ["OPS", "Review", "QA"],
    ("column", "wip"): ["OPS", "Doing", "3"],
    ("db", "check"): [],
    ("db", "copy"): ["{seed}/team.json", "{out}/copy.json"],
    ("dept", "rename"): ["市场部", "Marketing"],
    ("person", "edit"): ["wei", "--name", "Wei Li"],
    ("export", "report"): ["-o", "{out}/report.docx"],
    ("meeting", "outcome"): ["M-3", "passed"],
    ("meeting", "prep"): [],
    ("milestone", "accept"): ["OPS-3", "AC-1"],
    ("milestone", "criterion", "add"): ["OPS-3", "works"],
    ("milestone", "list"): [],
    ("milestone", "path"): [],
    ("milestone", "review"): ["OPS-3"],
    ("milestone", "show"): ["OPS-3"],
    ("milestone", "waive"): ["OPS-3", "AC-1", "--reason", "not needed"],
    ("project", "close"): ["--force", "--reason", "done"],
    ("project", "goal-update"): ["1", "2"],
    ("project", "goals"): [],
    ("project", "reopen"): ["--reason", "more to do"],
}
"""A valid invocation of every subcommand on the seeded file (``{out}`` is the export folder,
``{data}`` the sample files of tests/data, ``{seed}`` where the seeded file's backup is)."""
DATA = Path(__file__).parents[1] / "data"
NEEDS_A_SERVER = {("send", "invite"), ("calendar", "push"), ("rsvp", "import"), ("rsvp", "fetch")}
"""Their valid invocation reaches SMTP, CalDAV, IMAP or reads an attendee's reply, which the valid
invocation's test provides (:func:`server_for`); their bad ones must fail before that."""
SINGLE_LINE = {"title", "name", "tag", "series", "agenda"} | {"meeting action text", "project goal text"}
"""Arguments stored as one-line text, where a line separator (U+2028/U+2029) is refused too."""


@dataclass
class Case:
    label: str
    args: list[str]
    code: int
    env: dict[str, str] = field(default_factory=dict)
    config: bytes | None = None
    user: str | None = "ann"
    """The ``--user`` passed (None: none, so ``$HUDDLE_USER`` or the login name is used)."""


def leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand of ``parser``: (words, its parser)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaves(sub, (*path, name))
    if parser.get_default("handler") is not None:
        yield path, parser


SUBCOMMANDS = dict(leaves(build_parser()))
SEED = [Path("/nonexistent")]
"""The folder of the module's seeded file (set by the ``seeded`` fixture)."""


# ---------------------------------------------------------------- the classes of bad input


def _wrong_type(annotation: str) -> list[tuple[str, str]]:
    """TOML values of the wrong type for a field annotated ``annotation`` (label, TOML text)."""
    base = annotation.removesuffix(" | None")
    wrong = {
        "str": [("a number", "5"), ("a list", '["a"]')],
        "Path": [("a number", "5"), ("a table", "{ a = 1 }")],
        "Path | str": [("a number", "5"), ("a table", "{ a = 1 }")],
        "int": [("a string", '"5"'), ("a boolean", "true"), ("a fraction", "2.5")],
        "float": [("a string", '"1"'), ("a boolean", "false"), ("infinity", "inf")],
        "dict[str, str]": [("a string", '"x"')],
    }
    if base not in wrong:
        raise AssertionError(f"no wrong-type values for a config field annotated {annotation!r}; add them")
    return wrong[base]


def config_cases() -> list[tuple[str, str]]:
    """(label, TOML document): every key of the config file with a value of the wrong type, plus
    the values of the right type that break a rule."""
    docs: list[tuple[str, str]] = []
    tables = (("", Settings), ("smtp", SmtpSettings), ("caldav", CalDavSettings), ("imap", ImapSettings))
    for table, cls in tables:
        for f in fields(cls):
            if f.name in NESTED:
                docs.append((f"[{f.name}] not a table", f"{f.name} = 3\n"))
                continue
            for what, value in _wrong_type(str(f.type)):
                if f.name == "keymap":
                    docs.append((f"keymap is {what}", f"keymap = {value}\n"))
                    continue
                head = f"[{table}]\n" if table else ""
                docs.append((f"{table or 'top'}.{f.name} is {what}", f"{head}{f.name} = {value}\n"))
    docs += [
        ("unknown key", "colour = 1\n"),
        ("unknown smtp key", "[smtp]\nhots = 'x'\n"),
        ("unknown keymap id", '[keymap]\n"board.fly-away" = "f"\n'),
        ("keymap keys not a string", '[keymap]\n"app.help" = 5\n'),
        ("keymap keys with escape", '[keymap]\n"app.help" = "ctrl+\\u001b"\n'),
        ("user not a handle", 'user = "Ann Lee"\n'),
        ("user with escape", 'user = "ann\\u001b[31m"\n'),
        ("db with a NUL", 'db = "a\\u0000b"\n'),
        ("timezone unknown", 'timezone = "Mars/Olympus"\n'),
        ("timezone over-long", f'timezone = "{"Asia/" * 80}Shanghai"\n'),
        ("timezone a path", 'timezone = "../../etc/passwd"\n'),
        ("risk_amber zero", "risk_amber = 0\n"),
        ("risk_red huge", "risk_red = 99999999999999999\n"),
        ("amber above red", "risk_amber = 20\nrisk_red = 10\n"),
        ("escalation days huge", "blocked_escalation_days = 9999999\n"),
        ("poll_seconds zero", "poll_seconds = 0\n"),
        ("poll_seconds nan", "poll_seconds = nan\n"),
        ("smtp port huge", "[smtp]\nport = 70000\n"),
        ("smtp security unknown", "[smtp]\nsecurity = 'tls'\n"),
        ("smtp sender with BEL", "[smtp]\nsender = 'a\\u0007@b.example'\n"),
        ("smtp timeout negative", "[smtp]\ntimeout = -1\n"),
        ("smtp password_env not a name", "[smtp]\npassword_env = 'A B'\n"),
        ("smtp host with newline", '[smtp]\nhost = "a\\nb"\n'),
        ("caldav url with password", "[caldav]\nurl = 'https://team:s3cret@cal.example.com/dav/'\n"),
        ("caldav url not http", "[caldav]\nurl = 'ftp://cal.example.com/'\n"),
        ("caldav url with escape", '[caldav]\nurl = "https://cal.example.com/\\u001b[2J"\n'),
        ("caldav url with a space", '[caldav]\nurl = "https://cal.example.com/a b"\n'),
    ]
    return docs


CONFIG_CASES = config_cases()
ENV_CASES: list[tuple[str, str]] = [
    ("HUDDLE_DB", "/tmp/" + BAD_UTF8 + ".json"),
    ("HUDDLE_USER", BAD_UTF8),
    ("HUDDLE_NOW", "2026-11-25T10:00+08:00" + BAD_UTF8),
    ("HUDDLE_CONFIG", "/tmp/" + BAD_UTF8 + ".toml"),
    ("TZ", "Asia/Shanghai" + BAD_UTF8),
    ("HUDDLE_NOW", "9999-12-31T10:00+00:00"),
    ("HUDDLE_NOW", "0001-01-01T00:00+00:00"),
    ("HUDDLE_NOW", "next tuesday"),
    ("HUDDLE_USER", "ann (root)"),
    ("HUDDLE_USER", "ann\x1b[31m"),
    ("HUDDLE_USER", "a" * 100),
]
"""(variable, value) for variables every command reads."""
USER_CASES: list[tuple[str, int]] = [
    ("ann (root)", FAILURE),
    ("Ann Lee", FAILURE),
    ("x\x1b]0;pwned\x07", FAILURE),
    ("a" * 100, FAILURE),
    ("ann\u202e", FAILURE),
    ("ann" + BAD_UTF8, USAGE),
]


def universal_cases(good: list[str]) -> Iterator[Case]:
    """The classes that apply to every subcommand whatever its arguments."""
    for name, value in ENV_CASES:
        user = None if name == "HUDDLE_USER" else "ann"
        yield Case(f"env {name}={value[:30]!r}", good, FAILURE, env={name: value}, user=user)
    for label, doc in CONFIG_CASES:
        yield Case(f"config: {label}", good, FAILURE, config=doc.encode())
    yield Case("config: invalid UTF-8", good, FAILURE, config=b"user = '\xff\xfe'\n")
    yield Case("config: not TOML", good, FAILURE, config=b"user = \n")
    for handle, code in USER_CASES:
        yield Case(f"--user {handle[:30]!r}", good, code, user=handle)
    yield Case("--db invalid UTF-8", [*good, "--db", "/tmp/" + BAD_UTF8], USAGE)


def _is_text(action: argparse.Action) -> bool:
    return action.type is None and action.choices is None


def bad_values(
    command: tuple[str, ...], action: argparse.Action, out: Path
) -> Iterator[tuple[str, str, int]]:
    """(label, value, exit code) of the bad values that fit one argument's kind."""
    yield "invalid UTF-8", BAD_UTF8, USAGE
    metavar = str(action.metavar or "")
    low, high = getattr(action.type, "low", None), getattr(action.type, "high", None)
    if action.choices is not None:
        yield "not a choice, with escape", "bogus\x1b[2J", USAGE
        return
    if low is not None and high is not None:
        yield "below range", str(low - 1), USAGE
        yield "above range", str(high + 1), USAGE
        yield "huge", "9" * 40, USAGE
        yield "not a number", "\x1b[2J", USAGE
        return
    if action.type is not None:
        for value in ("-1", "nan", "inf", "1e999", "9" * 400):
            yield f"number {value[:10]}", value, USAGE
        return
    words = " ".join((*command, action.dest))
    yield "escape sequence", "x\x1b[2J\x1b]0;pwned\x07", FAILURE
    yield "C1 control", "x\x9b31m", FAILURE
    yield "over-long", "字" * 10_001, FAILURE
    if action.dest in SINGLE_LINE or words in SINGLE_LINE:
        yield "line separator", "a\u2028b", FAILURE
        yield "paragraph separator", "a\u2029b", FAILURE
        yield "newline", "a\nb", FAILURE
    if metavar == "DATE":
        yield "year 9999", "9999-12-31", FAILURE
        yield "year 1", "0001-01-01", FAILURE
    if metavar == "DATETIME":
        yield "year 9999", "9999-12-31 10:00", FAILURE
        yield (
            "before the meeting" if command[-1] in ("end", "reschedule-next") else "year 1",
            ("2020-01-01 10:00" if command[-1] in ("end", "reschedule-next") else "0001-01-01 10:00"),
            FAILURE,
        )
    if metavar == "ZONE":
        yield "over-long zone", "Asia/" * 80 + "Shanghai", FAILURE
        yield "path as zone", "../../../../etc/passwd", FAILURE
    if metavar == "ADDR":
        yield "address with BEL", "zoe\x07@example.com", FAILURE
        yield "address with zero-width space", "zoe@exa\u200bmple.com", FAILURE
        yield "address with CR LF", "zoe@example.com\r\nBcc: all@example.com", FAILURE
    if metavar == "HANDLE" and not action.option_strings:
        yield "handle with space", "Zoe Lee", FAILURE
    if metavar == "FILE":
        yield "name over 255 bytes", f"{out}/{'字' * 90}.docx", FAILURE
        yield "name with escape", f"{out}/a\x1b[2Jb.docx", FAILURE
    if metavar == "TITLE[:MIN]":
        yield "zero minutes", "Budget:0", USAGE
        yield "endless minutes", "Budget:99999999", USAGE


def argument_cases(
    command: tuple[str, ...], parser: argparse.ArgumentParser, good: list[str], out: Path
) -> Iterator[Case]:
    """Each argument of the subcommand given each bad value of its kind, the rest left valid."""
    positionals = [a for a in parser._actions if not a.option_strings and a.nargs != 0]
    good_positionals = [i for i, word in enumerate(good) if _positional_at(good, i)]
    for action in parser._actions:
        if (
            action.nargs == 0
            or action.dest in ("help", "db", "user")
            or isinstance(action, argparse._SubParsersAction)
        ):
            continue
        for label, value, code in bad_values(command, action, out):
            if action.option_strings:
                option = action.option_strings[-1]
                args = list(good)
                if option in args or action.option_strings[0] in args:
                    index = next(i for i, w in enumerate(args) if w in action.option_strings)
                    args[index + 1] = value
                else:
                    args += [option, value]
            else:
                args = list(good)
                args[good_positionals[positionals.index(action)]] = value
            yield Case(f"{action.dest} {label}", args, code)


def _positional_at(args: list[str], index: int) -> bool:
    """Whether ``args[index]`` is a positional (not an option nor an option's value)."""
    word = args[index]
    if word.startswith("-"):
        return False
    return index == 0 or not args[index - 1].startswith("-")


def extra_cases(command: tuple[str, ...], good: list[str]) -> Iterator[Case]:
    """Variables only some commands read."""
    if command == ("calendar", "push"):
        yield Case("HUDDLE_CALDAV_URL with a password", good, FAILURE,
                   env={"HUDDLE_CALDAV_URL": "https://team:s3cret@cal.example.com/dav/"})  # fmt: skip
        yield Case("HUDDLE_CALDAV_URL invalid UTF-8", good, FAILURE, env={"HUDDLE_CALDAV_URL": BAD_UTF8})
    if command == ("send", "invite"):
        yield Case("HUDDLE_SMTP_PORT huge", good, FAILURE, env={"HUDDLE_SMTP_PORT": "9" * 5000})
        yield Case("HUDDLE_SMTP_SENDER with CR LF", good, FAILURE,
                   env={"HUDDLE_SMTP_SENDER": "a@b.example\r\nBcc: c@d.example"})  # fmt: skip


UNIVERSAL_ON_THE_SERVER = {("card", "add"), ("card", "list"), ("meeting", "note")}
"""The subcommands whose universal cases (environment, config, ``--user``) also run on PostgreSQL.
Those are refused while the command line, environment and config are read, before the store is
asked anything, so on the server they repeat the file's run; a write, a read and a meeting's journal
stand for the rest, and every subcommand's own argument cases run on both backends."""


def all_cases(command: tuple[str, ...], out: Path, *, universal: bool = True) -> list[Case]:
    good = [w.format(out=out, data=DATA, seed=SEED[0]) for w in GOOD[command]]
    return [
        *(universal_cases(good) if universal else ()),
        *argument_cases(command, SUBCOMMANDS[command], good, out),
        *extra_cases(command, good),
    ]


# ---------------------------------------------------------------- running them


def _seed(db: Path) -> bytes:
    """A data file with something for every subcommand to act on; returns its bytes."""
    steps = [
        ["dept", "add", "Operations", "--key", "OPS"],
        ["dept", "add", "市场部", "--key", "MKT"],
        ["person", "add", "ann", "--name", "Ann Lee", "--email", "ann@example.com", "--dept", "Operations"],
        ["person", "add", "wei", "--name", "李伟", "--email", "wei@example.com", "--dept", "市场部"],
        ["card", "add", "--dept", "OPS", "--title", "first"],
        ["card", "add", "--dept", "OPS", "--title", "second"],
        ["risk", "add", "--title", "late vendor", "--probability", "3", "--impact", "4"],
        ["meeting", "start", "--title", "Sync", "--attendee", "ann", "--attendee", "wei"],
        ["meeting", "start", "--title", "Review", "--attendee", "ann", "--attendee", "wei"],
        ["meeting", "note", "M-2", "said"],
        ["meeting", "end", "M-2", "--next", "2026-12-02 10:00"],
        ["change", "request", "--title", "later launch"],
        ["card", "add", "--dept", "OPS", "--title", "launch", "--milestone"],
        ["card", "edit", "OPS-3", "--accountable", "ann"],
        ["milestone", "criterion", "add", "OPS-3", "signed"],
        ["project", "goal", "pilots live", "--metric", "customers", "--target", "3"],
        ["milestone", "review", "OPS-3"],
        ["backup", "-o", str(db.with_name("backup.json"))],
    ]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for step in steps:
            assert main(["--db", str(db), "--user", "ann", *step]) == 0, step
    return db.read_bytes()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("seed")
    SEED[0] = folder
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUDDLE_NOW", "2026-11-25T02:00:00+00:00")
        mp.setenv("TZ", "Asia/Shanghai")
        mp.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        seeded = _seed(folder / "team.json")
    meeting = open_store(folder / "team.json").snapshot().meetings.get("M-2")
    assert meeting is not None
    # What `rsvp import` reads: wei's answer to M-2's follow-up, as a mail client saves it.
    (folder / "reply.ics").write_bytes(reply_ics(meeting.next_uid, "wei@example.com", "ACCEPTED"))
    return seeded


@pytest.fixture(scope="module")
def seeded_database(seeded: bytes, pg_server: PgServer) -> str:
    """The seeded file copied into a database of the test server (copied again for each test)."""
    url = pg_server.new_database("seed")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["db", "copy", str(SEED[0] / "team.json"), url]) == 0
    return url


@pytest.fixture(params=["json", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


WATERMARK = (
    "SELECT (SELECT last_value FROM huddle_row_version), (SELECT row_to_json(s)::text FROM huddle_state s),"
    " (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM activity),"
    " (SELECT coalesce(string_agg(name || '=' || value, ',' ORDER BY name), '') FROM counters)"
)
"""What any committed change on the server moves: the row-version sequence (every insert, update and
tombstone draws from it), the state row (version, epoch), the activity log and the id counters. A
rolled-back change may draw from the sequence too, so a moved mark is only a reason to compare all."""


class Target:
    """What the cases run against (``--db``) and how "nothing written" is checked: the file's bytes,
    or the database's watermark, then every document when the mark moved."""

    def __init__(self, db: Path, seeded: bytes, setup: list[str], request: pytest.FixtureRequest) -> None:
        self.db, self.seeded, self.setup, self.request = db, seeded, setup, request
        self.url: str | None = None
        self.conn: psycopg.Connection[tuple[object, ...]] | None = None
        self.server: PgServer | None = None
        self.reset()

    @property
    def arg(self) -> str:
        return self.url or str(self.db)

    def reset(self) -> None:
        """Back to the seeded data (and the subcommand's set-up step)."""
        callspec = getattr(self.request.node, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgres":
            if self.server is None:
                self.server = self.request.getfixturevalue("pg_server")
                self.request.addfinalizer(self.close)
            self.close()
            self.url = self.server.new_database(like=self.request.getfixturevalue("seeded_database"))
            import psycopg

            self.conn = psycopg.connect(self.url, autocommit=True)
        else:
            self.db.write_bytes(self.seeded)
        if self.setup:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                assert main(["--db", self.arg, "--user", "ann", *self.setup]) == 0
        self.bytes = self.db.read_bytes() if self.url is None else b""
        self.mark = self._mark()
        self.documents = self._documents()

    def _mark(self) -> tuple[object, ...]:
        if self.conn is None:
            return ()
        row = self.conn.execute(WATERMARK).fetchone()
        assert row is not None
        return tuple(row)

    def changed(self) -> bool:
        if self.url is None:
            return self.db.read_bytes() != self.bytes
        mark = self._mark()
        if mark == self.mark:
            return False
        if self._documents() == self.documents:
            self.mark = mark  # a refused change drew from the sequence and rolled back
            return False
        return True

    def close(self) -> None:
        """Drop the database copy (a run makes a hundred; the server's folder stays small)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.url is not None and self.server is not None:
            self.server.sql(f"DROP DATABASE {self.url.rsplit('/', 1)[1]} WITH (FORCE)")
            self.url = None

    def _documents(self) -> object:
        """Every document and counter of the database (``transfer.dump``)."""
        if self.url is None:
            return None
        from storage import transfer
        from storage.postgres import PgStore

        store = PgStore(self.url)
        try:
            data = transfer.dump(store)
        finally:
            store.close()
        return (data.tables, data.counters)


def _bad_characters(text: str) -> list[str]:
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if (ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs")) or ch in BIDI_CONTROLS
    ]


def run_case(
    case: Case,
    db: Target,
    out: Path,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str | None:
    """Run one case; a description of what went wrong, or None."""
    with monkeypatch.context() as mp:
        for name, value in case.env.items():
            mp.setenv(name, value)
        if case.config is not None:
            config.write_bytes(case.config)
            mp.setenv("HUDDLE_CONFIG", str(config))
        case_args = ["--db", db.arg, *case.args] if "HUDDLE_DB" not in case.env else list(case.args)
        if case.user is not None:
            case_args = ["--user", case.user, *case_args]
        capsys.readouterr()
        try:
            code = main(case_args)
        except BaseException as exc:
            return f"raised {type(exc).__name__}: {exc!s:.200}"
        captured = capsys.readouterr()
    problems = []
    lines = captured.err.splitlines()
    if code != case.code:
        problems.append(f"exit {code}, expected {case.code}")
    if captured.out:
        problems.append(f"stdout {captured.out[:80]!r}")
    if len(lines) != 1 or not lines[0].startswith("huddle: error: "):
        problems.append(f"stderr {captured.err[:300]!r}")
    if "Traceback" in captured.err:
        problems.append("traceback")
    if bad := _bad_characters(captured.out + captured.err):
        problems.append(f"control characters {bad[:5]} in the output")
    if lines and len(lines[0]) > LONGEST_LINE:
        problems.append(f"error line of {len(lines[0])} characters")
    if db.changed():
        problems.append("the data changed")
        db.reset()  # so the cases after this one start from the seeded data again
    if written := sorted(out.iterdir()):
        problems.append(f"wrote {[p.name for p in written]}")
        for path in written:
            path.unlink()
    return "; ".join(problems) or None


SETUP: dict[tuple[str, ...], list[str]] = {
    ("project", "reopen"): ["project", "close", "--force", "--reason", "x"]
}
"""A step some subcommands need before their valid invocation can work (reopen needs a closed project)."""


def _layout(
    tmp_path: Path, seeded: bytes, request: pytest.FixtureRequest, command: tuple[str, ...] = ()
) -> tuple[Target, Path, Path]:
    db = Target(tmp_path / "team.json", seeded, SETUP.get(command, []), request)
    out = tmp_path / "out"
    out.mkdir()
    return db, out, tmp_path / "huddle.toml"


def test_every_subcommand_has_a_valid_invocation() -> None:
    """A new subcommand must be added to GOOD (then all the classes below apply to it)."""
    assert sorted(SUBCOMMANDS) == sorted(GOOD)


@pytest.mark.parametrize("command", sorted(GOOD), ids=" ".join)
def test_valid_invocation_succeeds(
    command: tuple[str, ...],
    backend: str,
    seeded: bytes,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each bad case changes one thing of an invocation that works, so it fails for that thing. The four
    that reach a server get a real one on 127.0.0.1 (:func:`server_for`), and what arrived is checked."""
    db, out, _ = _layout(tmp_path, seeded, request, command)
    good = [w.format(out=out, data=DATA, seed=SEED[0]) for w in GOOD[command]]
    with contextlib.ExitStack() as stack:
        arrived = (
            server_for(command, db.url or db.db, tmp_path, stack, monkeypatch)
            if command in NEEDS_A_SERVER
            else None
        )
        code = main(["--db", db.arg, "--user", "ann", *command, *good])
        assert code == 0, capsys.readouterr().err
        if arrived is not None:
            assert arrived(), f"{' '.join(command)} exited 0 but nothing reached the server"


def server_for(
    command: tuple[str, ...],
    db: Path | str,
    tmp_path: Path,
    stack: contextlib.ExitStack,
    mp: pytest.MonkeyPatch,
) -> Callable[[], bool]:
    """Start the server ``command`` talks to, point the environment at it, and return a check that
    something arrived (mail, a calendar object, an answer recorded)."""
    from tests.helpers.delivery import CALDAV_PASSWORD, running_radicale, running_smtp
    from tests.helpers.imap import IMAP_PASSWORD, IMAP_USER, reply_mail, running_dovecot

    if command == ("send", "invite"):
        smtp = stack.enter_context(running_smtp())
        mp.setenv("HUDDLE_SMTP_HOST", "127.0.0.1")
        mp.setenv("HUDDLE_SMTP_PORT", str(smtp.port))
        return lambda: bool(smtp.inbox.envelopes)
    if command == ("calendar", "push"):
        radicale = stack.enter_context(running_radicale(tmp_path))
        mp.setenv("HUDDLE_CALDAV_URL", radicale.url)
        mp.setenv("HUDDLE_CALDAV_USERNAME", "alice")
        mp.setenv("HUDDLE_CALDAV_PASSWORD", CALDAV_PASSWORD)
        return lambda: bool(radicale.stored_objects())

    def answered() -> bool:
        meeting = open_store(db).snapshot().meetings.get("M-2")
        return meeting is not None and any(
            a.handle == "wei" and a.status.value == "accepted" for a in meeting.rsvp
        )

    if command == ("rsvp", "import"):
        return answered  # the reply file is in the seed folder
    imap = stack.enter_context(running_dovecot())
    imap.append(reply_mail((SEED[0] / "reply.ics").read_bytes(), "李伟 <wei@example.com>"))
    for name, value in {
        "HUDDLE_IMAP_HOST": "127.0.0.1",
        "HUDDLE_IMAP_PORT": str(imap.port),
        "HUDDLE_IMAP_SECURITY": "none",
        "HUDDLE_IMAP_USERNAME": IMAP_USER,
        "HUDDLE_IMAP_PASSWORD": IMAP_PASSWORD,
    }.items():
        mp.setenv(name, value)
    return answered


@pytest.mark.parametrize("command", sorted(GOOD), ids=" ".join)
def test_bad_input_table(
    command: tuple[str, ...],
    backend: str,
    seeded: bytes,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    db, out, config = _layout(tmp_path, seeded, request, command)
    cases = all_cases(command, out, universal=backend == "json" or command in UNIVERSAL_ON_THE_SERVER)
    failures = []
    for case in cases:
        case.args = [*command, *case.args]
        if problem := run_case(case, db, out, config, capsys, monkeypatch):
            failures.append(f"{' '.join(command)} / {case.label}: {problem}")
    assert not failures, f"{len(failures)} of {len(cases)} cases:\n" + "\n".join(failures[:40])


def test_table_size(tmp_path: Path) -> None:
    """How many cases the table holds (printed for the report; it only grows)."""
    total = sum(len(all_cases(command, tmp_path)) for command in GOOD)
    print(f"bad-input table: {len(GOOD)} subcommands, {total} cases")
    assert total > 2000


def test_real_process_sample(seeded: bytes, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The same rules in a real process: undecodable argv and environment bytes, a bad config. On the
    file only: its subject is how a real process receives argv and environment bytes; the in-process
    table above runs the same classes of input on both backends."""
    target, _, config = _layout(tmp_path, seeded, request)
    db = target.db
    huddle = str(Path(sys.executable).with_name("huddle"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUDDLE_CONFIG")}
    config.write_text("[caldav]\nurl = 'https://u:pw@cal.example.com/'\n", encoding="utf-8")
    samples: list[tuple[list[bytes], dict[bytes, bytes], int]] = [
        ([b"card", b"add", b"--dept", b"OPS", b"--title", b"\xff\xfe"], {}, USAGE),
        ([b"card", b"add", b"--dept", b"OPS", b"--title", b"ok"], {b"HUDDLE_USER": b"\xffann"}, FAILURE),
        ([b"card", b"list"], {b"TZ": b"Asia/\xff"}, FAILURE),
        ([b"card", b"list"], {b"HUDDLE_CONFIG": os.fsencode(config)}, FAILURE),
        ([b"card", b"add", b"--dept", b"OPS", b"--title", b"\x1b[2J" * 3000], {}, FAILURE),
        # Bare ``huddle`` (the app) checks the same before it opens anything.
        ([], {b"HUDDLE_USER": b"ann (root)"}, FAILURE),
        ([], {b"HUDDLE_NOW": b"9999-12-31T00:00+00:00"}, FAILURE),
        ([], {b"HUDDLE_CONFIG": os.fsencode(config)}, FAILURE),
        ([b"--user", b"\xffann"], {}, USAGE),
    ]
    before = db.read_bytes()
    for args, extra, code in samples:
        environ = {os.fsencode(k): os.fsencode(v) for k, v in env.items()} | extra
        proc = subprocess.run(
            [os.fsencode(huddle), b"--db", os.fsencode(db), *args],
            capture_output=True,
            env=environ,
            timeout=120,
        )
        err = proc.stderr.decode("utf-8")
        assert proc.returncode == code, err
        assert proc.stdout == b""
        assert len(err.splitlines()) == 1, err
        assert err.startswith("huddle: error: "), err
        assert not _bad_characters(err), err
        assert len(err) < LONGEST_LINE
    assert db.read_bytes() == before
