"""Departments, people and the project (vision and SMART goals)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.errors import ConflictError, ValidationError
from domain.models import Column, Department, Goal, Person, Project
from domain.repository import UnitOfWork
from domain.services.base import Service, require_dept, require_person
from domain.text import clean_email, clean_handle, clean_text, clean_title, dept_key_from_name

PROJECT_ID = "main"


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
        name = clean_title(name, "department name")
        existing = uow.departments.list()
        if any(d.name.casefold() == name.casefold() for d in existing):
            raise ConflictError(f"department {name!r} already exists")
        if key is None:
            key = dept_key_from_name(name) or f"D{len(existing) + 1}"
            taken = {d.key for d in existing}
            base, n = key, 2
            while key in taken:
                key, n = f"{base}{n}", n + 1
        else:
            key = key.strip().upper()
            if not key.isascii() or not key.isalnum() or len(key) > 8:
                raise ValidationError(f"department key {key!r} must be 1-8 ASCII letters or digits")
            if any(d.key == key for d in existing):
                raise ConflictError(f"department key {key!r} is already used")
        dept = Department(name=name, key=key) if columns is None else Department(name, key, tuple(columns))
        uow.departments.put(dept)
        self.record(uow, "department", name, "created", f"key {key}")
        return dept

    def departments(self) -> list[Department]:
        return self.store.snapshot().departments.list()

    def set_wip_limit(self, dept_name: str, column: str, limit: int | None) -> Department:
        if limit is not None and limit < 1:
            raise ValidationError("a WIP limit must be at least 1 (or none)")
        with self.store.transaction() as uow:
            dept = require_dept(uow, dept_name)
            col = dept.column(column)
            if col is None:
                raise ValidationError(f"{dept.name} has no column {column!r}")
            cols = tuple(replace(c, wip_limit=limit) if c.name == col.name else c for c in dept.columns)
            dept = replace(dept, columns=cols)
            uow.departments.put(dept)
            self.record(uow, "department", dept.name, "wip", f"{col.name}: {limit}")
        return dept

    def add_person(self, handle: str, name: str, email: str, dept: str | None = None) -> Person:
        with self.store.transaction() as uow:
            person = self.add_person_in(uow, handle, name, email, dept)
        return person

    def add_person_in(
        self, uow: UnitOfWork, handle: str, name: str, email: str, dept: str | None = None
    ) -> Person:
        """Add a person inside a transaction the caller already holds (an import adds several)."""
        handle = clean_handle(handle)
        name = clean_title(name, "name")
        email = clean_email(email)
        if uow.people.get(handle) is not None:
            raise ConflictError(f"person {handle!r} already exists")
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
            name=clean_title(name, "project name"),
            vision=clean_text(vision, "vision", required=False),
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
                project = replace(project, name=clean_title(name, "project name"))
            if vision is not None:
                project = replace(project, vision=clean_text(vision, "vision", required=False))
            if escalate_after_days is not None:
                if escalate_after_days < 1:
                    raise ValidationError("the escalation threshold must be at least 1 day")
                project = replace(project, blocked_escalation_days=escalate_after_days)
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "updated", project.name)
        return project

    def add_goal(
        self, text: str, *, metric: str = "", target: str = "", deadline: date | None = None
    ) -> Project:
        """Add a SMART goal: what, measured by which metric, to which target, by when."""
        goal = Goal(
            clean_title(text, "goal"),
            clean_text(metric, "metric", required=False),
            clean_text(target, "target", required=False),
            deadline,
        )
        with self.store.transaction() as uow:
            project = uow.projects.get(PROJECT_ID) or Project(id=PROJECT_ID, name="Huddle project")
            project = replace(project, goals=(*project.goals, goal))
            uow.projects.put(project)
            self.record(uow, "project", PROJECT_ID, "goal added", goal.text)
        return project
