"""RSVP intake from a mailbox: ``huddle rsvp fetch`` reads attendees' replies over IMAP (imaplib).

Only unread messages whose MIME structure holds a calendar part (``text/calendar``,
``application/ics`` or an ``.ics`` file, seen in BODYSTRUCTURE without downloading the mail) are
fetched, with ``BODY.PEEK`` so reading does not mark them. After the answers are stored, the
messages that held a reply are flagged ``\\Seen`` (or moved to ``move_to``) so the next fetch
skips them; every other mail in the box, invitations included, is left exactly as it was.
Settings come from ``[imap]`` and ``HUDDLE_IMAP_*``; the password only from the variable
``password_env`` names, never sent unencrypted to another machine, never in a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from domain.errors import DeliveryError, ValidationError
from domain.i18n import _
from domain.models import RsvpReply
from domain.services import Services
from domain.text import printable
from outbound.rsvp import RsvpReport
from outbound.secrets import is_loopback, password_from_env, scrub
from outbound.settings import check_port, check_security, port_from_env

if TYPE_CHECKING:
    import imaplib

_CALENDAR_PART = re.compile(rb'"(text"\s+"calendar|application"\s+"ics)"|\.ics"', re.IGNORECASE)


class ImapConfig(Protocol):
    """The ``[imap]`` settings this module reads (``outbound.settings.ImapSettings`` has them)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def security(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def password_env(self) -> str: ...
    @property
    def mailbox(self) -> str: ...
    @property
    def move_to(self) -> str: ...
    @property
    def ca_file(self) -> str: ...
    @property
    def timeout(self) -> float: ...


@dataclass(frozen=True, slots=True)
class ImapTarget:
    host: str
    port: int
    security: str
    username: str
    password: str | None = field(repr=False)
    mailbox: str
    move_to: str
    ca_file: str
    timeout: float

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def imap_target(config: ImapConfig, env: Mapping[str, str]) -> ImapTarget:
    """``config`` with ``HUDDLE_IMAP_{HOST,PORT,SECURITY,USERNAME,MAILBOX}`` applied and checked."""
    host = env.get("HUDDLE_IMAP_HOST") or config.host
    security = env.get("HUDDLE_IMAP_SECURITY") or config.security
    username = env.get("HUDDLE_IMAP_USERNAME") or config.username
    mailbox = env.get("HUDDLE_IMAP_MAILBOX") or config.mailbox
    port = port_from_env(env, "HUDDLE_IMAP_PORT")
    if port is None:
        port = config.port
    if not host:
        raise ValidationError(_("no IMAP server configured; set host in the [imap] table of huddle.toml"))
    check_security(security, "IMAP security")
    if not port:
        port = 993 if security == "ssl" else 143
    check_port(port, "IMAP port")
    for what, name in (("mailbox", mailbox), ("move_to", config.move_to)):
        if any(ch in name for ch in '\r\n"\\') or (what == "mailbox" and not name):
            raise ValidationError(
                _("IMAP {what} {name!r} is not a usable folder name").format(what=what, name=printable(name))
            )
    password = password_from_env(config.password_env, env, username, "IMAP")
    if password and security == "none" and not is_loopback(host):
        raise ValidationError(
            _(
                "refusing to send the IMAP password unencrypted to {host}; set security = "
                '"starttls" or "ssl" in [imap]'
            ).format(host=host)
        )
    return ImapTarget(
        host, port, security, username, password, mailbox, config.move_to, config.ca_file, config.timeout
    )


def fetch_replies(services: Services, config: ImapConfig, env: Mapping[str, str]) -> RsvpReport:
    """Read the unread replies in the mailbox, record them, then mark those messages as processed."""
    import imaplib
    import ssl

    from outbound.itip import parse_replies

    target = imap_target(config, env)
    replies: list[RsvpReply] = []
    notes: list[str] = []
    try:
        client = _connect(target)
        try:
            if target.password is not None:
                login(client, target.username, target.password)
            _ok(
                client.select(quote_mailbox(target.mailbox)),
                _("cannot open the mailbox {mailbox}").format(mailbox=repr(target.mailbox)),
            )
            processed: list[str] = []
            for uid in _unseen_with_calendar(client):
                source = f"imap:{target.mailbox}/{uid}"
                try:
                    found = parse_replies(_fetch(client, uid), printable(source))
                except ValidationError as exc:
                    notes.append(f"{exc} (left unread)")
                    continue
                if found:
                    # Only replies are marked: an invitation to someone else's meeting must stay unread.
                    replies += found
                    processed.append(uid)
            outcomes = tuple(services.rsvp.record_replies(replies)) if replies else ()
            _mark_processed(client, target, processed)
        finally:
            _logout(client)
    except (imaplib.IMAP4.error, ssl.SSLError, OSError) as exc:
        reason = scrub(str(exc), target.password) or type(exc).__name__
        raise DeliveryError(
            _("IMAP server {where}: {reason}").format(where=target.where, reason=reason)
        ) from None
    return RsvpReport(outcomes, tuple(notes))


def _connect(target: ImapTarget) -> imaplib.IMAP4:
    import imaplib
    import ssl

    context = ssl.create_default_context(cafile=target.ca_file or None)
    if target.security == "ssl":
        return imaplib.IMAP4_SSL(target.host, target.port, ssl_context=context, timeout=target.timeout)
    client = imaplib.IMAP4(target.host, target.port, timeout=target.timeout)
    if target.security == "starttls":
        try:
            client.starttls(ssl_context=context)
        except BaseException:
            _logout(client)
            raise
    return client


def login(client: imaplib.IMAP4, username: str, password: str) -> None:
    """LOGIN, or AUTHENTICATE PLAIN (UTF-8, RFC 4616) for a name or password LOGIN cannot carry."""
    if username.isascii() and password.isascii():
        client.login(username, password)
        return
    token = f"\0{username}\0{password}".encode()
    client.authenticate("PLAIN", lambda _challenge: token)


def _unseen_with_calendar(client: imaplib.IMAP4) -> list[str]:
    """UIDs of unread messages whose structure has a calendar part, oldest first."""
    data = _ok(client.uid("SEARCH", "UNSEEN"), _("cannot search the mailbox"))
    uids = [u.decode() for u in data[0].split()] if data and data[0] else []
    wanted = []
    for uid in uids:
        structure = _flatten(_ok(client.uid("FETCH", uid, "(BODYSTRUCTURE)"), _("cannot read a message")))
        if _CALENDAR_PART.search(structure):
            wanted.append(uid)
    return wanted


def _fetch(client: imaplib.IMAP4, uid: str) -> bytes:
    data = _ok(client.uid("FETCH", uid, "(BODY.PEEK[])"), _("cannot read a message"))
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return b""


def _mark_processed(client: imaplib.IMAP4, target: ImapTarget, uids: list[str]) -> None:
    if not uids:
        return
    ids = ",".join(uids)
    if target.move_to:
        if b"MOVE" in _capabilities(client):
            _ok(
                client.uid("MOVE", ids, quote_mailbox(target.move_to)),
                _("cannot move replies to {mailbox}").format(mailbox=repr(target.move_to)),
            )
            return
        _ok(
            client.uid("COPY", ids, quote_mailbox(target.move_to)),
            _("cannot copy replies to {mailbox}").format(mailbox=repr(target.move_to)),
        )
        _ok(client.uid("STORE", ids, "+FLAGS.SILENT", r"(\Seen \Deleted)"), _("cannot flag replies"))
        if b"UIDPLUS" in _capabilities(client):
            client.uid("EXPUNGE", ids)
        return
    _ok(client.uid("STORE", ids, "+FLAGS.SILENT", r"(\Seen)"), _("cannot flag replies as read"))


def _capabilities(client: imaplib.IMAP4) -> set[bytes]:
    data = _ok(client.capability(), _("cannot list capabilities"))
    return set(b" ".join(d for d in data if isinstance(d, bytes)).upper().split())


def _ok(response: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = response
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise DeliveryError(_("{what}: {detail}").format(what=what, detail=printable(detail)))
    return data


def _flatten(data: list[object]) -> bytes:
    parts: list[bytes] = []
    for item in data:
        if isinstance(item, bytes):
            parts.append(item)
        elif isinstance(item, tuple):
            parts.extend(x for x in item if isinstance(x, bytes))
    return b" ".join(parts)


def quote_mailbox(name: str) -> str:
    """A mailbox name as an IMAP quoted string in modified UTF-7 (RFC 3501 5.1.3), so a Chinese
    folder name reaches the server as the name the mail client shows (``imap_target`` refused
    quotes and backslashes)."""
    import base64

    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return '"' + "".join(out) + '"'


def _logout(client: imaplib.IMAP4) -> None:
    """Log out; the connection may already be gone, and the error that mattered is being reported."""
    import contextlib

    with contextlib.suppress(Exception):
        client.logout()
