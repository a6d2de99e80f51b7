"""The portfolio area: every department at once (departments x columns), filters and search.

All cards are read in a thread worker; filtering runs on the in-memory list, so a key press in the
search box repaints within a frame even with thousands of cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Header, Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from domain.i18n import N_, _
from domain.models import Card, Department, Person
from domain.rules import blocked_ids
from tui.messages import OpenCard
from tui.screens.base import AreaScreen
from tui.translated import TranslatedBindings
from tui.views.board import BLOCKED_MARK, MILESTONE_MARK
from tui.views.portfolio import MAX_ROWS, CardFilter, card_rows, summary_columns, summary_rows
from tui.widgets.key_bar import KeyBar
from tui.widgets.safe import literal, printable
from tui.widgets.tables import cursor_key, fit_columns, restore_cursor

if TYPE_CHECKING:
    from tui.wiring import Context

CARD_COLUMNS = (
    ("id", N_("Id"), 8),
    ("dept", N_("Department"), 12),
    ("column", N_("Column"), 8),
    ("title", N_("Title"), 40),
    ("owner", N_("Owner"), 10),
    ("due", N_("Due"), 15),
    ("flags", N_("Flags"), 5),
)
CARD_PRIORITY = ("id", "title", "due", "owner", "flags", "column", "dept")
"""The card list's columns, most important first: narrow terminals drop the department, then the column."""
SUMMARY_PRIORITY = ("dept", "overdue", "blocked", "total", "col:*")
"""The summary's columns, most important first: the board columns go before the totals."""


@dataclass
class PortfolioData:
    departments: list[Department]
    people: list[Person]
    cards: list[Card]
    today: date
    tags: list[str] = field(default_factory=list)
    blocked: frozenset[str] = frozenset()
    """The ids of ``cards`` that :func:`domain.rules.is_blocked` says are blocked (the column and ``b``)."""


class PortfolioScreen(TranslatedBindings, AreaScreen):
    """Departments x columns with counts, and a filtered list of all cards."""

    BINDING_GROUP_TITLE = N_("Portfolio")
    TABLES = frozenset({"cards", "departments", "people"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", N_("Search"), id="portfolio.search"),
        Binding("escape", "clear_search", N_("Clear"), id="portfolio.clear"),
        Binding("o", "toggle_filter('overdue')", N_("Overdue"), id="portfolio.overdue"),
        Binding("b", "toggle_filter('blocked')", N_("Blocked"), id="portfolio.blocked"),
        Binding("m", "toggle_filter('milestone')", N_("Milestones"), id="portfolio.milestone"),
        Binding("w", "focus_owner", N_("Owner"), id="portfolio.owner"),
        Binding("t", "focus_tag", N_("Tag"), id="portfolio.tag"),
        Binding("c", "focus_cards", N_("Cards"), id="portfolio.cards", show=False),
    ]

    @dataclass
    class Loaded(Message):
        data: PortfolioData

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.data: PortfolioData | None = None
        self.filter = CardFilter()
        self.shown: list[Card] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="portfolio-filters"):
            yield Input(placeholder=_("/ search id, title, owner, tag (中文 ok)"), id="search", compact=True)
            yield Select[str]([], prompt=_("owner (w)"), id="owner-filter", compact=True)
            yield Select[str]([], prompt=_("tag (t)"), id="tag-filter", compact=True)
            yield Checkbox(_("overdue (o)"), id="overdue", compact=True)
            yield Checkbox(_("blocked (b)"), id="blocked", compact=True)
            yield Checkbox(_("milestone (m)"), id="milestone", compact=True)
        yield DataTable(id="summary", cursor_type="row", zebra_stripes=True)
        yield Static("", id="match-count")
        yield DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        for checkbox in self.query(Checkbox):
            checkbox.can_focus = False
        cards = self.query_one("#cards", DataTable)
        cards.focus()
        self.load_portfolio()

    def reload(self) -> None:
        self.load_portfolio()

    @work(thread=True, exclusive=True, group="portfolio-load", exit_on_error=False)
    def load_portfolio(self) -> None:
        services = self.services
        departments = services.directory.departments()
        people = services.directory.people()
        cards = services.cards.list()
        tags = sorted({tag for card in cards for tag in card.tags})
        if not get_current_worker().is_cancelled:
            self.post_message(
                self.Loaded(
                    PortfolioData(
                        departments,
                        people,
                        cards,
                        services.cards.today(),
                        tags,
                        blocked_ids(cards, {c.id: c for c in cards}),
                    )
                )
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "portfolio-load":
            self.notify(
                str(event.worker.error), title=_("Could not read the cards"), severity="error", markup=False
            )

    @on(Loaded)
    def apply_portfolio(self, message: Loaded) -> None:
        data = message.data
        previous = self.data
        self.data = data
        if previous is None or [p.handle for p in previous.people] != [p.handle for p in data.people]:
            owner = self.query_one("#owner-filter", Select)
            with owner.prevent(Select.Changed):
                owner.set_options((printable(f"@{p.handle} {p.name}"), p.handle) for p in data.people)
        if previous is None or previous.tags != data.tags:
            tag = self.query_one("#tag-filter", Select)
            with tag.prevent(Select.Changed):
                tag.set_options((printable(t), t) for t in data.tags)
        self._render_summary()
        self._render_cards()

    def _render_summary(self) -> None:
        data = self.data
        if data is None:
            return
        table = self.query_one("#summary", DataTable)
        columns = summary_columns(data.departments)
        table.clear(columns=True)
        width = max((len(d.name) * 2 for d in data.departments), default=10)
        table.add_column(_("Department"), key="dept", width=min(24, max(10, width)))
        for name in columns:
            table.add_column(Text(printable(name)), key=f"col:{name}", width=max(8, cell_len(name)))
        for key, label in (("overdue", N_("Overdue")), ("blocked", N_("Blocked")), ("total", N_("Total"))):
            table.add_column(_(label), key=key, width=max(7, cell_len(_(label))))
        for line in summary_rows(data.departments, data.cards, data.today, data.blocked):
            row: list[Content] = [literal(line.dept, "bold")]
            for cell in line.cells:
                if cell is None:
                    row.append(Content("-"))
                elif cell.over:
                    row.append(
                        Content.styled(
                            _("{count}/{limit} over").format(count=cell.count, limit=cell.limit),
                            "bold $error",
                        )
                    )
                elif cell.limit is not None:
                    row.append(Content(f"{cell.count}/{cell.limit}"))
                else:
                    row.append(Content(str(cell.count)))
            row.append(Content.styled(str(line.overdue), "bold $error") if line.overdue else Content("0"))
            row.append(Content.styled(str(line.blocked), "bold $warning") if line.blocked else Content("0"))
            row.append(Content(str(line.total)))
            table.add_row(*row, key=line.dept)
        fit_columns(table, priority=SUMMARY_PRIORITY, width=self.size.width - 2)

    def on_resize(self, event: events.Resize) -> None:
        """Refit both tables: which columns fit depends on the width."""
        self._render_summary()
        self._render_cards()

    def _render_cards(self) -> None:
        data = self.data
        if data is None:
            return
        rows, matched = card_rows(data.cards, self.filter, data.today, data.blocked)
        self.shown = [row.card for row in rows]
        table = self.query_one("#cards", DataTable)
        selected = cursor_key(table)
        table.clear(columns=True)
        due_texts = [_("{due} late").format(due=row.due) if row.late else row.due for row in rows]
        for key, label, width in CARD_COLUMNS:
            if key == "due":
                # the due date's width in cells depends on the language and on the year being shown
                width = max([cell_len(_(label)), 10, *(cell_len(text) for text in due_texts)])
            table.add_column(_(label), key=key, width=width)
        for row, due_text in zip(rows, due_texts, strict=True):
            card = row.card
            flags = [MILESTONE_MARK] if card.milestone else []
            if row.accepted is not None:
                flags.append(f"{row.accepted[0]}/{row.accepted[1]}✓")
            if row.blocked:
                flags.append(BLOCKED_MARK)
            table.add_row(
                Content(card.id),
                literal(card.dept),
                literal(card.column),
                literal(card.title),
                literal(f"@{card.owner}" if card.owner else ""),
                Content.styled(due_text, "bold $error") if row.late else Content(due_text),
                Content(" ".join(flags)),
                key=card.id,
            )
        fit_columns(table, priority=CARD_PRIORITY, shrink="title", width=self.size.width - 2)
        restore_cursor(table, selected)
        total = len(data.cards)
        more = _(" (first {n} listed)").format(n=MAX_ROWS) if matched > MAX_ROWS else ""
        active = self.filter.describe()
        shown = _("  filters: {filters}").format(filters=active) if active else ""
        line = _("{matched} of {total} cards match{more}{filters}; enter opens a card on its board")
        self.query_one("#match-count", Static).update(
            literal(line.format(matched=matched, total=total, more=more, filters=shown))
        )

    def _set_filter(self, **changes: Any) -> None:
        values = {**self.filter.__dict__, **changes}
        self.filter = CardFilter(**values)
        self._render_cards()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self._set_filter(text=event.value)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.action_focus_cards()

    @on(Select.Changed, "#owner-filter")
    def owner_changed(self, event: Select.Changed) -> None:
        self._set_filter(owner=None if event.value is Select.NULL else str(event.value))

    @on(Select.Changed, "#tag-filter")
    def tag_changed(self, event: Select.Changed) -> None:
        self._set_filter(tag=None if event.value is Select.NULL else str(event.value))

    @on(Checkbox.Changed)
    def flag_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id in ("overdue", "blocked", "milestone"):
            self._set_filter(**{event.checkbox.id: event.value})

    @on(DataTable.RowSelected, "#cards")
    def open_card(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenCard(str(event.row_key.value)))

    @on(DataTable.RowSelected, "#summary")
    def open_board(self, event: DataTable.RowSelected) -> None:
        data = self.data
        if data is None or event.row_key.value is None:
            return
        first = next((c for c in data.cards if c.dept == event.row_key.value), None)
        if first is not None:
            self.post_message(OpenCard(first.id))

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_search(self) -> None:
        self.focus_search()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.action_focus_cards()

    def action_toggle_filter(self, name: str) -> None:
        checkbox = self.query_one(f"#{name}", Checkbox)
        checkbox.value = not checkbox.value

    def action_focus_owner(self) -> None:
        self.query_one("#owner-filter", Select).focus()

    def action_focus_tag(self) -> None:
        self.query_one("#tag-filter", Select).focus()

    def action_focus_cards(self) -> None:
        self.query_one("#cards", DataTable).focus()
