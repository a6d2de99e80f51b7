"""Table exports (cards, risks, RACI) and Markdown minutes: load through the services, render, name.

The CLI and the TUI both call these; the renderers in ``exporters.tables`` stay pure. openpyxl is
imported only when an .xlsx is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ValidationError
from domain.i18n import _, ngettext
from domain.rules import is_done
from domain.services import Services

FORMATS = {"csv": ".csv", "xlsx": ".xlsx", "markdown": ".md"}
TABLES = ("cards", "risks", "raci")


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered export: the bytes, the text its file name is made from (the caller makes the name
    safe, as for every export), the suffix, and a one-line description."""

    data: bytes
    name: str
    suffix: str
    description: str


def table_export(
    services: Services, what: str, fmt: str, *, now: datetime, dept: str | None = None
) -> Rendered:
    """``cards``, ``risks`` or ``raci`` (of one department, or all) as ``csv``, ``xlsx`` or ``markdown``."""
    from exporters.tables import (
        cards_table,
        raci_table,
        render_csv,
        render_markdown,
        render_xlsx,
        risks_table,
    )

    if what not in TABLES:
        raise ValidationError(
            _("cannot export {what!r}; choose {value}").format(what=what, value=", ".join(TABLES))
        )
    if fmt not in FORMATS:
        raise ValidationError(
            _("unknown format {fmt!r}; choose {value}").format(fmt=fmt, value=", ".join(FORMATS))
        )
    project = services.directory.project().name
    scope = ""
    if what == "risks":
        if dept:
            raise ValidationError(_("--dept goes with cards and raci; the risk register is the project's"))
        table = risks_table(
            services.risks.list(), title=_("{project} – risk register").format(project=project)
        )
    else:
        cards = services.cards.list(dept=dept)
        scope = cards[0].dept if dept and cards else (dept or "")
        label = _("{project} – {department}").format(project=project, department=scope) if scope else project
        if what == "cards":
            table = cards_table(cards, title=_("{label} – cards").format(label=label))
        else:
            table = raci_table(
                [c for c in cards if not is_done(c)], title=_("{label} – RACI").format(label=label)
            )
    if fmt == "csv":
        data = render_csv(table)
    elif fmt == "xlsx":
        data = render_xlsx(table, created=now)
    else:
        data = render_markdown(table)
    rows = len(table.rows)
    shown = ngettext("{n} {what} row as {fmt}", "{n} {what} rows as {fmt}", rows).format(
        n=rows, what=what, fmt=fmt
    )
    return Rendered(data, f"{what} {scope}".strip(), FORMATS[fmt], shown)


def meeting_markdown_export(services: Services, meeting_id: str) -> Rendered:
    """A meeting's minutes as Markdown, with each action item's card state as it is now."""
    from exporters.tables import render_meeting_markdown

    meeting = services.meetings.get(meeting_id)
    cards = {c.id: c for c in services.cards.list()}
    data = render_meeting_markdown(
        meeting,
        people=services.directory.people(),
        action_cards={a.card_id: cards.get(a.card_id) for a in meeting.actions},
    )
    return Rendered(
        data, f"{meeting.id} {meeting.title}", ".md", _("minutes of {id} as Markdown").format(id=meeting.id)
    )
