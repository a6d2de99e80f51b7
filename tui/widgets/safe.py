"""Make user text safe to draw: literal (never markup) and free of control characters."""

from __future__ import annotations

from textual.content import Content

from domain.text import REPLACEMENT, printable

__all__ = ["REPLACEMENT", "literal", "printable"]


def literal(text: str, style: str = "", *, keep_newlines: bool = False) -> Content:
    """Content showing ``text`` exactly as typed (``[red]`` stays ``[red]``)."""
    clean = printable(text, keep_newlines=keep_newlines)
    return Content.styled(clean, style) if style else Content(clean)
