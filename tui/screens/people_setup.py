"""People and departments, added and edited from any screen: the questions, then one queued write.

Shared by the boards (``P`` people, ``A``/``R`` departments), the start-a-meeting form and the live
capture line, where an unknown handle is offered as a guest ("Add @sofia as a guest?"). Reads run in a
thread; every write goes through the app's one write queue with the ``DirectoryService`` calls that
``huddle person add|edit`` and ``huddle dept add|rename`` use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain.i18n import _
from domain.models import Department, Person
from domain.text import clean_title
from tui.shell import WriteJob, shell_of

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.wiring import Context


def _in_thread(screen: Screen[Any], read: Callable[[], Any], then: Callable[[Any], None]) -> None:
    """``read()`` off the event loop, then ``then(result)`` on it (an error is one notification)."""

    def work() -> None:
        try:
            result = read()
        except Exception as exc:  # a read error is reported, never ends the app
            screen.app.call_from_thread(
                screen.notify, str(exc), title=_("Could not read the people"), severity="error", markup=False
            )
            return
        screen.app.call_from_thread(then, result)

    screen.run_worker(work, thread=True, group="people-read", exit_on_error=False)


def _write(screen: Screen[Any], label: str, run: Callable[[], Any], done: Callable[[Any], object]) -> None:
    def failed(error: Exception) -> None:
        screen.notify(
            str(error), title=_("Could not {what}").format(what=label), severity="error", markup=False
        )

    def finished(result: Any) -> None:
        done(result)

    shell_of(screen.app).submit_write(WriteJob(label, run, finished, failed))


def add_person(
    screen: Screen[Any],
    context: Context,
    *,
    handle: str = "",
    guest: bool = False,
    done: Callable[[Person], None] | None = None,
) -> None:
    """The new-person form, then the write; ``done(person)`` once it is in the file."""
    from tui.dialogs.person_form import PersonFormModal, department_named

    directory = context.services.directory

    def show(departments: list[Department]) -> None:
        def submitted(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def added(person: Person) -> None:
                screen.notify(
                    _("Added @{handle} ({name})").format(handle=person.handle, name=person.name), markup=False
                )
                if done is not None:
                    done(person)

            dept = department_named(values["dept"], departments)
            _write(
                screen,
                _("add the person"),
                lambda: directory.add_person(values["handle"], values["name"], values["email"], dept),
                added,
            )

        screen.app.push_screen(PersonFormModal(departments, handle=handle, guest=guest), submitted)

    _in_thread(screen, directory.departments, show)


def offer_guest(screen: Screen[Any], context: Context, key: str, done: Callable[[Person], None]) -> None:
    """Ask "Add @key as a guest?"; yes opens the person form with the handle filled in."""
    from tui.dialogs.confirm import ConfirmModal

    def answered(yes: bool | None) -> None:
        if yes:
            add_person(screen, context, handle=key, guest=True, done=done)

    question = _("Nobody is called {key!r}. Add @{key} as a guest?").format(key=key)
    screen.app.push_screen(ConfirmModal(question, yes=_("Add")), answered)


def manage_people(screen: Screen[Any], context: Context) -> None:
    """The people list; ``a`` adds a person, Enter edits the highlighted one."""
    from tui.dialogs.people import ADD, PeopleModal
    from tui.dialogs.person_form import PersonFormModal, department_named

    directory = context.services.directory

    def show(found: tuple[list[Person], list[Department]]) -> None:
        people, departments = found

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            if choice == ADD:
                add_person(screen, context)
                return
            person = next(p for p in people if p.handle == choice)

            def submitted(values: dict[str, str] | None) -> None:
                if values is None:
                    return
                dept = department_named(values["dept"], departments)
                _write(
                    screen,
                    _("edit the person"),
                    lambda: directory.edit_person(
                        person.handle,
                        name=values["name"],
                        email=values["email"],
                        dept=dept,
                        clear_dept=dept is None and person.dept is not None,
                    ),
                    lambda saved: screen.notify(
                        _("Saved @{handle}").format(handle=saved.handle), markup=False
                    ),
                )

            screen.app.push_screen(PersonFormModal(departments, person=person), submitted)

        screen.app.push_screen(PeopleModal(people), chosen)

    _in_thread(screen, lambda: (directory.people(), directory.departments()), show)


def add_department(screen: Screen[Any], context: Context, done: Callable[[Department], object]) -> None:
    """Ask for a department's name (and key), then add it with the default columns."""
    from tui.dialogs.fields import FieldsModal, FormField

    directory = context.services.directory

    def submitted(values: dict[str, str] | None) -> None:
        if values is not None:
            key = values["key"].strip() or None
            _write(
                screen, _("add the department"), lambda: directory.add_department(values["name"], key), done
            )

    screen.app.push_screen(
        FieldsModal(
            _("New department"),
            [
                FormField("name", _("Name"), placeholder="市场部"),
                FormField("key", _("Key"), placeholder="MKT"),
            ],
            check=lambda values: clean_title(values["name"], "department name"),
        ),
        submitted,
    )


def rename_department(
    screen: Screen[Any], context: Context, current: str, done: Callable[[Department], object]
) -> None:
    """Ask for a department's new name (its key and card ids stay), then rename it."""
    from tui.dialogs.fields import FieldsModal, FormField

    directory = context.services.directory

    def submitted(values: dict[str, str] | None) -> None:
        if values is not None and values["name"].strip() != current:
            _write(
                screen,
                _("rename the department"),
                lambda: directory.rename_department(current, values["name"]),
                done,
            )

    screen.app.push_screen(
        FieldsModal(
            _("Rename department {name}").format(name=current),
            [FormField("name", _("New name"), current)],
            check=lambda values: clean_title(values["name"], "department name"),
        ),
        submitted,
    )
