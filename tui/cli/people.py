"""``huddle person add|list|edit``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.i18n import _
from tui.cli.output import emit_json, print_table

if TYPE_CHECKING:
    from domain.models import Person
    from tui.cli.parser import Builder
    from tui.wiring import Context


def person_json(p: Person) -> dict[str, Any]:
    return {"handle": p.handle, "name": p.name, "email": p.email, "dept": p.dept}


def cmd_person_add(ctx: Context, args: argparse.Namespace) -> int:
    person = ctx.services.directory.add_person(args.handle, args.name, args.email, dept=args.dept)
    print(person.handle)
    return 0


def cmd_person_list(ctx: Context, args: argparse.Namespace) -> int:
    people = sorted(ctx.services.directory.people(), key=lambda p: p.handle)
    if args.json:
        emit_json([person_json(p) for p in people])
        return 0
    print_table(
        [[p.handle, p.name, p.email, p.dept or ""] for p in people],
        [_("HANDLE"), _("NAME"), _("EMAIL"), _("DEPT")],
    )
    return 0


def cmd_person_edit(ctx: Context, args: argparse.Namespace) -> int:
    person = ctx.services.directory.edit_person(
        args.handle, name=args.name, email=args.email, dept=args.dept, clear_dept=args.no_dept
    )
    print(person.handle)
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    person_sub = b.group(sub, "person")
    p = b.command(person_sub, "add", cmd_person_add, _("add a person"))
    p.add_argument("handle", metavar="HANDLE")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True, metavar="ADDR")
    p.add_argument("--dept", metavar="NAME")
    b.json_flag(b.command(person_sub, "list", cmd_person_list, _("list people")))
    p = b.command(person_sub, "edit", cmd_person_edit, _("change a person's name, e-mail or department"))
    p.add_argument("handle", metavar="HANDLE")
    p.add_argument("--name", metavar="TEXT")
    p.add_argument("--email", metavar="ADDR")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--dept", metavar="NAME")
    which.add_argument("--no-dept", action="store_true", help=_("the person belongs to no department"))
