"""Drive the real ``huddle`` app in tmux, as a person on an SSH link would see it: a real pty, 80x24.

Each test gets its own tmux server (``tmux -L NAME``, a private socket), so tests never see each
other's sessions and ``kill-server`` only ever ends the test's own apps. Every wait polls the screen
or the files with a deadline; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.helpers.wait import wait_for

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 80, 24


def huddle_command() -> list[str]:
    """The installed ``huddle`` script of this interpreter's virtual environment."""
    script = Path(sys.executable).with_name("huddle")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]


def require_tmux() -> str:
    """tmux's path, or skip with the reason (``.ci/run`` installs it)."""
    path = shutil.which("tmux")
    if path is None:
        pytest.skip("tmux is not installed (.ci/run installs it with apt-get)")
    return path


def process_gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


class Tmux:
    """One private tmux server; sessions are named by the caller."""

    def __init__(self, label: str) -> None:
        self.tmux = require_tmux()
        self.socket = f"huddle-{label}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "COLORTERM")}
        self.env["PYTHONPATH"] = str(ROOT)

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", os.devnull, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, session: str, argv: Sequence[str]) -> int:
        """Start ``argv`` in a new 80x24 session; returns the app's PID (``exec`` keeps it the pane's)."""
        command = "exec " + " ".join(_quote(a) for a in argv)
        self.run("new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), command)
        return int(self.run("display-message", "-p", "-t", session, "#{pane_pid}").strip())

    def screen(self, session: str) -> str:
        return self.run("capture-pane", "-p", "-t", session, check=False)

    def wait_screen(self, session: str, text: str, seconds: float = 60) -> None:
        wait_for(lambda: text in self.screen(session), seconds, f"{text!r} on the screen of {session}")

    def send(self, session: str, *keys: str) -> None:
        """``tmux send-keys``: arguments that name a key (``Enter``) are keys, the rest literal text."""
        self.run("send-keys", "-t", session, *keys)

    def kill_session(self, session: str) -> None:
        self.run("kill-session", "-t", session, check=False)

    def kill_server(self) -> None:
        self.run("kill-server", check=False)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def huddle(db: Path, *args: str) -> str:
    """Run the ``huddle`` command line on ``db``; its standard output."""
    done = subprocess.run(
        [*huddle_command(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def open_live_meeting(tmux: Tmux, session: str, seconds: float = 60) -> None:
    """From the board, open the one live meeting (key 4, then enter) and wait for the capture line."""
    tmux.wait_screen(session, "Huddle", seconds)
    tmux.send(session, "4")
    tmux.wait_screen(session, "Live now", seconds)
    tmux.send(session, "Enter")
    tmux.wait_screen(session, "you are the scribe", seconds)
    tmux.wait_screen(session, "Type a note", seconds)
