"""Telling a server URL from a file path, and showing one without its password.

Plain string work (no psycopg import), so the CLI can decide which backend to open, and refuse a
password on the command line, before loading any driver.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_server_url(value: str) -> bool:
    """True for a libpq URL (``postgresql://...`` or ``postgres://...``)."""
    return value.strip().lower().startswith(SCHEMES)


def has_password(url: str) -> bool:
    """True when the URL carries a password, in the user part or as a ``password=`` parameter."""
    parts = urlsplit(url)
    if parts.password:
        return True
    return any(key == "password" for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def redact(url: str) -> str:
    """The URL as it may be shown: the password left out, everything else kept."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hostport}" if user else hostport
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def local_key(url: str) -> str:
    """A folder name for what this machine keeps about one server database (the meeting journals).

    Readable (host, port, database) plus a short hash of the redacted URL, so two databases never
    share a folder and the password, which is not part of the key, can change freely.
    """
    shown = redact(url)
    parts = urlsplit(shown)
    readable = "-".join(
        filter(None, [parts.hostname or "local", str(parts.port or ""), parts.path.strip("/")])
    )
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", readable)[:60].lstrip(".") or "db"
    return f"{readable}-{_sha256(shown.encode())[:10]}"


def _sha256(data: bytes) -> str:
    """SHA-256 of ``data`` in hex, without importing ``hashlib`` where the interpreter's own
    implementation is there: ``hashlib`` loads OpenSSL's libcrypto, about 3 ms of processor time on
    the app's main thread before its first frame on a server database (``build_context`` makes this
    key at start-up). The same digest either way (``tests/storage/test_dburl.py``)."""
    import importlib

    for name in ("_sha256", "_sha2"):  # Python 3.11's builtin module; 3.12 renamed it
        try:
            digest: str = importlib.import_module(name).sha256(data).hexdigest()
        except (ImportError, AttributeError):
            continue
        return digest
    import hashlib

    return hashlib.sha256(data).hexdigest()
