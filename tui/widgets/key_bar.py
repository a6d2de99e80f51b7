"""The key hints at the bottom of every area screen, drawn by one widget.

Textual's ``Footer`` mounts a widget per key and recomposes them whenever the bindings change (a
cursor move can change which keys apply). This bar redraws one line of text instead, which keeps
start-up and key presses cheaper on a board; a click on a key presses it, as in the footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.widgets import Static

from domain.i18n import N_

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

TEXTUAL_DESCRIPTIONS = (N_("palette"),)
"""Descriptions of Textual's own bindings shown in the bar (the command palette's), kept in the catalog
so that :class:`tui.translated.TranslatedBindings` finds their translation."""
KEY_STYLE = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION_STYLE = "$footer-description-foreground"


class KeyBar(Static, can_focus=False):
    """One line: the shown keys of the screen's active bindings, the palette key at the end."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self._shown: list[tuple[str, str, bool]] = []
        self._spans: list[tuple[int, int, str]] = []
        """Cells (start, end) of each shown key, for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.show_keys()

    def show_keys(self) -> None:
        """Redraw from the screen's active bindings (only when the keys shown changed)."""
        app = self.app
        palette: tuple[Binding, bool] | None = None
        keys: list[tuple[Binding, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "command_palette":
                palette = (binding, enabled)
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((binding, enabled))
        if palette is not None and app.ENABLE_COMMAND_PALETTE:
            keys.append(palette)
        shown = [(binding.key, binding.description, enabled) for binding, enabled in keys]
        if shown == self._shown:
            return
        self._shown = shown
        items: list[Content] = []
        self._spans = []
        cell = 0
        for binding, enabled in keys:
            key = (f" {app.get_key_display(binding)} ", KEY_STYLE)
            item = Content.assemble(key, " ", (binding.description, DESCRIPTION_STYLE))
            items.append(item if enabled else item.stylize("dim"))
            self._spans.append((cell, cell + item.cell_length, binding.key))
            cell += item.cell_length + 1
        self.update(Content(" ").join(items))

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it, as in Textual's footer."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
