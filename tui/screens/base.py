"""What every area screen shares: the services, the context and the data-changed hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tui.messages import DataChanged

if TYPE_CHECKING:
    from domain.services import Services
    from tui.wiring import Context


class AreaScreen(Screen[None]):
    """Base of the five area screens (one per app mode)."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    @property
    def services(self) -> Services:
        return self.context.services

    def on_data_changed(self, message: DataChanged) -> None:
        """Reload what the screen shows; subclasses override ``reload``."""
        self.reload()

    def reload(self) -> None:
        """Re-read the data this screen shows (off the event loop for anything big)."""
