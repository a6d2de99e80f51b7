"""Export use cases shared by the CLI and the TUI: load by id, render, write the file safely.

No Textual import, and the exporters (python-docx, icalendar) are imported only when a function
here runs, so neither the CLI's other commands nor the TUI's start-up pay for them. The TUI calls
these functions from a thread worker with the path its dialog collected.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import ConflictError, StorageError, ValidationError
from domain.i18n import _, ngettext
from domain.models import Card, Meeting, Person
from domain.services import Services
from domain.text import check_line, quoted

if TYPE_CHECKING:
    from outbound.tables import Rendered

MAX_NAME = 80
"""Characters kept of a title in a suggested file name."""
MAX_STEM_BYTES = 200
"""UTF-8 bytes kept of a suggested name's stem: with a suffix, a ``-99`` copy number and the temp
file's decoration (``.NAME.XXXXXXXX.tmp``) it still fits the 255 bytes a file name may have, even
for a title of 80 Chinese characters (240 bytes)."""
NAME_MAX_BYTES = 255
TEMP_DECORATION = len(".") + len(".12345678.tmp")


@dataclass(frozen=True, slots=True)
class Export:
    """What an export produced: the bytes, a suggested file name and a one-line description."""

    data: bytes
    default_name: str
    description: str


def safe_filename(text: str, suffix: str, *, fallback: str = "huddle") -> str:
    """A file name made from ``text`` (a title) that cannot leave the current folder.

    Letters and digits of any script are kept (Chinese titles stay readable); everything else,
    path separators and ``..`` included, becomes ``-``; leading dots and dashes are removed; the
    stem is cut to 80 characters. An empty result falls back to ``fallback``.
    """
    stem = _stem(text) or _stem(fallback) or "huddle"
    return stem + suffix


def _stem(text: str) -> str:
    normal = unicodedata.normalize("NFC", text)
    stem = "".join(ch if ch.isalnum() or ch == "_" else "-" for ch in normal)
    cut = re.sub(r"-{2,}", "-", stem).strip("-._")[:MAX_NAME]
    return cut_to_bytes(cut, MAX_STEM_BYTES).rstrip("-._")


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 form has at most ``limit`` bytes (whole characters)."""
    data = text.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def check_destination(path: Path, *, force: bool) -> None:
    """Refuse a destination that is a folder, sits in a missing folder, or exists without ``force``."""
    check_line(str(path), "the file name")
    size = len(os.fsencode(path.name))
    if size + TEMP_DECORATION > NAME_MAX_BYTES:
        raise ValidationError(
            _(
                "file name {name} is {size} bytes long; the limit is {value} bytes (a "
                "Chinese character takes 3)"
            ).format(name=quoted(path.name), size=size, value=NAME_MAX_BYTES - TEMP_DECORATION)
        )
    if path.is_dir():
        raise ValidationError(_("{path} is a folder; give a file name").format(path=path))
    if not path.parent.is_dir():
        raise ValidationError(_("folder {parent} does not exist").format(parent=path.parent))
    if path.exists() and not force:
        raise ConflictError(_("{path} already exists; use --force to overwrite it").format(path=path))


def write_file(path: Path, data: bytes, *, force: bool) -> Path:
    """Write ``data`` to ``path`` atomically: the reader sees the old file or the whole new one.

    Without ``force`` an existing file is never replaced, even if it appears between the check and
    the write (the temp file is hard-linked into place, which fails if the name is taken).
    """
    check_destination(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StorageError(
            _("cannot write in {parent}: {strerror}").format(parent=path.parent, strerror=exc.strerror)
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                raise ConflictError(
                    _("{path} already exists; use --force to overwrite it").format(path=path)
                ) from exc
            except OSError:
                if path.exists():
                    raise ConflictError(
                        _("{path} already exists; use --force to overwrite it").format(path=path)
                    ) from None
                os.replace(tmp, path)
    except OSError as exc:
        raise StorageError(
            _("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cards_by_id(services: Services) -> dict[str, Card]:
    return {card.id: card for card in services.cards.list()}


def minutes_export(services: Services, meeting_id: str, *, now: datetime, paper: str = "a4") -> Export:
    """The Word minutes of a meeting, with its action cards and carried-over items as they are now,
    on ``paper`` (the ``paper`` setting)."""
    from exporters.minutes_docx import render_minutes_docx

    meeting = services.meetings.get(meeting_id)
    cards = _cards_by_id(services)
    data = render_minutes_docx(
        meeting,
        people=services.directory.people(),
        action_cards={a.card_id: cards.get(a.card_id) for a in meeting.actions},
        carried_over=[cards[c] for c in meeting.carried_over if c in cards],
        now=now,
        paper=paper,
    )
    return Export(
        data,
        minutes_filename(meeting),
        _("minutes of {id} ({notes}, {actions})").format(
            id=meeting.id,
            notes=ngettext("{n} note", "{n} notes", len(meeting.notes)).format(n=len(meeting.notes)),
            actions=ngettext("{n} action", "{n} actions", len(meeting.actions)).format(
                n=len(meeting.actions)
            ),
        ),
    )


def minutes_filename(meeting: Meeting) -> str:
    """``M-3-发布会筹备会议.docx``: the meeting id and a sanitised title."""
    return safe_filename(f"{meeting.id} {meeting.title}", ".docx", fallback=meeting.id)


def followup_export(services: Services, meeting_id: str, *, cancel: bool, now: datetime) -> Export:
    """The follow-up invite (METHOD:REQUEST) or, with ``cancel``, its cancellation (METHOD:CANCEL).

    ``cancel`` records the cancellation first (raising SEQUENCE once; repeating it is harmless).
    """
    from exporters.calendar_ics import followup_method, render_followup_ics

    meeting = services.meetings.get(meeting_id)
    people = services.directory.people()
    # Render before changing anything, so a meeting the exporter refuses is not cancelled.
    render_followup_ics(
        replace(meeting, next_cancelled=cancel or meeting.next_cancelled), people=people, now=now
    )
    if cancel:
        meeting = services.meetings.cancel_next(meeting.id)
    data = render_followup_ics(meeting, people=people, now=now)
    method = followup_method(meeting)
    return Export(
        data,
        safe_filename(f"{meeting.id} follow-up", ".ics", fallback=meeting.id),
        _("{method} for the follow-up of {id} (sequence {sequence})").format(
            method=method, id=meeting.id, sequence=meeting.next_sequence
        ),
    )


def milestones_export(services: Services, *, now: datetime) -> Export:
    """Every dated milestone as an all-day event."""
    from exporters.calendar_ics import render_milestones_ics

    cards = [c for c in services.cards.list() if c.milestone and c.due is not None]
    name = f"{services.directory.project().name} milestones"
    data = render_milestones_ics(cards, calendar_name=name, now=now, organizer=_exporter(services))
    return Export(
        data, "milestones.ics", ngettext("{n} milestone", "{n} milestones", len(cards)).format(n=len(cards))
    )


def actions_export(services: Services, *, now: datetime) -> Export:
    """Every action item (a card created in a meeting) that has a due date, as an event on that date."""
    from exporters.calendar_ics import render_actions_ics

    cards = [c for c in services.cards.list() if c.meeting_id is not None and c.due is not None]
    name = f"{services.directory.project().name} action items"
    people = services.directory.people()
    data = render_actions_ics(
        cards, calendar_name=name, now=now, people=people, organizer=_exporter(services, people)
    )
    return Export(data, "actions.ics", _("{n} action item(s)").format(n=len(cards)))


def _exporter(services: Services, people: list[Person] | None = None) -> Person | None:
    """The person running the export (the ORGANIZER of a PUBLISH feed), if the directory knows them."""
    handle = services.actor.handle
    return next((p for p in people or services.directory.people() if p.handle == handle), None)


def export_to_path(export: Export, path: Path | None, *, force: bool) -> Path:
    """Write ``export`` to ``path`` (default: its suggested name in the current folder)."""
    return write_file(path if path is not None else Path(export.default_name), export.data, force=force)


def report_export(services: Services, *, now: datetime) -> Export:
    """The close report (.docx) of the project, as it stands now; works on a closed project."""
    from exporters.report_docx import render_report_docx

    report = services.closing.report()
    data = render_report_docx(report, now=now, tz=services.zone.key)
    name = safe_filename(f"{report.project.name} close report", ".docx", fallback="close-report")
    n = len(report.open_items)
    if report.project.closed:
        what = ngettext(
            "close report (closed, {n} open item handed over)",
            "close report (closed, {n} open items handed over)",
            n,
        )
    else:
        what = ngettext(
            "close report (not closed yet, {n} open item)", "close report (not closed yet, {n} open items)", n
        )
    return Export(data, name, what.format(n=n))


def export_of(rendered: Rendered, fallback: str) -> Export:
    """A table or Markdown export (``outbound.tables``) with its safe default file name."""
    return Export(
        rendered.data, safe_filename(rendered.name, rendered.suffix, fallback=fallback), rendered.description
    )
