"""Binding descriptions marked with N_() show in the current language in the footer."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from domain.i18n import N_, using_language
from tests.helpers.wait import until
from tui.translated import TranslatedBindings


class _Area(TranslatedBindings, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "noop", N_("Next meeting"), tooltip=N_("Agenda")),
        Binding("x", "noop", "", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_noop(self) -> None:
        """Nothing: the test reads the footer."""


class _Harness(App[None]):
    def on_mount(self) -> None:
        self.push_screen(_Area())


async def test_footer_descriptions_follow_the_language() -> None:
    with using_language("zh-CN"):
        app = _Harness()
        async with app.run_test(size=(60, 10)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, _Area) and bool(app.screen.query("FooterKey")))
            active = app.screen.active_bindings
            assert active["n"].binding.description == "下次会议"
            assert active["n"].binding.tooltip == "议程"
            assert active["x"].binding.description == ""  # never the catalog header
            descriptions = [str(getattr(key, "description", "")) for key in app.screen.query("FooterKey")]
            assert "下次会议" in descriptions
