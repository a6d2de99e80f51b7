"""From source items to a plan (what will be created, updated or left alone), and the plan applied.

``plan_import`` only reads. ``apply_import`` plans again inside one store transaction, against the
data as it is at that moment, and carries the plan out through the services' ``*_in`` methods: every
department, column, person and card of the file lands together or, on any error, nothing does.

Matching: a card is the one with the same ``source`` and ``source_id`` (so a re-import updates it);
a spreadsheet row whose id is a Huddle card id (a re-imported Huddle export) is that card. A person is
the one with the same handle, then e-mail, then name (case-insensitive); otherwise they are created.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain import rules
from domain.errors import ConflictError, DomainError, ValidationError
from domain.i18n import N_, _
from domain.models import DONE_COLUMN, Card, Column, Department, Person, Priority
from domain.repository import UnitOfWork
from domain.services import Services
from domain.text import MAX_TEXT, clean_title
from importers.model import SourceBatch, SourceItem, SourcePerson, located

_ALIASES: dict[str, tuple[str, ...]] = {
    "Backlog": ("backlog", "待规划", "需求池", "icebox", "ideas"),
    "To do": ("to do", "todo", "待办", "待处理", "未开始", "open", "new", "新建", "selected for development"),
    "Doing": ("doing", "in progress", "进行中", "处理中", "开发中", "in development", "wip"),
    "Review": ("review", "in review", "code review", "审核", "评审", "待验收", "测试中", "qa", "testing"),
    "Done": ("done", "closed", "resolved", "完成", "已完成", "已关闭", "已解决", "complete", "completed"),
}
_ALIAS = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}
COMMENTS_HEADING = "Comments:"


@dataclass(frozen=True, slots=True)
class CardStep:
    """What happens to one source item."""

    action: str
    """``create``, ``update`` or ``unchanged``."""
    source_id: str
    title: str
    dept: str
    column: str
    card_id: str | None
    """The existing card (update, unchanged); None for a card still to be created."""
    changes: tuple[str, ...] = ()
    row: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    has_parent: bool = False
    blocked_by: tuple[str, ...] | None = None
    details: tuple[str, ...] = ()
    """Each change as ``due: 2026-12-05 → 2026-12-06``, for the plan a person reads."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    kind: str
    name: str
    source: str
    departments: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    people: tuple[Person, ...]
    cards: tuple[CardStep, ...]
    mapping: tuple[tuple[str, str], ...] = ()
    lost: tuple[str, ...] = ()
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for step in self.cards if step.action == action)

    def to_json(self) -> dict[str, Any]:
        """The plan as a stable JSON document (``--json``)."""
        return {
            "kind": self.kind,
            "file": self.name,
            "source": self.source,
            "applied": self.applied,
            "mapping": {f: c for f, c in self.mapping},
            "departments": [{"name": d, "action": "create"} for d in self.departments],
            "columns": [{"dept": d, "name": c, "action": "create"} for d, c in self.columns],
            "people": [
                {"handle": p.handle, "name": p.name, "email": p.email, "action": "create"}
                for p in self.people
            ],
            "cards": [
                {
                    "action": s.action,
                    "source_id": s.source_id,
                    "id": s.card_id,
                    "title": s.title,
                    "dept": s.dept,
                    "column": s.column,
                    "changes": list(s.changes),
                    "details": list(s.details),
                    "row": s.row,
                }
                for s in self.cards
            ],
            "counts": {a: self.count(a) for a in ("create", "update", "unchanged")},
            "not_imported": list(self.lost),
        }

    def lines(self) -> list[str]:
        """The plan for a person to read before it is applied."""
        out = [
            _("import of {name} ({kind}, source {source}): {n} item(s)").format(
                name=self.name, kind=self.kind, source=self.source, n=len(self.cards)
            )
        ]
        if self.mapping:
            pairs = ", ".join(f"{c} → {f}" for f, c in self.mapping)
            out.append(_("fields: {pairs}").format(pairs=pairs))
        out.extend(_("department to create: {name}").format(name=d) for d in self.departments)
        out.extend(_("column to create: {dept} / {column}").format(dept=d, column=c) for d, c in self.columns)
        out.extend(
            _("person to create: {handle} ({name}, {email})").format(
                handle=p.handle, name=p.name, email=p.email
            )
            for p in self.people
        )
        out.append(
            _("cards: {create} to create, {update} to update, {unchanged} unchanged").format(
                create=self.count("create"), update=self.count("update"), unchanged=self.count("unchanged")
            )
        )
        for step in self.cards:
            if step.action == "create":
                out.append(f"  + {step.dept} / {step.column}: {step.title}")
            elif step.action == "update":
                out.append(f"  ~ {step.card_id} {step.title}: {'; '.join(step.details or step.changes)}")
        if self.lost:
            out.append(_("could not map:"))
            out.extend(f"  - {text}" for text in self.lost)
        return out


class _Planner:
    """One planning pass over a unit of work (a snapshot for the preview, the transaction to apply)."""

    def __init__(self, batch: SourceBatch, uow: UnitOfWork, dept: str | None) -> None:
        self.batch = batch
        self.uow = uow
        self.dept_override = clean_title(dept, "--dept") if dept else None
        self.departments = {d.name: d for d in uow.departments.list()}
        self.new_departments: list[str] = []
        self.new_columns: dict[str, list[str]] = {}
        self.people = uow.people.list()
        self.new_people: list[Person] = []
        self.lost = list(batch.lost)
        cards = uow.cards.list()
        self.by_source = {c.source_id: c for c in cards if c.source == batch.source and c.source_id}
        self.by_id = {c.id: c for c in cards}
        self.items = {item.source_id: item for item in batch.items}

    def plan(self) -> ImportPlan:
        steps = [self._step(item) for item in self.batch.items]
        return ImportPlan(
            self.batch.kind, self.batch.name, self.batch.source, tuple(self.new_departments),
            tuple((d, c) for d, cols in self.new_columns.items() for c in cols), tuple(self.new_people),
            tuple(steps), self.batch.mapping, tuple(self.lost),
        )  # fmt: skip

    def existing(self, source_id: str) -> Card | None:
        card = self.by_source.get(source_id)
        if card is None and self.batch.source == "sheet":
            card = self.by_id.get(source_id.strip().upper())
            if card is not None and card.source not in ("", "sheet"):
                card = None
        return card

    def _dept(self, item: SourceItem) -> str:
        name = self.dept_override or item.dept or self.batch.default_dept
        if not name:
            raise located(self.batch.name, item.row, None,
                          "no department: give --dept NAME, or add a 部门/Department column")  # fmt: skip
        wanted = name.casefold()
        for dept in self.departments.values():
            if dept.name.casefold() == wanted or dept.key.casefold() == wanted:
                return dept.name
        for new in self.new_departments:
            if new.casefold() == wanted:
                return new
        self.new_departments.append(name)
        order = self.batch.column_order.get(name) or self.batch.column_order.get("", ())
        for column in order:
            self._column(name, column)
        return name

    def _columns(self, dept: str) -> list[str]:
        known = self.departments.get(dept)
        base = [c.name for c in known.columns] if known else [c.name for c in Department(dept, "X").columns]
        return base + self.new_columns.get(dept, [])

    def _column(self, dept: str, status: str) -> str:
        columns = self._columns(dept)
        wanted = status.strip().casefold()
        for column in columns:
            if column.casefold() == wanted:
                return column
        alias = _ALIAS.get(wanted)
        if alias is not None and alias in columns:
            return alias
        self.new_columns.setdefault(dept, []).append(status.strip())
        return status.strip()

    def person(self, who: SourcePerson) -> str:
        """The handle of ``who``: an existing or planned person, or a new one added to the plan."""
        everyone = [*self.people, *self.new_people]
        handle = who.handle.strip().lstrip("@").lower()
        for p in everyone:
            if handle and p.handle == handle:
                return p.handle
        for p in everyone:
            if who.email and p.email.casefold() == who.email.casefold():
                return p.handle
        for p in everyone:
            if who.name and p.name.casefold() == who.name.strip().casefold():
                return p.handle
        taken = {p.handle for p in everyone}
        new_handle = _new_handle(who, taken)
        email = who.email if _valid_email(who.email) else f"{new_handle}@import.invalid"
        if email != who.email:
            self.lost.append(
                f"{who.label()}: created as {new_handle} with a placeholder e-mail address ({email})"
            )
        label = who.name or who.handle or who.email.partition("@")[0] or new_handle
        self.new_people.append(Person(new_handle, clean_title(label, N_("a name")), email))
        return new_handle

    def _step(self, item: SourceItem) -> CardStep:
        card = self.existing(item.source_id)
        dept = card.dept if card is not None else self._dept(item)
        column: str | None = None
        if item.done and DONE_COLUMN in self._columns(dept):
            column = DONE_COLUMN
        elif item.status:
            column = self._column(dept, item.status)
        values: dict[str, Any] = {"title": item.title}
        if item.has_owner:
            values["owner"] = self.person(item.owner) if item.owner else None
        if item.members is not None:
            values["responsible"] = tuple(dict.fromkeys(self.person(m) for m in item.members))
        if item.has_due:
            values["due"] = item.due
        if item.has_start:
            values["start"] = item.start
        description = self._description(item)
        if description is not None:
            values["description"] = description
        for key in ("tags", "priority", "milestone", "estimate", "progress"):
            value = getattr(item, key)
            if value is not None:
                values[key] = value
        refs = self._refs(item)
        if card is None:
            column = column or self._columns(dept)[0]
            return CardStep("create", item.source_id, item.title, dept, column, None, (), item.row, values,
                            item.parent, item.has_parent, item.blocked_by)  # fmt: skip
        changes = [k for k, v in values.items() if _differs(getattr(card, k), v)]
        details = [_detail(k, getattr(card, k), values[k]) for k in changes]
        if column is not None and column != card.column:
            changes.insert(0, "column")
            details.insert(0, _detail("column", card.column, column))
        for key, value in refs.items():
            if value != getattr(card, key):
                changes.append(key)
                details.append(_detail(key, getattr(card, key), value))
        return CardStep(
            "update" if changes else "unchanged", item.source_id, item.title, card.dept,
            column or card.column, card.id, tuple(changes), item.row, values, item.parent, item.has_parent,
            item.blocked_by, tuple(details),
        )  # fmt: skip

    def _description(self, item: SourceItem) -> str | None:
        if not item.comments:
            return item.description
        history = "\n".join(
            f"{c.at} {c.author}: {c.text}".strip().replace("\n", "\n  ") for c in item.comments
        )
        text = (item.description + "\n\n" if item.description else "") + f"{COMMENTS_HEADING}\n{history}"
        if len(text) > MAX_TEXT:
            self.lost.append(f"{item.title}: comments cut to the description's {MAX_TEXT} characters")
            text = text[: MAX_TEXT - 1] + "…"
        return text

    def _refs(self, item: SourceItem) -> dict[str, Any]:
        """The card's parent and blocked-by as Huddle ids, where they are known before applying
        (a reference to a card still to be created resolves to ``None`` and counts as a change)."""
        refs: dict[str, Any] = {}
        if item.has_parent:
            refs["parent"] = self.resolve(item.parent, item, "parent") if item.parent else None
        if item.blocked_by is not None:
            refs["blocked_by"] = tuple(self.resolve(r, item, "blocked by") for r in item.blocked_by)
        return refs

    def resolve(
        self, ref: str, item: SourceItem, what: str, ids: Mapping[str, str] | None = None
    ) -> str | None:
        """The Huddle id of the card ``ref`` names (a source id in the file, or an existing card)."""
        if ref in self.items:
            card = self.existing(ref)
            if card is not None:
                return card.id
            if ids is not None and ref in ids:
                return ids[ref]
            return None
        card = self.by_source.get(ref) or self.by_id.get(ref.strip().upper())
        if card is None:
            raise located(
                self.batch.name, item.row, self.label(what), f"no card {ref!r} in the file or the project"
            )
        return card.id

    def label(self, what: str) -> str:
        """``依赖 (blocked by)``: the source's own header for a field, with Huddle's name for it."""
        header = dict(self.batch.mapping).get(what.replace(" ", "_"))
        return f"{header} ({what})" if header and header.casefold() != what else what


def _detail(field: str, before: object, after: object) -> str:
    """``due: 2026-12-05 → 2026-12-06``; long text is only said to have changed."""

    def shown(value: object) -> str:
        if value is None or value == () or value == "":
            return "(none)"
        if isinstance(value, tuple):
            return ", ".join(str(v) if v is not None else "(new card)" for v in value)
        return str(value)

    old, new = shown(before), shown(after)
    if field == "description" or len(old) + len(new) > 80:
        return f"{field} changed"
    return f"{field}: {old} → {new}"


def _differs(current: object, wanted: object) -> bool:
    if isinstance(wanted, Priority) or isinstance(current, Priority):
        return str(current) != str(wanted)
    return current != wanted


def _valid_email(text: str) -> bool:
    from domain.text import clean_email

    try:
        clean_email(text)
    except ValidationError:
        return False
    return bool(text)


_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


def _new_handle(who: SourcePerson, taken: set[str]) -> str:
    """A handle for a new person: their source handle, their e-mail's local part, or their name in
    ASCII; a name with no ASCII letters (李伟) gets ``person-`` and a short hash of the name."""
    for candidate in (who.handle, who.email.partition("@")[0], who.name):
        slug = re.sub(r"[^a-z0-9._-]+", ".", candidate.strip().lower()).strip("._-")[:32]
        if _HANDLE.match(slug) and slug not in taken:
            return slug
    digest = hashlib.sha1(who.label().encode()).hexdigest()
    for length in range(6, 41):
        handle = f"person-{digest[:length]}"
        if handle not in taken:
            return handle
    raise ValidationError(_("cannot make a handle for {value!r}").format(value=who.label()))


def plan_import(batch: SourceBatch, uow: UnitOfWork, *, dept: str | None = None) -> ImportPlan:
    """What importing ``batch`` would do to the data ``uow`` reads; changes nothing."""
    return _Planner(batch, uow, dept).plan()


def apply_import(services: Services, batch: SourceBatch, *, dept: str | None = None) -> ImportPlan:
    """Plan and apply ``batch`` in one transaction; returns the plan that was carried out."""
    with services.store.transaction() as uow:
        planner = _Planner(batch, uow, dept)
        plan = planner.plan()
        _execute(services, plan, planner, uow)
    return replace(plan, applied=True)


def _execute(services: Services, plan: ImportPlan, planner: _Planner, uow: UnitOfWork) -> None:
    name = plan.name
    for dept_name in plan.departments:
        services.directory.add_department_in(uow, dept_name)
    added: dict[str, list[str]] = {}
    for dept_name, column in plan.columns:
        added.setdefault(dept_name, []).append(column)
    for dept_name, columns in added.items():
        dept = _find_dept(uow, dept_name)
        cols = list(dept.columns)
        at = next((i for i, c in enumerate(cols) if c.name == DONE_COLUMN), len(cols))
        new = tuple(Column(clean_title(c, N_("a column name"))) for c in columns)
        uow.departments.put(replace(dept, columns=(*cols[:at], *new, *cols[at:])))
        services.directory.record(uow, "department", dept.name, "columns", "imported: " + ", ".join(columns))
    for person in plan.people:
        services.directory.add_person_in(uow, person.handle, person.name, person.email)
    ids: dict[str, str] = {}
    last_rank: dict[tuple[str, str], float] = {}
    for card in planner.by_id.values():
        key = (card.dept, card.column)
        last_rank[key] = max(last_rank.get(key, card.rank), card.rank)
    for step in plan.cards:
        try:
            ids[step.source_id] = _card(services, uow, step, plan.source, last_rank)
        except DomainError as exc:
            raise located(name, step.row, None, str(exc)) from None
    services.cards.link_in(uow, _links(planner, plan, ids, uow))


def _links(planner: _Planner, plan: ImportPlan, ids: Mapping[str, str], uow: UnitOfWork) -> dict[str, Any]:
    """The parent and blocked-by changes of every imported card, as Huddle ids, checked here first
    (against one read of every card) so that an error names the row it comes from."""
    cards = {c.id: c for c in uow.cards.list()}
    links: dict[str, dict[str, Any]] = {}
    for step, item in zip(plan.cards, planner.batch.items, strict=True):
        card = cards[ids[step.source_id]]
        change: dict[str, Any] = {}
        what = "parent"
        try:
            if step.has_parent:
                parent = planner.resolve(step.parent, item, "parent", ids) if step.parent else None
                if parent == card.id:
                    raise ConflictError(_("a card cannot be its own parent"))
                if parent != card.parent:
                    change["parent"] = parent
            if step.blocked_by is not None:
                what = "blocked by"
                deps = tuple(
                    dict.fromkeys(
                        ids.get(r) or planner.resolve(r, item, what, ids) or r for r in step.blocked_by
                    )
                )
                if deps != card.blocked_by:
                    rules.check_dependencies(card.id, deps, cards)
                    change["blocked_by"] = deps
                    cards[card.id] = replace(card, blocked_by=deps)
        except DomainError as exc:
            raise located(plan.name, step.row, planner.label(what), str(exc)) from None
        if change:
            links[card.id] = change
    return links


def _find_dept(uow: UnitOfWork, name: str) -> Department:
    dept = uow.departments.get(name)
    if dept is None:
        raise ValidationError(_("department {name!r} vanished during the import").format(name=name))
    return dept


def _card(
    services: Services, uow: UnitOfWork, step: CardStep, source: str, last_rank: dict[tuple[str, str], float]
) -> str:
    """Create or update one card (without its references); returns its Huddle id. ``last_rank`` holds
    the rank of each column's last card, kept up to date as cards are added."""
    values = dict(step.values)
    if step.action == "create":
        title = values.pop("title")
        owner = values.pop("owner", None)
        due: date | None = values.pop("due", None)
        if step.column == DONE_COLUMN:
            values.setdefault("progress", 100)
        card = services.cards.add_in(
            uow, step.dept, title, column=step.column, owner=owner, due=due, enforce_wip=False,
            after_rank=last_rank.get((step.dept, step.column), 0.0), source=source, source_id=step.source_id,
            **values,
        )  # fmt: skip
        last_rank[(card.dept, card.column)] = card.rank
        return card.id
    assert step.card_id is not None
    if step.action == "unchanged":
        return step.card_id
    current = uow.cards.get(step.card_id)
    assert current is not None
    if "column" in step.changes:
        moved = services.cards.move_in(uow, step.card_id, step.column, enforce_wip=False)
        last_rank[(moved.dept, moved.column)] = moved.rank
    fields = {k: v for k, v in values.items() if k in step.changes}
    if fields:
        services.cards.edit_in(uow, step.card_id, fields)
    return step.card_id


def summary(plan: ImportPlan) -> str:
    """One line: what was (or would be) done."""
    made = {
        "depts": len(plan.departments),
        "columns": len(plan.columns),
        "people": len(plan.people),
        "created": plan.count("create"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
    }
    if plan.applied:
        return _(
            "imported {depts} department(s), {columns} column(s), {people} person(s); "
            "{created} card(s) created, {updated} updated, {unchanged} unchanged"
        ).format(**made)
    return _(
        "would import {depts} department(s), {columns} column(s), {people} person(s); "
        "{created} card(s) created, {updated} updated, {unchanged} unchanged"
    ).format(**made)
