"""Quick capture in meetings: one typed line -> a note, decision, action item, risk or "next item".

Pure functions, no UI: the meeting screen parses every keystroke to show what the line will become,
and the same records are written to the meeting journal and replayed after a crash.

Syntax (the slash may also be typed as the full-width ``／`` or the Chinese IME's ``、``)::

    TEXT                       a note on the current agenda item
    /d TEXT                    a decision
    /a @owner DATE TEXT        an action item: owner handle or name, a date as people type it, the text
    /r TEXT                    a risk raised in the room
    /n                         move to the next agenda item
    //TEXT                     a note that starts with "/"
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.dates import DATE_FORMS, format_day, parse_date
from domain.errors import UnknownPersonError, ValidationError
from domain.i18n import N_, _, ngettext, pgettext
from domain.models import MAX_MEETING_MINUTES, Meeting, Person
from domain.services.meetings import MeetingService
from domain.text import clean_text, clean_title, quoted

COMMANDS = N_("/d decision, /a @owner DATE action, /r risk, /n next item")
"""The commands, for error lines (marked; translated where shown)."""
_SLASHES = ("/", "／", "、")
_COMMAND = re.compile(r"^([a-zA-Z])(?=\s|$|[^\x00-\x7f])\s*(.*)$", re.DOTALL)
_UNIT = r"(?:m|min|mins|minutes|分钟|分)"
_MINUTES = re.compile(
    rf"^(.*?)\s*(?:[|,，]\s*(\d{{1,3}})\s*{_UNIT}?|(?:\s|(?<=[^\x00-\x7f]))(\d{{1,3}})\s*{_UNIT})$",
    re.IGNORECASE,
)


class CaptureKind(StrEnum):
    NOTE = "note"
    DECISION = "decision"
    ACTION = "action"
    RISK = "risk"
    NEXT = "next"


@dataclass(frozen=True, slots=True)
class Capture:
    """What a typed line means, resolved: the owner is a known person and the due date a real date."""

    kind: CaptureKind
    text: str = ""
    owner: Person | None = None
    due: date | None = None

    def describe(self) -> str:
        """One line for the preview under the input: what Enter will record."""
        if self.kind == CaptureKind.NEXT:
            return _("→ next agenda item")
        if self.kind == CaptureKind.ACTION and self.owner is not None:
            when = format_day(self.due) if self.due else _("no date")
            if self.owner.dept:
                line = _("→ action for {name} (@{handle}, {dept}), due {when}: {text}")
            else:
                line = _("→ action for {name} (@{handle}), due {when}: {text}")
            return line.format(
                name=self.owner.name,
                handle=self.owner.handle,
                dept=self.owner.dept,
                when=when,
                text=self.text,
            )
        kinds = {
            CaptureKind.NOTE: pgettext("capture", "note"),
            CaptureKind.DECISION: pgettext("capture", "decision"),
            CaptureKind.ACTION: pgettext("capture", "action"),
            CaptureKind.RISK: pgettext("capture", "risk"),
        }
        return _("→ {kind}: {text}").format(kind=kinds.get(self.kind, self.kind.value), text=self.text)


def _split_command(line: str) -> tuple[str | None, str]:
    """(command letter or None for a note, the rest of the line)."""
    stripped = line.strip()
    for slash in _SLASHES:
        if stripped.startswith(slash * 2) and slash == "/":
            return None, stripped[1:]
        if stripped.startswith(slash):
            match = _COMMAND.match(stripped[len(slash) :])
            if match:
                return match.group(1).lower(), match.group(2).strip()
            if slash == "/":
                raise ValidationError(
                    _("unknown command {command}; use {commands}, or // for a note").format(
                        command=quoted(stripped.split()[0]), commands=_(COMMANDS)
                    )
                )
    return None, stripped


def resolve_person(text: str, people: Sequence[Person]) -> Person:
    """A handle (with or without ``@``), a full name, or a unique start of a name, as ``require_person``."""
    key = text.strip().lstrip("@").strip()
    if not key:
        raise ValidationError(_("owner is missing; type /a @owner DATE TEXT"))
    by_handle = {p.handle: p for p in people}
    if key.lower() in by_handle:
        return by_handle[key.lower()]
    wanted = key.casefold()
    matches = [p for p in people if p.name.casefold() == wanted]
    if not matches:
        matches = [p for p in people if p.name.casefold().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(
            _("owner {owner} is ambiguous: {handles}").format(
                owner=quoted(key),
                handles=pgettext("list separator", ", ").join(f"@{p.handle}" for p in matches),
            )
        )
    raise UnknownPersonError(
        key, _("no person {person}; known: {known}").format(person=quoted(key), known=known_people(people))
    )


KNOWN_SHOWN = 8
"""How many handles a "known:" hint names before it says how many more there are."""


def known_people(people: Sequence[Person], shown: int = KNOWN_SHOWN) -> str:
    """Everyone's handle, or the first ``shown`` and how many more (``@a, @b ... and 12 more``)."""
    if not people:
        return _("nobody yet")
    handles = pgettext("list separator", ", ").join(f"@{p.handle}" for p in people[:shown])
    more = len(people) - shown
    if more <= 0:
        return handles
    return ngettext("{handles} ... and {n} more", "{handles} ... and {n} more", more).format(
        handles=handles, n=more
    )


def _parse_action(rest: str, today: date, people: Sequence[Person]) -> Capture:
    words = rest.split()
    if not words:
        raise ValidationError(_("action needs an owner, a date and the text: /a @owner DATE TEXT"))
    owner_error: ValidationError | None = None
    date_error: ValidationError | None = None
    # The owner may be a several-word name and the date two words ("next mon"): try the short forms first.
    for owner_words in range(1, min(3, len(words)) + 1):
        try:
            owner = resolve_person(" ".join(words[:owner_words]), people)
        except ValidationError as exc:
            owner_error = owner_error or exc
            continue
        after = words[owner_words:]
        for date_words in (2, 1):
            if len(after) < date_words:
                continue
            try:
                due = parse_date(" ".join(after[:date_words]), today)
            except ValidationError as exc:
                if date_words == 1:
                    date_error = date_error or exc
                continue
            text = " ".join(after[date_words:])
            if not text:
                raise ValidationError(
                    _("action for @{handle} due {when} has no text yet").format(
                        handle=owner.handle, when=format_day(due, today=today)
                    )
                )
            if not owner.dept:
                raise ValidationError(
                    _("@{handle} has no department, so the action would have no board").format(
                        handle=owner.handle
                    )
                )
            return Capture(CaptureKind.ACTION, clean_title(text, N_("action item")), owner, due)
        if not after:
            raise ValidationError(
                _("action for @{handle} needs a date ({forms}) and the text").format(
                    handle=owner.handle, forms=DATE_FORMS
                )
            )
    if date_error is not None:
        raise date_error
    assert owner_error is not None
    raise owner_error


def parse_capture(line: str, *, today: date, people: Sequence[Person]) -> Capture:
    """Resolve a typed line; raises ValidationError with a message fit to show under the input."""
    command, rest = _split_command(line)
    if command is None:
        return Capture(CaptureKind.NOTE, clean_text(rest, N_("note")))
    if command == "d":
        return Capture(CaptureKind.DECISION, clean_text(rest, N_("decision")))
    if command == "r":
        return Capture(CaptureKind.RISK, clean_title(rest, N_("risk")))
    if command == "n":
        if rest:
            raise ValidationError(_("/n takes no text; it moves to the next agenda item"))
        return Capture(CaptureKind.NEXT)
    if command == "a":
        return _parse_action(rest, today, people)
    raise ValidationError(
        _("unknown command {command}; use {commands}, or // for a note").format(
            command=f"/{command}", commands=_(COMMANDS)
        )
    )


def parse_agenda(text: str, default_minutes: int = 10) -> list[tuple[str, int]]:
    """Agenda lines as typed in the start form: ``Budget review 15m``, ``预算 20分钟``, ``AOB``."""
    items = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("-*•").strip()
        if not line:
            continue
        match = _MINUTES.match(line)
        if match and match.group(1).strip():
            title, minutes = match.group(1).strip(), int(match.group(2) or match.group(3))
        else:
            title, minutes = line, default_minutes
        if not 1 <= minutes <= MAX_MEETING_MINUTES:
            raise ValidationError(
                _("agenda item {item} has a timebox of {minutes} minutes; use 1-{most}").format(
                    item=quoted(title), minutes=str(minutes)[:12], most=MAX_MEETING_MINUTES
                )
            )
        items.append((clean_title(title, N_("agenda item")), minutes))
    return items


# --- The meeting journal: what one record holds, and how a journal is replayed -----------------------


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A submitted line, journaled before it is written to the data file (``id`` makes replay idempotent)."""

    id: str
    kind: CaptureKind
    text: str
    agenda_index: int | None = None
    owner: str | None = None
    due: date | None = None

    @classmethod
    def from_capture(
        cls, capture: Capture, agenda_index: int | None, entry_id: str | None = None
    ) -> JournalEntry:
        return cls(
            id=entry_id or uuid.uuid4().hex,
            kind=capture.kind,
            text=capture.text,
            agenda_index=agenda_index,
            owner=capture.owner.handle if capture.owner else None,
            due=capture.due,
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "t": "entry", "id": self.id, "kind": self.kind.value, "text": self.text,
            "agenda_index": self.agenda_index, "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
        }  # fmt: skip

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> JournalEntry:
        due = record.get("due")
        index = record.get("agenda_index")
        return cls(
            id=str(record["id"]),
            kind=CaptureKind(record["kind"]),
            text=str(record["text"]),
            agenda_index=int(index) if index is not None else None,
            owner=str(record["owner"]) if record.get("owner") else None,
            due=date.fromisoformat(str(due)) if due else None,
        )


def draft_record(text: str) -> dict[str, Any]:
    """The in-progress line, journaled every second while it changes."""
    return {"t": "draft", "text": text}


def dropped_record(entry_id: str) -> dict[str, Any]:
    """An entry the data file refused; its text went back into the input, so replay skips it."""
    return {"t": "dropped", "id": entry_id}


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """What a journal holds that the data file does not: entries to write again, and the last draft."""

    entries: tuple[JournalEntry, ...]
    draft: str

    @property
    def empty(self) -> bool:
        return not self.entries and not self.draft.strip()


def recorded_ids(meeting: Meeting) -> set[str]:
    """Entry ids already in the data file (every capture adds a minute entry with its id)."""
    return {n.id for n in meeting.notes}


def plan_replay(records: Iterable[Mapping[str, Any]], meeting: Meeting) -> ReplayPlan:
    """Entries in the journal but not in ``meeting``, in typing order, and the draft after the last one."""
    done = recorded_ids(meeting)
    entries: dict[str, JournalEntry] = {}
    draft = ""
    for record in records:
        kind = record.get("t")
        try:
            if kind == "entry":
                entry = JournalEntry.from_record(record)
                draft = ""
                if entry.id not in done and entry.kind != CaptureKind.NEXT:
                    entries.setdefault(entry.id, entry)
            elif kind == "draft":
                draft = str(record.get("text", ""))
            elif kind == "dropped":
                entries.pop(str(record.get("id")), None)
        except (KeyError, ValueError, TypeError):
            continue
    return ReplayPlan(tuple(entries.values()), draft)


def apply_entry(meetings: MeetingService, meeting_id: str, entry: JournalEntry) -> object:
    """Write one journaled entry through the idempotent service methods."""
    if entry.kind == CaptureKind.NOTE:
        return meetings.note(meeting_id, entry.text, entry_id=entry.id, agenda_index=entry.agenda_index)
    if entry.kind == CaptureKind.DECISION:
        return meetings.decide(meeting_id, entry.text, entry_id=entry.id, agenda_index=entry.agenda_index)
    if entry.kind == CaptureKind.ACTION:
        if entry.owner is None:
            raise ValidationError(_("action item without an owner"))
        return meetings.action(
            meeting_id, entry.owner, entry.due, entry.text, entry_id=entry.id, agenda_index=entry.agenda_index
        )
    if entry.kind == CaptureKind.RISK:
        return meetings.raise_risk(meeting_id, entry.text, entry_id=entry.id)
    return meetings.next_item(meeting_id)
