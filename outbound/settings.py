"""The connection settings of everything that leaves Huddle (SMTP, CalDAV, IMAP) and their rules.

The ``[smtp]``, ``[caldav]`` and ``[imap]`` tables of ``huddle.toml`` are read by ``tui.config``,
which checks them with the functions here when the file is loaded; ``outbound.delivery``,
``outbound.caldav`` and ``outbound.imap`` check the same values again with the same functions after
the ``HUDDLE_*`` environment variables are applied, because a variable can carry what the file
could not. One rule, one place: a URL the config accepts is a URL the publisher accepts.

Standard library only (``urllib`` deferred), so the CLI's start-up cost does not grow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from domain.errors import ValidationError
from domain.i18n import _
from domain.text import check_utf8, quoted

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass

SECURITY_MODES = ("none", "starttls", "ssl")
"""How a mail connection is protected: plain, upgraded with STARTTLS, or TLS from the first byte."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The ``[smtp]`` table: the server invites are mailed through."""

    host: str = ""
    """SMTP server host name; empty (the default) means mail is not set up, and sending says so."""
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
    """The ``[caldav]`` table: the calendar ``huddle calendar push`` writes to."""

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


def check_security(value: str, what: str) -> str:
    """``value`` if it is one of :data:`SECURITY_MODES`; ``what`` names the setting in the error."""
    if value not in SECURITY_MODES:
        raise ValidationError(
            _("{what} {value} is not one of: {value2}").format(
                what=what, value=quoted(value), value2=", ".join(SECURITY_MODES)
            )
        )
    return value


def port_from_env(env: Mapping[str, str], var: str) -> int | None:
    """The port number in ``$var``; None when it is unset or empty; ValidationError when it is no number."""
    text = env.get(var)
    if not text:
        return None
    try:
        return int(text[:12])  # a digit run longer than any port is not worth converting
    except ValueError:
        raise ValidationError(
            _("{var}={text} is not a port number").format(var=var, text=quoted(text))
        ) from None


def check_port(port: int, what: str) -> int:
    """``port`` if it is a TCP port (1-65535); ``what`` names the setting in the error."""
    if not 0 < port < 65536:
        raise ValidationError(_("{what} {port} is out of range").format(what=what, port=port))
    return port


def check_caldav_url(url: str, where: str) -> str:
    """A CalDAV URL: http(s), a host, and no login or password in it; empty (not configured) passes.

    The URL is printed in every push result, so a login (above all a password) must not be in it:
    passwords live only in the environment variable ``password_env`` names.
    """
    if not url:
        return url
    check_utf8(url, where)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValidationError(
            _("{where}: the CalDAV url contains spaces or control characters").format(where=where)
        )
    from urllib.parse import urlsplit  # deferred: only a [caldav] url needs it, not `card add`

    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise ValidationError(
            _("{where}: the CalDAV url {url} is not a URL").format(where=where, url=quoted(url))
        ) from None
    if parts.password is not None or parts.username is not None or "@" in parts.netloc:
        # Not quoted back: the part before "@" may be the password itself.
        raise ValidationError(
            _(
                "{where}: the CalDAV url must not hold a login or password; set username in "
                "[caldav] and the password in the environment variable named by password_env"
            ).format(where=where)
        )
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(
            _("{where}: CalDAV url {url} must be an http:// or https:// address").format(
                where=where, url=quoted(url)
            )
        )
    return url
