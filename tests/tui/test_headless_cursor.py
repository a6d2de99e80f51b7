"""Headless, a focused field's cursor is drawn steadily: a blink would make snapshots depend on timing.

A blink is a 0.5 s timer; on a loaded machine a snapshot taken after the form opened could catch the
cursor in either phase (the 80x24 edit-form snapshot failed that way now and then).
"""

from __future__ import annotations

from textual.widgets import Input

from tests.helpers.boards import edit_form
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.risk_form import RiskFormModal
from tui.wiring import Context


def focused_input(app: HuddleApp) -> Input | None:
    widget = app.focused
    return widget if isinstance(widget, Input) else None


async def test_every_field_focused_in_the_card_form_has_a_steady_cursor(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await edit_form(pilot)
        seen: set[str] = set()
        for _ in range(4):
            await until(pilot, lambda: focused_input(app) is not None)
            field = focused_input(app)
            assert field is not None
            await until(pilot, lambda field=field: not field.cursor_blink)  # type: ignore[misc]
            seen.add(field.id or "")
            await pilot.press("tab")
        assert len(seen) >= 2


async def test_the_risk_form_opened_from_another_area_has_a_steady_cursor(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, RiskFormModal) and focused_input(app) is not None)
        field = focused_input(app)
        assert field is not None
        await until(pilot, lambda: not field.cursor_blink)
