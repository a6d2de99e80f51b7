"""What every area screen shares: the services, the context and the data-changed subscription."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.screen import Screen
from textual.signal import Signal

from tui.messages import DataChanged
from tui.translated import TranslatedBindings

if TYPE_CHECKING:
    from domain.services import Services
    from tui.wiring import Context


class ChangeFollower:
    """Keeps one screen in step with the app's ``data_changed`` signal.

    A screen of the current mode (under a dialog too: it shows through) repaints at once; a screen of
    another mode only remembers that it is stale and repaints when it is shown again, so a change costs
    one read and one repaint per visible screen, not one per open screen.
    """

    def __init__(self, screen: Screen[Any], repaint: Callable[[object], object]) -> None:
        self.screen = screen
        self.repaint = repaint
        self.stale: object | None = None
        """The newest version that arrived while the screen was not shown (None: up to date)."""

    def subscribe(self) -> None:
        """Subscribe (the screen must be mounted); an app without the signal (a test harness) has none."""
        signal = getattr(self.screen.app, "data_changed", None)
        if isinstance(signal, Signal):
            signal.subscribe(self.screen, self.changed)

    def changed(self, version: object) -> None:
        if self.screen in self.screen.app.screen_stack:
            self.stale = None
            self.repaint(version)
        else:
            self.stale = version

    def resume(self) -> None:
        """The screen is shown again: repaint if a change came while it was away."""
        version, self.stale = self.stale, None
        if version is not None:
            self.repaint(version)


class AreaScreen(TranslatedBindings, Screen[None]):
    """Base of the five area screens (one per app mode); their key bar, palette and footer speak the
    current language (:class:`tui.translated.TranslatedBindings`)."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.data_changes = ChangeFollower(self, lambda version: self.post_message(DataChanged(version)))

    @property
    def services(self) -> Services:
        return self.context.services

    # Decorated handlers, not ``on_mount``/``on_screen_resume``: Textual calls the handler of every class
    # in the MRO, and the subclasses' own ``on_mount`` must not have to call these.
    @on(events.Mount)
    def follow_data_changes(self) -> None:
        self.data_changes.subscribe()

    @on(events.ScreenResume)
    def repaint_if_stale(self) -> None:
        self.data_changes.resume()

    def on_data_changed(self, message: DataChanged) -> None:
        """Reload what the screen shows; subclasses override ``reload``."""
        self.reload()

    def reload(self) -> None:
        """Re-read the data this screen shows (off the event loop for anything big)."""
