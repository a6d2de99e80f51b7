"""Nothing in the repository points at documents that live outside it.

The product contract, the layout and the house style were written beside the repository, not in it;
a reader of a clone cannot open them. The budgets the benches check are in ``docs/budgets.md``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUTSIDE = tuple(f"{name}.md" for name in ("DESIGN", "LAYOUT", "STYLE"))
TEXT = {".py", ".md", ".toml", ".txt", ".cfg", ".sh", ".mjs", ".tcss", ""}


def tracked_files() -> list[Path]:
    """The files git tracks (what a clone holds; build output and venvs are not the repository's text)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [REPO / name for name in listed.decode("utf-8").split("\0") if name]


def test_no_file_cites_a_document_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if path.suffix not in TEXT or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(REPO)}: {name}" for name in OUTSIDE if name in text]
    assert offenders == [], "point at docs/ instead:\n" + "\n".join(offenders)


def test_the_budgets_the_benches_cite_are_in_the_repository() -> None:
    budgets = (REPO / "docs" / "budgets.md").read_text(encoding="utf-8")
    for bench in sorted((REPO / "bench").glob("bench_*.py")):
        if "docs/budgets.md" in bench.read_text(encoding="utf-8"):
            assert bench.name in budgets, f"{bench.name} cites docs/budgets.md, which does not name it"
