"""Help lists every key of every area, screen and dialog with its binding id; remaps show everywhere."""

from __future__ import annotations

import dataclasses

from rich.cells import cell_len
from textual.widgets import Static

from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.card_form import CardFormModal
from tui.dialogs.help import HelpScreen
from tui.keymap_ids import BINDING_IDS
from tui.widgets.key_bar import KeyBar, fit_keys
from tui.wiring import Context


def help_text(app: HuddleApp) -> str:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return str(screen.query_one("#help-text", Static).content)


async def test_help_lists_every_binding_id_the_palette_and_live_meeting_keys(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = help_text(app)
        missing = sorted(i for i in BINDING_IDS - {"help.close"} if f"({i})" not in text)
        assert missing == []
        assert "^p" in text
        assert "Command palette" in text
        assert "Live meeting" in text
        assert "(meeting.decide)" in next(line for line in text.splitlines() if "alt+d" in line)


async def test_a_remap_shows_in_the_key_bar_help_and_palette_and_works(context: Context) -> None:
    keymap = {"board.new-card": "ctrl+k", "board.edit-card": "f6"}
    context = dataclasses.replace(context, settings=dataclasses.replace(context.settings, keymap=keymap))
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one(KeyBar).content)
        assert " ^k  New" in bar, bar
        assert " f6  Edit" in bar, bar
        assert " n  New" not in bar
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Board: New"] == "key ctrl+k", commands
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        lines = help_text(app).splitlines()
        new_row = next(line for line in lines if "(board.new-card)" in line)
        assert new_row.split()[0] == "^k", new_row
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, CardFormModal))


async def test_key_bar_keeps_help_and_palette_at_80_columns(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        await until(pilot, lambda: "palette" in str(bar.content))
        text = str(bar.content)
        assert " ?  Help" in text
        assert cell_len(text) <= 80


def test_fit_keys_keeps_the_kept_ones_and_counts_cells() -> None:
    items = [(10, False), (20, False), (8, True), (9, True)]
    assert fit_keys(items, 100) == [0, 1, 2, 3]
    assert fit_keys(items, 30) == [0, 2, 3]
    assert fit_keys(items, 18) == [2, 3]
    assert fit_keys(items, 0) == [0, 1, 2, 3]
