"""Settings from a TOML file and the environment. No Textual import: the CLI uses this too.

The file is ``huddle.toml`` in the platform config folder (``$XDG_CONFIG_HOME/huddle`` on Linux),
or the path in ``$HUDDLE_CONFIG``. Unknown keys are an error that names the key.
"""

from __future__ import annotations

import getpass
import os
import pwd
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from domain.errors import ValidationError


def config_dir() -> Path:
    """The folder searched for ``huddle.toml``; one function so tests can point it elsewhere."""
    import platformdirs

    return Path(platformdirs.user_config_dir("huddle"))


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("huddle"))


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = "localhost"
    """SMTP server host name."""
    port: int = 25
    """SMTP port: 25 or 587 with STARTTLS, 465 with SSL."""
    security: str = "none"
    """``none``, ``starttls`` or ``ssl``."""
    username: str = ""
    """Login name; empty means no login."""
    password_env: str = "HUDDLE_SMTP_PASSWORD"
    """Name of the environment variable holding the password (never stored in the DB or the file)."""
    sender: str = ""
    """From address; defaults to the organizer's address."""
    timeout: float = 20.0
    """Seconds to wait for the server."""


@dataclass(frozen=True, slots=True)
class CalDavSettings:
    url: str = ""
    """The calendar collection URL, such as ``https://cal.example.com/alice/project/``."""
    username: str = ""
    """Login name for the CalDAV server."""
    password_env: str = "HUDDLE_CALDAV_PASSWORD"
    """Name of the environment variable holding the CalDAV password."""


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """The mailbox ``huddle rsvp fetch`` reads attendees' replies from."""

    host: str = ""
    """IMAP server host name; empty: not configured."""
    port: int = 0
    """IMAP port; 0 means 993 with ``ssl``, else 143."""
    security: str = "ssl"
    """``ssl`` (IMAPS), ``starttls`` or ``none`` (a login then only to a server on this machine)."""
    username: str = ""
    """Login name; empty means no login."""
    password_env: str = "HUDDLE_IMAP_PASSWORD"
    """Name of the environment variable holding the IMAP password."""
    mailbox: str = "INBOX"
    """The folder replies arrive in."""
    move_to: str = ""
    """Folder to move processed replies to; empty: they are only flagged as read (\\Seen)."""
    ca_file: str = ""
    """Extra CA certificates (PEM) to trust, for a server with a company or self-signed certificate."""
    timeout: float = 20.0
    """Seconds to wait for the server."""


@dataclass(frozen=True, slots=True)
class Settings:
    db: Path | None = None
    """The data file; ``--db`` and ``$HUDDLE_DB`` take precedence."""
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
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    caldav: CalDavSettings = field(default_factory=CalDavSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)


def _build(cls: type[Any], values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ValidationError(f"{where}: unknown setting {key!r}; known: {', '.join(known)}")
        if key in ("smtp", "caldav"):
            if not isinstance(value, dict):
                raise ValidationError(f"{where}: [{key}] must be a table")
            kwargs[key] = _build(SmtpSettings if key == "smtp" else CalDavSettings, value, f"{where} [{key}]")
        elif key == "paper":
            if value not in ("a4", "letter"):
                raise ValidationError(f'{where}: paper must be "a4" or "letter", not {value!r}')
            kwargs[key] = value
        elif key == "db":
            kwargs[key] = Path(str(value)).expanduser()
        elif key == "imap":
            if not isinstance(value, dict):
                raise ValidationError(f"{where}: [imap] must be a table")
            kwargs[key] = _build(ImapSettings, value, f"{where} [imap]")
        else:
            kwargs[key] = value
    return cls(**kwargs)


def config_path() -> Path:
    return (
        Path(os.environ["HUDDLE_CONFIG"]) if os.environ.get("HUDDLE_CONFIG") else config_dir() / "huddle.toml"
    )


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file if there is one; a broken file is an error naming it."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ValidationError(f"cannot read config {path}: {exc.strerror}") from exc
    import tomllib

    try:
        values = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"config {path} is not valid TOML: {exc}") from exc
    settings: Settings = _build(Settings, values, str(path))
    return settings


def os_user() -> str:
    """The OS account of this process, from its uid (cannot be forged with --user)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def resolve_db(cli_value: str | None, settings: Settings) -> tuple[Path, bool]:
    """The data file path and whether it is the default location (whose folder may be created)."""
    if cli_value:
        return Path(cli_value).expanduser(), False
    if os.environ.get("HUDDLE_DB"):
        return Path(os.environ["HUDDLE_DB"]).expanduser(), False
    if settings.db:
        return settings.db, False
    return data_dir() / "huddle.json", True


def resolve_user(cli_value: str | None, settings: Settings) -> str:
    if cli_value:
        return cli_value
    if os.environ.get("HUDDLE_USER"):
        return os.environ["HUDDLE_USER"]
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os_user()
