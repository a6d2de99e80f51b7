"""The boards area: one kanban board per department, keyboard and mouse driven.

The screen holds the view state (department, cursor, cards by column), reads data in a thread worker,
applies key presses to its in-memory copy at once (so a move repaints in the next frame) and hands the
write to the app's write queue. A reload that started before a pending write is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from domain import rules
from domain.errors import ConflictError, HuddleError
from domain.i18n import N_, _
from domain.models import Card, Department
from tui import timeline
from tui.screens.base import AreaScreen
from tui.shell import UndoEntry, WriteJob, shell_of
from tui.translated import TranslatedBindings
from tui.views.board import PAGE_SIZE, changed_columns, page_start
from tui.widgets.board_column import FIRST_FRAME, BoardColumn, ColumnBody
from tui.widgets.card_tile import CardTile
from tui.widgets.department_bar import DepartmentBar
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from tui.dialogs.base import DraftKeeper
    from tui.dialogs.card_detail import CardDetail
    from tui.dialogs.card_form import CardFormResult
    from tui.wiring import Context


def preload_dialogs() -> None:
    """Import the board's dialogs once the board shows: kept off start-up, ready before the first key."""
    import tui.dialogs.card_detail
    import tui.dialogs.card_form
    import tui.dialogs.confirm
    import tui.dialogs.department_picker  # noqa: F401


@dataclass
class BoardData:
    """One department's board as read from the file."""

    departments: list[Department]
    department: Department | None
    cards: list[Card]
    today: date
    select: str | None
    """A card to put the cursor on once shown (from search or "go to card")."""
    writes_seen: int
    """The app's write counter when the read began."""
    blocked: frozenset[str] = frozenset()
    """The ids of ``cards`` that :func:`domain.rules.is_blocked` says are blocked."""
    counts: Mapping[str, int] | None = None
    """Set when ``cards`` is only the first page of each column (the first paint): every column's
    card count. None: ``cards`` is the whole department."""


TILE_ROWS = 4
"""Rows a tile takes on the board: three lines and a blank one (``board_column.TILE_ROWS``)."""
CHROME_ROWS = 5
"""Rows of the board screen that are not a column's body: header, department tabs (2), column header,
key bar."""


def tiles_that_fit(screen_rows: int) -> int:
    """How many tiles of a column the first frame builds on a screen ``screen_rows`` high: those that
    can show, and more, so that a long column overflows in that frame as it will once the whole page is
    built after it (its scroll bar's gutter is kept: ``FIRST_FRAME``)."""
    return max(1, min(PAGE_SIZE, max(0, screen_rows - CHROME_ROWS) // TILE_ROWS + 2))


FRAME_WAIT = 0.5
"""Seconds a worker waits for the frame of :meth:`BoardsScreen._frame_event` before it reads anyway."""


EMPTY_TEXT = N_("No departments yet. Add one with: huddle dept add NAME")


class BoardsScreen(TranslatedBindings, AreaScreen):
    """Kanban board of one department; ``[``/``]`` or the tabs switch department."""

    BINDING_GROUP_TITLE = N_("Board")
    TABLES = frozenset({"cards", "departments"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1, 0)", N_("Column left"), id="board.cursor-left", show=False),
        Binding("right,l", "cursor(1, 0)", N_("Column right"), id="board.cursor-right", show=False),
        Binding("up,k", "cursor(0, -1)", N_("Card up"), id="board.cursor-up", show=False),
        Binding("down,j", "cursor(0, 1)", N_("Card down"), id="board.cursor-down", show=False),
        Binding("pageup", "cursor(0, -10)", N_("Page up"), id="board.page-up", show=False),
        Binding("pagedown", "cursor(0, 10)", N_("Page down"), id="board.page-down", show=False),
        Binding("home,g", "cursor(0, -1000000)", N_("First card"), id="board.first", show=False),
        Binding("end,G", "cursor(0, 1000000)", N_("Last card"), id="board.last", show=False),
        Binding("shift+left,H", "move_column(-1)", N_("Move ←"), id="board.move-left"),
        Binding("shift+right,L", "move_column(1)", N_("Move →"), id="board.move-right"),
        Binding("shift+up,K", "reorder(-1)", N_("Move up"), id="board.move-up", show=False),
        Binding("shift+down,J", "reorder(1)", N_("Move down"), id="board.move-down", show=False),
        Binding("n", "new_card", N_("New"), id="board.new-card"),
        Binding("e", "edit_card", N_("Edit"), id="board.edit-card"),
        Binding("enter", "open_card", N_("Detail"), id="board.open-card"),
        Binding("delete,x", "delete_card", N_("Delete"), id="board.delete-card"),
        Binding("left_square_bracket", "switch_dept(-1)", N_("Prev dept"), id="board.prev-dept", show=False),
        Binding("right_square_bracket", "switch_dept(1)", N_("Next dept"), id="board.next-dept", show=False),
        Binding("d", "pick_dept", N_("Dept"), id="board.pick-dept"),
        Binding("I", "import_file", N_("Import"), id="board.import", show=False),
        Binding("E", "export_board", N_("Export board"), id="board.export", show=False),
        Binding("C", "setup_columns", N_("Columns"), id="board.columns", show=False),
        Binding("P", "people", N_("People"), id="board.people", show=False),
        Binding("A", "add_department", N_("Add dept"), id="board.add-dept", show=False),
        Binding("R", "rename_department", N_("Rename dept"), id="board.rename-dept", show=False),
    ]

    @dataclass
    class Loaded(Message):
        data: BoardData

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.departments: list[Department] = []
        self.department: Department | None = None
        self.columns: dict[str, list[Card]] = {}
        self.offsets: dict[str, int] = {}
        """First drawn row per column (columns draw one page of tiles)."""
        self.cursor_col = 0
        self.cursor_row = 0
        self.today: date = self.services.cards.today()
        self.blocked: frozenset[str] = frozenset()
        self._pending_select: str | None = None
        """A card just added: the cursor goes there once a load shows it."""
        self._pending_dept: str | None = None
        """A department just added or renamed: shown by the next load, whichever load that is."""
        self._selected_tile: CardTile | None = None
        self._binding_state: tuple[object, ...] = ()
        self._board_columns: list[BoardColumn] = []
        self._dept_bar = DepartmentBar([], None, id="dept-bar")
        self._first_read_error: HuddleError | None = None
        self.counts: Mapping[str, int] | None = None
        """While the board shows only the first page (:meth:`_read_first_page`): each column's count."""
        self._until_full: list[Callable[[], object]] = []
        """Key and mouse actions that came while the board was partial, run once it is whole."""
        self._pages_partial = False
        """The first frame built only the tiles that fit on screen; the next repaint builds whole pages."""
        self._switches = 0
        """Department switches asked for so far (:meth:`_switch_to`)."""

    def compose(self) -> ComposeResult:
        # The first board is read here, before the first frame: one department's first page (decoding
        # only those cards) is quicker than painting an empty board and laying it out again when a worker
        # brings the cards. The whole department is read in a worker once that frame is out (on_mount).
        data: BoardData | None = None
        try:
            data = self._read_first_page(shell_of(self.app).writes_submitted)
            timeline.mark("board: first page read")
        except HuddleError as exc:
            self._first_read_error = exc
        columns: list[BoardColumn] = []
        if data is not None:
            self._set_departments(data.departments, data.department)
            if self._take(data):
                # No scroll bars in the first frame: they come with the next (_after_first_frame).
                columns = self._build_columns(limit=tiles_that_fit(self.app.size.height), first_frame=True)
                self._pages_partial = True
        yield Header()
        yield self._dept_bar
        yield Horizontal(*columns, id="board")
        yield Static(_(EMPTY_TEXT), id="board-empty", markup=False)
        yield KeyBar()
        timeline.mark("board: compose done")

    def on_mount(self) -> None:
        timeline.mark("board: on_mount")
        empty = self.query_one("#board-empty", Static)
        empty.display = self.department is None
        if self._first_read_error is not None:
            error, self._first_read_error = self._first_read_error, None
            empty.update(_("Could not read the board: {error}").format(error=error))
            self.notify(str(error), title=_("Could not read the board"), severity="error", markup=False)
        elif self.department is not None:
            self._update_selection(fill=False)
        shell_of(self.app).after_first_frame(self._after_first_frame)
        self.set_timer(1.0, preload_dialogs)

    def _after_first_frame(self) -> None:
        """Once the first frame is out: read the whole department when the first page was not all of
        it (its columns then get their full pages), else build the rest of each column's page. The
        columns' scroll bars show from the next frame on."""
        for column in self._board_columns:
            column.body.remove_class(FIRST_FRAME)
        if self.counts is not None:
            self.reload()
        elif self._pages_partial:
            self._render_columns()
            self._update_selection()

    # ----- data in -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.load_board(*self._reload_target())

    def _reload_target(self) -> tuple[str | None, str | None]:
        """The department and card a reload shows: a card or department just added, even when this reload
        (after the write's change notice) replaces the load that was to show it."""
        dept = self._pending_dept or (self.department.name if self.department else None)
        return dept, self._pending_select or self.selected_id

    @work(thread=True, exclusive=True, group="board-load", exit_on_error=False)
    def load_board(
        self,
        dept: str | None,
        select: str | None = None,
        *,
        first_page: bool = False,
        after: threading.Event | None = None,
    ) -> None:
        """Read the departments and one department's cards (in a thread). ``first_page`` (a switch to
        another department): read only its first page, which shows at once; the whole department is
        read once that page is on screen (:meth:`apply_board`), as on the first board. ``after``: wait
        for it first (at most :data:`FRAME_WAIT` seconds)."""
        if after is not None:
            after.wait(FRAME_WAIT)
            if get_current_worker().is_cancelled:
                return
        writes = shell_of(self.app).writes_submitted
        data = self._read_first_page(writes, dept) if first_page else self._read_board(dept, select, writes)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(data))

    def _read_first_page(self, writes_seen: int, dept: str | None = None) -> BoardData:
        """The first page of each column of ``dept`` (the first department when None or gone), from one
        snapshot (what the first frame shows); ``counts`` is None when that page already holds every
        card of the department."""
        cards = self.services.cards
        page = cards.first_page(dept, PAGE_SIZE)
        whole = page.department is None or sum(page.counts.values()) == len(page.cards)
        return BoardData(
            page.departments,
            page.department,
            page.cards,
            cards.today(),
            None,
            writes_seen,
            page.blocked,
            None if whole else dict(page.counts),
        )

    def _switch_to(self, dept: str) -> None:
        """Show ``dept``: its first page as soon as it is read (from the snapshot already in memory when
        the file did not change), then the whole department (:meth:`_read_whole_after_page`)."""
        self._switches += 1
        self.load_board(dept, first_page=True)

    def _frame_event(self) -> threading.Event:
        """An event set once the next frame is out: a worker that waits on it (at most
        :data:`FRAME_WAIT` seconds) does not hold up that frame. A thread that decodes holds the
        interpreter while the loop draws, and ``call_after_refresh`` can run before the frame. The worker
        starts at once and waits in its thread, so whoever waits for the app's workers waits for it too."""
        shown = threading.Event()
        shell_of(self.app).after_next_frame(shown.set)
        return shown

    def _read_whole_after_page(self, switch: int, shown: threading.Event | None = None) -> None:
        """A department's first page is shown: read the whole department once ``shown`` is set, unless
        another switch came since (its own page is on the way, and a read of this one would cancel it)."""
        if switch == self._switches:
            self.load_board(*self._reload_target(), after=shown)

    def _when_whole(self, action: Callable[[], object]) -> bool:
        """While only the first page is shown, keep ``action`` for when the whole board is in (True):
        a move or a cursor step needs every card of the column (WIP limits, ranks, the last card)."""
        if self.counts is None:
            return False
        self._until_full.append(action)
        return True

    def _run_kept_actions(self) -> None:
        kept, self._until_full = self._until_full, []
        for action in kept:
            action()

    def _read_board(self, dept: str | None, select: str | None, writes_seen: int) -> BoardData:
        """The departments and the cards of ``dept`` (the first department when None or gone)."""
        services = self.services
        departments = services.directory.departments()
        department = next((d for d in departments if d.name == dept), departments[0] if departments else None)
        cards = services.cards.list(dept=department.name) if department else []
        blocked = services.cards.blocked_among(cards)
        return BoardData(departments, department, cards, services.cards.today(), select, writes_seen, blocked)

    @work(thread=True, exclusive=True, group="board-load", exit_on_error=False)
    def locate_card(self, card_id: str) -> None:
        """Find which board ``card_id`` is on, then show it there."""
        card = self.services.cards.get(card_id)
        self.app.call_from_thread(self.load_board, card.dept, card.id)

    def show_card(self, card_id: str) -> None:
        """Open the board holding ``card_id`` with the cursor on it."""
        if card_id in {c.id for cards in self.columns.values() for c in cards}:
            self._select_card(card_id)
        else:
            self.locate_card(card_id)

    def reload_and_select(self, dept: str, card_id: str) -> None:
        """Re-read ``dept``'s board and put the cursor on ``card_id`` (after an undo)."""
        self.load_board(dept, card_id)

    @on(Loaded)
    async def apply_board(self, message: Loaded) -> None:
        data = message.data
        shell = shell_of(self.app)
        stale = data.writes_seen != shell.writes_submitted or shell.writes_in_flight > 0
        if stale and (
            self.department is None or data.department is None or data.department.name == self.department.name
        ):
            return
        if data.counts is None:
            timeline.mark("board: whole department shown")
        shown = (self.columns, self.blocked, self.today, self.counts, self._selected_tile)
        cursor = self._cursor_place()
        self._set_departments(data.departments, data.department)
        rebuild = self._take(data)
        empty = self.query_one("#board-empty", Static)
        empty.display = self.department is None
        if self.department is None:
            empty.update(_(EMPTY_TEXT))
            return
        if rebuild and not self._reuse_columns():
            board = self.query_one("#board", Horizontal)
            if board.children:
                await board.remove_children()
            if data.counts is not None:  # a department's first page: the tiles that show, the rest after
                await board.mount_all(self._build_columns(limit=tiles_that_fit(self.app.size.height)))
                self._pages_partial = True
            else:
                await board.mount_all(self._build_columns())
        elif not rebuild:
            self._repaint_changes(*shown)
        if data.counts is not None:  # the whole department, read once this page is on screen
            self._read_whole_after_page(self._switches, self._frame_event())
        if rebuild or self._cursor_place() != cursor:
            self._update_selection(fill=data.counts is None)
        else:  # the cursor is on the same card where it was: no class to move, nothing to scroll
            selected = self.selected_id
            widget = (
                self.board_columns[self.cursor_col] if self.cursor_col < len(self.board_columns) else None
            )
            self._selected_tile = widget.tile_for(selected) if widget is not None and selected else None
        if data.counts is None:  # keys pressed meanwhile need the whole board
            self._run_kept_actions()

    def _cursor_place(self) -> tuple[object, ...]:
        """The selected card, the cursor's column and row, and the first row drawn of that column."""
        names = self.column_names
        offset = self.offsets.get(names[self.cursor_col]) if 0 <= self.cursor_col < len(names) else None
        return self.selected_id, self.cursor_col, self.cursor_row, offset

    def _repaint_changes(
        self,
        columns: Mapping[str, list[Card]],
        blocked: frozenset[str],
        today: date,
        counts: Mapping[str, int] | None,
        selected_tile: CardTile | None,
    ) -> None:
        """After a reload of the same department: show again only the columns whose cards (or blocked
        marks) differ from what was shown, so a card edited elsewhere redraws that card's column, where
        its tile is the only one whose text changes. A new day or the end of the first page: every column."""
        only: set[str] | None = None
        if today == self.today and counts is None and self.counts is None:
            only = changed_columns(columns, self.columns, blocked ^ self.blocked)
            if self._ensure_window() and self.column_names:  # the cursor's row moved to another page
                only.add(self.column_names[self.cursor_col])
        self._render_columns(only)
        if selected_tile is not None and selected_tile.card.id != self.selected_id:
            selected_tile.remove_class("-selected")  # it may sit in a column not shown again

    def _take(self, data: BoardData) -> bool:
        """Adopt ``data`` as the view state; True when the columns must be built anew."""
        select = data.select or self.selected_id
        self.today = data.today
        self.blocked = data.blocked
        self.counts = data.counts
        changed_dept = data.department != self.department
        self.department = dept = data.department
        if dept is not None and dept.name == self._pending_dept:
            self._pending_dept = None
        if dept is None:
            self.columns = {}
            return False
        grouped: dict[str, list[Card]] = {c.name: [] for c in dept.columns}
        for card in sorted(data.cards, key=lambda c: (c.rank, c.id)):
            grouped.setdefault(card.column, []).append(card)
        self.columns = grouped
        rebuild = changed_dept or [c.column.name for c in self.board_columns] != [
            c.name for c in dept.columns
        ]
        if rebuild:
            self.offsets = {c.name: 0 for c in dept.columns}
            if changed_dept:
                self.cursor_col = self.cursor_row = 0
        if select is not None and not self._locate(select):
            select = None
        if select is not None and select == self._pending_select:
            self._pending_select = None
        if select is None:
            self._clamp_cursor()
        return rebuild

    def _build_columns(self, limit: int = PAGE_SIZE, *, first_frame: bool = False) -> list[BoardColumn]:
        """New column widgets for the current department, each primed with its first page of tiles (the
        first ``limit`` of them); ``first_frame``: for the app's first frame (:data:`FIRST_FRAME`)."""
        assert self.department is not None
        self._selected_tile = None
        self._ensure_window()
        selected = self.selected_id
        self._board_columns = [
            BoardColumn(col, id=f"col-{i}", first_frame=first_frame).prime(
                self.columns.get(col.name, []),
                self.today,
                selected=selected,
                offset=self.offsets.get(col.name, 0),
                blocked=self.blocked,
                total=self.counts.get(col.name) if self.counts is not None else None,
                limit=limit,
            )
            for i, col in enumerate(self.department.columns)
        ]
        self._pages_partial = False
        return self._board_columns

    def _reuse_columns(self) -> bool:
        """Show another department in the column widgets already mounted when it has as many columns
        (True): each column draws the new cards into its body, which is quicker than mounting new
        widgets (compose, CSS, layout) on a department switch."""
        assert self.department is not None
        widgets, columns = self._board_columns, self.department.columns
        if not widgets or len(widgets) != len(columns) or not all(w.is_mounted for w in widgets):
            return False
        for widget, column in zip(widgets, columns, strict=True):
            widget.column = column
            widget.body.scroll_home(animate=False, immediate=True)
        self._ensure_window()
        self._render_columns()
        return True

    def _set_departments(self, departments: list[Department], current: Department | None) -> None:
        """Show one tab per department, ``current`` highlighted."""
        self._dept_bar.show(departments, current.name if current is not None else None)
        self.departments = departments

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "board-load":
            if self.counts is not None:  # the whole board could not be read: the kept keys act on the page
                self.counts = None
                self._run_kept_actions()
            error = event.worker.error
            self.notify(str(error), title=_("Could not read the board"), severity="error", markup=False)

    # ----- view state ----------------------------------------------------------------------------

    @property
    def board_columns(self) -> list[BoardColumn]:
        return self._board_columns

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.department.columns] if self.department else []

    @property
    def selected_card(self) -> Card | None:
        names = self.column_names
        if not names:
            return None
        cards = self.columns.get(names[self.cursor_col], [])
        return cards[self.cursor_row] if 0 <= self.cursor_row < len(cards) else None

    @property
    def selected_id(self) -> str | None:
        card = self.selected_card
        return card.id if card else None

    def _locate(self, card_id: str) -> bool:
        for col_index, name in enumerate(self.column_names):
            for row, card in enumerate(self.columns.get(name, [])):
                if card.id == card_id:
                    self.cursor_col, self.cursor_row = col_index, row
                    self._ensure_window()
                    return True
        return False

    def _clamp_cursor(self) -> None:
        names = self.column_names
        self.cursor_col = max(0, min(self.cursor_col, len(names) - 1))
        count = len(self.columns.get(names[self.cursor_col], [])) if names else 0
        self.cursor_row = max(0, min(self.cursor_row, count - 1))

    def _ensure_window(self) -> bool:
        """Page the cursor's column so the cursor's row is drawn; True when the page changed."""
        names = self.column_names
        if not names:
            return False
        name = names[self.cursor_col]
        current = self.offsets.get(name, 0)
        count = len(self.columns.get(name, []))
        offset = min(page_start(max(0, self.cursor_row), current), max(0, count - 1))
        self.offsets[name] = offset
        return offset != current

    def _render_columns(self, only: set[str] | None = None) -> None:
        if self.department is None:
            return
        if self._pages_partial:  # the first frame's columns: every page is built whole now
            self._pages_partial = False
            only = None
        self._ensure_window()
        selected = self.selected_id
        for widget, column in zip(self.board_columns, self.department.columns, strict=False):
            if only is None or column.name in only:
                widget.show(
                    column,
                    self.columns.get(column.name, []),
                    self.today,
                    selected=selected,
                    offset=self.offsets.get(column.name, 0),
                    blocked=self.blocked,
                    total=self.counts.get(column.name) if self.counts is not None else None,
                )
        self._selected_tile = None

    def _update_selection(self, *, fill: bool = True) -> None:
        """Move the ``-selected`` class to the cursor's tile and scroll it into view; ``fill`` first
        builds the rest of the first frame's pages (every cursor move does: it may go past them)."""
        if fill and self._pages_partial and self.department is not None:
            self._render_columns()  # the cursor may go past the tiles the first frame built
        selected = self.selected_id
        columns = self.board_columns
        for index, widget in enumerate(columns):
            widget.set_current(index == self.cursor_col)
        if self._selected_tile is not None and self._selected_tile.card.id != selected:
            self._selected_tile.remove_class("-selected")
        tile = None
        if selected is not None and self.cursor_col < len(columns):
            tile = columns[self.cursor_col].tile_for(selected)
        if tile is None:
            for widget in columns:
                for other in widget.tiles:
                    other.remove_class("-selected")
        else:
            tile.add_class("-selected")
            if tile.is_mounted and tile.region:
                tile.scroll_visible(animate=False, immediate=True)
            else:
                self.call_after_refresh(tile.scroll_visible, animate=False)
        self._selected_tile = tile
        state = (selected is not None, self.department is not None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _select_card(self, card_id: str) -> None:
        before = dict(self.offsets)
        if self._locate(card_id):
            if before != self.offsets:
                self._render_columns()
            self._update_selection()

    # ----- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card_actions = {"edit_card", "open_card", "delete_card", "reorder"}
        if action in card_actions and self.selected_card is None:
            return None
        if action == "move_column" and self.selected_card is None:
            return None
        if action in {"new_card", "setup_columns", "rename_department"} and self.department is None:
            return None
        return True

    def action_cursor(self, dx: int, dy: int) -> None:
        if self._when_whole(lambda: self.action_cursor(dx, dy)):
            return
        names = self.column_names
        if not names:
            return
        if dx:
            self.cursor_col = max(0, min(len(names) - 1, self.cursor_col + dx))
            self._clamp_cursor()
        if dy:
            cards = self.columns.get(names[self.cursor_col], [])
            self.cursor_row = max(0, min(len(cards) - 1, self.cursor_row + dy))
            if self._ensure_window():
                self._render_columns({names[self.cursor_col]})
        self._update_selection()

    def action_switch_dept(self, step: int) -> None:
        if not self.departments or self.department is None:
            return
        names = [d.name for d in self.departments]
        index = names.index(self.department.name) if self.department.name in names else 0
        self._switch_to(names[(index + step) % len(names)])

    def action_pick_dept(self) -> None:
        from tui.dialogs.department_picker import DepartmentPickerModal

        def chosen(name: str | None) -> None:
            if name is not None:
                self._switch_to(name)

        self.app.push_screen(
            DepartmentPickerModal(self.departments, self.department.name if self.department else None),
            chosen,
        )

    @on(DepartmentBar.Chosen)
    def switch_to_clicked_department(self, event: DepartmentBar.Chosen) -> None:
        if self.department is None or event.name != self.department.name:
            self._switch_to(event.name)

    # ----- mouse ---------------------------------------------------------------------------------

    @on(ColumnBody.TileClicked)
    def select_clicked_card(self, message: ColumnBody.TileClicked) -> None:
        if self._when_whole(lambda: self.select_clicked_card(message)):
            return
        self._select_card(message.card_id)
        if message.chain >= 2:
            self.action_open_card()

    @on(BoardColumn.HeaderClicked)
    def move_to_clicked_column(self, message: BoardColumn.HeaderClicked) -> None:
        """A click on a column header moves the selected card there (or just selects the column)."""
        if self._when_whole(lambda: self.move_to_clicked_column(message)):
            return
        names = self.column_names
        if message.column not in names:
            return
        target = names.index(message.column)
        if self.selected_card is not None and target != self.cursor_col:
            self._move_to(target)
        else:
            self.cursor_col = target
            self._clamp_cursor()
            self._update_selection()

    # ----- changes -------------------------------------------------------------------------------

    def _write(
        self,
        label: str,
        run: Callable[[], Any],
        *,
        undo: Callable[[Any], UndoEntry | None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        shell = shell_of(self.app)

        def done(result: Any) -> None:
            if undo is not None and (entry := undo(result)) is not None:
                shell.undo.push(entry)

        def failed(error: Exception) -> None:
            if on_error is not None:
                on_error(error)
            else:
                self.notify(
                    str(error),
                    title=_("Could not {label}").format(label=label),
                    severity="error",
                    markup=False,
                )
            self.reload()

        shell.submit_write(WriteJob(label, run, done, failed))

    def action_move_column(self, step: int) -> None:
        """Move the selected card to the top of the next column left or right (visible at once)."""
        if self._when_whole(lambda: self.action_move_column(step)):
            return
        self._move_to(self.cursor_col + step)

    def _move_to(self, target: int, *, force: bool = False) -> None:
        card, dept = self.selected_card, self.department
        names = self.column_names
        if card is None or dept is None or not 0 <= target < len(names) or target == self.cursor_col:
            return
        name = names[target]
        all_cards = [c for cards in self.columns.values() for c in cards]
        if not force:
            try:
                rules.check_wip(dept, name, all_cards, moving=card.id)
            except ConflictError as exc:
                self._offer_wip_override(card.id, target, str(exc))
                return
        source = names[self.cursor_col]
        self.columns[source] = [c for c in self.columns[source] if c.id != card.id]
        target_cards = self.columns.setdefault(name, [])
        first = target_cards[0] if target_cards else None
        moved = replace(card, column=name, rank=rules.rank_between(None, first.rank if first else None))
        target_cards.insert(0, moved)
        self.cursor_col, self.cursor_row = target, 0
        self._render_columns({source, name})
        self._update_selection()
        cards = self.services.cards
        before = first.id if first else None
        self._write(
            _("move {id}").format(id=card.id),
            lambda: cards.tracked(
                card.id, lambda uow: cards.move_in(uow, card.id, name, before=before, enforce_wip=not force)
            ),
            undo=lambda result: UndoEntry(
                _("move of {id} to {column}").format(id=card.id, column=name), card.id, *result
            ),
        )

    def _offer_wip_override(self, card_id: str, target: int, refusal: str) -> None:
        """A move refused by a WIP limit: say why; move past it only after a yes (the CLI's --force)."""
        from tui.dialogs.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes and self._locate(card_id):
                self._move_to(target, force=True)

        question = _("{refusal}\n\nMove {card} past the WIP limit anyway?").format(
            refusal=refusal, card=card_id
        )
        self.app.push_screen(ConfirmModal(question, yes=_("Move anyway")), answered)

    def _offer_wip_override_for_new(
        self, refusal: str, write: Callable[[bool], None], draft: dict[str, str]
    ) -> None:
        """A new card for a full column: add it past the limit after a yes, or reopen the form as typed."""
        from tui.dialogs.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                write(True)
            else:
                self.action_new_card(draft, refusal)

        question = _("{refusal}\n\nAdd the card past the WIP limit anyway?").format(refusal=refusal)
        self.app.push_screen(ConfirmModal(question, yes=_("Add anyway")), answered)

    # ----- set-up: columns, people, departments --------------------------------------------------

    def action_setup_columns(self) -> None:
        """The board's columns with their counts: add, rename, reorder, remove, WIP limits."""
        from tui.dialogs.column_setup import ColumnChange, ColumnSetupModal

        dept = self.department
        if dept is None:
            return
        counts = [(c, len(self.columns.get(c.name, []))) for c in dept.columns]
        directory = self.services.directory

        def write(change: ColumnChange) -> Department:
            if change.kind == "add":
                return directory.add_column(
                    dept.name, change.column, wip_limit=change.wip or None, before=change.before
                )
            if change.kind == "rename":
                return directory.rename_column(dept.name, change.column, change.new_name)
            if change.kind == "move":
                return directory.move_column(dept.name, change.column, before=change.before)
            if change.kind == "remove":
                return directory.remove_column(dept.name, change.column)
            return directory.set_wip_limit(dept.name, change.column, change.wip or None)

        def chosen(change: ColumnChange | None) -> None:
            if change is None:
                return

            def done(result: Department) -> None:
                shown = " | ".join(
                    c.name if c.wip_limit is None else f"{c.name} ({c.wip_limit})" for c in result.columns
                )
                self.notify(shown, title=_("Columns of {dept}").format(dept=result.name), markup=False)
                self.load_board(result.name, self.selected_id)

            # ``undo`` is the success callback: it returns no entry, as column set-up is not undone by ctrl+z.
            self._write(_("change the columns"), lambda: write(change), undo=lambda result: done(result))

        self.app.push_screen(ColumnSetupModal(dept, counts), chosen)

    def action_people(self) -> None:
        """Everyone on the project: add a person, or edit one."""
        from tui.screens.people_setup import manage_people

        manage_people(self, self.context)

    def action_add_department(self) -> None:
        from tui.screens.people_setup import add_department

        add_department(self, self.context, self._show_department)

    def action_rename_department(self) -> None:
        from tui.screens.people_setup import rename_department

        if self.department is not None:
            rename_department(self, self.context, self.department.name, self._show_department)

    def _show_department(self, dept: Department) -> None:
        """After a department was added or renamed: its board, even if a reload for another comes first."""
        self._pending_dept = dept.name
        self.load_board(dept.name)

    def action_reorder(self, offset: int) -> None:
        if self._when_whole(lambda: self.action_reorder(offset)):
            return
        card = self.selected_card
        if card is None:
            return
        name = self.column_names[self.cursor_col]
        cards_in_column = self.columns[name]
        target = max(0, min(len(cards_in_column) - 1, self.cursor_row + offset))
        if target == self.cursor_row:
            return
        cards_in_column.insert(target, cards_in_column.pop(self.cursor_row))
        self.cursor_row = target
        self._render_columns({name})
        self._update_selection()
        service = self.services.cards
        self._write(
            _("reorder {id}").format(id=card.id),
            lambda: service.tracked(card.id, lambda uow: service.reorder_in(uow, card.id, offset)),
            undo=lambda result: UndoEntry(_("reorder of {id}").format(id=card.id), card.id, *result),
        )

    def _drafts(self) -> DraftKeeper:
        """The card form's drafts: private files of this account, flushed when the terminal hangs up."""
        from storage.drafts import save_draft, take_draft
        from tui.dialogs.base import DraftKeeper

        return DraftKeeper(take_draft, save_draft, shell_of(self.app).register_flush)

    def action_new_card(self, draft: dict[str, str] | None = None, error: str = "") -> None:
        if self._when_whole(lambda: self.action_new_card(draft, error)):
            return
        from tui.dialogs.card_form import CardFormModal

        dept = self.department
        if dept is None:
            return
        column = self.column_names[self.cursor_col] if self.column_names else None

        def submitted(result: CardFormResult | None) -> None:
            if result is None:
                return
            values = dict(result.values)
            title = values.pop("title")
            owner = values.pop("owner")
            due = values.pop("due")
            milestone = values.pop("milestone")
            blocked_by = values.pop("blocked_by")
            service = self.services.cards

            def add(force: bool) -> Card:
                return service.add(
                    dept.name, title, column=result.column, owner=owner, due=due,
                    milestone=milestone, blocked_by=blocked_by, enforce_wip=not force, **values,
                )  # fmt: skip

            def added(card: Card) -> UndoEntry:
                self._pending_select = card.id
                self.call_later(self.load_board, card.dept, card.id)
                return UndoEntry(_("new card {id}").format(id=card.id), card.id, None, card)

            def write(force: bool) -> None:
                self._write(
                    _("add the card"),
                    lambda: add(force),
                    undo=added,
                    on_error=lambda exc: self.action_new_card(result.draft, str(exc)),
                )

            column_name = result.column or (column or dept.columns[0].name)
            try:
                rules.check_wip(dept, column_name, [c for cards in self.columns.values() for c in cards])
            except ConflictError as exc:
                self._offer_wip_override_for_new(str(exc), write, result.draft)
                return
            write(False)

        self.app.push_screen(
            CardFormModal(
                None,
                today=self.today,
                department=dept,
                column=column,
                draft=draft,
                error=error,
                drafts=self._drafts(),
            ),
            submitted,
        )

    def action_edit_card(self, draft: dict[str, str] | None = None, error: str = "") -> None:
        if self._when_whole(lambda: self.action_edit_card(draft, error)):
            return
        from tui.dialogs.card_form import CardFormModal

        card, dept = self.selected_card, self.department
        if card is None or dept is None:
            return

        def submitted(result: CardFormResult | None) -> None:
            if result is None or not result.values:
                return
            # Shown at once, like a move; the reload after the write brings what the service stored.
            shown = replace(card, **result.values)
            self.columns[card.column] = [
                shown if c.id == card.id else c for c in self.columns.get(card.column, [])
            ]
            self._render_columns({card.column})
            self._update_selection()
            service = self.services.cards
            self._write(
                _("edit {id}").format(id=card.id),
                lambda: service.tracked(card.id, lambda uow: service.edit_in(uow, card.id, result.values)),
                undo=lambda res: UndoEntry(_("edit of {id}").format(id=card.id), card.id, *res),
                on_error=lambda exc: self._reopen_edit(card.id, result.draft, str(exc)),
            )

        self.app.push_screen(
            CardFormModal(
                card, today=self.today, department=dept, draft=draft, error=error, drafts=self._drafts()
            ),
            submitted,
        )

    def _reopen_edit(self, card_id: str, draft: dict[str, str], error: str) -> None:
        self._select_card(card_id)
        if self.selected_id == card_id:
            self.action_edit_card(draft, error)
        else:
            self.notify(error, title=_("Could not save the card"), severity="error", markup=False)

    def action_delete_card(self) -> None:
        if self._when_whole(lambda: self.action_delete_card()):
            return
        from tui.dialogs.confirm import ConfirmModal

        card = self.selected_card
        if card is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            for name, cards in self.columns.items():
                self.columns[name] = [c for c in cards if c.id != card.id]
            self._clamp_cursor()
            self._render_columns({card.column})
            self._update_selection()
            service = self.services.cards
            self._write(
                _("delete {id}").format(id=card.id),
                lambda: service.delete(card.id),
                undo=lambda deleted: UndoEntry(_("delete of {id}").format(id=card.id), card.id, deleted),
            )

        self.app.push_screen(
            ConfirmModal(_("Delete {id} {title}?").format(id=card.id, title=card.title), yes=_("Delete")),
            answered,
        )

    def action_open_card(self) -> None:
        if self._when_whole(lambda: self.action_open_card()):
            return
        card = self.selected_card
        if card is not None:
            self.load_detail(card.id)

    @work(thread=True, exclusive=True, group="card-detail", exit_on_error=False)
    def load_detail(self, card_id: str) -> None:
        """Read a card with its dependencies and history, then open the detail dialog."""
        from tui.dialogs.card_detail import CardDetail

        service = self.services.cards
        card = service.get(card_id)
        everything = {c.id: c for c in service.list()}
        detail = CardDetail(
            card=card,
            blocked_by=[(dep, everything.get(dep)) for dep in card.blocked_by],
            blocking=[c for c in everything.values() if card.id in c.blocked_by],
            children=[c for c in everything.values() if c.parent == card.id],
            history=service.history(card.id),
        )
        self.app.call_from_thread(self._show_detail, detail)

    def _show_detail(self, detail: CardDetail) -> None:
        from tui.dialogs.card_detail import CardDetailModal

        names = self.column_names
        index = names.index(detail.card.column) if detail.card.column in names else 0

        def chosen(what: str | None) -> None:
            if what is None or not self._locate(detail.card.id):
                return
            self._update_selection()
            if what == "move-left":
                self.action_move_column(-1)
            elif what == "move-right":
                self.action_move_column(1)
            elif what == "edit":
                self.action_edit_card()
            elif what == "delete":
                self.action_delete_card()

        modal = CardDetailModal(
            detail,
            today=self.today,
            can_left=index > 0,
            can_right=index < len(names) - 1,
            zone=self.context.zone,
        )
        self.app.push_screen(modal, chosen)

    def action_import_file(self) -> None:
        """Import cards from a sheet, a Trello board or a Jira export; the plan is shown before anything
        is written."""
        from tui.screens.transfer import start_import

        start_import(self, self.context, self.department.name if self.department else None)

    def action_export_board(self) -> None:
        """Export this department's cards as CSV (for Excel), .xlsx or Markdown."""
        from tui.screens.transfer import offer_table_export

        if self.department is not None:
            offer_table_export(self, self.context, "cards", self.department.name)
