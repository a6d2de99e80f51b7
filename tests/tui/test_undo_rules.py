"""ctrl+z puts back only what this user changed, with another writer (a second account on the same file)
changing the card between the change and the undo."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tests.helpers.boards import board_has_tiles
from tests.helpers.clock import FixedClock
from tests.helpers.wait import until
from tests.helpers.workspace import make_context
from tui.app import HuddleApp
from tui.dialogs.card_form import CardFormModal
from tui.wiring import Context


def messages(app: HuddleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def edit_title(app: HuddleApp, pilot: Pilot[None], title: str) -> None:
    await until(pilot, lambda: board_has_tiles(app), 30)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, CardFormModal), 30)
    app.screen.query_one("#title", Input).value = title
    await pilot.press("ctrl+s")
    await until(pilot, lambda: len(app.undo) == 1 and app.writes_in_flight == 0, 30)


async def test_undo_keeps_what_another_person_changed_meanwhile(
    context: Context, db_path: Path, clock: FixedClock
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services.cards
    async with app.run_test(size=(120, 40)) as pilot:
        await edit_title(app, pilot, "Rack the servers (ann)")
        assert context.services.cards.get("OPS-1").title == "Rack the servers (ann)"
        other.move("OPS-1", "Doing")
        other.edit("OPS-1", {"description": "李伟 checked the rack"})
        await pilot.press("ctrl+z")
        await until(pilot, lambda: any("meanwhile" in m for m in messages(app)), 30)
        card = context.services.cards.get("OPS-1")
        assert card.title == "Rack the new servers"
        assert card.column == "Doing"
        assert card.description == "李伟 checked the rack"
        assert "@wei changed it meanwhile; undid only your change to title" in messages(app)


async def test_undo_refuses_when_another_person_changed_the_same_field(
    context: Context, db_path: Path, clock: FixedClock
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services.cards
    async with app.run_test(size=(120, 40)) as pilot:
        await edit_title(app, pilot, "Rack the servers (ann)")
        other.edit("OPS-1", {"title": "Rack the servers (wei)", "owner": "wei"})
        before = context.services.store.version()
        await pilot.press("ctrl+z")
        await until(pilot, lambda: any("nothing undone" in m for m in messages(app)), 30)
        card = context.services.cards.get("OPS-1")
        assert (card.title, card.owner) == ("Rack the servers (wei)", "wei")
        assert context.services.store.version() == before
        assert "@wei changed title of OPS-1 again after you; nothing undone" in messages(app)


async def test_undo_of_a_move_with_nobody_in_between_says_undid(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: board_has_tiles(app), 30)
        await pilot.press("L")
        await until(pilot, lambda: len(app.undo) == 1 and app.writes_in_flight == 0, 30)
        assert context.services.cards.get("OPS-1").column == "To do"
        await pilot.press("ctrl+z")
        await until(pilot, lambda: any(m.startswith("Undid move") for m in messages(app)), 30)
        assert context.services.cards.get("OPS-1").column == "Backlog"
