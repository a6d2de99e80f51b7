"""Two real ``huddle`` apps in tmux on one PostgreSQL database: a card added on one screen shows on the
other, carried by LISTEN/NOTIFY (the apps' version poll is set to 60 s, so the poll cannot be it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from domain.repository import Store
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

pytestmark = pytest.mark.slow

HUDDLE = Path(sys.executable).with_name("huddle")


class Tmux:
    """A tmux server of the test's own (its own socket), killed at the end."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30, check=False
        )
        return proc.stdout

    def screen(self, session: str) -> str:
        return self("capture-pane", "-p", "-t", session)

    def wait_for(self, session: str, test: Callable[[str], bool], seconds: float = 60.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if test(self.screen(session)):
                return True
            time.sleep(0.02)
        return test(self.screen(session))


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    server = Tmux(f"huddle-pg-{os.getpid()}-{tmp_path.name}")
    try:
        yield server
    finally:
        server("kill-server")


def test_a_card_added_in_one_app_shows_in_the_other(
    tmux: Tmux, pg_url: str, pg_store: Store, tmp_path: Path
) -> None:
    services = make_services(pg_store, FixedClock())
    services.directory.add_department("Operations", key="OPS")
    services.cards.add("OPS", "first card")
    config = tmp_path / "huddle.toml"
    config.write_text("poll_seconds = 60.0\n")
    for session, user in (("a", "ann"), ("b", "bob")):
        command = f"env TERM=xterm-256color HUDDLE_CONFIG={config} {HUDDLE} --db {pg_url} --user {user}"
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "30", command)
    for session in ("a", "b"):
        assert tmux.wait_for(session, lambda s: "first card" in s), tmux.screen(session)

    tmux("send-keys", "-t", "a", "n")
    assert tmux.wait_for("a", lambda s: "New card in Operations" in s), tmux.screen("a")
    tmux("send-keys", "-t", "a", "-l", "PGLIVE")
    assert tmux.wait_for("a", lambda s: "PGLIVE" in s), tmux.screen("a")
    tmux("send-keys", "-t", "a", "C-s")
    assert tmux.wait_for("a", lambda s: "OPS-2" in s and "New card" not in s), tmux.screen("a")
    saved = time.monotonic()
    assert tmux.wait_for("b", lambda s: "OPS-2" in s and "PGLIVE" in s, seconds=20), tmux.screen("b")
    seconds = time.monotonic() - saved
    print(f"\n[tmux, two apps on PostgreSQL] the other screen showed the card {seconds:.2f} s later")
