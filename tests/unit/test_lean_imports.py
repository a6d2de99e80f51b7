"""``domain.lean_imports``: the commands load no ``inspect`` (nor ``ast``, ``dis``, ``tokenize``), and
``dataclasses`` behaves as before, its one use of ``inspect`` included. Checked in fresh interpreters,
where the first import of ``dataclasses`` is the one that counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.lean_imports import LEAN, _OnFirstUse, import_lean

REPO = Path(__file__).resolve().parents[2]
DEFERRED = ("inspect", "ast", "dis", "tokenize", "platform", "ipaddress")

RUN = f"""
import sys
from tui.cli import main
code = main(sys.argv[1:])
print("exit", code, "loaded", ",".join(m for m in {DEFERRED!r} if m in sys.modules) or "-", file=sys.stderr)
"""


def run(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "words",
    [
        ["card", "add", "--dept", "Ops", "--title", "运维 检查", "--due", "fri"],
        ["card", "list", "--json"],
        ["card", "list", "--dept", "Ops"],
        ["card", "show", "OPS-1"],
        ["card", "move", "OPS-1", "Doing"],
        ["card", "delete", "OPS-1"],
    ],
    ids=lambda words: "-".join(words[:3]),
)
def test_the_card_commands_load_none_of_the_deferred_modules(words: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "HUDDLE_DB": str(tmp_path / "h.json"), "HUDDLE_USER": "ann"}
    for setup in (["dept", "add", "Ops"], ["card", "add", "--dept", "Ops", "--title", "第一"]):
        assert run(RUN, *setup, env=env).stderr.strip().endswith("exit 0 loaded -")
    last = run(RUN, *words, env=env).stderr.strip().splitlines()[-1]
    assert last.endswith("loaded -"), last
    assert last.startswith("exit 0"), last


def test_the_standard_decorator_still_writes_the_signature_docstring() -> None:
    """The one place dataclasses reads inspect: a class without a docstring gets its signature."""
    code = (
        "import sys, types, domain, dataclasses\n"
        "assert 'inspect' not in sys.modules\n"
        "@dataclasses.dataclass\n"
        "class Point:\n"
        "    x: int\n"
        "    y: str = 'a'\n"
        "print(Point.__doc__)\n"
        "import inspect\n"
        "print(type(inspect) is types.ModuleType, sys.modules['inspect'] is inspect,\n"
        "      dataclasses.inspect.signature is inspect.signature)\n"
    )
    result = run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Point(x: int, y: str = 'a')", "True True True"]


def test_a_stand_in_found_in_sys_modules_imports_the_real_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another thread importing the module while the stand-in is in place gets a working module."""
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    stand_in = _OnFirstUse("colorsys")
    monkeypatch.setitem(sys.modules, "colorsys", stand_in)
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert sys.modules["colorsys"] is not stand_in
    assert sys.modules["colorsys"].__name__ == "colorsys"


def test_an_already_loaded_module_is_returned_as_it_is() -> None:
    import dataclasses

    assert import_lean("dataclasses") is dataclasses
    assert set(LEAN) == {"dataclasses", "uuid", "urllib.parse"}


def test_a_bracketed_host_is_still_checked() -> None:
    """urllib.parse's one use of ipaddress: an IPv6 host in brackets (a PostgreSQL URL may hold one)."""
    code = (
        "import sys, domain, pathlib\n"
        "from urllib.parse import urlsplit\n"
        "assert 'ipaddress' not in sys.modules\n"
        "print(urlsplit('postgresql://u@[::1]:5432/db').hostname)\n"
        "try:\n"
        "    urlsplit('postgresql://u@[::1x]/db')\n"
        "except ValueError as exc:\n"
        "    print('refused', 'ipaddress' in sys.modules)\n"
    )
    result = run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["::1", "refused True"]


def test_uuid_learns_the_system_platform_would_have_told_it() -> None:
    code = (
        "import sys, domain, uuid, orjson\n"
        "assert 'platform' not in sys.modules\n"
        "import platform\n"
        "print(platform.system(), uuid._LINUX, uuid._AIX, uuid.platform.machine() == platform.machine())\n"
        "print(orjson.dumps(uuid.UUID(int=7)).decode())\n"
    )
    result = run(code)
    assert result.returncode == 0, result.stderr
    real = run("import platform; print(platform.system())").stdout.strip()
    assert result.stdout.splitlines() == [
        f"{real} {real == 'Linux'} {real == 'AIX'} True",
        '"00000000-0000-0000-0000-000000000007"',
    ]
