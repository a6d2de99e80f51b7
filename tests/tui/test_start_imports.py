"""What the app has imported when its first frame is out, from a real start (``tui.cli.main`` in a
subprocess, Textual's headless driver): on a server database nothing of the JSON store, which it never
uses (``storage/__init__.py`` imports it when a JSON file is opened). The JSON start is the control:
the same probe sees the JSON store there, so an empty answer on the server path means something."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_tui import make_demo
from domain.repository import Store
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

ROOT = Path(__file__).resolve().parents[2]

JSON_STORE = ("storage.json_store", "tinydb", "storage.records", "storage.tables")
"""The JSON store and what only it imports."""

PROBE = """
import importlib, json, sys

out, db = sys.argv[1], sys.argv[2]
real = importlib.import_module


def probed(name, *args, **kwargs):
    module = real(name, *args, **kwargs)
    if name == "tui.app":  # the one import of the app (tui/cli/__init__.py), after the pre-read
        display = module.HuddleApp._display

        def _display(self, screen, renderable):
            display(self, screen, renderable)
            if self._after_first_frame is None and not hasattr(self, "_probed"):
                self._probed = True  # the first frame is out: what is loaded now ran before it
                with open(out, "w") as handle:
                    json.dump(sorted(sys.modules), handle)
                self.exit()

        module.HuddleApp._display = _display
    return module


importlib.import_module = probed
from tui.cli import main

sys.exit(main(["--db", db, "--user", "ann"]))
"""


def modules_at_first_frame(db: str, tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    env = dict(os.environ)
    env.update(
        TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
        HUDDLE_CONFIG=str(tmp_path / "none.toml"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), db],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.exists(), "the app exited before its first frame"
    return set(json.loads(out.read_text()))


@pytest.mark.slow
def test_a_server_database_imports_nothing_of_the_json_store_before_the_first_frame(
    pg_url: str, pg_store: Store, tmp_path: Path
) -> None:
    services = make_services(pg_store, FixedClock(), handle="ann")
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("OPS", "运维")
    loaded = modules_at_first_frame(pg_url, tmp_path)
    assert "storage.postgres.appstore" in loaded
    assert loaded.isdisjoint(JSON_STORE), sorted(loaded.intersection(JSON_STORE))


def test_the_probe_sees_the_json_store_of_a_json_start(tmp_path: Path) -> None:
    db = tmp_path / "demo.json"
    make_demo(db)
    loaded = modules_at_first_frame(str(db), tmp_path)
    assert set(JSON_STORE) <= loaded
