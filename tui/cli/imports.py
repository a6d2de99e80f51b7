"""The ``import``, ``backup`` and ``restore`` commands of ``huddle``. No Textual import.

``import`` reads a file, prints the plan, and applies it in one transaction unless ``--dry-run``.
``backup`` writes the whole project as one JSON document; ``restore`` puts one back.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from domain.i18n import _
from tui.cli.parser import group_help, short_common

if TYPE_CHECKING:
    from tui.cli.parser import Builder
    from tui.wiring import Context


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], b: Builder) -> None:
    """Add ``import csv|xlsx|trello|jira``, ``backup`` and ``restore`` to the ``huddle`` parser."""
    common = short_common()
    imp_sub = b.group(sub, "import", metavar="KIND", common=common)
    helps = {
        "csv": _("a CSV sheet (UTF-8, UTF-8 with BOM, GB18030/GBK; comma, semicolon or tab)"),
        "xlsx": _("an Excel .xlsx workbook (first sheet)"),
        "trello": _("a Trello board export (JSON)"),
        "jira": _("a Jira CSV export"),
    }
    for kind, text in helps.items():
        p = imp_sub.add_parser(
            kind,
            help=text,
            description=_(
                "Import {what}: print the plan, then apply it in one transaction. Importing "
                "the same file again updates the cards it made instead of adding new ones."
            ).format(what=text),
            parents=[common],
        )
        p.add_argument("file", metavar="FILE", help=_("the file to import"))
        p.add_argument("--dept", metavar="NAME", help=_("put every card on this department's board"))
        if kind in ("csv", "xlsx"):
            p.add_argument(
                "--map",
                metavar="FIELD=COLUMN",
                action="append",
                default=[],
                help=_("read FIELD (title, owner, due, status, tags, blocked_by ...) from COLUMN"),
            )
        if kind in ("csv", "jira"):
            p.add_argument("--encoding", metavar="NAME", help=_("the file's encoding (default: detected)"))
        p.add_argument("--dry-run", action="store_true", help=_("print the plan; change nothing"))
        p.add_argument("--json", action="store_true", help=_("print the plan as one JSON document"))
        p.set_defaults(handler=cmd_import, kind=kind)

    p = sub.add_parser(
        "backup",
        help=group_help("backup"),
        description=_(
            "Write every department, person, card, risk, meeting, change request and activity "
            "record to one versioned JSON document (the same for every storage backend)."
        ),
        parents=[common],
    )
    p.add_argument("-o", "--output", metavar="FILE", required=True, help=_("file to write, '-' for stdout"))
    p.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser(
        "restore",
        help=group_help("restore"),
        description=_(
            "Replace the project with the backup in FILE, in one transaction. Refused when the "
            "project has data, unless --force."
        ),
        parents=[common],
    )
    p.add_argument("file", metavar="FILE", help=_("a file written by 'huddle backup'"))
    p.add_argument("--force", action="store_true", help=_("replace a project that already has data"))
    p.set_defaults(handler=cmd_restore)


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle import KIND FILE [--dept NAME] [--map FIELD=COLUMN]... [--dry-run] [--json]``."""
    from importers import read_file, read_source
    from importers.plan import apply_import, plan_import, summary
    from importers.sheet import parse_mapping

    mapping = parse_mapping(getattr(args, "map", []))
    path = Path(args.file)
    batch = read_source(
        args.kind,
        read_file(path),
        path.name,
        zone=ctx.zone,
        mapping=mapping,
        encoding=getattr(args, "encoding", None),
    )
    if args.dry_run:
        plan = plan_import(batch, ctx.services.store.snapshot(), dept=args.dept)
    else:
        plan = apply_import(ctx.services, batch, dept=args.dept)
    if args.json:
        from tui.cli.output import emit_json

        emit_json(plan.to_json())
    else:
        from domain.text import printable

        for line in plan.lines():
            print(printable(line))
        print(
            _("{summary} (dry run: nothing written)").format(summary=summary(plan))
            if args.dry_run
            else summary(plan)
        )
    return 0


def cmd_backup(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle backup -o FILE [--force]``."""
    from outbound.exporting import write_file
    from storage.backup import dump_backup, encode_backup
    from tui.cli.output import counts_text

    if args.output != "-":
        from outbound.exporting import check_destination

        check_destination(Path(args.output), force=args.force)
    document = dump_backup(ctx.services.store.snapshot(), now=ctx.clock())
    data = encode_backup(document)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    path = write_file(Path(args.output), data, force=args.force)
    counts = counts_text(
        {k: len(document[k]) for k in ("departments", "people", "cards", "risks", "meetings")}
    )
    print(_("wrote {path} ({counts})").format(path=path, counts=counts))
    return 0


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    """``huddle restore FILE [--force]``."""
    from importers import read_file
    from storage.backup import decode_backup, restore_backup
    from tui.cli.output import counts_text

    path = Path(args.file)
    document = decode_backup(read_file(path), path.name)
    counts = restore_backup(ctx.services.store, document, force=args.force)
    shown = counts_text(counts)
    print(_("restored {path}: {counts}").format(path=path, counts=shown))
    return 0
