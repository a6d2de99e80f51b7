"""The ``huddle`` command. Without a subcommand it opens the TUI; every subcommand works without Textual.

Errors are one line on stderr (``huddle: error: ...``): exit 2 for usage errors, 1 for everything
else, and nothing is written when a command fails.

The package: ``parser`` builds the argument parser (only the group named on the command line),
``args`` holds argument types and input checks, ``output`` the tables, JSON and error lines, and one
module per command group holds its parsers and handlers (``cards``, ``meetings``, ``export`` ...).
Importing this package loads only what ``main`` needs before the command is known.
"""

from __future__ import annotations

import gc
import importlib
import sys
import time
from collections.abc import Sequence

from domain.errors import HuddleError
from domain.i18n import UnknownLanguageError, _
from tui.cli.args import UsageError, check_input, refuse_password_in_url
from tui.cli.output import error
from tui.cli.parser import Handler, build_parser
from tui.language import choose_language, read_config

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``huddle`` script."""
    words = list(sys.argv[1:] if argv is None else argv)
    ran_app: list[bool] = []
    try:
        return _run(words, ran_app)
    finally:
        if argv is None and not ran_app:
            _skip_the_final_collection()


def _skip_the_final_collection() -> None:
    """Leave the objects alive at exit out of the garbage collector's last pass.

    At exit the interpreter runs a full collection over every object still alive (the modules, and
    whatever a command kept): 10-20 ms of a ``card add`` that took 100. ``gc.freeze()`` moves them all
    to the permanent generation, which that pass skips; memory is handed back by the exit itself.
    Objects are still released by reference count as modules are cleared, atexit handlers run and
    stdout and stderr are flushed as before; what no longer happens is finalizing reference cycles
    left at exit, which Python never promised (the data file is written, fsynced and closed inside
    the command's transaction, and file locks end with the process). Only when ``main`` is the
    process's entry point (``argv`` not given) and ran a command, not the TUI: a caller that goes on
    running (the tests call ``main([...])`` in one process) would keep every cycle frozen from then on.
    """
    gc.freeze()


def _run(argv: list[str], ran_app: list[bool]) -> int:
    """Parse ``argv`` and run its command (or the TUI, noted in ``ran_app``); errors become one line."""
    try:
        check_input(argv)
        settings = read_config()  # once: for the language and for the context (None: it does not load)
        try:
            choose_language(argv, settings=settings)  # before the parser: its help and errors are in it
        except UnknownLanguageError as exc:
            raise UsageError(str(exc)) from None
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        refuse_password_in_url(getattr(args, "db", None))
        parsed = time.monotonic()  # for the start-up timeline (tui.timeline), should this be the TUI
        from tui.wiring import build_context

        handler: Handler | None = getattr(args, "handler", None)
        for_app = handler is None and args.command is None
        # A config that did not load is read again there, to say why in the language now chosen.
        ctx = build_context(
            getattr(args, "db", None), getattr(args, "user", None), settings=settings, for_app=for_app
        )
        opened = time.monotonic()
        if handler is None:
            if args.command is not None:
                parser.parse_args([args.command, "--help"])
            # By name: the TUI is the one thing here that loads Textual, and the import contract of
            # tui.cli (pyproject.toml) checks the static graph, which this import stays out of.
            ran_app.append(True)
            from tui import timeline
            from tui.entry import restore_collector

            restore_collector()  # the app is long-running: the collector's usual pace (tui/entry.py)
            from tui.wiring import read_first_page_ahead

            read_first_page_ahead(ctx)  # a JSON file's first page, read while Textual is imported

            timeline.mark("command line parsed", at=parsed)
            timeline.mark("context built (store opened)", at=opened)
            gc.disable()  # until the app's first frame is out: tui.app.run_app turns it back on
            importlib.import_module("tui.app").run_app(ctx)
            return 0
        return handler(ctx, args)
    except UsageError as exc:
        error(str(exc), argv)
        return 2
    except HuddleError as exc:
        error(str(exc), argv)
        return 1
    except KeyboardInterrupt:
        print(_("huddle: interrupted; nothing more was written"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
