"""Pieces shared by the dialogs: reading attendees typed by handle or name.

Pure functions (no widget state), so the forms that need them stay one modal per file.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.capture import resolve_person
from domain.models import Person


def resolve_attendees(text: str, people: Sequence[Person]) -> tuple[Person, ...]:
    """Handles or names separated by commas (``ann, 李伟, @bob``)."""
    found: dict[str, Person] = {}
    for part in text.replace("，", ",").replace("、", ",").split(","):
        if part.strip():
            person = resolve_person(part, people)
            found[person.handle] = person
    return tuple(found.values())
