"""Departments, people and the project (vision and SMART goals)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain import rules
from domain.dates import check_date
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.i18n import N_, _
from domain.models import MAX_ESCALATION_DAYS, MAX_WIP, Column, Department, Goal, Person, Project
from domain.repository import UnitOfWork
from domain.services.base import PROJECT_ID, Service, require_dept, require_person
from domain.text import clean_email, clean_handle, clean_text, clean_title, dept_key_from_name, quoted


class DirectoryService(Service):
    """Who and where: departments with their boards, people, and the project itself."""

    def add_department(
        self, name: str, key: str | None = None, columns: list[Column] | None = None
    ) -> Department:
        with self.store.transaction() as uow:
            dept = self.add_department_in(uow, name, key, columns)
        return dept

    def add_department_in(
        self, uow: UnitOfWork, name: str, key: str | None = None, columns: list[Column] | None = None
    ) -> Department:
        """Add a department inside a transaction the caller already holds (an import adds several)."""
        name = clean_title(name, N_("department name"))
        existing = uow.departments.list()
        if any(d.name.casefold() == name.casefold() for d in existing):
            raise ConflictError(_("department {name} already exists").format(name=quoted(name)))
        if key is None:
            key = dept_key_from_name(name) or f"D{len(existing) + 1}"
            taken = {d.key for d in existing}
            base, n = key, 2
            while key in taken:
                key, n = f"{base}{n}", n + 1
        else:
            key = key.strip().upper()
            if not key.isascii() or not key.isalnum() or len(key) > 8:
                raise ValidationError(
                    _("department key {key} must be 1-8 ASCII letters or digits").format(key=quoted(key))
                )
            if any(d.key == key for d in existing):
                raise ConflictError(_("department key {key} is already used").format(key=quoted(key)))
        dept = Department(name=name, key=key) if columns is None else Department(name, key, tuple(columns))
        uow.departments.put(dept)
        self.record(uow, "department", name, "created", f"key {key}")
        return dept

    def departments(self) -> list[Department]:
        return self.store.snapshot().departments.list()

    def set_wip_limit(self, dept_name: str, column: str, limit: int | None) -> Department:
        if limit is not None and (isinstance(limit, bool) or not 1 <= limit <= MAX_WIP):
            raise ValidationError(
                _("a WIP limit must be 1-{MAX_WIP} (or none), not {value}").format(
                    MAX_WIP=MAX_WIP, value=str(limit)[:40]
                )
            )
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            col = dept.column(column)
            if col is None:
                raise ValidationError(
                    _("{name} has no column {column}").format(name=dept.name, column=quoted(column))
                )
            cols = tuple(replace(c, wip_limit=limit) if c.name == col.name else c for c in dept.columns)
            dept = replace(dept, columns=cols)
            uow.departments.put(dept)
            self.record(uow, "department", dept.name, "wip", f"{col.name}: {limit}")
        return dept

    def columns(self, dept_name: str) -> tuple[Department, list[tuple[Column, int]]]:
        """The board's columns in order, each with how many cards it holds."""
        uow = self.store.snapshot()
        dept = require_dept(uow, dept_name)
        counts: dict[str, int] = {}
        for card in uow.cards.list_for_department(dept.name):
            counts[card.column] = counts.get(card.column, 0) + 1
        return dept, [(c, counts.get(c.name, 0)) for c in dept.columns]

    def add_column(
        self, dept_name: str, name: str, *, wip_limit: int | None = None, before: str | None = None
    ) -> Department:
        """Add a column to a board, at the end or before another column."""
        name = clean_title(name, N_("column name"))
        if wip_limit is not None and wip_limit < 1:
            raise ValidationError(_("a WIP limit must be at least 1 (or none)"))
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            rules.check_new_column_name(dept, name)
            anchor = _require_column(dept, before) if before is not None else None
            column = Column(name, wip_limit)
            dept = replace(dept, columns=rules.place_column(dept.columns, column, anchor))
            uow.departments.put(dept)
            where = f" before {anchor.name}" if anchor else ""
            self.record(uow, "department", dept.name, "column added", f"{name}{where}")
        return dept

    def rename_column(self, dept_name: str, old: str, new: str) -> Department:
        """Rename a column; the cards in it follow in the same transaction."""
        new = clean_title(new, N_("column name"))
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            col = _require_column(dept, old)
            rules.check_done_column_kept(col.name, "renamed")
            rules.check_new_column_name(dept, new, renaming=col.name)
            if new == col.name:
                return dept
            cols = tuple(replace(c, name=new) if c.name == col.name else c for c in dept.columns)
            dept = replace(dept, columns=cols)
            uow.departments.put(dept)
            for card in uow.cards.list_in_column(dept.name, col.name):
                uow.cards.put(replace(card, column=new))
            self.record(uow, "department", dept.name, "column renamed", f"{col.name} -> {new}")
        return dept

    def move_column(self, dept_name: str, name: str, *, before: str | None = None) -> Department:
        """Put a column before another one, or (``before=None``) last on the board."""
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            col = _require_column(dept, name)
            anchor = _require_column(dept, before) if before is not None else None
            if anchor is not None and anchor.name == col.name:
                raise ValidationError(
                    _("column {name!r} cannot be moved before itself").format(name=col.name)
                )
            dept = replace(dept, columns=rules.place_column(dept.columns, col, anchor))
            uow.departments.put(dept)
            where = f"before {anchor.name}" if anchor else "last"
            self.record(uow, "department", dept.name, "column moved", f"{col.name} {where}")
        return dept

    def remove_column(self, dept_name: str, name: str) -> Department:
        """Remove an empty column (refused, with the count, while cards are in it)."""
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            col = _require_column(dept, name)
            rules.check_done_column_kept(col.name, "removed")
            rules.check_column_empty(dept, col.name, len(uow.cards.list_in_column(dept.name, col.name)))
            if len(dept.columns) == 1:
                raise ConflictError(
                    _("{name!r} is the last column of {name2}; a board needs one").format(
                        name=col.name, name2=dept.name
                    )
                )
            dept = replace(dept, columns=tuple(c for c in dept.columns if c.name != col.name))
            uow.departments.put(dept)
            self.record(uow, "department", dept.name, "column removed", col.name)
        return dept

    def rename_department(self, old: str, new: str) -> Department:
        """Rename a department (its key and card ids stay); its cards and people follow."""
        new = clean_title(new, N_("department name"))
        with self.store.transaction() as uow:
            dept = require_dept(uow, old)
            if any(
                d.name.casefold() == new.casefold() and d.name != dept.name for d in uow.departments.list()
            ):
                raise ConflictError(_("department {new!r} already exists").format(new=new))
            if new == dept.name:
                return dept
            renamed = replace(dept, name=new)
            uow.departments.delete(dept.name)
            uow.departments.put(renamed)
            for card in uow.cards.list_for_department(dept.name):
                uow.cards.put(replace(card, dept=new))
            for person in uow.people.list():
                if person.dept == dept.name:
                    uow.people.put(replace(person, dept=new))
            self.record(uow, "department", new, "renamed", f"{dept.name} -> {new}")
        return renamed

    def edit_person(
        self,
        handle: str,
        *,
        name: str | None = None,
        email: str | None = None,
        dept: str | None = None,
        clear_dept: bool = False,
    ) -> Person:
        """Change a person's name, e-mail or department (the handle, used everywhere, stays)."""
        if dept is not None and clear_dept:
            raise ValidationError(_("give a department or clear it, not both"))
        with self.store.transaction() as uow:
            person = require_person(uow, handle)
            changes: list[str] = []
            if name is not None:
                person = replace(person, name=clean_title(name, N_("name")))
                changes.append(f"name {person.name}")
            if email is not None:
                person = replace(person, email=clean_email(email))
                changes.append(f"email {person.email}")
            if dept is not None:
                person = replace(person, dept=require_dept(uow, dept).name)
                changes.append(f"dept {person.dept}")
            if clear_dept:
                person = replace(person, dept=None)
                changes.append("no dept")
            if not changes:
                raise ValidationError(_("nothing to change; give --name, --email or --dept"))
            uow.people.put(person)
            self.record(uow, "person", person.handle, "updated", ", ".join(changes))
        return person

    def add_person(self, handle: str, name: str, email: str, dept: str | None = None) -> Person:
        with self.store.transaction() as uow:
            person = self.add_person_in(uow, handle, name, email, dept)
        return person

    def add_person_in(
        self, uow: UnitOfWork, handle: str, name: str, email: str, dept: str | None = None
    ) -> Person:
        """Add a person inside a transaction the caller already holds (an import adds several)."""
        handle = clean_handle(handle)
        name = clean_title(name, N_("name"))
        email = clean_email(email)
        if uow.people.get(handle) is not None:
            raise ConflictError(_("person {handle} already exists").format(handle=quoted(handle)))
        dept_name = require_dept(uow, dept).name if dept else None
        person = Person(handle=handle, name=name, email=email, dept=dept_name)
        uow.people.put(person)
        self.record(uow, "person", handle, "created", name)
        return person

    def people(self) -> list[Person]:
        return self.store.snapshot().people.list()

    def person(self, text: str) -> Person:
        return require_person(self.store.snapshot(), text)

    def project(self) -> Project:
        return self.store.snapshot().projects.get(PROJECT_ID) or Project(id=PROJECT_ID, name="Huddle project")

    def set_project(self, name: str, vision: str = "", goals: list[Goal] | None = None) -> Project:
        project = Project(
            id=PROJECT_ID,
            name=clean_title(name, N_("project name")),
            vision=clean_text(vision, N_("vision"), required=False),
            goals=tuple(goals or ()),
        )
        with self.store.transaction() as uow:
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "updated", project.name)
        return project

    def update_project(
        self, *, name: str | None = None, vision: str | None = None, escalate_after_days: int | None = None
    ) -> Project:
        """Change the project's name, vision or escalation threshold, keeping its goals."""
        with self.store.transaction() as uow:
            project = uow.projects.get(PROJECT_ID) or Project(id=PROJECT_ID, name="Huddle project")
            if name is not None:
                project = replace(project, name=clean_title(name, N_("project name")))
            if vision is not None:
                project = replace(project, vision=clean_text(vision, N_("vision"), required=False))
            if escalate_after_days is not None:
                if not 1 <= escalate_after_days <= MAX_ESCALATION_DAYS:
                    raise ValidationError(
                        _(
                            "the escalation threshold must be 1-{MAX_ESCALATION_DAYS} days, not {value}"
                        ).format(MAX_ESCALATION_DAYS=MAX_ESCALATION_DAYS, value=str(escalate_after_days)[:40])
                    )
                project = replace(project, blocked_escalation_days=escalate_after_days)
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "updated", project.name)
        return project

    def add_goal(
        self, text: str, *, metric: str = "", target: str = "", deadline: date | None = None
    ) -> Project:
        """Add a SMART goal: what, measured by which metric, to which target, by when."""
        goal = Goal(
            clean_title(text, N_("goal")),
            clean_text(metric, N_("metric"), required=False),
            clean_text(target, N_("target"), required=False),
            None if deadline is None else check_date(deadline, "deadline"),
        )
        with self.store.transaction() as uow:
            project = uow.projects.get(PROJECT_ID) or Project(id=PROJECT_ID, name="Huddle project")
            project = replace(project, goals=(*project.goals, goal))
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "goal added", goal.text)
        return project


def _require_column(dept: Department, name: str) -> Column:
    """The column called ``name`` on ``dept`` (case-insensitive), or NotFoundError listing the columns."""
    col = dept.column(name)
    if col is None:
        known = ", ".join(c.name for c in dept.columns)
        raise NotFoundError(f"column of {dept.name}", name, _("known: {known}").format(known=known))
    return col
