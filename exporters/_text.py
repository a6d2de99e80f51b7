"""Small text helpers shared by the exporters: XML-safe text, wall-clock formatting, people lookup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.dates import format_record_moment
from domain.errors import ValidationError
from domain.models import Person

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (C0 controls other than tab and newlines).

    Carriage returns become newlines so a pasted ``\\r\\n`` is one line break, not two.
    """
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name``; an unknown name is a ValidationError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown time zone {name!r} on the meeting") from exc


def wall_clock(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-12-02 (Wed) 10:00`` in ``zone``, as the current language writes a date in a document
    (``2026年12月2日 周三 10:00`` in zh-CN)."""
    return format_record_moment(moment, zone)


def offset_label(moment: datetime, zone: ZoneInfo) -> str:
    """``Asia/Shanghai, UTC+08:00`` for the offset in force at ``moment``."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{zone.key}, UTC{offset[:3]}:{offset[3:]}"


def index_people(people: Iterable[Person] | Mapping[str, Person]) -> dict[str, Person]:
    """People by handle, from a list of people or a mapping handle -> person."""
    if isinstance(people, Mapping):
        return dict(people)
    return {p.handle: p for p in people}


def display_name(handle: str | None, people: Mapping[str, Person]) -> str:
    """``Ann Lee (@ann)``, or ``@ann`` for someone no longer in the directory, or an empty string."""
    if not handle:
        return ""
    person = people.get(handle)
    return f"{person.name} (@{handle})" if person else f"@{handle}"
