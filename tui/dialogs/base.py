"""Pieces shared by the dialogs: reading attendees typed by handle or name, keeping a form's draft.

Pure functions (no widget state), so the forms that need them stay one modal per file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class DraftKeeper:
    """How a form keeps unsaved text across a dropped connection, handed in by the screen that opens it.

    The dialog never touches files or the app itself: ``take`` gives back a draft left from last time,
    ``save`` writes one, and ``register_flush`` asks the app to call a function on hang-up.
    """

    take: Callable[[str], dict[str, str] | None]
    save: Callable[[str, dict[str, str]], object]
    register_flush: Callable[[Callable[[], None]], Callable[[], None]]
