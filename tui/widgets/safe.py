"""Make user text safe to draw: literal (never markup) and free of control characters."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.driver import Driver

from domain.text import BIDI_CONTROLS, REPLACEMENT, printable

__all__ = ["REPLACEMENT", "inert_bidi", "literal", "pad_cells", "printable"]

_DROP_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def literal(text: str, style: str = "", *, keep_newlines: bool = False) -> Content:
    """Content showing ``text`` exactly as typed (``[red]`` stays ``[red]``)."""
    clean = printable(text, keep_newlines=keep_newlines)
    return Content.styled(clean, style) if style else Content(clean)


def pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells, never cut, and followed by at least one
    space: ``f"{text:<13}"`` counts characters, and a Chinese label (two cells a character) would push
    the column after it, or run into it."""
    return text + " " * max(1, width - cell_len(text))


def inert_bidi(base: type[Driver]) -> type[Driver]:
    """``base`` writing its output without bidi embeddings, overrides and isolates.

    People may store them (they are part of right-to-left text as pasted), and every widget that
    draws user text through ``printable`` shows them as U+FFFD; this is the backstop for any text
    drawn otherwise (an Input being edited, a table cell): in a terminal that reorders text, one of
    them could reorder the rest of the screen's row. They are zero-width, so dropping them keeps
    every cell where Textual put it, and Textual's own escape sequences never contain them.
    """

    class InertBidiDriver(base):  # type: ignore[valid-type,misc]
        def write(self, data: str) -> None:
            # Looking for each control is a few fast scans; translate() maps every character through a
            # dict (about 9 ms for a full 120x40 frame on a loaded machine), so only when one is there.
            if any(control in data for control in BIDI_CONTROLS):
                data = data.translate(_DROP_BIDI)
            super().write(data)

    InertBidiDriver.__name__ = f"InertBidi{base.__name__}"
    return InertBidiDriver
