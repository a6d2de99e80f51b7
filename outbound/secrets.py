"""The password policy shared by every outbound connection (SMTP, CalDAV, IMAP).

A password comes only from the environment variable the settings name, is sent unencrypted only
to a server on this machine, and is scrubbed from every message a server or library hands back.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from domain.errors import ValidationError
from domain.i18n import _


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses: the only places a plain-text login may go."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def password_from_env(var: str, env: Mapping[str, str], username: str, what: str) -> str | None:
    """The password in ``$var`` for ``username``; None without a login; ValidationError when unset."""
    if not username:
        return None
    password = env.get(var)
    if not password:
        raise ValidationError(
            _("{what} login {username!r} needs a password in the environment variable ${var}").format(
                what=what, username=username, var=var
            )
        )
    return password


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` replaced by ``***`` (servers and libraries may echo what they were sent)."""
    return text.replace(secret, "***") if secret else text
