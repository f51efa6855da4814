"""Read a feed with libical (Evolution, GNOME Calendar) through GObject introspection.

Run with the system Python, which has Debian's python3-gi and gir1.2-ical-3.0 (not the venv):

    /usr/bin/python3 tests/libical/read.py FROM_EPOCH TO_EPOCH < feed.ics

Prints JSON: {"version", "errors": [X-LIC-ERROR texts after the iTIP restriction check],
"occurrences": [{uid, start, end (UTC ISO 8601), title, status, recurrence_id}]}. Masters are
expanded with libical's own foreach_recurrence; an override replaces the instance its
RECURRENCE-ID names, as Evolution does.
"""
import json
import sys
from datetime import UTC, datetime

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402


def iso(seconds):
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(value, calendar=None, component=None, kind=None):
    """An ICalTime as a Unix time, in its own zone, else its property's TZID, else UTC."""
    zone = value.get_timezone()
    if zone is None and component is not None and not value.is_utc():
        prop = component.get_first_property(kind)
        param = prop.get_first_parameter(I.ParameterKind.TZID_PARAMETER) if prop is not None else None
        if param is not None:
            zone = calendar.get_timezone(param.get_tzid())
    return value.as_timet_with_zone(zone or I.Timezone.get_utc_timezone())


def events(calendar):
    event = calendar.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        yield event
        event = calendar.get_next_component(I.ComponentKind.VEVENT_COMPONENT)


def main():
    low, high = int(sys.argv[1]), int(sys.argv[2])
    calendar = I.Component.new_from_string(sys.stdin.read())
    calendar.check_restrictions()
    errors = []
    for kind in (I.PropertyKind.XLICERROR_PROPERTY,):
        for component in [calendar, *events(calendar)]:
            prop = component.get_first_property(kind)
            while prop is not None:
                errors.append(prop.get_xlicerror())
                prop = component.get_next_property(kind)
    overrides, masters = {}, []
    for event in events(calendar):
        rid = event.get_recurrenceid()
        if rid is not None and not rid.is_null_time():
            overrides[(event.get_uid(), stamp(rid, calendar, event, I.PropertyKind.RECURRENCEID_PROPERTY))] = event
        else:
            masters.append(event)
    out = []

    def keep(event, start, end, recurrence_id):
        if low <= start < high:
            status = event.get_status()
            out.append({"uid": event.get_uid(), "start": iso(start), "end": iso(end), "title": event.get_summary(),
                        "status": "CANCELLED" if status == I.PropertyStatus.CANCELLED else None,
                        "recurrence_id": recurrence_id})

    slack = 400 * 86400
    for master in masters:
        uid = master.get_uid()
        if master.get_first_property(I.PropertyKind.RRULE_PROPERTY) is None:
            keep(master, stamp(master.get_dtstart()), stamp(master.get_dtend()), None)
            continue
        spans = []
        master.foreach_recurrence(I.Time.new_from_timet_with_zone(low - slack, 0, I.Timezone.get_utc_timezone()),
                                  I.Time.new_from_timet_with_zone(high + slack, 0, I.Timezone.get_utc_timezone()),
                                  lambda _component, span, _data: spans.append((span.get_start(), span.get_end())),
                                  None)
        for start, end in spans:
            override = overrides.get((uid, start))
            if override is not None:
                keep(override, stamp(override.get_dtstart()), stamp(override.get_dtend()), iso(start))
            else:
                keep(master, start, end, iso(start))
    print(json.dumps({"version": I.__version__ if hasattr(I, "__version__") else "3.0", "errors": errors,
                      "occurrences": sorted(out, key=lambda o: (o["start"], o["uid"]))}))


main()
