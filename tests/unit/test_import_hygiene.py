"""The headless core imports without Textual: checked in fresh interpreters, module by module."""

from __future__ import annotations

import ast
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, sys
forbidden = sys.argv[1].split(",")
for name in sys.argv[2:]:
    importlib.import_module(name)
    leaked = [f for f in forbidden if f in sys.modules]
    if leaked:
        sys.exit(f"importing {name} pulled in {', '.join(leaked)}")
print("clean", len(sys.argv) - 2)
"""


def modules_in(package: str) -> list[str]:
    """Every module of a top-level package, found on disk without importing it here."""
    root = REPO / package
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def probe(modules: list[str], forbidden: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(forbidden), *modules],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:] or result.stdout
    assert result.stdout.strip() == f"clean {len(modules)}"


def test_domain_has_no_ui_no_tinydb_no_file_formats() -> None:
    probe(modules_in("domain"), ["textual", "rich", "tinydb", "docx", "icalendar"])


def test_storage_is_reachable_without_the_tui() -> None:
    probe(modules_in("storage"), ["textual", "rich"])


def test_the_apps_postgresql_store_and_its_pre_reader_load_no_psycopg() -> None:
    # The first board on a server must not wait for the driver (storage/postgres/preread.py).
    probe(
        [
            "storage.postgres",
            "storage.postgres.appstore",
            "storage.postgres.preread",
            "storage.postgres.firstpage",
        ],
        ["psycopg", "psycopg_binary", "textual"],
    )


def test_the_pre_readers_child_runs_on_the_standard_library_alone() -> None:
    # Run as the app runs it (no site-packages): a request it cannot serve is answered, not crashed on.
    from storage.postgres.preread import CHILD

    result = subprocess.run(
        [sys.executable, "-S", "-P", str(CHILD)],
        input=marshal.dumps(
            {"libpq": "/nonexistent/libpq.so", "url": "postgresql://x@h/x", "sql": "", "params": []}
        ),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    kind, message = marshal.loads(result.stdout)
    assert kind == "failed"
    assert "cannot load libpq" in message


def test_exporters_are_reachable_without_the_tui() -> None:
    modules = modules_in("exporters")
    if not modules:
        pytest.skip("no exporters package yet")
    probe(modules, ["textual", "rich"])


def test_outbound_is_reachable_without_the_tui_and_loads_no_network_library_on_import() -> None:
    # CalDAV, IMAP and the iCalendar parser are loaded by the functions that use them, so the CLI
    # commands that import outbound for something small do not pay for them.
    probe(modules_in("outbound"), ["textual", "rich", "tui", "tinydb", "caldav", "icalendar", "imaplib"])


@pytest.mark.parametrize(
    "module",
    [
        "tui.config",
        "tui.keymap_ids",
        "tui.hangup",
        "tui.wiring",
        "tui.cli",
        "tui.entry",
        "tui.views.plan",
        "outbound.exporting",
    ],
)
def test_the_cli_side_of_tui_does_not_import_textual(module: str) -> None:
    path = REPO / Path(*module.split("."))
    if not path.with_suffix(".py").exists() and not (path / "__init__.py").exists():
        pytest.skip(f"{module} does not exist yet")
    probe([module], ["textual"])


def test_every_module_of_the_cli_package_imports_without_textual_or_rich() -> None:
    # tui.cli.__main__ runs the command when imported: the run test below covers it.
    probe([m for m in modules_in("tui/cli") if not m.endswith("__main__")], ["textual", "rich"])


RUN = """
import sys
from tui.cli import main
code = main(sys.argv[2:])
leaked = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1].split(",")))
leaked += sorted(n for n in ("tui.app", "tui.screens", "tui.widgets") if n in sys.modules)
print("exit", code, "loaded", ",".join(leaked) or "-", file=sys.stderr)
"""


@pytest.mark.parametrize(
    "words",
    [
        ["card", "add", "--dept", "Ops", "--title", "运维 检查", "--due", "fri"],
        ["card", "list", "--json"],
        ["meeting", "list", "--json"],
        ["milestone", "list"],
        ["risk", "list"],
        ["project", "goals", "--json"],
        ["db", "check"],
        ["export", "cards", "--csv", "-o", "-"],
        ["activity", "--limit", "3"],
        ["card", "show", "NOPE-1"],
        ["bogus"],
    ],
    ids=lambda words: "-".join(words[:2]),
)
def test_running_a_command_in_a_fresh_interpreter_loads_no_textual(words: list[str], tmp_path: Path) -> None:
    """Not only importing: parsing, running a command (or failing one) keeps Textual and rich out."""
    env = {**os.environ, "HUDDLE_DB": str(tmp_path / "h.json"), "HUDDLE_USER": "ann"}
    subprocess.run(
        [sys.executable, "-c", RUN, "textual,rich", "dept", "add", "Ops"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", RUN, "textual,rich", *words],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("exit "), result.stderr
    assert last.endswith("loaded -"), last


def test_the_probe_notices_a_textual_import() -> None:
    with pytest.raises(AssertionError, match=r"importing textual\.app pulled in textual"):
        probe(["textual.app"], ["textual"])


def test_the_milestone_and_close_commands_stay_light() -> None:
    """``huddle milestone ...`` and ``project close`` load neither Textual nor python-docx."""
    probe(["tui.cli.plan", "domain.services.closing", "domain.services.milestones"], ["textual", "docx"])


def test_card_add_loads_only_its_own_command_group() -> None:
    """The partial parser: ``card add`` imports the cards module and none of the other groups' modules
    (nor the exporters, the plan views or the PostgreSQL driver), which is its start-up budget."""
    probe(["tui.cli", "tui.cli.parser", "tui.cli.cards"], ["textual", "docx", "icalendar", "psycopg"])
    code = (
        "import sys\n"
        "from tui.cli.parser import build_parser\n"
        "build_parser(['--db', 'x.json', 'card', 'add', '--dept', 'D', '--title', 'T'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tui.', 'exporters', 'outbound'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    loaded = ast.literal_eval(out)
    assert "tui.cli.cards" in loaded
    others = [m for m in loaded if m not in ("tui", "tui.cli", "tui.cli.args", "tui.cli.output",
                                              "tui.cli.parser", "tui.cli.cards", "tui.language")]  # fmt: skip
    assert others == []


def test_the_json_backend_and_the_cli_never_load_the_postgresql_driver() -> None:
    """psycopg is imported only when a postgresql:// URL is opened (start-up time of every command)."""
    probe(
        ["storage", "storage.json_store", "storage.dburl", "tui.config", "tui.wiring", "tui.cli"], ["psycopg"]
    )


@pytest.mark.parametrize("package", ["importers", "outbound"])
def test_importers_and_outbound_load_neither_textual_nor_a_spreadsheet_library(package: str) -> None:
    """Import and export use cases run from the CLI: no Textual, and openpyxl only when a file needs it."""
    probe(modules_in(package), ["textual", "rich", "openpyxl"])


def test_the_import_and_export_commands_do_not_load_textual() -> None:
    probe(
        ["tui.cli.imports", "tui.cli.export", "storage.backup", "exporters.tables"], ["textual", "openpyxl"]
    )


def test_the_board_setup_commands_do_not_load_textual() -> None:
    probe(["tui.cli.columns"], ["textual"])


HEADLESS = ("domain", "storage", "exporters", "importers", "outbound")
"""The packages that must work without a terminal UI: every layer below ``tui``."""


@pytest.mark.parametrize("package", HEADLESS)
def test_every_module_of_a_headless_package_imports_without_textual_rich_or_tui(package: str) -> None:
    """One fresh interpreter per package imports each of its modules and checks after each one."""
    modules = modules_in(package)
    assert package in modules, f"{package}/ was not found on disk"
    assert len(modules) > 1, f"{package}/ has no modules beside its __init__"
    probe(modules, ["textual", "rich", "tui"])


def test_the_outbound_work_moved_out_of_tui_is_probed() -> None:
    """Sending mail and the export use cases live in ``outbound/`` now, and the probe covers them."""
    assert {"outbound.delivery", "outbound.exporting", "outbound.settings"} <= set(modules_in("outbound"))
    assert not (REPO / "tui" / "delivery.py").exists()
    assert not (REPO / "tui" / "exporting.py").exists()


BACKENDS = {"TinyStore", "PgStore"}


def test_open_store_is_the_one_place_a_backend_is_chosen() -> None:
    """Outside ``storage/`` (and the backends' own tests), nothing constructs a backend class: the
    composition root, the CLI and the benches call ``storage.open_store``, so a new backend plugs in there."""
    offenders = []
    for package in ("domain", "tui", "exporters", "outbound", "importers", "bench"):
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                target = func.value if isinstance(func, ast.Attribute) else func
                if isinstance(target, ast.Name) and target.id in BACKENDS:
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_choosing_the_language_loads_neither_textual_nor_babel() -> None:
    """The language is chosen at every start (CLI and TUI): standard gettext only, Babel is build-time."""
    probe(["domain.i18n", "tui.language", "tui.cli"], ["textual", "rich", "babel"])


def test_view_models_are_pure() -> None:
    """``tui/views`` computes what screens show from domain values: no Textual, Rich, storage or widgets."""
    modules = modules_in("tui/views")
    assert "tui.views.plan" in modules
    probe(modules, ["textual", "rich", "tinydb", "storage", "tui.screens", "tui.widgets", "tui.dialogs"])


def test_dialogs_load_neither_storage_nor_the_write_queue() -> None:
    """A dialog returns values; importing every one of them loads no storage and no app write path."""
    probe(modules_in("tui/dialogs"), ["tinydb", "storage", "tui.shell", "tui.jobs", "tui.screens", "tui.app"])


@pytest.mark.parametrize("module", ["tui.jobs", "tui.jobs.recorder", "tui.jobs.undo"])
def test_the_recorder_and_the_undo_stack_do_not_import_textual(module: str) -> None:
    """The benchmark drives the recorder on plain threads, and both are unit-tested without an app."""
    probe([module], ["textual", "rich"])
