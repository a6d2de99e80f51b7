"""Bidi controls people stored never reach the terminal, however a widget draws the text."""

from __future__ import annotations

from typing import Any

from textual.driver import Driver

from domain.text import BIDI_CONTROLS
from tui.app import HuddleApp
from tui.widgets.safe import inert_bidi
from tui.wiring import Context


class Recording(Driver):
    """A driver that keeps what it is asked to write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)

    def start_application_mode(self) -> None: ...

    def disable_input(self) -> None: ...

    def stop_application_mode(self) -> None: ...


async def test_bidi_controls_are_dropped_from_the_output_and_nothing_else(context: Context) -> None:
    app = HuddleApp(context)
    driver = inert_bidi(Recording)(app)
    frame = (
        "\x1b[1;1H\x1b[38;2;1;2;3m" + "".join(f"x{ch}y" for ch in sorted(BIDI_CONTROLS)) + "\u200b\u200e 周报"
    )
    driver.write(frame)
    assert isinstance(driver, Recording)
    assert driver.written == ["\x1b[1;1H\x1b[38;2;1;2;3m" + "xy" * len(BIDI_CONTROLS) + "\u200b\u200e 周报"]


async def test_output_without_bidi_controls_is_written_as_it_is(context: Context) -> None:
    app = HuddleApp(context)
    driver = inert_bidi(Recording)(app)
    frame = "\x1b[1;1H\x1b[38;2;1;2;3m RND-12 需求评审 \u200b\u200e\u200f\u061c \x1b[0m"
    driver.write(frame)
    assert isinstance(driver, Recording)
    assert driver.written == [frame]
    assert driver.written[0] is frame  # no copy made when there is nothing to drop


def test_the_app_uses_the_platform_driver_with_that_filter(context: Context) -> None:
    app = HuddleApp(context)
    base = super(HuddleApp, app).get_driver_class()
    assert issubclass(app.driver_class, base)
    assert app.driver_class is not base
    assert app.driver_class.__name__ == f"InertBidi{base.__name__}"
