"""Shared plumbing for services: the store, the clock, the actor and activity records."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date, datetime
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import _
from domain.models import Activity, Actor, Card, Clock, Department, Meeting, Person, Risk
from domain.repository import Store, UnitOfWork
from domain.text import quoted

PROJECT_ID = "main"
"""The one project a data file holds."""


class ClosedGuard:
    """A store whose transactions refuse to change a closed project (it stays readable and exportable).

    The check runs inside the transaction, under the lock, so a close by another process is seen;
    the refusal raises before anything is written. Everything else is passed to the wrapped store.
    """

    def __init__(self, store: Store) -> None:
        self.unguarded = store

    def __getattr__(self, name: str) -> object:
        return getattr(self.unguarded, name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        with self.unguarded.transaction() as uow:
            project = uow.projects.get(PROJECT_ID)
            if project is not None and project.closed:
                if project.closed_at:
                    message = _(
                        "the project was closed on {day}; it is read-only (search and exports still "
                        "work; 'huddle project reopen' opens it again)"
                    ).format(day=f"{project.closed_at:%Y-%m-%d}")
                else:
                    message = _(
                        "the project was closed; it is read-only (search and exports still "
                        "work; 'huddle project reopen' opens it again)"
                    )
                raise ConflictError(message)
            yield uow

    def snapshot(self) -> UnitOfWork:
        return self.unguarded.snapshot()

    def version(self) -> object:
        return self.unguarded.version()

    def describe(self) -> str:
        return self.unguarded.describe()


def guarded(store: Store) -> Store:
    """``store`` behind a ClosedGuard (once)."""
    return store if isinstance(store, ClosedGuard) else ClosedGuard(store)


class Service:
    """Base of the use-case services: constructed with a store, a clock, the acting person and a zone."""

    def __init__(self, store: Store, clock: Clock, actor: Actor, zone: ZoneInfo) -> None:
        self.store = guarded(store)
        self.clock = clock
        self.actor = actor
        self.zone = zone

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def record(self, uow: UnitOfWork, entity: str, entity_id: str, action: str, detail: str = "") -> None:
        """Write one activity entry inside the current transaction."""
        uow.activity.add(
            Activity(
                id=os.urandom(16).hex(),
                at=self.now(),
                user=self.actor.handle,
                os_user=self.actor.os_user,
                entity=entity,
                entity_id=entity_id,
                action=action,
                detail=detail,
            )
        )


E = TypeVar("E", bound=Enum)


def choice(kind: type[E], value: object, message: str) -> E:
    """``value`` as one of ``kind``'s members (any case), or ValidationError from ``message`` (translated,
    with ``{value}`` and ``{items}``): ``priority "urgent" is not one of low, normal, high``."""
    try:
        return kind(str(value).lower())
    except ValueError:
        raise ValidationError(
            message.format(value=quoted(str(value)), items=", ".join(str(m.value) for m in kind))
        ) from None


def require_dept(uow: UnitOfWork, name: str) -> Department:
    """The department called ``name`` (exact, then case-insensitive), or NotFoundError listing the choices."""
    dept = uow.departments.get(name)
    if dept is not None:
        return dept
    wanted = name.strip().casefold()
    for candidate in uow.departments.list():
        if candidate.name.casefold() == wanted or candidate.key.casefold() == wanted:
            return candidate
    names = ", ".join(d.name for d in uow.departments.list()) or _(
        "none yet; add one with 'huddle dept add NAME'"
    )
    raise NotFoundError("department", name, _("known: {names}").format(names=names))


def require_person(uow: UnitOfWork, text: str) -> Person:
    """Resolve a handle (with or without ``@``) or a unique full name to a person."""
    key = text.strip().lstrip("@")
    person = uow.people.get(key.lower())
    if person is not None:
        return person
    wanted = key.casefold()
    matches = [p for p in uow.people.list() if p.name.casefold() == wanted]
    if not matches:
        matches = [p for p in uow.people.list() if p.name.casefold().startswith(wanted) and wanted]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(
            "unique person",
            text,
            _("several match: {items}").format(items=", ".join(p.handle for p in matches)),
        )
    raise NotFoundError(
        "person", text, _("add them with 'huddle person add HANDLE --name NAME --email ADDR'")
    )


def require_card(uow: UnitOfWork, card_id: str) -> Card:
    card = uow.cards.get(card_id.strip().upper())
    if card is None:
        raise NotFoundError("card", card_id)
    return card


def require_risk(uow: UnitOfWork, risk_id: str) -> Risk:
    risk = uow.risks.get(risk_id.strip().upper())
    if risk is None:
        raise NotFoundError("risk", risk_id)
    return risk


def require_meeting(uow: UnitOfWork, meeting_id: str) -> Meeting:
    meeting = uow.meetings.get(meeting_id.strip().upper())
    if meeting is None:
        raise NotFoundError("meeting", meeting_id)
    return meeting
