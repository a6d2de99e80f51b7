"""The tests share helpers through ``tests/helpers/`` and fixtures through conftest files, nothing else.

A test module importing another test module runs that module's import-time code (and its tests, if a
name like ``test_*`` is imported) a second time, and ties unrelated suites together; importing a
conftest bypasses pytest's fixture scoping. So: no ``tests.<x>.test_*`` and no ``...conftest`` import
anywhere under ``tests/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def imported_modules(path: Path, root: Path = TESTS.parent) -> list[tuple[int, str]]:
    """(line, dotted name) of every module ``path`` (below ``root``) imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            # ``from tests.tui import test_meetings`` names the module in the imported names.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def offences(path: Path, root: Path = TESTS.parent) -> list[str]:
    """One line per import of a test module or a conftest in ``path``."""
    bad = []
    for line, name in imported_modules(path, root):
        parts = name.split(".")
        if parts[0] != "tests":
            continue
        if parts[-1] == "conftest" or any(part.startswith("test_") for part in parts[1:]):
            bad.append(f"{path.relative_to(root)}:{line}: imports {name}")
    return bad


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    files = [p for p in TESTS.rglob("*.py") if "__snapshots__" not in p.parts]
    assert len(files) > 50, "the tests folder was not found"
    problems = [line for path in files for line in offences(path)]
    assert not problems, "shared helpers belong in tests/helpers/:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "from tests.tui.test_meetings import until\n",
        "from tests.conftest import FixedClock\n",
        "import tests.cli.conftest\n",
        "from tests.tui import test_meetings\n",
        "from .conftest import fill\n",
        "from . import test_plan\n",
    ],
)
def test_the_check_notices_each_way_of_writing_the_import(source: str, tmp_path: Path) -> None:
    probe = tmp_path / "tests" / "storage" / "test_probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(source, encoding="utf-8")
    assert offences(probe, tmp_path), source


def test_helpers_and_fixtures_imports_pass() -> None:
    """What the tests do write is allowed: helpers modules, and the project's own packages."""
    probe = TESTS / "helpers" / "wait.py"
    assert not offences(probe)
    assert any(
        name == "tests.helpers.wait" for _, name in imported_modules(TESTS / "helpers" / "meetings.py")
    )
