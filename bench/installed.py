"""Run measured processes as an installed copy runs: with our modules' bytecode already written.

``pip install`` compiles every module; an editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` (as
some shells and sandboxes set) would instead recompile ours from source in every process and bias
start-up figures against Huddle alone, since Textual's bytecode came with its wheel.
"""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def precompile(root: Path = ROOT) -> None:
    """Write the bytecode of the checkout at ``root`` (another one, to compare it in the same run)."""
    for package in ("domain", "storage", "exporters", "tui"):
        compileall.compile_dir(root / package, quiet=1)


def huddle_commands(checkouts: list[str], label: str = "") -> dict[str, list[str]]:
    """The ``huddle`` command to time, by label: the installed script, or one per source tree in
    ``checkouts`` (each compiled first, run from its own tree) to compare them in one alternated run."""
    precompile()
    if not checkouts:
        return {label: [str(Path(sys.executable).with_name("huddle"))]}
    commands: dict[str, list[str]] = {}
    for tree in checkouts:
        root = Path(tree).resolve()
        precompile(root)
        run = f"import sys; sys.path.insert(0, {str(root)!r}); from tui.cli import main; sys.exit(main())"
        commands[f"{label} ({root.name})".lstrip()] = [sys.executable, "-c", run]
    return commands
