"""One shared host per test session: a group, three members and an outsider, a setgid 2770 folder.

Skipped with a reason unless the tests run as root with useradd, runuser, tmux and a system Python
with venv. Everything created (accounts with their homes and processes, the group, the folder) is
removed by the fixture's finalizer, also when a test fails.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.helpers.accounts import Host, create_host, missing_tools, system_venv


@pytest.fixture(scope="session")
def host() -> Iterator[Host]:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    try:
        huddle = system_venv()
    except subprocess.CalledProcessError as exc:
        output = (exc.stderr or b"").decode(errors="replace")[-300:] if isinstance(exc.stderr, bytes) else ""
        pytest.skip(f"cannot build the venv other accounts run Huddle from on /usr/bin/python3: {output}")
    shared = create_host(huddle, members=3)
    try:
        yield shared
    finally:
        shared.remove()
