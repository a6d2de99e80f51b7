"""Rules for text typed by people: titles, notes, handles."""

from __future__ import annotations

import re
import unicodedata

from domain.errors import ValidationError

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
_JOINERS = frozenset("\u200c\u200d")
MAX_TITLE = 200
MAX_TEXT = 10_000
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


def _reject_controls(text: str, what: str, *, allow_newlines: bool) -> None:
    for ch in text:
        if ch in "\n\t" and allow_newlines:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in _JOINERS:
            raise ValidationError(
                f"{what} contains a control character (U+{ord(ch):04X}); type it without escape sequences"
            )


def clean_title(text: str, what: str = "title") -> str:
    """Return a one-line title with outer spaces removed, or raise ValidationError."""
    value = text.strip()
    if not value:
        raise ValidationError(f"{what} is empty")
    _reject_controls(value, what, allow_newlines=False)
    if len(value) > MAX_TITLE:
        raise ValidationError(f"{what} is {len(value)} characters long; the limit is {MAX_TITLE}")
    return value


def clean_text(text: str, what: str = "text", *, required: bool = True) -> str:
    """Return multi-line text (notes, descriptions) checked for control characters and size."""
    value = text.strip()
    if required and not value:
        raise ValidationError(f"{what} is empty")
    _reject_controls(value, what, allow_newlines=True)
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{what} is {len(value)} characters long; the limit is {MAX_TEXT}")
    return value


def clean_handle(text: str) -> str:
    """Return a lower-case handle (letters, digits, dot, dash, underscore), or raise."""
    value = text.strip().lstrip("@").lower()
    if not _HANDLE.match(value):
        raise ValidationError(
            f"handle {text!r} is not valid; use 1-32 letters, digits, '.', '-' or '_' (for example 'li.wei')"
        )
    return value


def clean_email(text: str) -> str:
    """Return an e-mail address with no header-injection characters, or raise."""
    value = text.strip()
    if any(ch in value for ch in "\r\n,;<>\"' \t") or value.count("@") != 1:
        raise ValidationError(f"e-mail address {text!r} is not valid")
    local, _, host = value.partition("@")
    if not local or "." not in host or host.startswith(".") or host.endswith("."):
        raise ValidationError(f"e-mail address {text!r} is not valid")
    return value


def dept_key_from_name(name: str) -> str:
    """Suggest a short ASCII key for readable card ids (``Operations`` -> ``OPE``); empty if none."""
    letters = [ch for ch in name.upper() if "A" <= ch <= "Z"]
    return "".join(letters[:3])


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control and format characters replaced, so no escape sequence reaches a terminal.

    Newlines and tabs become spaces unless ``keep_newlines`` (tabs always become spaces). Used by the
    TUI and the CLI alike for anything typed by a person.
    """
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\n\r":
            out.append(" ")
        elif ch not in _JOINERS and unicodedata.category(ch) in ("Cc", "Cf"):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)
