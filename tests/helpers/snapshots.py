"""What every snapshot test builds its app with: one area open, a fixed window title, settled workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui.app import HuddleApp
from tui.wiring import Context

SnapCompare = Callable[..., bool]


def snapshot_app(context: Context, mode: str, *, title: str = "team.json") -> HuddleApp:
    """The app opened on ``mode``, titled with a fixed name instead of the temporary DB path."""
    app = HuddleApp(context, start_mode=mode)
    app.sub_title = title
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Let the first load finish: workers done, and the repaint that applies their results."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
