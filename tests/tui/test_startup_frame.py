"""Start-up draws the board once: no frame is drawn inside Textual's start-up batch (where it was thrown
away), and a screen shown for the first time is not styled a second time; a screen shown again is
restyled as Textual does, and a mode switch still draws the new screen.

These lean on Textual 8 internals (``Screen._compositor_refresh``, ``App._batch_count``,
``ScreenResume.refresh_styles``): :func:`test_the_textual_internals_relied_on_are_there` fails loudly
when an upgrade renames them, before the others fail in less obvious ways.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import pytest
from textual import events
from textual._compositor import Compositor
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen

from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.screens.base import AreaScreen
from tui.wiring import Context


def test_the_textual_internals_relied_on_are_there() -> None:
    assert "_compositor_refresh" in Screen.__dict__
    assert "_compositor_refresh" in AreaScreen.__dict__
    assert "_check_resize" in App.__dict__  # what brings the first update after the start-up batch
    plain: App[None] = App()
    assert isinstance(plain._batch_count, int)
    assert isinstance(plain._css_update_count, int)
    assert "refresh_styles" in {field.name for field in dataclasses.fields(events.ScreenResume)}


async def test_no_frame_is_drawn_inside_the_start_up_batch(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HuddleApp(context)
    batches: list[int] = []
    original = Compositor.render_update

    def noted(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        batches.append(app._batch_count)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", noted)
    drawn_by_first_frame: list[int] = []
    app.after_first_frame(lambda: drawn_by_first_frame.append(len(batches)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(drawn_by_first_frame))
        assert batches[: drawn_by_first_frame[0]] == [0]  # one drawing, out of any batch: the frame shown
        await settle(pilot)
        assert app.screen.query(".column-header")
        drawn = len(batches)
        await pilot.press("2")  # a mode switch holds a batch for 50 ms: the portfolio is drawn after it
        await until(pilot, lambda: app.current_mode == "portfolio" and len(batches) > drawn)
        await settle(pilot)
        assert all(count == 0 for count in batches)


async def test_a_screen_is_styled_once_when_first_shown_and_again_when_shown_again(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    restyled: list[list[DOMNode]] = []
    original = Stylesheet.update_nodes

    def noted(self: Stylesheet, nodes: Iterable[DOMNode], animate: bool = False) -> None:
        listed = list(nodes)
        restyled.append(listed)
        original(self, listed, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", noted)
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert board.query(".column-header")
        assert not any(board in nodes for nodes in restyled)  # styled as it mounted, not once more
        await pilot.press("2")
        await until(pilot, lambda: app.current_mode == "portfolio")
        await settle(pilot)
        await pilot.press("1")
        await until(pilot, lambda: app.current_mode == "boards")
        await settle(pilot)
        assert any(board in nodes for nodes in restyled)  # shown again: Textual's restyle, as before
