"""``huddle demo``: fill the data file with the demo project."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.i18n import _
from tui.cli.parser import group_help

if TYPE_CHECKING:
    from tui.cli.parser import Builder
    from tui.wiring import Context


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from domain.demo import fill_demo

    summary = fill_demo(ctx.services, force=args.force)
    print(
        _("demo project written to {where}: {summary}").format(
            where=ctx.services.store.describe(), summary=summary
        )
    )
    return 0


def add_parsers(sub: Any, b: Builder) -> None:
    p = b.command(sub, "demo", cmd_demo, group_help("demo"))
    p.add_argument("--force", action="store_true", help=_("replace a data file that already has data"))
