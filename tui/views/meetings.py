"""What the meeting screens show, as plain values (no Textual): times in the meeting's zone."""

from __future__ import annotations

from datetime import datetime

from domain.dates import get_zone


def when_text(moment: datetime, zone_name: str) -> str:
    """``Wed 02 Dec 2026 10:00 Asia/Shanghai``: a time as people in the meeting read it."""
    return f"{moment.astimezone(get_zone(zone_name)):%a %d %b %Y %H:%M} {zone_name}"
