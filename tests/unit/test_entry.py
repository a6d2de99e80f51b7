"""The ``huddle`` script starts in ``tui.entry``: the collector runs every ``COMMAND_THRESHOLD`` new
objects from before the command line's first import, and the terminal app gets the usual thresholds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tui import entry

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
usual = gc.get_threshold()
from tui import entry
assert "tui.cli" not in sys.modules and "domain" not in sys.modules, "imported too early"
seen = []
import builtins
real_import = builtins.__import__
def watch(name, *args, **kwargs):
    if name == "tui.cli" and not seen:
        seen.append(gc.get_threshold())
    return real_import(name, *args, **kwargs)
builtins.__import__ = watch
sys.argv = ["huddle", *sys.argv[1:]]
code = entry.main()
builtins.__import__ = real_import
during = gc.get_threshold()
entry.restore_collector()
print(repr((code, usual, seen[0], during, gc.get_threshold())), file=sys.stderr)
"""


def test_the_installed_script_starts_in_tui_entry() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "huddle"]
    assert script.value == "tui.entry:main"
    text = Path(sys.executable).with_name("huddle").read_text(encoding="utf-8")
    assert "from tui.entry import main" in text


def test_a_command_runs_with_the_raised_threshold_from_its_first_import(tmp_path: Path) -> None:
    env = {**os.environ, "HUDDLE_DB": str(tmp_path / "h.json"), "HUDDLE_USER": "ann"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "card", "list", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    code, usual, seen, during, after = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    assert code == 0
    assert seen == during == (entry.COMMAND_THRESHOLD, *usual[1:])
    assert after == usual  # what the terminal app runs with (tui.cli calls restore_collector first)
    assert 10 * usual[0] < entry.COMMAND_THRESHOLD


def test_restoring_without_the_script_changes_nothing() -> None:
    """In-process callers of ``tui.cli.main`` (the tests) never had the threshold raised."""
    import gc

    before = gc.get_threshold()
    entry.restore_collector()
    assert gc.get_threshold() == before
