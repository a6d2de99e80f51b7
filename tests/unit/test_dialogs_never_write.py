"""Dialogs return values and never write: no call in ``tui/dialogs`` reaches a service method that writes.

import-linter keeps ``domain.services``, the write queue and storage out of the dialogs' imports; this test
holds the rest, over the source itself: a dialog handed a services object (or anything shaped like one) and
calling ``x.risks.add(...)`` is caught whatever its imports say. The write methods are found, not listed:
every service method that opens a transaction, directly or through another method of its class.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "domain" / "services"
DIALOGS = ROOT / "tui" / "dialogs"
WRITE_PATH_NAMES = {"submit_write", "WriteJob", "transaction", "unguarded"}
"""Names of the app's write queue and of the store's write entry points."""


def _calls_of(function: ast.FunctionDef) -> tuple[bool, set[str]]:
    """Whether ``function`` opens a transaction itself, and which ``self.<method>`` it calls."""
    opens, calls = False, set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"transaction", "unguarded"}:
                opens = True
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
                calls.add(node.func.attr)
    return opens, calls


def service_write_methods() -> set[str]:
    """Names of the service methods that write, directly or through another method of the same class."""
    writes: set[str] = set()
    for path in sorted(SERVICES.glob("*.py")):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            graph = {f.name: _calls_of(f) for f in cls.body if isinstance(f, ast.FunctionDef)}
            writing = {name for name, (opens, _) in graph.items() if opens}
            while more := {n for n, (_, calls) in graph.items() if n not in writing and calls & writing}:
                writing |= more
            writes |= {name for name in writing if not name.startswith("_")}
    return writes


def service_areas() -> set[str]:
    """The attribute names under which ``Services`` offers its areas (``cards``, ``risks``...)."""
    tree = ast.parse((SERVICES / "__init__.py").read_text(encoding="utf-8"))
    services = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Services")
    return {f.name for f in services.body if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")}


def writes_in(source: str, writes: set[str], areas: set[str]) -> list[str]:
    """``line: text`` of every call of a service write (``<x>.<area>.<write>(...)``) or of a write path."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr in writes and isinstance(owner, ast.Attribute) and owner.attr in areas:
                found.append(f"{node.lineno}: {ast.unparse(node.func)}")
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in WRITE_PATH_NAMES:
                found.append(f"{node.lineno}: {name}")
    return found


def test_the_write_methods_are_found() -> None:
    writes, areas = service_write_methods(), service_areas()
    assert {"add", "edit", "delete", "move"} <= writes
    assert {"get", "list", "today"}.isdisjoint(writes)
    assert {"cards", "risks", "meetings", "milestones"} <= areas


def test_the_check_catches_a_dialog_that_saves() -> None:
    """The shape the risk form had before it returned its values: it must be reported."""
    source = (
        "def run():\n"
        "    return self.services.risks.add(title, 3, 4)\n"
        "shell_of(self.app).submit_write(WriteJob('save', run))\n"
    )
    found = writes_in(source, service_write_methods(), service_areas())
    assert found == ["2: self.services.risks.add", "3: submit_write", "3: WriteJob"]


def test_no_dialog_calls_a_service_that_writes() -> None:
    writes, areas = service_write_methods(), service_areas()
    modules = sorted(DIALOGS.glob("*.py"))
    assert len(modules) > 10
    offenders = {
        path.name: found
        for path in modules
        if (found := writes_in(path.read_text(encoding="utf-8"), writes, areas))
    }
    assert offenders == {}
