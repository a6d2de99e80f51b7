"""What every area screen shares: the services, the context and the data-changed subscription."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.screen import Screen
from textual.signal import Signal

from tui.messages import DataChanged

if TYPE_CHECKING:
    from domain.services import Services
    from tui.wiring import Context


class ChangeFollower:
    """Keeps one screen in step with the app's ``data_changed`` signal.

    A screen of the current mode (under a dialog too: it shows through) repaints at once; a screen of
    another mode only remembers that it is stale and repaints when it is shown again, so a change costs
    one read and one repaint per visible screen, not one per open screen.

    A screen that names the tables it shows (``tables``) repaints only when one of them changed since
    the version it last followed (the app's ``tables_changed``, from the store's change log), or the day
    did (overdue marks): an edited risk costs the board nothing. When the store cannot tell, it repaints.
    """

    def __init__(
        self,
        screen: Screen[Any],
        repaint: Callable[[object], object],
        tables: Collection[str] | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.screen = screen
        self.repaint = repaint
        self.tables = None if tables is None else frozenset(tables)
        self.today = today
        self.stale: object | None = None
        """The newest version that arrived while the screen was not shown (None: up to date)."""
        self.seen: object | None = None
        """The version of the last change this screen followed (its data is at least that new)."""
        self.day: date | None = None

    def subscribe(self) -> None:
        """Subscribe (the screen must be mounted); an app without the signal (a test harness) has none."""
        app = self.screen.app
        signal = getattr(app, "data_changed", None)
        if isinstance(signal, Signal):
            # Before this screen's first read: its data is at least as new as the last version announced.
            self.seen = getattr(app, "data_version", None)
            self.day = self.today() if self.today is not None else None
            signal.subscribe(self.screen, self.changed)

    def changed(self, version: object) -> None:
        if self.screen in self.screen.app.screen_stack:
            self.stale = None
            if self.affects(version):
                self.repaint(version)
        else:
            self.stale = version

    def resume(self) -> None:
        """The screen is shown again: repaint if a change it shows came while it was away."""
        version, self.stale = self.stale, None
        if version is not None and self.affects(version):
            self.repaint(version)

    def affects(self, version: object) -> bool:
        """Whether what changed up to ``version`` since the last version followed touches this screen."""
        since, self.seen = self.seen, version
        if self.tables is None or since is None:
            return True
        day = self.today() if self.today is not None else None
        new_day, self.day = day != self.day, day
        ask = getattr(self.screen.app, "tables_changed", None)
        changed = ask(since, version) if callable(ask) else None
        return new_day or changed is None or not changed.isdisjoint(self.tables)


class AreaScreen(Screen[None]):
    """Base of the five area screens (one per app mode)."""

    TABLES: ClassVar[frozenset[str] | None] = None
    """The tables of the data file this screen shows: a change elsewhere to any other table does not
    reload it (see :class:`ChangeFollower`). None: every change reloads it."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.data_changes = ChangeFollower(
            self,
            lambda version: self.post_message(DataChanged(version)),
            self.TABLES,
            context.services.cards.today,
        )
        self._resumed = False
        """Whether this screen was ever shown (see :meth:`repaint_if_stale`)."""

    @property
    def services(self) -> Services:
        return self.context.services

    # Decorated handlers, not ``on_mount``/``on_screen_resume``: Textual calls the handler of every class
    # in the MRO, and the subclasses' own ``on_mount`` must not have to call these.
    @on(events.Mount)
    def follow_data_changes(self) -> None:
        self.data_changes.subscribe()

    @on(events.ScreenResume)
    def repaint_if_stale(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            self._resumed = True
            # Textual's own handler (Screen._on_screen_resume, after this one in the MRO) styles every
            # node of the screen again when it is shown. A screen shown for the first time was styled
            # node by node as it mounted, from the stylesheet it still has: that second pass over its
            # widgets (24 on the demo board) ran before the first frame and changed nothing.
            if self._css_update_count == self.app._css_update_count:
                event.refresh_styles = False
        self.data_changes.resume()

    def _compositor_refresh(self) -> None:
        """Draw what changed, unless the app is inside a batch, where this screen waits for its end.

        Textual 8 lays a screen out and draws it when its layout is refreshed, also inside a batch
        (start-up composes and mounts inside one; a mode switch holds one for 50 ms), and then drops
        the frame: ``App._display`` writes nothing in a batch. At start-up that was a whole frame of
        the board composed and thrown away before the one shown, which was drawn again over it. Here
        the screen only notes that it must be drawn (``refresh``): its first update after
        the batch draws everything at once. Textual brings that update as it brought the frame shown
        before: at start-up the app's idle hands the screen the terminal's size (``App._check_resize``,
        a layout and a draw); after a mode switch the end of the batch refreshes the screen.
        """
        if self.app._batch_count:
            self.refresh()
            return
        super()._compositor_refresh()

    def on_data_changed(self, message: DataChanged) -> None:
        """Reload what the screen shows; subclasses override ``reload``."""
        self.reload()

    def reload(self) -> None:
        """Re-read the data this screen shows (off the event loop for anything big)."""
