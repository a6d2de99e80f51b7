"""``tui.cli.output``'s table: widths in terminal cells (Chinese two a character) and clipping, measured
at C level; the same cells as counting character by character."""

from __future__ import annotations

import unicodedata

from tui.cli.output import _clip, _width

SAMPLES = ["", "abc", "预算 客户 评审 #11", "ｆｕｌｌ", "ünïcödé", "emoji 🚀✅", "Ω≈ç√", "x" * 60, "评" * 40]


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_width_counts_cells() -> None:
    for text in SAMPLES:
        assert _width(text) == cells(text), text


def test_clip_keeps_what_fits_and_cuts_the_rest_with_an_ellipsis() -> None:
    for text in SAMPLES:
        for width in (1, 2, 5, 10, 48):
            clipped = _clip(text, width)
            if cells(text) <= width:
                assert clipped == text
            else:
                assert clipped.endswith("…")
                assert text.startswith(clipped[:-1])
                assert cells(clipped) <= width + 1
                assert cells(clipped[:-1]) <= width - 1
    assert _clip("预算客户评审", 7) == "预算客…"
