"""``tui.cli.output``'s table: widths in terminal cells (Chinese two a character) and clipping, measured
at C level; the same cells as counting character by character."""

from __future__ import annotations

import random
import unicodedata

import pytest

from tui.cli.output import _clip, _width, print_table

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


def old_table(rows: list[list[str]], headers: list[str]) -> str:
    """The table as print_table wrote it cell by cell before (the widths measured at every use)."""
    from domain.text import printable

    def pad(text: str, width: int) -> str:
        return text + " " * max(0, width - cells(text))

    def clip(text: str, width: int) -> str:
        out, used = "", 0
        for ch in text:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + w > width - 1 and cells(text) > width:
                return out + "…"
            out, used = out + ch, used + w
        return out

    grid = [[printable(c) for c in row] for row in rows]
    widths = [min(max(cells(h), *(cells(r[i]) for r in grid)), 48) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(pad(clip(c, w), w) for c, w in zip(r, widths, strict=True)).rstrip() for r in grid]
    return "\n".join(lines) + "\n"


def test_the_table_is_the_one_measured_cell_by_cell(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(5)
    pieces = [*SAMPLES, "评审\t制度\x1b[2J", "\u202e反向", "ａｂｃ" * 9]
    for _ in range(30):
        rows = [[rng.choice(pieces) + rng.choice(pieces) for _ in range(4)] for _ in range(rng.randint(1, 6))]
        print_table(rows, ["ID", "标题", "COLUMN", "负责人"])
        assert capsys.readouterr().out == old_table(rows, ["ID", "标题", "COLUMN", "负责人"])
