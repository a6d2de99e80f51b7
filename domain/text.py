"""Rules for text typed by people: titles, notes, handles, addresses; and how to show it safely.

What is stored is what was typed (outer spaces trimmed). Text pasted from Word, web pages and
right-to-left scripts carries invisible format characters (zero-width space, soft hyphen, BOM,
direction marks, word joiner, emoji tag sequences, joiners, variation selectors): they are kept.
Refused are only characters that could change what a terminal shows outside the text's own cell
(C0/C1 controls, so escape sequences), invalid UTF-8 (lone surrogates from ``surrogateescape``),
and line breaks in one-line fields. Bidi overrides and isolates are kept too, but ``printable``
neutralises them when text is drawn.
"""

from __future__ import annotations

import re
import unicodedata

from domain.errors import ValidationError
from domain.i18n import N_, _

TITLE = N_("title")
TEXT = N_("text")
HANDLE = N_("handle")

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
MAX_TITLE = 200
MAX_TEXT = 10_000
EXCERPT = 40
"""How many characters of a person's input an error message quotes."""
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
"""Everything ``str.splitlines`` breaks on: none may appear in a one-line field."""
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: they can reorder text after them, so they are never drawn."""


def field_name(what: str) -> str:
    """The field name ``what`` as shown: callers pass ``N_()`` constants ("title", "owner"), translated
    here when the message is built; a name not in the catalog (``--due``, ``HUDDLE_NOW``) is shown as is."""
    return _(what) if what else what


def _is_control(ch: str) -> bool:
    """C0/C1 controls (escape sequences start with one) and lone surrogates (undecodable bytes)."""
    return unicodedata.category(ch) in ("Cc", "Cs")


def check_utf8(text: str, what: str) -> str:
    """``text`` unless it holds bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValidationError(
            _("{what} is not valid UTF-8: {text}").format(what=field_name(what), text=quoted(text))
        )
    return text


def _reject_controls(text: str, what: str, *, allow_newlines: bool) -> None:
    check_utf8(text, what)
    for ch in text:
        if allow_newlines and ch in "\n\t\u2028\u2029":
            continue
        if ch in LINE_BREAKS and not allow_newlines:
            raise ValidationError(
                _("{what} contains a line break (U+{code}); it must be one line").format(
                    what=field_name(what), code=f"{ord(ch):04X}"
                )
            )
        if _is_control(ch) or ch in LINE_BREAKS:
            raise ValidationError(
                _("{what} contains a control character (U+{code}); type it without escape sequences").format(
                    what=field_name(what), code=f"{ord(ch):04X}"
                )
            )


def check_line(text: str, what: str) -> str:
    """``text`` unchanged if it is valid UTF-8 with no control character or line break (names, paths)."""
    _reject_controls(text, what, allow_newlines=False)
    return text


def clean_title(text: str, what: str = TITLE) -> str:
    """Return a one-line title with outer spaces removed, or raise ValidationError."""
    value = text.strip()
    if not value:
        raise ValidationError(_("{what} is empty").format(what=field_name(what)))
    _reject_controls(value, what, allow_newlines=False)
    if len(value) > MAX_TITLE:
        raise ValidationError(
            _("{what} is {n} characters long; the limit is {limit}").format(
                what=field_name(what), n=len(value), limit=MAX_TITLE
            )
        )
    return value


def clean_text(text: str, what: str = TEXT, *, required: bool = True) -> str:
    """Return multi-line text (notes, descriptions) checked for control characters and size."""
    value = text.strip()
    if required and not value:
        raise ValidationError(_("{what} is empty").format(what=field_name(what)))
    _reject_controls(value, what, allow_newlines=True)
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("{what} is {n} characters long; the limit is {limit}").format(
                what=field_name(what), n=len(value), limit=MAX_TEXT
            )
        )
    return value


def clean_handle(text: str, what: str = HANDLE) -> str:
    """Return a lower-case handle (letters, digits, dot, dash, underscore), or raise."""
    value = text.strip().lstrip("@").lower()
    if not _HANDLE.match(value):
        raise ValidationError(
            _(
                "{what} {text} is not valid; use 1-32 letters, digits, '.', '-' or '_' (for example 'li.wei')"
            ).format(what=field_name(what), text=quoted(text))
        )
    return value


def handle_from_login(login: str) -> str:
    """A handle derived from an OS login name that is not one (``John.Doe`` -> ``john.doe``,
    ``CORP\\jdoe`` -> ``corp-jdoe``); raises when nothing usable is left."""
    value = re.sub(r"[^a-z0-9._-]+", "-", login.strip().lower()).lstrip("._-")[:32].rstrip("-")
    if not _HANDLE.match(value):
        raise ValidationError(
            _("the login name {login} gives no valid handle; set one with --user or $HUDDLE_USER").format(
                login=quoted(login)
            )
        )
    return value


_EMAIL_BANNED = frozenset(",;<>\"'()[]\\")


def clean_email(text: str) -> str:
    """Return an e-mail address with no control, format or space characters (no header injection)."""
    value = text.strip()
    bad = any(
        ch in _EMAIL_BANNED or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        for ch in value
    )
    if bad or value.count("@") != 1 or len(value) > 254:
        raise ValidationError(_("e-mail address {text} is not valid").format(text=quoted(text)))
    local, _sep, host = value.partition("@")
    if not local or "." not in host or host.startswith(".") or host.endswith(".") or ".." in host:
        raise ValidationError(_("e-mail address {text} is not valid").format(text=quoted(text)))
    return value


def dept_key_from_name(name: str) -> str:
    """Suggest a short ASCII key for readable card ids (``Operations`` -> ``OPE``); empty if none."""
    letters = [ch for ch in name.upper() if "A" <= ch <= "Z"]
    return "".join(letters[:3])


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` as it may be drawn in a terminal: nothing in it can move the cursor or reorder what
    follows.

    Controls (C0, C1, so every escape sequence), lone surrogates and bidi embeddings, overrides and
    isolates become U+FFFD; line breaks and tabs become spaces unless ``keep_newlines`` (then line
    breaks become ``\\n``; tabs always become spaces). Other format characters (zero-width space,
    soft hyphen, direction marks, joiners, emoji tags) are drawn as they are. Used by the TUI and
    the CLI alike for anything typed by a person, and for error messages.
    """
    if text.isprintable():
        # No control, surrogate, line break, tab or format character (bidi controls are format
        # characters): nothing to replace. ``str.isprintable`` runs in C; most text takes this way.
        return text
    out: list[str] = []
    for ch in text:
        if ch in LINE_BREAKS or ch == "\t":
            out.append("\n" if keep_newlines and ch != "\t" and ch != "\r" else " ")
        elif _is_control(ch) or ch in BIDI_CONTROLS:
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of ``text`` (then ``…``), safe to print."""
    short = text if len(text) <= limit else text[:limit] + "…"
    return printable(short)


def quoted(text: str, limit: int = EXCERPT) -> str:
    """``excerpt(text)`` in single quotes: how every error message quotes what a person typed."""
    return f"'{excerpt(text, limit)}'"
