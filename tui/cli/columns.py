"""``huddle column ...``: board set-up from the CLI (``dept rename`` and ``person edit`` live in depts.py
and people.py).

Loaded by ``tui.cli.parser.build_parser`` only when the ``column`` group is invoked. No
Textual import. Every command is one service call, so one transaction with an activity record; a refused
change raises a ``HuddleError`` before anything is written and ``tui.cli.main`` prints one line, exit 1.
Values that are wrong on their face (a negative or non-numeric WIP limit) are usage errors, exit 2.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain import rules
from domain.errors import ValidationError
from domain.i18n import _
from domain.text import quoted
from tui.cli.args import integer
from tui.cli.output import emit_json, print_table

if TYPE_CHECKING:
    from tui.cli.parser import Builder
    from tui.wiring import Context


def _wip(text: str) -> int:
    """A WIP limit on the command line: a whole number, 0 meaning no limit."""
    value = integer(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number (0 = no limit)").format(value=quoted(text))
        )
    try:
        rules.check_wip_value(value)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_parsers(sub: Any, b: Builder) -> None:
    """Add the ``column`` group to the ``huddle`` parser."""
    command, json_flag = b.command, b.json_flag
    column_sub = b.group(sub, "column")
    p = command(column_sub, "list", cmd_column_list, _("the board's columns with WIP limit and card count"))
    p.add_argument("dept", metavar="DEPT")
    json_flag(p)
    p = command(column_sub, "add", cmd_column_add, _("add a column (default: last)"))
    p.add_argument("dept", metavar="DEPT")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--wip", type=_wip, default=0, metavar="N", help=_("WIP limit (default 0: no limit)"))
    p.add_argument("--before", metavar="COLUMN", help=_("put it before this column"))
    p = command(column_sub, "rename", cmd_column_rename, _("rename a column; its cards follow"))
    p.add_argument("dept", metavar="DEPT")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p = command(column_sub, "move", cmd_column_move, _("reorder: put a column before another, or last"))
    p.add_argument("dept", metavar="DEPT")
    p.add_argument("name", metavar="NAME")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--before", metavar="COLUMN")
    where.add_argument("--last", action="store_true")
    p = command(column_sub, "remove", cmd_column_remove, _("remove an empty column"))
    p.add_argument("dept", metavar="DEPT")
    p.add_argument("name", metavar="NAME")
    p = command(column_sub, "wip", cmd_column_wip, _("set a column's WIP limit (0 = no limit)"))
    p.add_argument("dept", metavar="DEPT")
    p.add_argument("column", metavar="COLUMN")
    p.add_argument("limit", type=_wip, metavar="N")


def _print_columns(ctx: Context, dept_name: str) -> None:
    """The board after a change, one line per column, so the user sees the result."""
    dept, columns = ctx.services.directory.columns(dept_name)
    print(f"{dept.name}: " + " | ".join(_label(c.name, c.wip_limit) for c, _limit in columns))


def _label(name: str, limit: int | None) -> str:
    return name if limit is None else f"{name} (WIP {limit})"


def cmd_column_list(ctx: Context, args: argparse.Namespace) -> int:
    _dept, columns = ctx.services.directory.columns(args.dept)
    if args.json:
        emit_json([{"name": c.name, "wip_limit": c.wip_limit, "cards": count} for c, count in columns])
        return 0
    rows = [[c.name, "" if c.wip_limit is None else str(c.wip_limit), str(n)] for c, n in columns]
    print_table(rows, [_("COLUMN"), "WIP", _("CARDS")])
    return 0


def cmd_column_add(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.add_column(
        args.dept, args.name, wip_limit=args.wip or None, before=args.before
    )
    _print_columns(ctx, dept.name)
    return 0


def cmd_column_rename(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.rename_column(args.dept, args.old, args.new)
    _print_columns(ctx, dept.name)
    return 0


def cmd_column_move(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.move_column(args.dept, args.name, before=args.before)
    _print_columns(ctx, dept.name)
    return 0


def cmd_column_remove(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.remove_column(args.dept, args.name)
    _print_columns(ctx, dept.name)
    return 0


def cmd_column_wip(ctx: Context, args: argparse.Namespace) -> int:
    dept = ctx.services.directory.set_wip_limit(args.dept, args.column, args.limit or None)
    _print_columns(ctx, dept.name)
    return 0
