"""The data-changed signal: visible screens repaint at once, a screen of another area on its return."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.boards import boards, column
from tests.helpers.clock import FixedClock
from tests.helpers.wait import settle, until
from tests.helpers.workspace import make_context
from tui.app import HuddleApp
from tui.screens.risks import RisksScreen
from tui.wiring import Context


def has_card(app: HuddleApp, title: str) -> bool:
    return any(tile.card.title == title for tile in column(app, "Backlog").tiles)


def shown_dept(app: HuddleApp) -> str:
    department = boards(app).department
    assert department is not None
    return department.key


async def test_a_screen_of_another_area_repaints_when_it_is_shown_again(
    context: Context, db_path: Path, clock: FixedClock
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).department is not None)
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, RisksScreen))
        board = boards(app)
        reloads = 0
        original = board.reload

        def counting_reload() -> None:
            nonlocal reloads
            reloads += 1
            original()

        board.reload = counting_reload  # type: ignore[method-assign]
        other.cards.add(shown_dept(app), "Signal from another account")
        # The poll sees the new version, reads the snapshot once, publishes; the hidden board only notes it.
        await until(pilot, lambda: board.data_changes.stale is not None)
        assert reloads == 0
        assert not has_card(app, "Signal from another account")
        await pilot.press("1")
        await until(pilot, lambda: has_card(app, "Signal from another account"))
        assert board.data_changes.stale is None
        assert reloads >= 1


async def test_the_visible_screen_repaints_without_being_shown_again(
    context: Context, db_path: Path, clock: FixedClock
) -> None:
    app = HuddleApp(context)
    other = make_context(db_path, clock, "wei").services
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: boards(app).department is not None)
        other.cards.add(shown_dept(app), "Seen at once")
        await until(pilot, lambda: has_card(app, "Seen at once"))
        assert boards(app).data_changes.stale is None
