"""Argument types and checks of the ``huddle`` command line: whole numbers in a range, days, amounts,
human dates, agenda items; the input checks that run before any parsing.

Types raise ``argparse.ArgumentTypeError`` so argparse names the option (exit 2); the date helpers raise
``ValidationError`` naming the option (exit 1), since a date is checked against the clock of the data.
No Textual import, and nothing heavier than the domain: every command loads this module.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from domain.dates import get_zone, parse_date, parse_datetime
from domain.errors import ValidationError
from domain.i18n import _
from domain.models import MAX_ESTIMATE_DAYS, MAX_MEETING_MINUTES
from domain.text import check_utf8, printable, quoted

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from tui.wiring import Context


class UsageError(Exception):
    """Bad command-line usage: exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(
            _("{message} (see '{prog} --help')").format(message=message, prog=printable(self.prog))
        )

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse's formatter, given the width it would find itself.

        argparse makes a formatter for every ``add_argument``, and a formatter left to find the width
        imports shutil, which loads bz2 and lzma: a few milliseconds of every command, for one number.
        """
        make: Any = self.formatter_class
        formatter: argparse.HelpFormatter = make(prog=self.prog, width=terminal_columns() - 2)
        return formatter


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (``$COLUMNS``, else the terminal of stdout, else 80),
    without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


# ---------------------------------------------------------------- types given to add_argument


def integer(text: str) -> int | None:
    """``text`` as a whole number, or None (not one, or too long to be a sensible count)."""
    try:
        return int(text) if len(text) <= 12 else None
    except ValueError:
        return None


def whole(text: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high``, or an argparse error naming the range."""
    value = integer(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number from {low} to {high}").format(
                value=quoted(text), low=low, high=high
            )
        )
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            _("{value} is not between {low} and {high}").format(value=value, low=low, high=high)
        )
    return value


class Bounded:
    """An argparse type for a whole number in ``low..high`` (huge numbers would overflow date arithmetic)."""

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high
        self.__name__ = f"whole number {low}-{high}"

    def __call__(self, text: str) -> int:
        return whole(text, self.low, self.high)


score = Bounded(1, 5)


def finite(text: str, high: float, what: str) -> float:
    """``text`` as a finite number from 0 to ``high``; ``what`` ends the error ("... is not WHAT")."""
    try:
        value = float(text) if len(text) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= high:
        raise argparse.ArgumentTypeError(_("{value} is not {what}").format(value=quoted(text), what=what))
    return value


def days(text: str) -> float:
    """An estimate in days: a finite number from 0 to MAX_ESTIMATE_DAYS."""
    return finite(
        text, MAX_ESTIMATE_DAYS, _("a number of days from 0 to {high}").format(high=MAX_ESTIMATE_DAYS)
    )


MAX_COST = 1e12


def amount(text: str) -> float:
    """A cost on the command line: a finite number from 0 to MAX_COST."""
    return finite(text, MAX_COST, _("an amount from 0 to {high}").format(high=f"{MAX_COST:.0e}"))


def agenda_item(text: str) -> tuple[str, int]:
    """``TITLE[:MIN]`` as (title, minutes); 10 minutes when no timebox is given."""
    title, sep, minutes = text.rpartition(":")
    if sep and minutes.strip().isascii() and minutes.strip().isdigit():
        try:
            return title.strip(), whole(minutes.strip(), 1, MAX_MEETING_MINUTES)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(_("argument --agenda: {message}").format(message=exc)) from None
    return text.strip(), 10


# ---------------------------------------------------------------- dates, against the data's clock


def date_arg(ctx: Context, text: str | None, what: str) -> date | None:
    """A DATE option (``fri``, ``+3d``, ISO); ``none``, ``-`` or empty clear it."""
    if text is None:
        return None
    if text.strip().lower() in ("none", "-", ""):
        return None
    try:
        return parse_date(text, ctx.services.cards.today())
    except ValidationError as exc:
        raise ValidationError(_("--{option}: {message}").format(option=what, message=exc)) from None


def zone_arg(ctx: Context, name: str | None) -> ZoneInfo:
    """``--tz ZONE``, else the local zone."""
    return get_zone(name) if name else ctx.zone


def datetime_arg(ctx: Context, text: str, zone: ZoneInfo, what: str) -> datetime:
    """A DATETIME option, wall-clock in ``zone``."""
    today = ctx.services.cards.now().astimezone(zone).date()
    try:
        return parse_datetime(text, today, zone)
    except ValidationError as exc:
        raise ValidationError(_("--{option}: {message}").format(option=what, message=exc)) from None


# ---------------------------------------------------------------- checks before parsing

ENVIRONMENT = ("TZ", "HOME", "LOGNAME", "USER", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
"""Variables Huddle reads besides ``HUDDLE_*``; each must be valid UTF-8."""


def check_input(argv: Sequence[str]) -> None:
    """Refuse undecodable bytes before anything else reads them: Python hands arguments and variables
    that are not UTF-8 over as lone surrogates, which would fail later, in the middle of a command."""
    for number, word in enumerate(argv, start=1):
        try:
            check_utf8(word, _("argument {number}").format(number=number))
        except ValidationError as exc:
            raise UsageError(str(exc)) from None
    for name in sorted(os.environ):
        if name.startswith("HUDDLE_") or name in ENVIRONMENT:
            check_utf8(os.environ[name], name)


def refuse_password_in_url(db: str | None) -> None:
    """A password on the command line shows in ``ps`` and the shell history: refuse it, say where it goes."""
    from storage.dburl import has_password, is_server_url

    if db and is_server_url(db) and has_password(db):
        raise UsageError(
            _(
                "--db: leave the password out of the URL (it would show in the process list and the shell "
                "history); put it in ~/.pgpass (or the file $PGPASSFILE names) or a pg_service.conf entry"
            )
        )
