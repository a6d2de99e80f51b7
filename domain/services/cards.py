"""Cards on department boards: add, move, reorder, edit, block, delete, restore (undo)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from domain import rules
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.models import Activity, Card, Priority
from domain.repository import UnitOfWork
from domain.services.base import Service, require_card, require_dept, require_person
from domain.text import clean_text, clean_title

EDITABLE = frozenset(
    {
        "title", "description", "owner", "due", "start", "priority", "tags", "blocked_by", "blocked_reason",
        "parent", "milestone", "progress", "estimate", "responsible", "accountable", "consulted", "informed",
    }
)  # fmt: skip


class CardService(Service):
    """Everything people do to cards; each method is one transaction and one activity entry."""

    def add(
        self,
        dept: str,
        title: str,
        *,
        column: str | None = None,
        owner: str | None = None,
        due: date | None = None,
        milestone: bool = False,
        blocked_by: Sequence[str] = (),
        meeting_id: str | None = None,
        enforce_wip: bool = True,
        **fields: Any,
    ) -> Card:
        title = clean_title(title)
        with self.store.transaction() as uow:
            card = self.add_in(
                uow, dept, title, column=column, owner=owner, due=due, milestone=milestone,
                blocked_by=blocked_by, meeting_id=meeting_id, enforce_wip=enforce_wip, **fields,
            )  # fmt: skip
        return card

    def add_in(
        self,
        uow: UnitOfWork,
        dept: str,
        title: str,
        *,
        column: str | None = None,
        owner: str | None = None,
        due: date | None = None,
        milestone: bool = False,
        blocked_by: Sequence[str] = (),
        meeting_id: str | None = None,
        enforce_wip: bool = True,
        after_rank: float | None = None,
        **fields: Any,
    ) -> Card:
        """Add a card inside a transaction the caller already holds (meeting actions use this).

        ``after_rank``, with ``enforce_wip=False``, is the rank of the column's last card as the caller
        already knows it (0 for an empty column): the column is not read again for each card, which
        matters when an import adds hundreds.
        """
        department = require_dept(uow, dept)
        col = department.column(column) if column else department.columns[0]
        if col is None:
            raise ValidationError(
                f"{department.name} has no column {column!r}; columns: "
                + ", ".join(c.name for c in department.columns)
            )
        if after_rank is None or enforce_wip:
            cards_in_column = uow.cards.list_in_column(department.name, col.name)
            if enforce_wip:
                rules.check_wip(department, col.name, cards_in_column)
            last = max((c.rank for c in cards_in_column), default=None)
        else:
            last = after_rank
        owner_handle = require_person(uow, owner).handle if owner else None
        deps = tuple(d.strip().upper() for d in blocked_by)
        for dep in deps:
            if uow.cards.get(dep) is None:
                raise NotFoundError("card", dep, "a blocked-by id must name an existing card")
        number = uow.next_number(f"card:{department.key}")
        card_id = f"{department.key}-{number}"
        now = self.now()
        card = Card(
            id=card_id,
            dept=department.name,
            title=title,
            column=col.name,
            rank=rules.rank_between(last, None),
            owner=owner_handle,
            due=due,
            milestone=milestone,
            blocked_by=deps,
            blocked_since=now if deps else None,
            meeting_id=meeting_id,
            created_at=now,
            created_by=self.actor.handle,
            updated_at=now,
            updated_by=self.actor.handle,
        )
        if fields:
            card = self._apply(uow, card, fields)
        uow.cards.put(card)
        self.record(uow, "card", card.id, "created", f"{card.title} in {card.dept}/{card.column}")
        return card

    def get(self, card_id: str) -> Card:
        return require_card(self.store.snapshot(), card_id)

    def list(self, dept: str | None = None, owner: str | None = None) -> list[Card]:
        uow = self.store.snapshot()
        cards = uow.cards.list_for_department(require_dept(uow, dept).name) if dept else uow.cards.list()
        if owner:
            handle = require_person(uow, owner).handle
            cards = [c for c in cards if c.owner == handle]
        order = {(d.name, col.name): i for d in uow.departments.list() for i, col in enumerate(d.columns)}
        return sorted(cards, key=lambda c: (c.dept, order.get((c.dept, c.column), 99), c.rank, c.id))

    def move(self, card_id: str, column: str, *, before: str | None = None, enforce_wip: bool = True) -> Card:
        """Move a card to ``column`` (at the end, or just above ``before``)."""
        with self.store.transaction() as uow:
            moved = self.move_in(uow, card_id, column, before=before, enforce_wip=enforce_wip)
        return moved

    def move_in(
        self,
        uow: UnitOfWork,
        card_id: str,
        column: str,
        *,
        before: str | None = None,
        enforce_wip: bool = True,
    ) -> Card:
        """Move a card inside a transaction the caller already holds (an import moves many at once)."""
        card = require_card(uow, card_id)
        dept = require_dept(uow, card.dept)
        col = dept.column(column)
        if col is None:
            raise ValidationError(
                f"{dept.name} has no column {column!r}; columns: " + ", ".join(c.name for c in dept.columns)
            )
        siblings = sorted(
            (c for c in uow.cards.list_for_department(dept.name) if c.column == col.name and c.id != card.id),
            key=lambda c: c.rank,
        )
        if enforce_wip and col.name != card.column:
            rules.check_wip(dept, col.name, siblings)
        if col.name == "Done":
            rules.check_can_finish(card)
        rank = self._rank_before(siblings, before)
        moved = replace(card, column=col.name, rank=rank)
        if col.name == "Done":
            moved = replace(moved, progress=100)
        moved = self._touch(moved, card)
        uow.cards.put(moved)
        self.record(uow, "card", card.id, "moved", f"{card.column} -> {col.name}")
        return moved

    def reorder(self, card_id: str, offset: int) -> Card:
        """Move a card up (negative) or down (positive) inside its column."""
        with self.store.transaction() as uow:
            card = require_card(uow, card_id)
            column = sorted(uow.cards.list_in_column(card.dept, card.column), key=lambda c: c.rank)
            index = next(i for i, c in enumerate(column) if c.id == card.id)
            target = max(0, min(len(column) - 1, index + offset))
            if target == index:
                return card
            others = [c for c in column if c.id != card.id]
            before = others[target].rank if target < len(others) else None
            after = others[target - 1].rank if target > 0 else None
            rank = rules.rank_between(after, before)
            moved = self._touch(replace(card, rank=rank))
            uow.cards.put(moved)
            self.record(uow, "card", card.id, "reordered", f"position {index + 1} -> {target + 1}")
        return moved

    def edit(self, card_id: str, changes: Mapping[str, Any]) -> Card:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationError("cannot edit " + ", ".join(sorted(unknown)))
        with self.store.transaction() as uow:
            edited = self.edit_in(uow, card_id, changes)
        return edited

    def edit_in(self, uow: UnitOfWork, card_id: str, changes: Mapping[str, Any]) -> Card:
        """Edit a card inside a transaction the caller already holds (an import applies many at once)."""
        card = require_card(uow, card_id)
        edited = self._touch(self._apply(uow, card, changes), card)
        uow.cards.put(edited)
        changed = [k for k in sorted(changes) if getattr(card, k) != getattr(edited, k)]
        self.record(uow, "card", card.id, "edited", ", ".join(changed) or "no change")
        return edited

    def link_in(self, uow: UnitOfWork, links: Mapping[str, Mapping[str, Any]]) -> builtins.list[Card]:
        """Set the ``parent`` and/or ``blocked_by`` of many cards inside the caller's transaction.

        Every card is read once and each change is checked (unknown card, itself, a cycle) against
        the changes before it, in order: an import links hundreds of cards without re-reading the
        whole project for each one, as ``edit_in`` would.
        """
        cards = {c.id: c for c in uow.cards.list()}
        linked = []
        for card_id, change in links.items():
            if set(change) - {"parent", "blocked_by"}:
                raise ValidationError("link_in sets only parent and blocked_by")
            card = require_card(uow, card_id)
            edited = self._touch(self._apply(uow, card, change, cards), card)
            cards[card_id] = edited
            uow.cards.put(edited)
            self.record(uow, "card", card_id, "edited", ", ".join(sorted(change)))
            linked.append(edited)
        return linked

    def delete(self, card_id: str) -> Card:
        with self.store.transaction() as uow:
            card = require_card(uow, card_id)
            dependants = [c.id for c in uow.cards.list() if card.id in c.blocked_by or c.parent == card.id]
            for other_id in dependants:
                other = require_card(uow, other_id)
                uow.cards.put(
                    replace(
                        other,
                        blocked_by=tuple(d for d in other.blocked_by if d != card.id),
                        parent=None if other.parent == card.id else other.parent,
                    )
                )
            uow.cards.delete(card.id)
            self.record(uow, "card", card.id, "deleted", card.title)
        return card

    def restore(self, previous: Card) -> Card:
        """Put back an earlier version of a card (undo of a move, edit or delete)."""
        with self.store.transaction() as uow:
            require_dept(uow, previous.dept)
            restored = self._touch(previous, uow.cards.get(previous.id))
            uow.cards.put(restored)
            self.record(uow, "card", previous.id, "restored", "undo")
        return restored

    def history(self, card_id: str) -> builtins.list[Activity]:
        return self.store.snapshot().activity.for_entity(card_id.strip().upper())

    def _rank_before(self, siblings: builtins.list[Card], before: str | None) -> float:
        if before is None:
            return rules.rank_between(siblings[-1].rank if siblings else None, None)
        index = next((i for i, c in enumerate(siblings) if c.id == before), None)
        if index is None:
            return rules.rank_between(siblings[-1].rank if siblings else None, None)
        prev = siblings[index - 1].rank if index > 0 else None
        return rules.rank_between(prev, siblings[index].rank)

    def _touch(self, card: Card, before: Card | None = None) -> Card:
        """Stamp who changed the card and when; raise its calendar SEQUENCE when what a calendar shows
        of it (title, date, done or not) changed, so calendars accept the update."""
        sequence = card.sequence if before is None else max(card.sequence, before.sequence)
        if before is not None and _calendar_view(before) != _calendar_view(card):
            sequence += 1
        return replace(card, updated_at=self.now(), updated_by=self.actor.handle, sequence=sequence)

    def _apply(
        self, uow: UnitOfWork, card: Card, changes: Mapping[str, Any], cards: Mapping[str, Card] | None = None
    ) -> Card:
        """Validate and apply field changes; raises on the first bad value. ``cards`` (every card by id)
        saves reading them all again for a dependency check."""
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "title":
                values[key] = clean_title(str(value))
            elif key in ("description", "blocked_reason"):
                values[key] = clean_text(str(value or ""), key.replace("_", " "), required=False)
            elif key in ("owner", "accountable"):
                values[key] = require_person(uow, str(value)).handle if value else None
            elif key in ("responsible", "consulted", "informed"):
                values[key] = tuple(dict.fromkeys(require_person(uow, str(v)).handle for v in value))
            elif key in ("due", "start"):
                if value is not None and not isinstance(value, date):
                    raise ValidationError(f"{key} must be a date")
                values[key] = value
            elif key == "priority":
                try:
                    values[key] = Priority(str(value).lower())
                except ValueError:
                    raise ValidationError(
                        f"priority {value!r} is not one of " + ", ".join(p.value for p in Priority)
                    ) from None
            elif key == "tags":
                values[key] = tuple(dict.fromkeys(clean_title(str(t), "tag") for t in value))
            elif key == "blocked_by":
                deps = tuple(dict.fromkeys(str(d).strip().upper() for d in value))
                rules.check_dependencies(
                    card.id, deps, cards if cards is not None else {c.id: c for c in uow.cards.list()}
                )
                values[key] = deps
                if deps and not card.blocked_by:
                    values["blocked_since"] = self.now()
                elif not deps and not changes.get("blocked_reason"):
                    values["blocked_since"] = None
            elif key == "parent":
                parent = str(value).strip().upper() if value else None
                if parent is not None:
                    require_card(uow, parent)
                    if parent == card.id:
                        raise ConflictError("a card cannot be its own parent")
                values[key] = parent
            elif key == "milestone":
                values[key] = bool(value)
            elif key == "progress":
                progress = int(value)
                if not 0 <= progress <= 100:
                    raise ValidationError(f"progress must be 0-100, not {progress}")
                values[key] = progress
            elif key == "estimate":
                values[key] = None if value is None else float(value)
                if values[key] is not None and values[key] < 0:
                    raise ValidationError("estimate cannot be negative")
            elif key in ("source", "source_id"):
                values[key] = clean_title(str(value), key.replace("_", " ")) if value else ""
        if "blocked_reason" in values and values["blocked_reason"] and card.blocked_since is None:
            values.setdefault("blocked_since", self.now())
        if "start" in values or "due" in values:
            start, due = values.get("start", card.start), values.get("due", card.due)
            if start is not None and due is not None and start > due:
                raise ValidationError(f"start {start} is after due {due}")
        new_changes = dict(values)
        if new_changes.get("priority") is not None:
            new_changes["priority"] = Priority(new_changes["priority"])
        return replace(card, **new_changes)


def _calendar_view(card: Card) -> tuple[object, ...]:
    return (card.title, card.due, card.milestone, rules.is_done(card))
