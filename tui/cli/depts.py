"""``huddle dept add|list|rename``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.i18n import _
from tui.cli.output import emit_json, print_table

if TYPE_CHECKING:
    from domain.models import Department
    from tui.cli.parser import Builder
    from tui.wiring import Context


def department_json(d: Department) -> dict[str, Any]:
    return {
        "name": d.name,
        "key": d.key,
        "columns": [{"name": c.name, "wip_limit": c.wip_limit} for c in d.columns],
    }


def cmd_dept_add(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.add_department(args.name, key=args.key)
    print(_("{name} (card ids {key}-N)").format(name=dept.name, key=dept.key))
    return 0


def cmd_dept_list(ctx: Context, args: argparse.Namespace) -> int:
    depts = ctx.services.directory.departments()
    if args.json:
        emit_json([department_json(d) for d in depts])
        return 0
    counts = ctx.services.cards.department_counts()  # counted without decoding the cards (JSON store)
    rows = [[d.name, d.key, str(counts.get(d.name, 0))] for d in depts]
    print_table(rows, [_("NAME"), _("KEY"), _("CARDS")])
    return 0


def cmd_dept_rename(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.rename_department(args.old, args.new)
    print(dept.name)
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    dept_sub = b.group(sub, "dept")
    p = b.command(dept_sub, "add", cmd_dept_add, _("add a department (with its own board)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--key", help=_("prefix of its card ids, 1-8 ASCII letters (default: from the name)"))
    b.json_flag(b.command(dept_sub, "list", cmd_dept_list, _("list departments")))
    p = b.command(dept_sub, "rename", cmd_dept_rename, _("rename a department; its cards and people follow"))
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
