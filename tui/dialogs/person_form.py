"""Add or edit a person: handle, name, e-mail and (optionally) department.

Returns the typed values; the screen that opened it writes them through the app's write queue
(``DirectoryService.add_person`` / ``edit_person``), as ``huddle person add|edit`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import ValidationError
from domain.i18n import _, pgettext
from domain.models import Department, Person
from domain.text import clean_email, clean_handle, clean_title
from tui.dialogs.fields import FieldsModal, FormField


def check_person(values: dict[str, str], departments: Sequence[Department]) -> None:
    """Refuse what the service would refuse, before the form closes (the message names the field)."""
    if "handle" in values:
        clean_handle(values["handle"])
    clean_title(values["name"], "name")
    clean_email(values["email"])
    dept = values["dept"].strip()
    if dept and not any(d.name.casefold() == dept.casefold() for d in departments):
        known = pgettext("list separator", ", ").join(d.name for d in departments) or _("none yet")
        raise ValidationError(_("no department {dept}; known: {known}").format(dept=repr(dept), known=known))


def department_named(text: str, departments: Sequence[Department]) -> str | None:
    """The department typed (any case), or None for an empty field."""
    text = text.strip()
    return next((d.name for d in departments if d.name.casefold() == text.casefold()), None) if text else None


class PersonFormModal(FieldsModal):
    """A new person (``person`` None; ``handle`` may be filled in already) or one to edit (handle fixed)."""

    def __init__(
        self,
        departments: Sequence[Department],
        *,
        person: Person | None = None,
        handle: str = "",
        dept: str = "",
        guest: bool = False,
    ) -> None:
        self.departments = list(departments)
        self.person = person
        depts = ", ".join(d.name for d in self.departments)
        fields = [] if person is not None else [FormField("handle", _("Handle"), handle, "li.wei")]
        fields += [
            FormField("name", _("Name"), person.name if person else ""),
            FormField("email", _("E-mail"), person.email if person else "", "name@example.org"),
            FormField("dept", _("Department"), (person.dept or "") if person else dept, depts),
        ]
        if person is not None:
            title = _("Edit @{handle}").format(handle=person.handle)
        elif guest:
            title = _("Add @{handle} as a guest").format(handle=handle)
        else:
            title = _("New person")
        super().__init__(title, fields, check=lambda values: check_person(values, self.departments))
