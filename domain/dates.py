"""Dates and times as people type them: ISO, ``today``, ``fri``, ``next mon``, ``+3d``, 明天, 下周一."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import ValidationError
from domain.i18n import _, pgettext
from domain.text import excerpt, quoted

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
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
"""Dates outside this range are refused where they are typed: a date in year 9999 would make date
arithmetic (an all-day event ends the next day, a meeting an hour later) overflow in a later export."""
MAX_ZONE_NAME = 64
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*$")


def check_date(value: date, what: str = "date") -> date:
    """``value`` if it lies between EARLIEST and LATEST, else ValidationError."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("{what} {value} is out of range; use a date from {year} to {year2}").format(
                what=what, value=day.isoformat(), year=EARLIEST.year, year2=LATEST.year
            )
        )
    return value


def parse_date(text: str, today: date) -> date:
    """Resolve a typed date relative to ``today``; refused outside EARLIEST..LATEST."""
    return check_date(_parse_date(text, today))


def _parse_date(text: str, today: date) -> date:
    """Resolve a typed date relative to ``today``.

    ``fri`` is the nearest Friday from today on (today if it is Friday); ``next fri`` is the Friday of the
    following Monday-to-Sunday week. Raises ValidationError naming the accepted forms.
    """
    raw = text.strip()
    value = raw.lower()
    if not value:
        raise ValidationError(_("date is empty; use {DATE_FORMS}").format(DATE_FORMS=DATE_FORMS))
    if len(raw) > 40 or any("\ud800" <= ch <= "\udfff" or ch < " " for ch in raw):
        raise ValidationError(
            _("cannot read date {raw}; use {DATE_FORMS}").format(raw=quoted(raw), DATE_FORMS=DATE_FORMS)
        )
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
    raise ValidationError(
        _("cannot read date {raw}; use {DATE_FORMS}").format(raw=quoted(raw), DATE_FORMS=DATE_FORMS)
    )


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
        day_part, _sep, time_part = raw.partition("T")
    else:
        day_part, _sep, time_part = raw.rpartition(" ")
    match = _TIME.match(time_part.strip())
    if not day_part or not match:
        raise ValidationError(
            _("cannot read date and time {raw}; use DATE HH:MM, for example '2026-12-01 14:00'").format(
                raw=quoted(raw)
            )
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValidationError(_("time {time_part} is not a time of day").format(time_part=quoted(time_part)))
    day = parse_date(day_part, today)
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            _("{raw} does not exist in {zone} (the clocks skip it); pick another time").format(
                raw=excerpt(raw), zone=zone
            )
        )
    second = local.replace(fold=1)
    if second.utcoffset() != local.utcoffset():
        raise ValidationError(
            _(
                "{raw} happens twice in {zone} (the clocks go back from UTC{value} to "
                "UTC{value2}), so it is ambiguous; pick a time outside that hour"
            ).format(raw=excerpt(raw), zone=zone, value=_offset(local), value2=_offset(second))
        )
    return local.astimezone(UTC)


def _offset(moment: datetime) -> str:
    """``+08:00`` for the UTC offset of an aware ``moment``."""
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def get_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` or raise ValidationError (over-long and path-like names too)."""
    try:
        if len(name) > MAX_ZONE_NAME or not _ZONE_NAME.match(name):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError(
            _("unknown time zone {name}; use an IANA name such as 'Asia/Shanghai'").format(name=quoted(name))
        ) from exc


def local_zone_name() -> str:
    """Best guess of this machine's IANA zone name; ``UTC`` when it cannot be told."""
    import os

    if tz := os.environ.get("TZ", "").lstrip(":"):
        try:
            return get_zone(tz).key
        except ValidationError:
            pass  # a POSIX rule such as "CST-8" or a path: fall back to the system's zone
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "/zoneinfo/"
        if marker in target:
            name = target.split(marker, 1)[1]
            return get_zone(name).key
    except (OSError, ValidationError):
        pass
    return "UTC"


DATE_FIELDS = frozenset({"iso", "year", "month", "month_name", "day", "weekday", "date", "time"})
"""The fields a translated date format may use (the catalog test checks msgstr against them):
``iso`` 2026-12-04, ``year`` 2026, ``month`` 12, ``month_name`` Dec, ``day`` 4, ``weekday`` Fri;
``date`` and ``time`` (14:00) in the date-and-time formats."""


def _weekday_names() -> tuple[str, ...]:
    """Short weekday names, Monday first, in the current language (周一 .. 周日 in zh-CN)."""
    return (
        pgettext("weekday", "Mon"), pgettext("weekday", "Tue"), pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"), pgettext("weekday", "Fri"), pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    )  # fmt: skip


def weekday_name(day: date) -> str:
    """``day``'s short weekday name in the current language (``Fri`` / ``周五``): the CLI's tables."""
    return _weekday_names()[day.weekday()]


def _month_names() -> tuple[str, ...]:
    """Short month names, January first, in the current language."""
    return (
        pgettext("month", "Jan"), pgettext("month", "Feb"), pgettext("month", "Mar"),
        pgettext("month", "Apr"), pgettext("month", "May"), pgettext("month", "Jun"),
        pgettext("month", "Jul"), pgettext("month", "Aug"), pgettext("month", "Sep"),
        pgettext("month", "Oct"), pgettext("month", "Nov"), pgettext("month", "Dec"),
    )  # fmt: skip


def _fields(day: date) -> dict[str, str | int]:
    return {
        "iso": day.isoformat(),
        "year": day.year,
        "month": day.month,
        "month_name": _month_names()[day.month - 1],
        "day": day.day,
        "weekday": _weekday_names()[day.weekday()],
    }


def format_day(day: date, *, today: date | None = None) -> str:
    """A day as the current language writes it: ``Fri 4 Dec`` / ``12月4日 周五``.

    The year is added (``Fri 4 Dec 2025`` / ``2025年12月4日 周五``) unless ``today`` is given and in
    the same year. The patterns are catalog entries (context ``date format``), so a new language
    brings its own order and words.
    """
    if today is not None and today.year == day.year:
        pattern = pgettext("date format", "{weekday} {day} {month_name}")
    else:
        pattern = pgettext("date format", "{weekday} {day} {month_name} {year}")
    return pattern.format(**_fields(day))


def format_moment(moment: datetime, zone: tzinfo, *, today: date | None = None) -> str:
    """An instant as wall-clock time in ``zone``: ``Fri 4 Dec 14:00`` / ``12月4日 周五 14:00``
    (the year added as :func:`format_day` adds it)."""
    local = moment.astimezone(zone)
    return pgettext("date format", "{date} {time}").format(
        date=format_day(local.date(), today=today), time=local.strftime("%H:%M")
    )


def format_record_day(day: date) -> str:
    """A day in a document that is kept (minutes, reports, invites): always with the year, sortable
    in English: ``2026-12-04 (Fri)`` / ``2026年12月4日 周五``."""
    return pgettext("date format", "{iso} ({weekday})").format(**_fields(day))


def format_record_moment(moment: datetime, zone: tzinfo) -> str:
    """An instant in a kept document, wall-clock in ``zone``: ``2026-12-04 (Fri) 14:00`` /
    ``2026年12月4日 周五 14:00``."""
    local = moment.astimezone(zone)
    return pgettext("date format", "{date} {time}").format(
        date=format_record_day(local.date()), time=local.strftime("%H:%M")
    )
