"""Make user text safe to draw: literal (never markup) and free of control characters."""

from __future__ import annotations

import unicodedata

from textual.content import Content

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
_KEEP = frozenset("\u200c\u200d")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control and format characters replaced, so no escape sequence reaches the terminal.

    Newlines and tabs become spaces unless ``keep_newlines`` (tabs always become spaces).
    """
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\n\r":
            out.append(" ")
        elif ch not in _KEEP and unicodedata.category(ch) in ("Cc", "Cf"):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def literal(text: str, style: str = "", *, keep_newlines: bool = False) -> Content:
    """Content showing ``text`` exactly as typed (``[red]`` stays ``[red]``)."""
    clean = printable(text, keep_newlines=keep_newlines)
    return Content.styled(clean, style) if style else Content(clean)
