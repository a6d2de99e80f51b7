"""RFC 5545 VTIMEZONE components with yearly RRULE observances, derived from the zoneinfo database.

Why not ``icalendar.Timezone.from_tzinfo``: it lists every transition as one comma-separated RDATE
and no RRULE. Mozilla's ical.js reads only the first RDATE value (a New York meeting in July 2028
came out an hour late) and Outlook, which rebuilds a yearly rule from the VTIMEZONE, is documented
to shift daylight-time events given that form. So the transitions are found by sampling the zone
(the same ``zoneinfo`` data every other Huddle time goes through), grouped into yearly patterns
("2nd Sunday of March at 02:00", "last Sunday of October", "Friday on or after the 23rd"), and each
pattern becomes one observance with ``RRULE:FREQ=YEARLY``; a pattern that stops before the end of
the scanned years gets ``UNTIL`` (in UTC, as RFC 5545 requires), one that runs to the end is left
open, since the zone data repeats its last rule for ever. A zone without transitions in the scanned
years (Asia/Shanghai) gets one STANDARD observance. No COMMENT is written.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_DayRule = tuple[str, int, int]
"""(kind, day, weekday): ``("on-or-after", 8, 6)`` is the Sunday on or after the 8th, i.e. the 2nd
Sunday; ``("last", 0, 6)`` the last Sunday; ``("day", 21, -1)`` the 21st whatever the weekday."""
_WEEKDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC).replace(tzinfo=None)
"""DTSTART of the single observance of a zone that has no transitions in the scanned years."""


@dataclass(frozen=True, slots=True)
class _State:
    offset: timedelta
    dst: bool
    name: str


@dataclass(frozen=True, slots=True)
class _Transition:
    at: datetime
    """The UTC instant the new state begins."""
    before: _State
    after: _State

    @property
    def local(self) -> datetime:
        """The wall-clock time of the change on the clock that was in force (naive), as DTSTART wants."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    def shape(self) -> tuple[object, ...]:
        """What must stay the same from year to year for one yearly RRULE to describe the change."""
        local = self.local
        return (self.before, self.after, local.month, local.time())

    def day_rules(self) -> frozenset[_DayRule]:
        """Every BYDAY/BYMONTHDAY form this year's date fits: the weekday on or after day D (for each
        possible D; D = 1, 8, 15, 22 is the 1st to 4th weekday), the last weekday, the fixed day."""
        day, weekday = self.local.day, self.local.weekday()
        length = _calendar.monthrange(self.local.year, self.local.month)[1]
        rules = {("day", day, -1)}
        rules.update(("on-or-after", first, weekday) for first in range(max(1, day - 6), day + 1))
        if day + 7 > length:
            rules.add(("last", 0, weekday))
        return frozenset(rules)


def _state(zone: ZoneInfo, moment: datetime) -> _State:
    local = moment.astimezone(zone)
    return _State(local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or zone.key)


def _transitions(zone: ZoneInfo, first_year: int, last_year: int) -> tuple[_State, list[_Transition]]:
    """The state in force at the start of ``first_year`` (UTC) and every change up to the end of
    ``last_year``: sampled every 24 hours, each change then pinned to the second by bisection."""
    step = timedelta(days=1)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    initial = current = _state(zone, moment)
    found: list[_Transition] = []
    while moment < end:
        later = moment + step
        state = _state(zone, later)
        if state != current:
            low, high = moment, later
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            found.append(_Transition(high.replace(microsecond=0), current, state))
            current = state
        moment = later
    return initial, found


def _byday(rules: frozenset[_DayRule]) -> dict[str, object]:
    """The RRULE day parts for the simplest form in ``rules``: nth weekday, last weekday, fixed day,
    else "weekday on or after day D" as BYDAY with seven BYMONTHDAYs (RFC 5545 has no shorter form)."""
    for kind, day, weekday in sorted(rules):
        if kind == "on-or-after" and day in (1, 8, 15, 22):
            return {"BYDAY": f"{(day - 1) // 7 + 1}{_WEEKDAY[weekday]}"}
    for kind, _, weekday in rules:
        if kind == "last":
            return {"BYDAY": f"-1{_WEEKDAY[weekday]}"}
    for kind, day, _ in rules:
        if kind == "day":
            return {"BYMONTHDAY": day}
    kind, first, weekday = min(rules)
    return {"BYDAY": _WEEKDAY[weekday], "BYMONTHDAY": list(range(first, first + 7))}


_Run = tuple[list[_Transition], frozenset[_DayRule]]


def _runs(transitions: list[_Transition]) -> list[_Run]:
    """Consecutive yearly transitions of one shape whose dates share a day rule, as one run each."""
    open_runs: list[_Run] = []
    done: list[_Run] = []
    for change in transitions:
        placed = False
        for index, (members, rules) in enumerate(open_runs):
            last = members[-1]
            if last.shape() != change.shape() or change.local.year != last.local.year + 1:
                continue
            common = rules & change.day_rules()
            if common:
                members.append(change)
                open_runs[index] = (members, common)
                placed = True
                break
        if not placed:
            open_runs.append(([change], change.day_rules()))
        # A run that missed a year is over: it can no longer be extended.
        still_open = []
        for members, rules in open_runs:
            if members[-1].local.year >= change.local.year - 1:
                still_open.append((members, rules))
            else:
                done.append((members, rules))
        open_runs = still_open
    return sorted(done + open_runs, key=lambda run: run[0][0].at)


def _observance(state_before: _State, state: _State, start: datetime) -> TimezoneStandard | TimezoneDaylight:
    component = TimezoneDaylight() if state.dst else TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", state_before.offset)
    component.add("tzoffsetto", state.offset)
    component.add("tzname", state.name)
    return component


@lru_cache(maxsize=64)
def build_vtimezone(key: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for IANA zone ``key`` valid from ``first_year`` on (open-ended after ``last_year``).

    Callers copy nothing out of the cached component: icalendar serialises it as is.
    """
    zone = ZoneInfo(key)
    initial, transitions = _transitions(zone, first_year, last_year)
    timezone = Timezone()
    timezone.add("tzid", key)
    if not transitions:
        timezone.add_component(_observance(initial, initial, _EPOCH_START))
        return timezone
    for members, rules in _runs(transitions):
        head = members[0]
        observance = _observance(head.before, head.after, head.local)
        # A change seen in one year only is no evidence of a yearly rule (Morocco's Ramadan
        # changes): it stays a single onset. A pattern still seen in the last scanned year runs on.
        if len(members) > 1:
            recur: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": head.local.month}
            recur.update(_byday(rules))
            if members[-1].local.year < last_year:
                recur["UNTIL"] = members[-1].at
            observance.add("rrule", vRecur(recur))
        timezone.add_component(observance)
    return timezone
