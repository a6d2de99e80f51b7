"""A text timeline: one row per card, one narrow column per week, fitted to the terminal's width; each
label ends with the card's slack, and the critical path is drawn in the warning colour."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.widget import Widget

from domain.dates import format_day
from domain.i18n import _, ngettext, pgettext
from tui.views.plan import TimelineRow, slack_text

WEEK_WIDTH = 4
MAX_ROWS = 300


def month_label(day: date) -> str:
    """The short month name over a week column (``Dec`` / ``12月``), cut or padded to the column's cells."""
    names = (
        pgettext("month", "Jan"), pgettext("month", "Feb"), pgettext("month", "Mar"),
        pgettext("month", "Apr"), pgettext("month", "May"), pgettext("month", "Jun"),
        pgettext("month", "Jul"), pgettext("month", "Aug"), pgettext("month", "Sep"),
        pgettext("month", "Oct"), pgettext("month", "Nov"), pgettext("month", "Dec"),
    )  # fmt: skip
    return set_cell_size(names[day.month - 1], WEEK_WIDTH)


class TimelineChart(Widget):
    """Draws ``TimelineRow`` values; the screen sets ``rows``, ``window_start`` and ``today``."""

    DEFAULT_CSS = """
    TimelineChart { height: auto; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: tuple[TimelineRow, ...] = ()
        self.window_start = date(2000, 1, 3)
        self.today = self.window_start

    def show(self, rows: Sequence[TimelineRow], window_start: date, today: date) -> None:
        self.rows = tuple(rows)
        self.window_start = window_start
        self.today = today
        self.refresh(layout=True)

    def label_width(self, width: int) -> int:
        return max(12, min(34, width // 3))

    def week_count(self, width: int) -> int:
        return max(2, (width - self.label_width(width) - 1) // WEEK_WIDTH)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        extra = 1 if len(self.rows) > MAX_ROWS else 0
        return 2 + max(1, min(len(self.rows), MAX_ROWS)) + extra

    def render(self) -> Content:
        width = self.size.width or 80
        label_w = self.label_width(width)
        weeks = self.week_count(width)
        mondays = [self.window_start + timedelta(weeks=n) for n in range(weeks)]
        today_week = (self.today - self.window_start).days // 7
        month_line: list[str | tuple[str, str]] = [" " * (label_w + 1)]
        day_line: list[str | tuple[str, str]] = [(set_cell_size(_("card"), label_w), "$text-muted"), " "]
        previous_month = 0
        for n, monday in enumerate(mondays):
            month_line.append(month_label(monday) if monday.month != previous_month else " " * WEEK_WIDTH)
            previous_month = monday.month
            style = "bold reverse" if n == today_week else "$text-muted"
            day_line.append((f"{monday.day:>2}".ljust(WEEK_WIDTH), style))
        lines = [Content.assemble(*month_line), Content.assemble(*day_line)]
        if not self.rows:
            lines.append(Content.styled(_("No cards with a start or due date yet."), "$text-muted"))
        for row in self.rows[:MAX_ROWS]:
            lines.append(self._row_line(row, label_w, weeks, today_week))
        if len(self.rows) > MAX_ROWS:
            more = len(self.rows) - MAX_ROWS
            text = ngettext("… {n} more card", "… {n} more cards", more).format(n=more)
            lines.append(Content.styled(text, "$text-muted"))
        return Content("\n").join(lines)

    def _row_line(self, row: TimelineRow, label_w: int, weeks: int, today_week: int) -> Content:
        card = row.card
        slack = "" if row.slack is None or row.state == "done" else " " + slack_text(row.slack)
        slack_w = cell_len(slack)
        label = Content(f"{card.id} {card.title}").truncate(label_w - slack_w, ellipsis=True)
        label = label.extend_right(label_w - slack_w - label.cell_length)
        slack_style = "bold $error" if row.slack is not None and row.slack < 0 else "$text-muted"
        label = Content.assemble(label, (slack, "bold $warning" if row.critical and slack else slack_style))
        style = {"done": "$success", "late": "bold $error"}.get(
            row.state, "bold $warning" if row.critical else "$primary"
        )
        parts: list[str | Content | tuple[str, str]] = [label, " "]
        if row.last < 0 or row.first >= weeks:
            if row.last < 0:
                when = card.due or card.start
                note = _("◀ due {date}").format(date=format_day(when, today=self.today) if when else "-")
            else:
                begin = card.start or card.due
                note = _("▶ from {date}").format(date=format_day(begin, today=self.today) if begin else "-")
            parts.append(Content.styled(note, style).truncate(weeks * WEEK_WIDTH))
            return Content.assemble(*parts)
        for n in range(weeks):
            if card.milestone and n == row.last:
                parts.append((" ◆  ", f"bold {style}"))
            elif row.first == row.last == n:
                parts.append((" ●  ", style))
            elif row.first <= n <= row.last:
                if n == 0 and row.first < 0:
                    glyph = "◀███"
                elif n == weeks - 1 and row.last >= weeks:
                    glyph = "███▶"
                else:
                    glyph = "████"
                parts.append((glyph, style))
            elif n == today_week:
                parts.append((" │  ", "$text-muted"))
            else:
                parts.append(" " * WEEK_WIDTH)
        return Content.assemble(*parts)
