"""The Huddle Textual app: five areas as modes, live refresh from the shared data file.

The app owns what crosses screens: the write queue (one write at a time, in order, off the event
loop), this user's undo stack, the flush hooks run when the terminal hangs up, help and the palette.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.signal import Signal

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from domain.services.cards import UndoOutcome
    from tui.jobs.undo import UndoEntry


from domain.errors import StorageError
from domain.i18n import N_, _
from tui import timeline
from tui.collector import COLLECTOR, TICK_SECONDS
from tui.hangup import (
    GRACE_SECONDS,
    HANGUP_SIGNALS,
    JOB_CONTROL_SIGNALS,
    detach_terminal,
    start_exit_watchdog,
)
from tui.jobs.outbound import OutboundFinished
from tui.jobs.undo import UndoStack, undo_job
from tui.jobs.writes import WriteFinished, WriteJob, WriteQueue
from tui.messages import OpenCard, OpenRisk
from tui.screens.base import AreaScreen
from tui.screens.boards import BoardsScreen
from tui.wiring import Context

AREAS: tuple[tuple[str, str, str], ...] = (
    ("boards", N_("Boards"), "tui.screens.boards:BoardsScreen"),
    ("portfolio", N_("Portfolio"), "tui.screens.portfolio:PortfolioScreen"),
    ("risks", N_("Risks"), "tui.screens.risks:RisksScreen"),
    ("meetings", N_("Meetings"), "tui.screens.meetings:MeetingsScreen"),
    ("plan", N_("Plan"), "tui.screens.plan:PlanScreen"),
)
"""Mode name, title (marked with ``N_``: translate where shown) and screen class; a mode's module is
imported when it is first opened."""


TEXTUAL_COMMANDS = (
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)  # fmt: skip
"""The titles and help lines of Textual's own palette commands (``App.get_system_commands``), kept in
the catalog so the palette shows them in the current language."""

KEYED_PACKAGES = ("tui.screens", "tui.widgets", "tui.dialogs")
"""Where the screens, widgets and dialogs with keys of their own live: help lists every one of them."""


def keyed_classes() -> list[type[DOMNode]]:
    """Every screen, widget and dialog class that declares bindings of its own, module by module, so
    help is generated from the real bindings (a new dialog's keys appear without editing help)."""
    import inspect
    import pkgutil

    found: list[type[DOMNode]] = []
    for package_name in KEYED_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, f"{package_name}."):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, DOMNode)
                    and cls.__module__ == module.__name__
                    and cls.__dict__.get("BINDINGS")
                    and cls not in found
                ):
                    found.append(cls)
    return found


def area_class(path: str) -> type[AreaScreen]:
    """Import ``module:Class`` (screens load on first use so that the board paints sooner)."""
    module_name, _sep, class_name = path.partition(":")
    screen_class: type[AreaScreen] = getattr(importlib.import_module(module_name), class_name)
    return screen_class


def go_to_card_provider() -> type[Provider]:
    from tui.commands import GoToCardProvider

    return GoToCardProvider


class HuddleApp(App[None]):
    """Boards, portfolio, risks, meetings and plan over one shared data file."""

    CSS_PATH = "app.tcss"
    TITLE = "Huddle"
    DEFAULT_MODE = "boards"
    """The first screen is the board itself, not a blank default screen switched away from."""
    COMMANDS = App.COMMANDS | {go_to_card_provider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", N_("Help"), id="app.help"),
        Binding("slash", "search", N_("Search"), id="app.search"),
        Binding("ctrl+z", "undo", N_("Undo"), id="app.undo"),
        Binding("1", "switch_mode('boards')", N_("Boards"), id="app.boards", show=False),
        Binding("2", "switch_mode('portfolio')", N_("Portfolio"), id="app.portfolio", show=False),
        Binding("3", "switch_mode('risks')", N_("Risks"), id="app.risks", show=False),
        Binding("4", "switch_mode('meetings')", N_("Meetings"), id="app.meetings", show=False),
        Binding("5", "switch_mode('plan')", N_("Plan"), id="app.plan", show=False),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
    ]

    def __init__(self, context: Context, *, start_mode: str = "boards") -> None:
        super().__init__()
        self.context = context
        self.start_mode = start_mode
        self.sub_title = context.services.store.describe()
        self._seen_version: object = context.services.store.version()
        self.area_screens: dict[str, AreaScreen] = {}
        """Each mode's area screen once opened, for navigation (show a card, a risk); refreshes go through
        ``data_changed`` instead, to every screen that subscribed."""
        self.data_changed: Signal[object] = Signal(self, "data-changed")
        """Published on the event loop, with the data's version, after the new snapshot was read."""
        self.undo = UndoStack()
        self._polling = threading.Lock()
        self.writes = WriteQueue(
            self._start_write, self.post_message, self._store_version, self._read_snapshot
        )
        self._flush_hooks: list[Callable[[], None]] = []
        self._previous_handlers: dict[int, Any] = {}
        self.hung_up = False
        """Set by the first SIGHUP/SIGTERM: the app is on its way out, whatever else happens."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_listening: Callable[[], None] | None = None
        self._after_first_frame: list[Callable[[], object]] | None = []
        """Work kept until the first frame is out (None once it is): see :meth:`after_first_frame`."""
        self._after_next_frame: list[Callable[[], object]] = []
        """Work kept until the next frame is out: see :meth:`after_next_frame`."""
        if context.settings.keymap:
            # Before any screen mounts: a key bar drawn earlier would keep showing the default keys.
            self.set_keymap(context.settings.keymap)
        for name, _title, path in AREAS:
            self.add_mode(name, lambda name=name, path=path: self._make_area(name, path))  # type: ignore[misc]

    def get_driver_class(self) -> type[Driver]:
        """The platform's driver, dropping bidi controls from everything it writes (``inert_bidi``)."""
        from tui.widgets.safe import inert_bidi

        return inert_bidi(super().get_driver_class())

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        """Textual's frame output, noted on the start-up timeline (:mod:`tui.timeline`) when it is on."""
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            # Inside a batch Textual draws nothing (start-up composes and mounts in one): the first
            # frame is the one after it, and work kept for after that frame must wait for it.
            return
        if timeline.ENABLED:
            timeline.mark("first frame written" if not self.is_headless else "first frame (headless)")
        if self._after_first_frame is not None:
            kept, self._after_first_frame = self._after_first_frame, None
            for callback in kept:
                self.call_later(callback)
        if self._after_next_frame:
            kept, self._after_next_frame = self._after_next_frame, []
            for callback in kept:
                self.call_later(callback)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):  # a key or the mouse: not idle (tui.collector)
            COLLECTOR.touch()
        await super().on_event(event)

    def after_next_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the loop once the next frame has been handed to the terminal (the first
        frame if none was yet): a screen's work that should not hold up what a key has changed (a thread
        that decodes holds the interpreter while the frame is drawn). ``call_after_refresh`` can run
        before the frame: the screen may see no widget to draw yet when a widget's refresh is still on
        its way to it."""
        self._after_next_frame.append(callback)

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the loop once the first frame has been handed to the terminal: work that
        is not on that frame (the whole department, the rest of each column's page) would otherwise be
        done before it. A message, not a timer, so that a test's settle waits for it like any other."""
        if self._after_first_frame is None:
            self.call_later(callback)
        else:
            self._after_first_frame.append(callback)

    def _make_area(self, name: str, path: str) -> AreaScreen:
        screen = area_class(path)(self.context)
        # A new screen is styled from the current stylesheet as it mounts. Textual 8 still counts it as
        # behind the app's CSS and re-parses every rule when its mode first opens (and, as the count is
        # only updated on a mounted screen, again on every later switch to it): for the board that was
        # a full parse, and a lost parse cache, before the first frame.
        screen._css_update_count = self._css_update_count
        # That refresh also styled the app itself before the screen's widgets composed; without it the
        # app's own rules (its text colour) come only after them, and a widget that worked out its
        # colours in between keeps them (Widget.visual_style is cached on the widget's own styles).
        self.stylesheet.apply(self)
        self.area_screens[name] = screen
        return screen

    def on_mount(self) -> None:
        timeline.mark("app on_mount")
        try:
            cut_off = self.start_mode == "boards" and bool(self.context.pending_journals())
        except StorageError as exc:  # such as a link planted at the journal folder: say so, start anyway
            self.notify(str(exc), severity="error", timeout=30)
            cut_off = False
        if cut_off:
            self.start_mode = "meetings"  # a meeting was cut off: its screen offers to resume it
        if self.start_mode != self.current_mode:
            self.switch_mode(self.start_mode)
        self.set_interval(self.context.settings.poll_seconds, self.check_for_changes)
        # After the first frame: on PostgreSQL, setting up the listener loads the driver (psycopg),
        # which the first board no longer waits for (storage/postgres/appstore.py).
        self.after_first_frame(self._listen_for_changes)
        self._install_hangup_handlers()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Headless (tests, snapshots), a focused field's cursor stays drawn instead of blinking: a
        blink is a timer, so what a snapshot shows would depend on how long the machine took."""
        if not self.is_headless:
            return
        from textual.widgets import Input, TextArea  # here: TextArea is not on the board's first frame

        if isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

    def on_unmount(self) -> None:
        self._restore_hangup_handlers()
        if self._stop_listening is not None:
            self._stop_listening()

    # ----- live refresh --------------------------------------------------------------------------

    def check_for_changes(self) -> None:
        self._poll_version()

    def _listen_for_changes(self) -> None:
        """A store that hears of changes (PostgreSQL's LISTEN) makes the version check run at once;
        the interval poll stays, as the fallback while that connection is down."""
        subscribe = getattr(self.context.services.store, "subscribe", None)
        if subscribe is not None:
            loop = asyncio.get_running_loop()
            self._stop_listening = subscribe(lambda: loop.call_soon_threadsafe(self.check_for_changes))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_version(self) -> None:
        # exclusive=True only flags an older thread worker as cancelled; it keeps running. While one poll
        # still reads a big file, the next ones return at once instead of reading it again beside it.
        if not self._polling.acquire(blocking=False):
            return
        try:
            version = self._store_version()
            if version != self._seen_version:
                self._read_snapshot(version)
                self.call_from_thread(self.announce_change, version)
        finally:
            self._polling.release()

    def _store_version(self) -> object:
        return self.context.services.store.version()

    def _read_snapshot(self, version: object) -> None:
        """Read the changed data once, off the event loop, before anyone is told: the store keeps the
        snapshot for this version, so every screen's reload that follows reads it from memory."""
        with contextlib.suppress(Exception):  # a screen's own read reports the error, where it shows
            self.context.services.store.snapshot()

    def announce_change(self, version: object) -> None:
        """Tell every subscribed screen that the data changed (on the event loop)."""
        self._seen_version = version
        self.data_changed.publish(version)

    @property
    def data_version(self) -> object:
        """The version last announced on ``data_changed`` (or found at start)."""
        return self._seen_version

    def tables_changed(self, since: object, until: object) -> frozenset[str] | None:
        """The tables that changed between two announced versions, when the store keeps a change log
        (``domain.repository.ChangeLog``: the JSON file does); None: it cannot tell."""
        log = getattr(self.context.services.store, "changed_tables", None)
        return log(since, until) if callable(log) else None

    # ----- writes and undo -----------------------------------------------------------------------

    @property
    def writes_submitted(self) -> int:
        return self.writes.submitted

    @property
    def writes_in_flight(self) -> int:
        return self.writes.in_flight

    def submit_write(self, job: WriteJob) -> None:
        """Queue ``job``: jobs run one at a time, in submission order, in a thread worker."""
        self.writes.submit(job)

    def _start_write(self, run: Callable[[], None]) -> None:
        # Start after the next repaint: reading and writing a big file holds the GIL for a while, and the
        # person should see the change on screen first.
        self.call_after_refresh(self.run_worker, run, thread=True, group="write", exit_on_error=False)

    @on(WriteFinished)
    def write_finished(self, message: WriteFinished) -> None:
        self.writes.finish(message, self._write_failed)
        self.announce_change(message.version)

    def _write_failed(self, job: WriteJob, error: Exception) -> None:
        self.notify(
            str(error), title=_("Could not {label}").format(label=job.label), severity="error", markup=False
        )

    @on(OutboundFinished)
    def outbound_finished(self, message: OutboundFinished) -> None:
        """An export, a sent invite or a publish ended: one notification says where it went, or why not."""
        message.show(self)

    async def action_switch_mode(self, mode: str) -> None:
        """Switch areas; screens that close on an area switch (a meeting summary) are left behind.

        Without this, ``4`` brought back whatever summary was last open, where ``n`` does nothing and
        letters export files.
        """
        if mode != self.current_mode:
            self.switch_mode(mode)
        stack = self.screen_stack
        while len(stack) > 1 and getattr(stack[-1], "CLOSES_ON_AREA_SWITCH", False):
            self.pop_screen()
            stack = self.screen_stack

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Undo waits while a dialog is open, so ctrl+z inside a form never changes the board behind it."""
        return not (action == "undo" and isinstance(self.screen, ModalScreen))

    def action_undo(self) -> None:
        """Undo this user's most recent card change (move, reorder, edit, add or delete)."""
        entry = self.undo.pop()
        if entry is None:
            self.notify(_("Nothing to undo"))
            return
        self.submit_write(
            undo_job(entry, self.context.services.cards, self._undone(entry), self._undo_refused(entry))
        )

    def _undone(self, entry: UndoEntry) -> Callable[[UndoOutcome], None]:
        def done(outcome: UndoOutcome) -> None:
            self.notify(outcome.message(entry.label), markup=False)
            boards = self.area_screens.get("boards")
            previous = entry.previous
            if isinstance(boards, BoardsScreen) and previous is not None:
                boards.reload_and_select(previous.dept, previous.id)

        return done

    def _undo_refused(self, entry: UndoEntry) -> Callable[[Exception], None]:
        def refused(error: Exception) -> None:
            self.notify(
                str(error),
                title=_("Could not undo the {label}").format(label=entry.label),
                severity="warning",
                markup=False,
            )

        return refused

    # ----- navigation ----------------------------------------------------------------------------

    @on(OpenCard)
    def open_card(self, message: OpenCard) -> None:
        """Show a card on its department board."""
        self.switch_mode("boards")
        boards = self.area_screens.get("boards")
        if isinstance(boards, BoardsScreen):
            boards.show_card(message.card_id)

    @on(OpenRisk)
    def open_risk(self, message: OpenRisk) -> None:
        """Show a risk in the register and on the heatmap."""
        self.switch_mode("risks")
        risks = self.area_screens.get("risks")
        show = getattr(risks, "show_risk", None)
        if callable(show):
            show(message.risk_id)

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            areas = [(name, title, area_class(path)) for name, title, path in AREAS]
            self.push_screen(HelpScreen(areas, self.context.settings.keymap, keyed_classes()))

    def action_search(self) -> None:
        """Search all cards: the portfolio's search box."""
        self.switch_mode("portfolio")
        focus_search = getattr(self.area_screens.get("portfolio"), "focus_search", None)
        if focus_search is not None:
            self.call_after_refresh(focus_search)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers every key binding of the current screen and of the app, by its description
        (Textual's own commands first, translated: :data:`TEXTUAL_COMMANDS`)."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding, node = active.binding, active.node
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            title = getattr(node, "BINDING_GROUP_TITLE", None)
            group = _(title) if title else (_("App") if node is self else _("Screen"))
            yield SystemCommand(
                _("{group}: {description}").format(group=group, description=binding.description),
                _("key {key}").format(key=binding.key_display or binding.key),
                self._palette_callback(binding.action, node),
            )

    def action_command_palette(self) -> None:
        """Textual's command palette, with its search line in the current language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def _palette_callback(self, action: str, node: Any) -> Callable[[], None]:
        def run() -> None:
            self.call_later(self.run_action, action, node)

        return run

    # ----- hang-up -------------------------------------------------------------------------------

    def register_flush(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run ``callback`` when the terminal hangs up or on SIGTERM, before exiting.

        Use it to save what must not be lost with a dropped SSH link (a meeting journal, a draft).
        It runs on the main thread inside the signal handler, possibly while the event loop is stuck,
        so it must not wait on the loop, and every wait in it needs a timeout.
        Returns a function that unregisters the callback.
        """
        self._flush_hooks.append(callback)

        def unregister() -> None:
            if callback in self._flush_hooks:
                self._flush_hooks.remove(callback)

        return unregister

    def run_flush_hooks(self) -> None:
        """Run every registered flush hook; one failing hook does not stop the others."""
        for hook in list(self._flush_hooks):
            try:
                hook()
            except Exception as exc:
                self.log.error(f"flush hook {hook!r} failed: {exc!r}")

    def hang_up(self, terminal_gone: bool = False, *, exit_code: int = 128 + signal.SIGHUP) -> None:
        """Save what is pending, then exit, and make sure the process ends within ``GRACE_SECONDS``.

        Runs in the signal handler. In a real terminal, job-control signals are ignored from here on
        (the SIGCONT that follows SIGHUP would restart screen output), a hung-up terminal is swapped
        for /dev/null before anything else (a write to it fails with EIO and can kill the output thread
        with its queue full), and a watchdog ends the process with ``exit_code`` if the clean exit,
        requested on the event loop, does not finish in time. Only the first call does anything.
        """
        if self.hung_up:
            return
        self.hung_up = True
        if not self.is_headless:
            for signum in JOB_CONTROL_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
            if terminal_gone:
                detach_terminal()
            start_exit_watchdog(GRACE_SECONDS, exit_code)
        self.run_flush_hooks()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.exit)
        else:
            self.exit()

    def _install_hangup_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        for signum in HANGUP_SIGNALS:
            self._previous_handlers[signum] = signal.signal(signum, self._on_hangup_signal)

    def _restore_hangup_handlers(self) -> None:
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._previous_handlers.clear()

    def _on_hangup_signal(self, signum: int, frame: FrameType | None) -> None:
        """Flush and leave from the handler itself: the event loop may be blocked on screen output."""
        self.hang_up(signum == signal.SIGHUP, exit_code=128 + signum)


def resume_collection() -> None:
    """Turn the garbage collector back on, leaving out of its scans what start-up built.

    The ``huddle`` command turns it off before Textual is imported: until the first frame, start-up
    allocates little but long-lived objects (modules, classes, style rules, widgets), which every
    collection scanned again for nothing (about 40 ms more than a bare Textual app's collections, one of
    them a full one). ``gc.freeze`` moves what exists now to the permanent generation, so the first
    collections after the frame do not scan it all at once while the whole department loads. Objects
    are still freed by reference count; a frozen object that later ends in a reference cycle waits for
    the next pass that unfreezes (:mod:`tui.collector`: each full pass freezes what it leaves, and the
    app adds passes in pauses between keys).
    """
    COLLECTOR.resume()  # and each full pass freezes what it leaves (tui.collector)


def collect_when_idle(app: App[Any]) -> None:
    """After :func:`resume_collection`: let :data:`COLLECTOR` make its full passes while no key comes."""
    app.set_interval(TICK_SECONDS, COLLECTOR.tick)


def run_app(context: Context) -> None:
    timeline.mark("tui.app imported (Textual loaded)")
    try:
        app = HuddleApp(context)
        app.after_first_frame(resume_collection)
        app.after_first_frame(lambda: collect_when_idle(app))
        app.run()
    finally:
        gc.enable()  # whatever happened before the first frame
        timeline.write_report()
