# mypy: ignore-errors
"""libical (Evolution's iCalendar engine) on Huddle's files, run by the SYSTEM python3 with PyGObject
and gir1.2-ical-3.0 (neither is on PyPI). For each file named on the command line it prints one JSON
line: ``valid`` (libical's iTIP restriction check, RFC 5546, passed), ``errors`` (every
X-LIC-ERROR libical attached while parsing or checking), and per VEVENT its start and end as Unix
seconds computed by libical from the file's own VTIMEZONE (an all-day event: its ISO date) and the
CN parameters of ORGANIZER and ATTENDEE as libical decodes them (RFC 6868).
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402


def children(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def properties(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def errors_in(component):
    found = [p.as_ical_string().strip() for p in properties(component, I.PropertyKind.XLICERROR_PROPERTY)]
    for child in children(component, I.ComponentKind.ANY_COMPONENT):
        found += errors_in(child)
    return found


def instant(prop, value, zones):
    if value.is_date():
        return value.as_ical_string()
    param = prop.get_first_parameter(I.ParameterKind.TZID_PARAMETER)
    if param is not None:
        zone = zones[param.get_tzid()]
    elif value.is_utc():
        zone = I.Timezone.get_utc_timezone()
    else:
        zone = None
    return value.as_timet_with_zone(zone)


def cn(prop):
    param = prop.get_first_parameter(I.ParameterKind.CN_PARAMETER)
    return param.get_cn() if param is not None else None


def check(path):
    with open(path, encoding="utf-8") as handle:
        root = I.Component.new_from_string(handle.read())
    valid = bool(I.restriction_check(root))
    zones = {}
    for vtimezone in children(root, I.ComponentKind.VTIMEZONE_COMPONENT):
        zone = I.Timezone.new()
        zone.set_component(vtimezone.clone())
        zones[zone.get_tzid()] = zone
    events = []
    for event in children(root, I.ComponentKind.VEVENT_COMPONENT):
        start = event.get_first_property(I.PropertyKind.DTSTART_PROPERTY)
        end = event.get_first_property(I.PropertyKind.DTEND_PROPERTY)
        organizer = event.get_first_property(I.PropertyKind.ORGANIZER_PROPERTY)
        events.append(
            {
                "uid": event.get_uid(),
                "start": instant(start, start.get_dtstart(), zones),
                "end": instant(end, end.get_dtend(), zones),
                "organizer": cn(organizer) if organizer is not None else None,
                "attendees": [cn(p) for p in properties(event, I.PropertyKind.ATTENDEE_PROPERTY)],
            }
        )
    return {"valid": valid, "errors": errors_in(root), "events": events}


for name in sys.argv[1:]:
    print(json.dumps(check(name)))
