"""What ``huddle`` prints: aligned tables, ``--json`` documents, resolved dates, one-line errors.

``--json`` is encoded by orjson (a tenth of the standard library's indenting encoder's time on a big
list), with the same bytes the standard library wrote (``indent=2``, ``ensure_ascii=False``: Chinese
stays readable, key order as built), since scripts and the contract tests compare the output.
"""

from __future__ import annotations

import itertools
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.dates import format_day, format_moment
from domain.i18n import _, current_language, ngettext, pgettext
from domain.text import EXCERPT, excerpt, printable, quoted

# ---------------------------------------------------------------- tables


def _width(text: str) -> int:
    """``text``'s width in terminal cells: two for each wide or full-width character (Chinese), one for the
    rest. Counted at C level (``map``): a 5,000-card table measures each cell twice."""
    if text.isascii():
        return len(text)
    return len(text) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, text)))


_WIDE = frozenset(("W", "F"))


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def label_line(label: str, value: str, width: int) -> str:
    """``label: value`` with the label right-aligned in ``width`` cells (``card show``, ``risk show``):
    measured in cells, so Chinese labels (two cells a character) line up with English ones."""
    shown = " " * max(0, width - _width(label)) + label
    return _("{label}: {value}").format(label=shown, value=value)


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with a ``…`` at the end, when it is wider (measured once)."""
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def print_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Columns aligned by display width, so Chinese text lines up in a terminal. Each cell is measured
    once (a 5,000-card ``card list`` has 30,000 of them) and the table printed in one write."""
    if not rows:
        print(_("(none)"))
        return
    cells = [[printable(c) for c in row] for row in rows]
    sizes = [list(map(_width, row)) for row in cells]
    widths = [min(max(_width(h), *(size[i] for size in sizes)), 48) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row, size in zip(cells, sizes, strict=True):
        parts = []
        for cell, used, width in zip(row, size, widths, strict=True):
            if used > width:
                cell = _clip(cell, width)
                used = _width(cell)
            parts.append(cell + " " * (width - used))
        lines.append("  ".join(parts).rstrip())
    print("\n".join(lines))


def counts_text(counts: Mapping[str, int]) -> str:
    """``7 departments, 10 people, 66 cards``: what a backup, restore, copy or check holds, table by
    table in the language (a table this does not know is named as stored)."""
    return pgettext("list separator", ", ").join(_count(table, n) for table, n in counts.items())


def _count(table: str, n: int) -> str:
    forms = {
        "departments": ngettext("{n} department", "{n} departments", n),
        "people": ngettext("{n} person", "{n} people", n),
        "projects": ngettext("{n} project", "{n} projects", n),
        "cards": ngettext("{n} card", "{n} cards", n),
        "risks": ngettext("{n} risk", "{n} risks", n),
        "meetings": ngettext("{n} meeting", "{n} meetings", n),
        "change_requests": ngettext("{n} change request", "{n} change requests", n),
        "published": ngettext("{n} published event", "{n} published events", n),
        "activity": ngettext("{n} activity entry", "{n} activity entries", n),
    }
    return forms.get(table, "{n} " + table.replace("_", " ")).format(n=n)


# ---------------------------------------------------------------- JSON


def emit_json(value: Any) -> None:
    """One JSON document on stdout, as ``json.dumps(value, ensure_ascii=False, indent=2)`` wrote it.

    orjson differs from the standard library only in floats written with an exponent (``1e-05`` there,
    ``1e-5`` here, the same number) and refuses NaN, which no Huddle value holds (costs and estimates are
    checked finite). Non-string keys are written as strings, as ``json`` did. On a UTF-8 stream the
    bytes go to its buffer as they are (after what was printed before): decoding them and having
    ``print`` encode them again cost 10 ms for the 3 MB of a 5,000-card ``card list --json``; any other
    stream (another encoding, or one without a buffer) gets them through ``print``.
    """
    import orjson

    data = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    stream = sys.stdout
    raw = getattr(stream, "buffer", None)
    if raw is not None and (getattr(stream, "encoding", None) or "").lower() in ("utf-8", "utf8"):
        stream.flush()
        raw.write(data)
        raw.write(b"\n")
        return
    print(data.decode())


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def local(value: datetime | None, tz: str) -> str | None:
    """``value`` as ISO 8601 in zone ``tz`` (with its offset)."""
    return None if value is None else value.astimezone(ZoneInfo(tz)).isoformat()


def due_text(due: date | None, today: date) -> str:
    """A due date in a table, as the language writes it (``Fri 4 Dec`` / ``12月4日 周五``, the year
    added when it is not ``today``'s): :func:`domain.dates.format_day`. ``--json`` keeps ISO."""
    return "" if due is None else format_day(due, today=today)


def script_day(day: date) -> str:
    """A day on a line scripts read from a command without ``--json`` (``project goal-update``): ISO in
    English, as it has always printed; as :func:`domain.dates.format_day` writes it in any other language."""
    return day.isoformat() if current_language() == "en" else format_day(day)


def resolved(label: str, value: date | datetime | None, tz: str | None = None) -> None:
    """Show the date a human form resolved to, on stderr so stdout stays one id for scripts."""
    if value is None:
        return
    print(_("{label}: {date}").format(label=label, date=resolved_text(value, tz)), file=sys.stderr)


def resolved_text(value: date | datetime, tz: str | None = None) -> str:
    """The resolved date as the language writes it (domain.dates), always with the year.

    English keeps the form scripts and the contract tests have read since the start
    (``Fri 2026-11-27``, ``Fri 2026-11-27 15:00 CST``); every other language writes the day as
    :func:`domain.dates.format_day` does (``2026年11月27日 周五``, then the time and the zone's name).
    """
    if isinstance(value, datetime):
        zone = ZoneInfo(tz or "UTC")
        if current_language() == "en":
            return value.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")
        return f"{format_moment(value, zone)} {value.astimezone(zone).tzname()}"
    if current_language() == "en":
        return value.strftime("%a %Y-%m-%d")
    return format_day(value)


# ---------------------------------------------------------------- errors

PATH_OPTIONS = ("--db", "-o", "--output")
"""Options whose value is a path: quoted whole in errors, since it is what to fix or move."""


def one_line(message: str, argv: Sequence[str]) -> str:
    """``message`` as one printable line that quotes at most EXCERPT characters of any argument.

    The messages Huddle writes already quote excerpts; this also covers argparse's own (which quote
    whole values) and paths or variables named in storage errors.
    """
    paths = {word for option, word in itertools.pairwise(argv) if option in PATH_OPTIONS}
    paths |= {word for word in argv if os.sep in word and os.path.isdir(os.path.dirname(word) or os.sep)}
    for word in sorted(set(argv) - paths, key=len, reverse=True):
        if len(word) > EXCERPT and not word.startswith(PATH_OPTIONS):
            message = message.replace(repr(word), quoted(word)).replace(word, excerpt(word))
    return printable(message)


def error(message: str, argv: Sequence[str]) -> None:
    """The one line a failed command leaves on stderr: ``huddle: error: ...``."""
    print(f"huddle: error: {one_line(message, argv)}", file=sys.stderr)
