"""The Huddle Textual app: five areas as modes, live refresh from the shared data file."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from tui.messages import DataChanged
from tui.screens.base import AreaScreen
from tui.screens.boards import BoardsScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.plan import PlanScreen
from tui.screens.portfolio import PortfolioScreen
from tui.screens.risks import RisksScreen
from tui.wiring import Context


class HuddleApp(App[None]):
    """Boards, portfolio, risks, meetings and plan over one shared data file."""

    CSS_PATH = "app.tcss"
    TITLE = "Huddle"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('boards')", "Boards", id="app.boards"),
        Binding("2", "switch_mode('portfolio')", "Portfolio", id="app.portfolio"),
        Binding("3", "switch_mode('risks')", "Risks", id="app.risks"),
        Binding("4", "switch_mode('meetings')", "Meetings", id="app.meetings"),
        Binding("5", "switch_mode('plan')", "Plan", id="app.plan"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, context: Context, *, start_mode: str = "boards") -> None:
        super().__init__()
        self.context = context
        self.start_mode = start_mode
        self.sub_title = str(context.db_path)
        self._seen_version: object = context.services.store.version()
        self.area_screens: dict[str, AreaScreen] = {}
        for name, screen in (
            ("boards", BoardsScreen),
            ("portfolio", PortfolioScreen),
            ("risks", RisksScreen),
            ("meetings", MeetingsScreen),
            ("plan", PlanScreen),
        ):
            self.add_mode(name, lambda name=name, screen=screen: self._make_area(name, screen))  # type: ignore[misc]

    def _make_area(self, name: str, screen_class: type[AreaScreen]) -> AreaScreen:
        screen = screen_class(self.context)
        self.area_screens[name] = screen
        return screen

    def on_mount(self) -> None:
        if self.context.settings.keymap:
            self.set_keymap(self.context.settings.keymap)
        self.switch_mode(self.start_mode)
        self.set_interval(self.context.settings.poll_seconds, self.check_for_changes)

    def check_for_changes(self) -> None:
        self._poll_version()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_version(self) -> None:
        version = self.context.services.store.version()
        if version != self._seen_version:
            self.call_from_thread(self.announce_change, version)

    def announce_change(self, version: object) -> None:
        """Tell every open area screen that the data changed."""
        self._seen_version = version
        for screen in self.area_screens.values():
            screen.post_message(DataChanged(version))


def run_app(context: Context) -> None:
    HuddleApp(context).run()
