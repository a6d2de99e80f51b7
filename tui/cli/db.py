"""The ``db`` subcommands of ``huddle``: copy a whole Huddle between a JSON file and a PostgreSQL
database, and check one's schema version and integrity. No Textual import.

Loaded from ``tui.cli.parser.build_parser`` like ``tui.cli.export``; handlers raise ``HuddleError``s,
which ``tui.cli.main`` turns into ``huddle: error: ...``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from domain.i18n import N_, _
from tui.cli.parser import global_parent

if TYPE_CHECKING:
    from domain.repository import Store
    from tui.cli.parser import Builder
    from tui.wiring import Context


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], b: Builder) -> None:
    """Add ``db copy`` and ``db check`` to the ``huddle`` parser."""
    common = global_parent(
        db_metavar="PATH|URL", db_help=N_("the data file or database"), user_help=N_("your handle")
    )
    db_sub = b.group(sub, "db", common=common)
    p = db_sub.add_parser(
        "copy",
        help=_("copy everything from SRC to DST (a JSON file or a postgresql:// URL), verified"),
        description=_(
            "Copy every record, the full activity history and the id counters from SRC to DST "
            "in one transaction on DST, then compare counts and contents before committing. Each of SRC "
            "and DST is a JSON data file or a postgresql:// URL (no password in it: use ~/.pgpass)."
        ),
        parents=[common],
    )
    p.add_argument("src", metavar="SRC")
    p.add_argument("dst", metavar="DST")
    p.add_argument("--force", action="store_true", help=_("replace what DST already holds"))
    b.json_flag(p)
    p.set_defaults(handler=cmd_db_copy)
    p = db_sub.add_parser(
        "check",
        help=_("report the schema version, counts and integrity problems of --db"),
        description=_(
            "Report the schema version, how many records each table holds and every problem "
            "found: documents that do not decode, dangling references, counters behind their ids. "
            "Exit status 1 when there is a problem."
        ),
        parents=[common],
    )
    b.json_flag(p)
    p.set_defaults(handler=cmd_db_check)


def _open(target: str, role: str) -> Store:
    from pathlib import Path

    from domain.text import check_line
    from storage import is_server_url, open_store
    from storage.dburl import has_password
    from tui.cli.args import UsageError

    check_line(target, role)
    if is_server_url(target):
        if has_password(target):
            raise UsageError(
                _(
                    "db copy: {role}: leave the password out of the URL; put it in ~/.pgpass or $PGPASSFILE"
                ).format(role=role)
            )
        return open_store(target)
    return open_store(Path(target).expanduser())


def cmd_db_copy(ctx: Context, args: argparse.Namespace) -> int:
    from storage import transfer
    from tui.cli.args import UsageError
    from tui.cli.output import counts_text, emit_json

    source, target = _open(args.src, "SRC"), _open(args.dst, "DST")
    if source.describe() == target.describe():
        raise UsageError(_("db copy: SRC and DST are the same database"))
    data = transfer.dump(source)
    transfer.load(target, data, force=args.force)
    counts = data.counts()
    if args.json:
        emit_json(
            {"source": source.describe(), "target": target.describe(), "counts": counts, "verified": True}
        )
    else:
        print(
            _("copied {counts} from {source} to {target}; verified").format(
                counts=counts_text(counts), source=source.describe(), target=target.describe()
            )
        )
    return 0


def cmd_db_check(ctx: Context, args: argparse.Namespace) -> int:
    from domain.text import printable
    from storage import transfer
    from tui.cli.output import counts_text, emit_json

    report = transfer.check(ctx.services.store)
    if args.json:
        emit_json(report.as_json())
    else:
        print(
            _("{backend} {where}: schema {schema}, documents {documents}").format(
                backend=report.backend,
                where=report.where,
                schema=report.schema,
                documents=report.document_schema,
            )
        )
        print(counts_text(report.counts))
        for problem in report.problems:
            print(_("problem: {problem}").format(problem=printable(problem)))
        n = len(report.problems)
        print(_("ok") if not n else _("{n} problem(s)").format(n=n))
    return 0 if not report.problems else 1
