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

KEPT_ACTIONS = frozenset({"help", "command_palette"})
"""Keys the bar never drops for lack of room: from these two a person finds every other key."""
TEXTUAL_DESCRIPTIONS = (N_("palette"),)
"""Descriptions of Textual's own bindings shown in the bar (the command palette's), kept in the catalog
so that :class:`tui.translated.TranslatedBindings` finds their translation."""
KEY_STYLE = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION_STYLE = "$footer-description-foreground"


def fit_keys(items: list[tuple[int, bool]], width: int) -> list[int]:
    """Indexes of the ``(cells, kept)`` items to draw in ``width`` cells, one cell between items: every
    kept item, then the others in order while they fit (0 or less: not laid out yet, draw all)."""
    if width <= 0:
        return list(range(len(items)))
    used = sum(cells + 1 for cells, kept in items if kept)
    shown: set[int] = {index for index, (_cells, kept) in enumerate(items) if kept}
    for index, (cells, kept) in enumerate(items):
        if not kept and used + cells + 1 <= width + 1:
            used += cells + 1
            shown.add(index)
        elif not kept:
            break
    return sorted(shown)


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
        self._items: list[tuple[Content, str, bool]] = []
        """Each key's drawn text, its key and whether it is kept when the line is too narrow."""
        self._spans: list[tuple[int, int, str]] = []
        """Cells (start, end) of each shown key, for clicks."""
        self._fitted_width = -1

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Not while a dialog is on top of this bar's screen: the app's checks then see the dialog (undo is
        # off in one), so the bar would draw other keys under the dialog and draw its own again when the
        # dialog closes, on top of the full repaint of the screen. Textual refreshes a screen's bindings
        # when it comes back on top (``Screen.stack_updates``), and the keys are worked out then.
        if screen is self.screen and self.app.screen is screen:
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
        self._items = []
        for binding, enabled in keys:
            key = (f" {app.get_key_display(binding)} ", KEY_STYLE)
            item = Content.assemble(key, " ", (binding.description, DESCRIPTION_STYLE))
            kept = binding.action in KEPT_ACTIONS
            self._items.append((item if enabled else item.stylize("dim"), binding.key, kept))
        self._fit(self.size.width)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """Draw the keys that fit ``width`` cells: the help and palette keys always, the others in
        their order until the line is full (widths are cells, so a Chinese label counts double)."""
        self._fitted_width = width
        shown = fit_keys([(item.cell_length, kept) for item, _key, kept in self._items], width)
        self._spans = []
        cell = 0
        drawn: list[Content] = []
        for index in shown:
            item, key, _kept = self._items[index]
            drawn.append(item)
            self._spans.append((cell, cell + item.cell_length, key))
            cell += item.cell_length + 1
        self.update(Content(" ").join(drawn))

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it, as in Textual's footer."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
