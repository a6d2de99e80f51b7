"""The app shell: opens on the boards, switches areas with 1-5, notices another process's write."""

from __future__ import annotations

from tui.app import HuddleApp
from tui.wiring import Context


async def test_number_keys_switch_areas(context: Context) -> None:
    app = HuddleApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.current_mode == "boards"
        for key, mode in (
            ("2", "portfolio"),
            ("3", "risks"),
            ("4", "meetings"),
            ("5", "plan"),
            ("1", "boards"),
        ):
            await pilot.press(key)
            assert app.current_mode == mode
