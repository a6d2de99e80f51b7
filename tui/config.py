"""Settings from a TOML file and the environment. No Textual import: the CLI uses this too.

The file is ``huddle.toml`` in the platform config folder (``$XDG_CONFIG_HOME/huddle`` on Linux),
or the path in ``$HUDDLE_CONFIG``. Unknown keys are an error that names the key.
"""

from __future__ import annotations

import datetime
import getpass
import math
import os
import pwd
import re
import sys
from dataclasses import field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.dates import get_zone
from domain.errors import ValidationError
from domain.i18n import N_, UnknownLanguageError, _, match_language
from domain.models import MAX_ESCALATION_DAYS
from domain.text import check_line, clean_email, clean_handle, excerpt, handle_from_login, quoted
from outbound.settings import (
    CalDavSettings,
    ImapSettings,
    SmtpSettings,
    check_caldav_url,
    check_security,
)
from storage.dburl import is_server_url
from tui.keymap_ids import BINDING_IDS, is_key_name

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass


def config_dir() -> Path:
    """The folder searched for ``huddle.toml``; one function so tests can point it elsewhere."""
    return _user_dir("config")


def data_dir() -> Path:
    return _user_dir("data")


def state_dir() -> Path:
    """Where this machine keeps what belongs to one user and no data file (server journals)."""
    return _user_dir("state")


_XDG = {
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "state": ("XDG_STATE_HOME", "~/.local/state"),
}


def _user_dir(kind: str) -> Path:
    """platformdirs' ``user_<kind>_dir("huddle")``.

    On Linux with an absolute ``$HOME`` (every login) the answer is worked out here the way platformdirs
    works it out (the XDG variable when it is an absolute path, else the folder under the home), because
    importing platformdirs loads tempfile, shutil, bz2, lzma and random: a tenth of a ``huddle card add``,
    which reads the config folder on every run. Anywhere else platformdirs answers.
    ``tests/unit/test_config_dirs.py`` compares the two.
    """
    variable, default = _XDG[kind]
    if sys.platform == "linux" and os.environ.get("HOME", "").startswith("/"):
        base = os.environ.get(variable, "")
        return Path(os.path.join(base if base.startswith("/") else os.path.expanduser(default), "huddle"))
    import platformdirs

    answer: str = getattr(platformdirs, f"user_{kind}_dir")("huddle")
    return Path(answer)


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``huddle.toml`` says (every value checked as it is read), with the defaults where it is silent."""

    db: Path | str | None = None
    """The data file, or a ``postgresql://`` URL; ``--db`` and ``$HUDDLE_DB`` take precedence."""
    user: str = ""
    """Your handle; ``--user`` and ``$HUDDLE_USER`` take precedence, then the login name."""
    timezone: str = ""
    """Default IANA zone for meetings; empty means this machine's zone."""
    risk_amber: int = 5
    """Risk scores from this value are amber."""
    risk_red: int = 15
    """Risk scores from this value are red."""
    blocked_escalation_days: int | None = None
    """Your own escalation threshold in days; unset: the project's (`huddle project set --escalate-after`)."""
    poll_seconds: float = 1.0
    """How often an open TUI checks the data file for other people's changes."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, such as ``{"board.move-right" = "L"}``."""
    paper: str = "a4"
    """Page size of the Word minutes: ``"a4"`` (default) or ``"letter"``."""
    language: str = ""
    """``en``, ``zh-CN`` or another language with a catalog in locale/; empty: the locale decides
    (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). ``--lang`` takes precedence."""
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    caldav: CalDavSettings = field(default_factory=CalDavSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_KEYS = re.compile(r"^[^\s,]+(?:\s*,\s*[^\s,]+)*$")
"""Comma-separated keys as Textual names them (``ctrl+l``, ``right``, ``question_mark``, ``?``)."""
_SCALARS: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float)}
_TYPE_WORDS = {str: N_("a string"), int: N_("a whole number"), float: N_("a number"),
               bool: N_("true or false"), dict: N_("a table"), list: N_("a list"),
               datetime.date: N_("a date"), datetime.datetime: N_("a date-time"),
               datetime.time: N_("a time")}  # fmt: skip
"""TOML types as the error messages name them (marked; translated where the message is built)."""


def _type_word(value: object) -> str:
    return next((_(w) for t, w in _TYPE_WORDS.items() if type(value) is t), type(value).__name__)


def _check_type(name: str, annotation: str, value: Any, where: str) -> Any:
    """``value`` if TOML gave the type the field's annotation names, else ValidationError.

    The annotations are the strings of ``from __future__ import annotations`` (``int | None``,
    ``Path | None``, ``dict[str, str]``); TOML has no null, so ``| None`` only means "may be absent".
    A TOML ``true`` is never taken for a number.
    """
    base = annotation.removesuffix(" | None")
    if base in ("Path", "Path | str"):
        base = "str"
    if base == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValidationError(
                _("{where}: [{name}] must be a table of strings, not {type}").format(
                    where=where, name=name, type=_type_word(value)
                )
            )
        return value
    accepted = _SCALARS[base]
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise ValidationError(
            _("{where}: {name} must be {expected}, not {type} ({value})").format(
                where=where,
                name=name,
                expected=_(_TYPE_WORDS[accepted[-1]]),
                type=_type_word(value),
                value=quoted(str(value)),
            )
        )
    if isinstance(value, str):
        try:
            check_line(value, name)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(_("{where}: {name} must be a finite number").format(where=where, name=name))
    return float(value) if base == "float" and isinstance(value, int | float) else value


def _db_setting(value: str) -> Path | str:
    """The config's ``db``: a server URL kept as text, else a file path."""
    return value.strip() if is_server_url(value) else Path(value).expanduser()


def _in_range(where: str, name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValidationError(
            _("{where}: {name} = {value} is out of range ({low}-{high})").format(
                where=where, name=name, value=excerpt(str(value)), low=low, high=high
            )
        )


def _check_values(settings: Any, where: str) -> None:
    """The rules a value must follow beyond its type (ranges, names, addresses)."""
    if isinstance(settings, Settings):
        if settings.user:
            clean_handle(settings.user, f"{where}: user")
        if settings.timezone:
            try:
                get_zone(settings.timezone)
            except ValidationError as exc:
                raise ValidationError(f"{where}: timezone: {exc}") from None
        _in_range(where, "risk_amber", settings.risk_amber, 1, 25)
        _in_range(where, "risk_red", settings.risk_red, 1, 25)
        if settings.risk_amber > settings.risk_red:
            raise ValidationError(
                _("{where}: risk_amber ({value}) is above risk_red").format(
                    where=where, value=settings.risk_amber
                )
            )
        if settings.blocked_escalation_days is not None:
            _in_range(
                where, "blocked_escalation_days", settings.blocked_escalation_days, 1, MAX_ESCALATION_DAYS
            )
        _in_range(where, "poll_seconds", settings.poll_seconds, 0.1, 3600)
        if settings.language and match_language(settings.language) is None:
            raise UnknownLanguageError(settings.language, f"{where}: language")
        for binding_id, keys in settings.keymap.items():
            if binding_id not in BINDING_IDS:
                import difflib

                close = difflib.get_close_matches(binding_id, BINDING_IDS, n=1)
                hint = (
                    _("did you mean {id}?").format(id=quoted(close[0]))
                    if close
                    else _("README.md lists the ids")
                )
                raise ValidationError(
                    _("{where} [keymap]: unknown binding id {id}; {hint}").format(
                        where=where, id=quoted(binding_id), hint=hint
                    )
                )
            try:
                check_line(keys, f"[keymap] {binding_id}")
            except ValidationError as exc:
                raise ValidationError(f"{where}: {exc}") from None
            if not _KEYS.match(keys):
                raise ValidationError(
                    _(
                        '{where} [keymap]: {id} = {keys} is not a key list such as "L" or "ctrl+l,right"'
                    ).format(where=where, id=binding_id, keys=quoted(keys))
                )
            for key in (part.strip() for part in keys.split(",")):
                if not is_key_name(key):
                    raise ValidationError(
                        f"{where} [keymap]: {binding_id}: unknown key {quoted(key)}; keys are named as "
                        'Textual names them, such as "L", "ctrl+l", "f5", "pagedown" or "question_mark"'
                    )
    elif isinstance(settings, SmtpSettings):
        check_security(settings.security, f"{where}: security")
        _in_range(where, "port", settings.port, 1, 65535)
        _in_range(where, "timeout", settings.timeout, 0.1, 600)
        if settings.sender:
            clean_email(settings.sender)
    elif isinstance(settings, CalDavSettings):
        check_caldav_url(settings.url, where)
    elif isinstance(settings, ImapSettings):
        check_security(settings.security, f"{where}: security")
        _in_range(where, "port", settings.port, 0, 65535)
        _in_range(where, "timeout", settings.timeout, 0.1, 600)
    if isinstance(settings, SmtpSettings | CalDavSettings | ImapSettings) and not _ENV_NAME.match(
        settings.password_env
    ):
        raise ValidationError(
            _("{where}: password_env {value} is not an environment variable name").format(
                where=where, value=quoted(settings.password_env)
            )
        )


NESTED: dict[str, type[Any]] = {"smtp": SmtpSettings, "caldav": CalDavSettings, "imap": ImapSettings}
"""The tables of the config file, by key."""


def _build(cls: type[Any], values: dict[str, Any], where: str) -> Any:
    """``cls`` built from a TOML table: every key known, every value of its annotated type and range."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ValidationError(
                _("{where}: unknown setting {key}; known: {known}").format(
                    where=where, key=quoted(key), known=", ".join(known)
                )
            )
        if key in NESTED:
            if not isinstance(value, dict):
                raise ValidationError(
                    _("{where}: [{key}] must be a table, not {type}").format(
                        where=where, key=key, type=_type_word(value)
                    )
                )
            kwargs[key] = _build(NESTED[key], value, f"{where} [{key}]")
            continue
        annotation = known[key].type
        value = _check_type(key, annotation if isinstance(annotation, str) else str(annotation), value, where)
        if key == "paper" and value not in ("a4", "letter"):
            raise ValidationError(
                _('{where}: paper must be "a4" or "letter", not {value}').format(
                    where=where, value=quoted(str(value))
                )
            )
        kwargs[key] = _db_setting(value) if key == "db" else value
    built = cls(**kwargs)
    _check_values(built, where)
    return built


def config_path() -> Path:
    if value := os.environ.get("HUDDLE_CONFIG"):
        return Path(check_line(value, "HUDDLE_CONFIG"))
    return config_dir() / "huddle.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file if there is one; a broken file is an error naming it."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ValidationError(
            _("cannot read config {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    import tomllib

    try:
        values = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            _("config {path} is not valid TOML: {error}").format(path=path, error=exc)
        ) from exc
    settings: Settings = _build(Settings, values, str(path))
    return settings


def os_user() -> str:
    """The OS account of this process, from its uid (cannot be forged with --user)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def resolve_db(cli_value: str | None, settings: Settings) -> tuple[Path | str, bool]:
    """The data file path (or server URL, kept as text) and whether it is the default location
    (whose folder may be created)."""
    for value, what in ((cli_value, "--db"), (os.environ.get("HUDDLE_DB"), "HUDDLE_DB")):
        if value:
            value = check_line(value, what)
            return (value.strip() if is_server_url(value) else Path(value).expanduser()), False
    if settings.db:
        return settings.db, False
    return data_dir() / "huddle.json", True


def resolve_user(cli_value: str | None, settings: Settings) -> str:
    """The acting handle: ``--user``, else ``$HUDDLE_USER``, else config ``user``, else one derived
    from the login name. Each follows the handle rules (a space, a parenthesis or a control
    character could make a history line read as someone else's), and a bad one is refused."""
    if cli_value:
        return clean_handle(cli_value, "--user")
    if os.environ.get("HUDDLE_USER"):
        return clean_handle(os.environ["HUDDLE_USER"], "HUDDLE_USER")
    if settings.user:
        return clean_handle(settings.user, "config user")
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = os_user()
    return handle_from_login(login)
