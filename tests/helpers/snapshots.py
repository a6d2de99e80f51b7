"""What every snapshot test builds its app with: one area open and a fixed window title."""

from __future__ import annotations

from collections.abc import Callable

from tui.app import HuddleApp
from tui.wiring import Context

SnapCompare = Callable[..., bool]


def snapshot_app(context: Context, mode: str, *, title: str = "team.json") -> HuddleApp:
    """The app opened on ``mode``, titled with a fixed name instead of the temporary DB path."""
    app = HuddleApp(context, start_mode=mode)
    app.sub_title = title
    return app
