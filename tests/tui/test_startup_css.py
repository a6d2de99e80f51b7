"""Start-up parses the stylesheet once (the areas still styled from the current theme), and the garbage
collector paused for it is back once the first frame is out.

The app lets a newly built area screen skip Textual's full re-parse of every rule when its mode first
opens (``HuddleApp._make_area``): these tests check that the board starts without one, and that a theme
changed afterwards still reaches a screen built after the change and one built before it.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.theme import BUILTIN_THEMES

import tui.app as app_module
from tests.helpers.wait import settle, until
from tui.app import HuddleApp, resume_collection
from tui.collector import COLLECTOR
from tui.wiring import Context


def background(app: HuddleApp) -> Color:
    """The background the current screen is drawn with."""
    return app.screen.styles.background


async def test_the_board_starts_without_reparsing_the_stylesheet(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    reparsed: list[object] = []
    original = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append(self)
        original(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.current_mode == "boards"
        assert app.screen.query(".column-header")
        assert reparsed == []
        header = app.screen.query(".column-header").first()
        assert header.visual_style.foreground == app.styles.color  # the text colour, as before


async def test_a_theme_changed_later_reaches_new_and_old_area_screens(context: Context) -> None:
    assert {"textual-light", "textual-dark"} <= set(BUILTIN_THEMES)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dark = background(app)
        app.theme = "textual-light"
        await until(pilot, lambda: background(app) != dark)
        light = background(app)
        await pilot.press("2")  # the portfolio: a screen built after the change
        await settle(pilot)
        assert app.current_mode == "portfolio"
        assert background(app) == light
        app.theme = "textual-dark"
        await until(pilot, lambda: background(app) == dark)
        await pilot.press("1")  # the board: built before both changes, hidden during the last
        await settle(pilot)
        assert app.current_mode == "boards"
        assert background(app) == dark


async def test_the_collector_is_back_on_once_the_first_frame_is_out(context: Context) -> None:
    """``huddle`` turns the garbage collector off before Textual loads; the first frame turns it on."""
    app = HuddleApp(context)
    app.after_first_frame(resume_collection)
    frozen_before = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    gc.disable()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, gc.isenabled)
            assert gc.get_freeze_count() > frozen_before
            assert COLLECTOR._after_pass in gc.callbacks  # each full pass freezes what it leaves
            assert app.screen.query(".column-header")
    finally:
        gc.enable()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        COLLECTOR.active = False
        gc.callbacks[:] = [callback for callback in gc.callbacks if callback != COLLECTOR._after_pass]


class FrameCountingApp(HuddleApp):
    """The app, counting the frames Textual draws (outside a batch, where ``_display`` draws nothing)."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    frames = 0

    def _display(self, screen: Any, renderable: Any) -> None:
        if renderable is not None and not self._batch_count:
            self.frames += 1
        super()._display(screen, renderable)


async def test_work_kept_for_after_the_first_frame_waits_for_the_frame_textual_draws(
    context: Context,
) -> None:
    """Start-up composes and mounts inside one batch, where ``_display`` draws nothing: the kept work
    (the whole department, the collector) runs once a frame was drawn, not right after that batch."""
    app = FrameCountingApp(context)
    frames_when_run: list[int] = []
    app.after_first_frame(lambda: frames_when_run.append(app.frames))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(frames_when_run))
        assert frames_when_run[0] >= 1
        assert app.screen.query(".column-header")
