"""Cards on department boards: add, move, reorder, edit, block, delete, restore (undo)."""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from domain import rules
from domain.dates import check_date
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import N_, _
from domain.models import MAX_ESTIMATE_DAYS, Activity, Card, Department, Priority
from domain.repository import UnitOfWork
from domain.services.base import Service, choice, require_card, require_dept, require_person
from domain.text import clean_text, clean_title, quoted

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same classes, their __init__ generated ahead of time: domain/frozen.py
    from domain.frozen import dataclass

EDITABLE = frozenset(
    {
        "title", "description", "owner", "due", "start", "priority", "tags", "blocked_by", "blocked_reason",
        "parent", "milestone", "progress", "estimate", "responsible", "accountable", "consulted", "informed",
    }
)  # fmt: skip

FIRST_PAGE = 15
"""Cards per column on the first board page: more than a terminal column shows at 50 rows."""


@dataclass(frozen=True, slots=True)
class BoardPage:
    """One department's first board page (``CardService.first_page``)."""

    departments: list[Department]
    department: Department | None
    cards: list[Card]
    """The first cards of each column, in board order (column, rank, id)."""
    counts: Mapping[str, int]
    """Every column's card count, the page's and the rest."""
    blocked: frozenset[str]
    """The ids of ``cards`` that :func:`domain.rules.is_blocked` says are blocked."""


_FIELD_NAMES = {
    "description": N_("description"),
    "blocked_reason": N_("blocked reason"),
    "source": N_("source"),
    "source_id": N_("source id"),
}
"""How the text fields are named in messages (translated when the message is built)."""


class CardService(Service):
    """Everything people do to cards; each method is one transaction and one activity entry."""

    _ahead: Callable[[], tuple[object, BoardPage] | None] | None = None
    """The app's first board page read ahead (``expect_first_page``), until the first ``first_page``."""

    def expect_first_page(self, ahead: Callable[[], tuple[object, BoardPage] | None]) -> None:
        """The next ``first_page()`` of the first department (``FIRST_PAGE`` cards a column) may be
        ``ahead()``'s: (the store's version it was read at, the page), or None. It is used only while
        that version is still the store's; else, and for any other read, the read is today's."""
        self._ahead = ahead

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
        if due is not None:
            check_date(due, "due")
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
        if due is not None:
            check_date(due, "due")
        col = department.column(column) if column else department.columns[0]
        if col is None:
            raise ValidationError(
                _("{name} has no column {column}; columns: {items}").format(
                    name=department.name,
                    column=quoted(str(column)),
                    items=", ".join(c.name for c in department.columns),
                )
            )
        if after_rank is None or enforce_wip:  # a count and the last rank, not the column's cards
            in_column, last = uow.cards.column_summary(department.name, col.name)
            if enforce_wip:
                rules.check_wip_count(department, col.name, in_column)
        else:
            last = after_rank
        owner_handle = require_person(uow, owner).handle if owner else None
        deps = tuple(d.strip().upper() for d in blocked_by)
        for dep in deps:
            if uow.cards.get(dep) is None:
                raise NotFoundError("card", dep, _("a blocked-by id must name an existing card"))
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
        self.record(
            uow,
            "card",
            card.id,
            "created",
            _("{title} in {dept}/{column}").format(title=card.title, dept=card.dept, column=card.column),
        )
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

    def listing(
        self, dept: str | None = None, owner: str | None = None
    ) -> tuple[builtins.list[dict[str, Any]], frozenset[str], frozenset[str]] | None:
        """``list(dept, owner)`` for ``huddle card list``, without a Card per card: the listed fields of
        each card (a backend's ``cards.listing``: the ``--json`` keys but the flags, as JSON values) in
        ``list``'s order, then the ids that :func:`rules.is_blocked` and :func:`rules.is_overdue` say
        are blocked and overdue, worked out from the listed fields (:func:`rules.is_done_listed`); only
        a blocker on another board is read as a Card. None when the backend offers no ``cards.listing``
        (then ``list`` and the rules). At 5,000 cards this is a third of ``list``'s time and the rules'."""
        uow = self.store.snapshot()
        listing = getattr(uow.cards, "listing", None)
        if listing is None:
            return None
        rows: builtins.list[dict[str, Any]] = listing(require_dept(uow, dept).name if dept else None)
        if owner:
            handle = require_person(uow, owner).handle
            rows = [r for r in rows if r["owner"] == handle]
        order = {(d.name, col.name): i for d in uow.departments.list() for i, col in enumerate(d.columns)}
        # list's order; the key is made once per row, and takes the rank out of the row (it is not printed)
        rows.sort(key=lambda r: (r["dept"], order.get((r["dept"], r["column"]), 99), r.pop("rank"), r["id"]))
        # The flags as rules.is_overdue and rules.is_blocked give them, from the listed fields: a card's
        # blockers are read from the listing, or one by id when they sit on another board.
        done = rules.is_done_listed
        cutoff = self.today().isoformat()  # ISO days order as the days do
        overdue = frozenset(
            r["id"]
            for r in rows
            if r["due"] is not None and r["due"] < cutoff and not done(r["column"], r["progress"])
        )
        listed = {r["id"]: r for r in rows}
        open_ones: dict[str, bool] = {}

        def holds(dep: str) -> bool:
            """Is the card ``dep`` there and not done (``rules.open_blockers``)?"""
            held = open_ones.get(dep)
            if held is None:
                row = listed.get(dep)
                if row is not None:
                    held = not done(row["column"], row["progress"])
                else:
                    other = uow.cards.get(dep)
                    held = other is not None and not rules.is_done(other)
                open_ones[dep] = held
            return held

        blocked = frozenset(
            r["id"]
            for r in rows
            if (r["blocked_by"] or r["blocked_reason"].strip())
            and not done(r["column"], r["progress"])
            and (r["blocked_reason"].strip() or any(map(holds, r["blocked_by"])))
        )
        return rows, blocked, overdue

    def department_counts(self) -> dict[str, int]:
        """How many cards each department holds, by name (a department without cards is left out): from
        the backend's ``cards.department_counts`` where it has one (the JSON store counts without decoding
        a card), else counted from ``list()``."""
        uow = self.store.snapshot()
        counts = getattr(uow.cards, "department_counts", None)
        if counts is not None:
            found: dict[str, int] = counts()
            return found
        tally: dict[str, int] = {}
        for card in uow.cards.list():
            tally[card.dept] = tally.get(card.dept, 0) + 1
        return tally

    def first_page(self, dept: str | None = None, per_column: int = FIRST_PAGE) -> BoardPage:
        """What the app's first board shows, read from one snapshot: the departments, the department
        named ``dept`` (the first one when None or gone), the first ``per_column`` cards of each of its
        columns in board order, every column's card count, and which page cards are blocked.

        For the first paint: it decodes only the page's cards and the blockers they name, where
        ``list(dept)`` + ``blocked_among`` decode the department and then every card on file. A backend
        offering ``cards.first_in_columns`` (the JSON store) does the slicing before decoding; any other
        slices the department's cards. The full board is then read with ``list(dept)`` as before.
        """
        ahead, self._ahead = self._ahead, None
        if ahead is not None and dept is None and per_column == FIRST_PAGE:
            got = ahead()
            if got is not None and got[0] == self.store.version():
                return got[1]
        uow = self.store.snapshot()
        departments = uow.departments.list()
        department = next((d for d in departments if d.name == dept), departments[0] if departments else None)
        if department is None:
            return BoardPage(departments, None, [], {}, frozenset())
        names = [c.name for c in department.columns]
        first_in_columns = getattr(uow.cards, "first_in_columns", None)
        if first_in_columns is not None:
            cards, counts = first_in_columns(department.name, names, per_column)
        else:
            columns: dict[str, builtins.list[Card]] = {name: [] for name in names}
            for card in uow.cards.list_for_department(department.name):
                columns.setdefault(card.column, []).append(card)
            cards = [
                c for col in columns.values() for c in sorted(col, key=lambda c: (c.rank, c.id))[:per_column]
            ]
            counts = {name: len(col) for name, col in columns.items()}
        return BoardPage(departments, department, cards, counts, _blocked_among(uow, cards))

    def blocked_among(self, cards: Sequence[Card]) -> frozenset[str]:
        """Which of ``cards`` are blocked by :func:`rules.is_blocked`, judged against the cards on file
        (a blocker may sit on another department's board); only the blockers they name are decoded."""
        return _blocked_among(self.store.snapshot(), cards)

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
                _("{name} has no column {column}; columns: {items}").format(
                    name=dept.name, column=quoted(column), items=", ".join(c.name for c in dept.columns)
                )
            )
        if col.name == "Done":
            rules.check_can_finish(card)
        if before is None:  # to the end: a count and the last rank, not the column's cards
            count, last = uow.cards.column_summary(dept.name, col.name, excluding=card.id)
            if enforce_wip and col.name != card.column:
                rules.check_wip_count(dept, col.name, count)
            rank = rules.rank_between(last, None)
        else:
            siblings = sorted(
                (c for c in uow.cards.list_in_column(dept.name, col.name) if c.id != card.id),
                key=lambda c: c.rank,
            )
            if enforce_wip and col.name != card.column:
                rules.check_wip(dept, col.name, siblings)
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
            moved = self.reorder_in(uow, card_id, offset)
        return moved

    def reorder_in(self, uow: UnitOfWork, card_id: str, offset: int) -> Card:
        """:meth:`reorder` inside a transaction the caller already holds."""
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
        self.record(
            uow,
            "card",
            card.id,
            "reordered",
            _("position {old} -> {new}").format(old=index + 1, new=target + 1),
        )
        return moved

    def edit(self, card_id: str, changes: Mapping[str, Any]) -> Card:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationError(_("cannot edit {items}").format(items=", ".join(sorted(unknown))))
        with self.store.transaction() as uow:
            edited = self.edit_in(uow, card_id, changes)
        return edited

    def edit_in(self, uow: UnitOfWork, card_id: str, changes: Mapping[str, Any]) -> Card:
        """Edit a card inside a transaction the caller already holds (an import applies many at once)."""
        card = require_card(uow, card_id)
        edited = self._touch(self._apply(uow, card, changes), card)
        uow.cards.put(edited)
        changed = [k for k in sorted(changes) if getattr(card, k) != getattr(edited, k)]
        self.record(uow, "card", card.id, "edited", ", ".join(changed) or _("no change"))
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
                raise ValidationError(_("link_in sets only parent and blocked_by"))
            card = require_card(uow, card_id)
            edited = self._touch(self._apply(uow, card, change, cards), card)
            cards[card_id] = edited
            uow.cards.put(edited)
            self.record(uow, "card", card_id, "edited", ", ".join(sorted(change)))
            linked.append(edited)
        return linked

    def delete(self, card_id: str) -> Card:
        with self.store.transaction() as uow:
            card = self.delete_in(uow, card_id)
        return card

    def delete_in(self, uow: UnitOfWork, card_id: str) -> Card:
        """Delete a card (and the links to it) inside a transaction the caller already holds."""
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
            self.record(uow, "card", previous.id, "restored", _("undo"))
        return restored

    def tracked(self, card_id: str, change: Callable[[UnitOfWork], Card]) -> tuple[Card, Card]:
        """Run ``change`` in one transaction and return the card just before and just after it, both read
        inside that transaction: the undo entry then holds exactly this user's change, never a
        concurrent edit read a moment earlier or later."""
        with self.store.transaction() as uow:
            before = require_card(uow, card_id)
            after = change(uow)
        return before, after

    def undo(self, before: Card | None, after: Card | None) -> UndoOutcome:
        """Reverse one change of this user (``before`` -> ``after``; None = not there) in one transaction.

        Only the fields this user changed are put back. When someone else changed other fields since,
        theirs stay and the outcome says so; when someone else changed the same fields again (or deleted
        or re-created the card), nothing is written and ConflictError names who and what.
        """
        either = after or before
        if either is None:
            raise ValidationError(_("nothing to undo"))
        card_id = either.id
        with self.store.transaction() as uow:
            now = uow.cards.get(card_id)
            if after is None:  # undo of a delete
                assert before is not None
                if now is not None:
                    raise ConflictError(
                        _("{card_id} exists again (@{updated_by} re-created it); nothing undone").format(
                            card_id=card_id, updated_by=now.updated_by
                        )
                    )
                require_dept(uow, before.dept)
                restored = self._touch(before)
                uow.cards.put(restored)
                self.record(uow, "card", card_id, "restored", _("undo of delete"))
                return UndoOutcome(restored, ("created",), (), None)
            if now is None:
                raise ConflictError(
                    _("{card_id} was deleted meanwhile; nothing undone").format(card_id=card_id)
                )
            theirs = changed_fields(after, now)
            if before is None:  # undo of an add
                if theirs:
                    raise ConflictError(
                        _(
                            "@{updated_by} changed {value} of {card_id} meanwhile; not deleting it, "
                            "nothing undone"
                        ).format(updated_by=now.updated_by, value=", ".join(theirs), card_id=card_id)
                    )
                self.delete_in(uow, card_id)
                return UndoOutcome(None, ("created",), (), None)
            mine = changed_fields(before, after)
            clash = [f for f in mine if f in theirs]
            if clash:
                raise ConflictError(
                    _("@{updated_by} changed {value} of {card_id} again after you; nothing undone").format(
                        updated_by=now.updated_by, value=", ".join(clash), card_id=card_id
                    )
                )
            require_dept(uow, before.dept)
            restored = self._touch(replace(now, **{f: getattr(before, f) for f in mine}), now)
            uow.cards.put(restored)
            self.record(
                uow,
                "card",
                card_id,
                "restored",
                _("undo of {change}").format(change=", ".join(mine) or _("no change")),
            )
            return UndoOutcome(restored, tuple(mine), tuple(theirs), now.updated_by if theirs else None)

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
                values[key] = clean_text(str(value or ""), _FIELD_NAMES[key], required=False)
            elif key in ("owner", "accountable"):
                values[key] = require_person(uow, str(value)).handle if value else None
            elif key in ("responsible", "consulted", "informed"):
                values[key] = tuple(dict.fromkeys(require_person(uow, str(v)).handle for v in value))
            elif key in ("due", "start"):
                if value is not None and not isinstance(value, date):
                    raise ValidationError(_("{key} must be a date").format(key=key))
                values[key] = None if value is None else check_date(value, key)
            elif key == "priority":
                values[key] = choice(Priority, value, _("priority {value} is not one of {items}"))
            elif key == "tags":
                values[key] = tuple(dict.fromkeys(clean_title(str(t), N_("tag")) for t in value))
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
                        raise ConflictError(_("a card cannot be its own parent"))
                values[key] = parent
            elif key == "milestone":
                values[key] = bool(value)
            elif key == "progress":
                progress = value if isinstance(value, int) and not isinstance(value, bool) else None
                if progress is None or not 0 <= progress <= 100:
                    raise ValidationError(
                        _("progress must be 0-100, not {value}").format(value=quoted(str(value)))
                    )
                values[key] = progress
            elif key == "estimate":
                estimate = None if value is None else value
                if isinstance(estimate, int | float) and estimate < 0:
                    raise ValidationError(_("estimate cannot be negative"))
                if estimate is not None and (
                    isinstance(estimate, bool)
                    or not isinstance(estimate, int | float)
                    or not math.isfinite(estimate)
                    or not 0 <= estimate <= MAX_ESTIMATE_DAYS
                ):
                    raise ValidationError(
                        _("estimate must be 0-{MAX_ESTIMATE_DAYS} days, not {estimate}").format(
                            MAX_ESTIMATE_DAYS=MAX_ESTIMATE_DAYS, estimate=quoted(str(estimate))
                        )
                    )
                values[key] = None if estimate is None else float(estimate)
            elif key in ("source", "source_id"):
                values[key] = clean_title(str(value), _FIELD_NAMES[key]) if value else ""
        if "blocked_reason" in values and values["blocked_reason"] and card.blocked_since is None:
            values.setdefault("blocked_since", self.now())
        if "start" in values or "due" in values:
            start, due = values.get("start", card.start), values.get("due", card.due)
            if start is not None and due is not None and start > due:
                raise ValidationError(_("start {start} is after due {due}").format(start=start, due=due))
        new_changes = dict(values)
        if new_changes.get("priority") is not None:
            new_changes["priority"] = Priority(new_changes["priority"])
        return replace(card, **new_changes)


BOOKKEEPING = frozenset({"updated_at", "updated_by", "sequence"})
"""Fields every write stamps: not "a change" for undo's comparison."""


def changed_fields(old: Card, new: Card) -> builtins.list[str]:
    """The fields (other than :data:`BOOKKEEPING`) that differ between two versions of a card, in order."""
    return [
        f.name
        for f in fields(Card)
        if f.name not in BOOKKEEPING and getattr(old, f.name) != getattr(new, f.name)
    ]


@dataclass(frozen=True, slots=True)
class UndoOutcome:
    """What an undo did: the card now (None when an add was undone), the fields put back, the fields
    someone else had changed meanwhile (kept), and who that was."""

    card: Card | None
    undone: tuple[str, ...]
    kept: tuple[str, ...]
    by: str | None

    def message(self, label: str) -> str:
        """What to tell the user, e.g. "@wei changed it meanwhile; undid only your change to title"."""
        if self.kept:
            return f"@{self.by} changed it meanwhile; undid only your change to {', '.join(self.undone)}"
        return f"Undid {label}"


def _calendar_view(card: Card) -> tuple[object, ...]:
    return (card.title, card.due, card.milestone, rules.is_done(card))


def _blocked_among(uow: UnitOfWork, cards: Sequence[Card]) -> frozenset[str]:
    """:func:`rules.blocked_ids` of ``cards`` against ``cards`` and the blockers they name, read from
    ``uow`` one by id: a refresh decodes a department's blockers, not the 20,000 cards on file."""
    known = {c.id: c for c in cards}
    for dep in {dep for c in cards for dep in c.blocked_by} - known.keys():
        if (blocker := uow.cards.get(dep)) is not None:
            known[dep] = blocker
    return rules.blocked_ids(cards, known)
