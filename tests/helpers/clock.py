"""The fixed clock every test runs on: Wednesday 2026-11-25, 10:00 in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

FIXED_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
"""Wednesday 2026-11-25, 10:00 in Asia/Shanghai."""
ZONE = ZoneInfo("Asia/Shanghai")


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now = self.now + timedelta(**kwargs)
