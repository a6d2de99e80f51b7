"""Dates and times as people type them: ISO, ``today``, ``fri``, ``next mon``, ``+3d``, 明天, 下周一."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import ValidationError

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_WORDS = {"今天": 0, "明天": 1, "后天": 2, "大后天": 3}
_RELATIVE = re.compile(r"^\+(\d{1,4})\s*([dw])$")
_ZH_WEEKDAY = re.compile(r"^(下)?(?:周|星期|礼拜)([一二三四五六日天])$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")

DATE_FORMS = "YYYY-MM-DD, today, tomorrow, mon..sun, next mon, +3d, +2w, 明天, 周五, 下周一"


def parse_date(text: str, today: date) -> date:
    """Resolve a typed date relative to ``today``.

    ``fri`` is the nearest Friday from today on (today if it is Friday); ``next fri`` is the Friday of the
    following Monday-to-Sunday week. Raises ValidationError naming the accepted forms.
    """
    raw = text.strip()
    value = raw.lower()
    if not value:
        raise ValidationError(f"date is empty; use {DATE_FORMS}")
    if value in ("today", "tod"):
        return today
    if value in ("tomorrow", "tmr", "tom"):
        return today + timedelta(days=1)
    if value in ("yesterday",):
        return today - timedelta(days=1)
    if raw in _ZH_WORDS:
        return today + timedelta(days=_ZH_WORDS[raw])
    if match := _RELATIVE.match(value):
        amount, unit = int(match.group(1)), match.group(2)
        return today + timedelta(days=amount * (7 if unit == "w" else 1))
    words = value.split()
    if len(words) == 1 and value in _WEEKDAYS:
        return _this_or_next(today, _WEEKDAYS[value])
    if len(words) == 2 and words[0] == "next" and words[1] in _WEEKDAYS:
        return _next_week(today, _WEEKDAYS[words[1]])
    if match := _ZH_WEEKDAY.match(raw):
        weekday = _ZH_DAYS[match.group(2)]
        return _next_week(today, weekday) if match.group(1) else _this_or_next(today, weekday)
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValidationError(f"cannot read date {raw!r}; use {DATE_FORMS}")


def _this_or_next(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _next_week(today: date, weekday: int) -> date:
    monday_next = today + timedelta(days=7 - today.weekday())
    return monday_next + timedelta(days=weekday)


def parse_datetime(text: str, today: date, zone: tzinfo) -> datetime:
    """Resolve ``DATE HH:MM`` (or ISO ``YYYY-MM-DDTHH:MM``) as wall-clock time in ``zone``, returned in UTC.

    A wall-clock time that does not exist (skipped by a daylight-saving change) is refused, and so is
    one that happens twice (the repeated hour when the clocks go back): Huddle does not guess which
    of the two instants is meant, because calendar programs disagree on it (RFC 5545 takes the first,
    others the second) and a meeting would land an hour off for some attendees. The message names
    both offsets so the chair can pick a time outside that hour.
    """
    raw = text.strip()
    if "T" in raw and raw[:4].isdigit():
        day_part, _, time_part = raw.partition("T")
    else:
        day_part, _, time_part = raw.rpartition(" ")
    match = _TIME.match(time_part.strip())
    if not day_part or not match:
        raise ValidationError(
            f"cannot read date and time {raw!r}; use DATE HH:MM, for example '2026-12-01 14:00'"
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValidationError(f"time {time_part!r} is not a time of day")
    day = parse_date(day_part, today)
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(f"{raw} does not exist in {zone} (the clocks skip it); pick another time")
    second = local.replace(fold=1)
    if second.utcoffset() != local.utcoffset():
        raise ValidationError(
            f"{raw} happens twice in {zone} (the clocks go back from UTC{_offset(local)} to "
            f"UTC{_offset(second)}), so it is ambiguous; pick a time outside that hour"
        )
    return local.astimezone(UTC)


def _offset(moment: datetime) -> str:
    """``+08:00`` for the UTC offset of an aware ``moment``."""
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def get_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` or raise ValidationError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"unknown time zone {name!r}; use an IANA name such as 'Asia/Shanghai'"
        ) from exc


def local_zone_name() -> str:
    """Best guess of this machine's IANA zone name; ``UTC`` when it cannot be told."""
    import os

    if tz := os.environ.get("TZ", "").lstrip(":"):
        try:
            ZoneInfo(tz)
            return tz
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "/zoneinfo/"
        if marker in target:
            name = target.split(marker, 1)[1]
            ZoneInfo(name)
            return name
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return "UTC"
