"""The package build: ``make venv`` (an editable install) prints no setuptools deprecation warnings.

Runs the same ``pip install -e`` as the Makefile, without the dependencies, in a throwaway virtual
environment: the build backend (setuptools, with Babel) comes from the package index like in ``make venv``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_editable_install_prints_no_deprecation_warnings(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--no-deps", "-e", str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 and "No matching distribution" in output:
        pytest.skip(f"the build backend could not be installed from the package index: {output[-300:]}")
    assert result.returncode == 0, output[-2000:]
    for noise in ("Deprecat", "deprecated", "BuildBackendWarning", "SetuptoolsWarning"):
        assert noise not in output, output[-2000:]
    # Still one static path entry (the quick import the CLI's start-up budget relies on), not a finder.
    (pth,) = (venv / "lib").glob("python3*/site-packages/__editable__.huddle_tui-*.pth")
    assert pth.read_text("utf-8").strip() == str(REPO)
