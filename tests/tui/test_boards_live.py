"""Live refresh from another process, drafts kept across reloads, SIGHUP flush hooks, the palette."""

from __future__ import annotations

import asyncio
import itertools
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.helpers.boards import boards, tile_ids
from tests.helpers.wait import eventually, quiet, settle, until
from tui.app import HuddleApp
from tui.dialogs.card_form import CardFormModal
from tui.dialogs.confirm import ConfirmModal
from tui.wiring import Context

ROOT = Path(__file__).resolve().parents[2]
HUDDLE = Path(sys.executable).parent / "huddle"


def other_process_adds_card(db: Path, title: str) -> subprocess.Popen[bytes]:
    """Start another process that adds a card through the services (the CLI when it is installed)."""
    if HUDDLE.exists():
        cmd = [
            str(HUDDLE),
            "--db",
            str(db),
            "--user",
            "bob",
            "card",
            "add",
            "--dept",
            "OPS",
            "--title",
            title,
        ]
    else:
        code = (
            "import sys; from tui.wiring import build_context; "
            "ctx = build_context(sys.argv[1], 'bob'); ctx.services.cards.add('OPS', sys.argv[2])"
        )
        cmd = [sys.executable, "-c", code, str(db), title]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
async def test_another_process_change_shows_within_about_a_second(context: Context) -> None:
    """The app polls the file's version once a second (``poll_seconds``): the first poll after another
    process's write sees it, and the board shows the card. The polls are noted and checked, not the
    seconds to the repaint: timed (under 2.5 s) that failed with two busy loops beside the suite."""
    app = HuddleApp(context)
    polls: list[tuple[float, object]] = []  # (when a poll read the version, what it read)
    store_version = app._store_version

    def noted_poll() -> object:
        started = time.monotonic()
        version = store_version()
        polls.append((started, version))
        return version

    app._store_version = noted_poll  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(tile_ids(app, "Backlog"))
        proc = other_process_adds_card(context.db_path, "Added elsewhere")
        await asyncio.to_thread(proc.wait, 30)
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        done = time.monotonic()
        written = context.services.store.version()
        assert await eventually(lambda: len(tile_ids(app, "Backlog")) == before + 1)
        titles = [c.title for c in boards(app).columns["Backlog"]]
        assert "Added elsewhere" in titles
        await until(pilot, lambda: len(polls) >= 3 and polls[-1][0] > done)
    after = [version for started, version in polls if started > done]
    assert after[0] == written, "the first poll after the write did not see it"
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(polls)]
    assert min(gaps) <= 1.6, f"polls {[round(g, 2) for g in gaps]} s apart, not once a second"


@pytest.mark.slow
async def test_open_edit_form_keeps_its_text_while_the_board_reloads(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, CardFormModal)
        title = form.query_one("#title", Input)
        title.value = ""
        await pilot.press(*"Half typed")
        proc = other_process_adds_card(context.db_path, "Written meanwhile")
        await asyncio.to_thread(proc.wait, 30)
        assert await eventually(
            lambda: "Written meanwhile" in [c.title for c in boards(app).columns["Backlog"]]
        )
        assert app.screen is form
        assert title.value == "Half typed"
        assert app.focused is title
        await pilot.press(*" title", "ctrl+s")
        await settle(pilot)
        assert context.services.cards.get("OPS-1").title == "Half typed title"


def broken_hook() -> None:
    """A hook that fails: the others still run."""
    raise OSError("disk gone")


async def test_sighup_runs_flush_hooks_then_exits(context: Context) -> None:
    app = HuddleApp(context)
    flushed: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        unregister = app.register_flush(lambda: flushed.append("second"))
        app.register_flush(lambda: flushed.append("journal"))
        app.register_flush(broken_hook)
        unregister()
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.hung_up and bool(flushed))
    assert flushed == ["journal"]
    assert app.return_code == 0
    assert signal.getsignal(signal.SIGHUP) is not app._on_hangup_signal


APP_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tui.wiring import build_context
import tui.app
from tui.app import HuddleApp

# The hang-up's watchdog ends the process (exit status 129) if the clean exit takes over 3 s, which a
# loaded machine can make it: this test is about the clean exit (status 0), so the watchdog waits longer.
assert isinstance(tui.app.GRACE_SECONDS, float)  # the name the hang-up reads
tui.app.GRACE_SECONDS = 120.0
ctx = build_context({db!r}, "ann")
app = HuddleApp(ctx)
marker = Path({marker!r})

def flush():
    marker.write_text("flushed")

def ready():
    app.register_flush(flush)
    Path({ready!r}).write_text("ready")

app.call_later(ready)
app.run()
"""


@pytest.mark.slow
def test_real_terminal_hangup_flushes_and_exits(context: Context, tmp_path: Path) -> None:
    marker = tmp_path / "flushed.txt"
    ready_file = tmp_path / "ready.txt"
    script = APP_SCRIPT.format(
        root=str(ROOT), db=str(context.db_path), marker=str(marker), ready=str(ready_file)
    )
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "COLORTERM"}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT
    )
    os.close(follower)
    output = b""
    try:
        deadline = time.monotonic() + 90  # start-up on a loaded machine
        while not ready_file.exists() and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    output += os.read(leader, 65536)
                except OSError:
                    break
        assert ready_file.exists(), output[-500:]
        assert b"\x1b[38;2;" not in output, "no truecolor without COLORTERM"
        proc.send_signal(signal.SIGHUP)
        os.close(leader)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert marker.read_text() == "flushed"


async def test_palette_lists_the_screen_actions(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for expected in (
            "Board: Move →",
            "Board: New",
            "Board: Edit",
            "Board: Delete",
            "Board: Detail",
            "App: Undo",
        ):
            assert expected in titles
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["Board: Move →"].callback()
        await settle(pilot)
        assert context.services.cards.get("OPS-1").column == "To do"


def first_hit(app: HuddleApp) -> str:
    """The first line the open command palette lists ("" while it lists nothing)."""
    hits = app.screen.query_one(CommandList)
    return str(hits.get_option_at_index(0).prompt) if hits.option_count else ""


async def test_palette_go_to_card_opens_it_on_its_board(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"MKT-2")
        await until(pilot, lambda: first_hit(app).startswith("Go to card MKT-2"))
        await quiet(pilot)  # the search has listed every hit: enter takes the first
        await pilot.press("enter")
        await settle(pilot)
        screen = boards(app)
        assert screen.department is not None
        assert screen.department.name == "市场部"
        assert screen.selected_id == "MKT-2"


async def test_hangup_saves_the_open_form_as_a_draft_and_offers_it_again(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, CardFormModal)
        form.query_one("#title", Input).value = "Unsaved 草稿 [/] title"
        form.query_one("#due", Input).value = "fri"
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.hung_up)
    assert context.services.cards.get("OPS-1").title == "Rack the new servers"
    again = HuddleApp(context)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = again.screen
        assert isinstance(form, CardFormModal)
        assert form.restored
        assert form.query_one("#title", Input).value == "Unsaved 草稿 [/] title"
        assert form.query_one("#due", Input).value == "fri"
        # A restored draft is a filled form: Esc asks before discarding it (issue 11), y discards.
        await pilot.press("escape")
        assert await eventually(lambda: isinstance(again.screen, ConfirmModal))
        await pilot.press("y")
        assert await eventually(lambda: not isinstance(again.screen, (ConfirmModal, CardFormModal)))
        await pilot.press("e")
        assert await eventually(lambda: isinstance(again.screen, CardFormModal))
        form = again.screen
        assert isinstance(form, CardFormModal)
        assert not form.restored
        assert form.query_one("#title", Input).value == "Rack the new servers"
