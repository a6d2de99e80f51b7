"""A change made elsewhere costs what it changed: one card edited redraws that card's tile alone, and a
change to a table the board does not show (risks, meetings) does not reload or redraw the board."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content

from tests.helpers.boards import boards, column, tile
from tests.helpers.clock import FixedClock
from tests.helpers.wait import settle, until
from tests.helpers.workspace import make_context
from tui.app import HuddleApp
from tui.widgets.board_column import BoardColumn
from tui.widgets.card_tile import CardTile
from tui.wiring import Context


class Spy:
    """Counts, per card id and per column, the tile texts built and the column redraws (a tile builds its
    text when it renders after a change, and keeps it for every repaint until the next one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tiles: Counter[str] = Counter()
        self.columns: Counter[str] = Counter()
        content, show = CardTile._content, BoardColumn.show
        spy = self

        def counting_content(tile: CardTile) -> Content:
            spy.tiles[tile.card.id] += 1
            return content(tile)

        def counting_show(widget: BoardColumn, *args: Any, **kwargs: Any) -> None:
            spy.columns[widget.column.name] += 1
            show(widget, *args, **kwargs)

        monkeypatch.setattr(CardTile, "_content", counting_content)
        monkeypatch.setattr(BoardColumn, "show", counting_show)

    def clear(self) -> None:
        self.tiles.clear()
        self.columns.clear()


def tiles_by_column(app: HuddleApp) -> dict[str, list[CardTile]]:
    return {widget.column.name: widget.tiles for widget in boards(app).board_columns}


async def test_a_card_edited_elsewhere_redraws_exactly_its_tile(
    context: Context, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services
    spy = Spy(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).counts is None and bool(column(app, "Backlog").tiles))
        await settle(pilot)
        edited = column(app, "Backlog").tiles[0].card.id
        widgets = tiles_by_column(app)
        spy.clear()
        other.cards.edit(edited, {"title": "Renamed elsewhere"})
        await until(pilot, lambda: tile(app, edited).card.title == "Renamed elsewhere")
        await settle(pilot)
        assert spy.tiles == Counter({edited: 1})  # that tile's text, once; no other tile touched
        assert set(spy.columns) == {"Backlog"}  # the other columns are not drawn again
        assert tiles_by_column(app) == widgets  # the same tile widgets: nothing rebuilt


async def test_a_change_to_risks_or_meetings_does_not_reload_the_board(
    context: Context, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services
    spy = Spy(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).counts is None and bool(column(app, "Backlog").tiles))
        await settle(pilot)
        board = boards(app)
        loads = 0
        load_board = board.load_board

        def counting_load(*args: Any, **kwargs: Any) -> Any:
            nonlocal loads
            loads += 1
            return load_board(*args, **kwargs)

        board.load_board = counting_load  # type: ignore[method-assign]
        widgets = tiles_by_column(app)
        spy.clear()
        store = context.services.store
        other.risks.add("Supplier goes bust", 2, 5, owner="wei")
        await until(pilot, lambda: app.data_version == store.version())
        other.meetings.start("Weekly sync")
        await until(pilot, lambda: app.data_version == store.version())
        await settle(pilot)
        assert loads == 0
        assert not spy.tiles
        assert not spy.columns
        assert tiles_by_column(app) == widgets
        # Still live: the next card change elsewhere is on the board.
        first = column(app, "Backlog").tiles[0].card.id
        other.cards.edit(first, {"title": "After the risk"})
        await until(pilot, lambda: tile(app, first).card.title == "After the risk")
        assert loads == 1


async def test_a_hidden_board_reloads_on_return_only_if_its_tables_changed(
    context: Context, db_path: Path, clock: FixedClock
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).counts is None and bool(column(app, "Backlog").tiles))
        board = boards(app)
        loads = 0
        load_board = board.load_board

        def counting_load(*args: Any, **kwargs: Any) -> Any:
            nonlocal loads
            loads += 1
            return load_board(*args, **kwargs)

        board.load_board = counting_load  # type: ignore[method-assign]
        await pilot.press("2")
        await until(pilot, lambda: app.current_mode == "portfolio")
        store = context.services.store
        other.risks.add("Only a risk", 1, 1)
        await until(
            pilot, lambda: app.data_version == store.version() and board.data_changes.stale is not None
        )
        await pilot.press("1")
        await until(pilot, lambda: app.screen is board and board.data_changes.stale is None)
        await settle(pilot)
        assert loads == 0  # only a risk changed while it was away
        first = column(app, "Backlog").tiles[0].card.id
        await pilot.press("2")
        await until(pilot, lambda: app.current_mode == "portfolio")
        other.cards.edit(first, {"title": "Changed while away"})
        await until(
            pilot, lambda: app.data_version == store.version() and board.data_changes.stale is not None
        )
        await pilot.press("1")
        await until(pilot, lambda: tile(app, first).card.title == "Changed while away")
        assert loads == 1


def test_every_area_names_only_tables_the_data_file_has() -> None:
    """A misspelt table would make a screen miss the changes it shows."""
    from storage.shape import REQUIRED
    from tui.app import AREAS, area_class

    known = set(REQUIRED) | {"published"}
    for _name, _title, path in AREAS:
        tables = area_class(path).TABLES
        assert tables is None or tables <= known, path
