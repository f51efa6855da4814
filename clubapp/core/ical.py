"""iCalendar feeds built with the icalendar library: one master per series, overrides, EXDATEs.

Plain data in, bytes out; no Flask, no database. Everything in the output comes from the data
given (DTSTAMP and LAST-MODIFIED included), so the same data always gives the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vDuration, vRecur

PRODID = "-//Clubapp//Clubapp feeds 1.0//EN"
# VTIMEZONE definitions cover a fixed span, so that the bytes never depend on today's date.
ZONE_SPAN = (date(2015, 1, 1), date(2050, 1, 1))


@lru_cache(maxsize=64)
def vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of an IANA zone over ZONE_SPAN (built once per process)."""
    return Timezone.from_tzid(tzid, first_date=ZONE_SPAN[0], last_date=ZONE_SPAN[1])


@dataclass(frozen=True)
class FeedOverride:
    """One occurrence that differs from its master (RECURRENCE-ID = its original start)."""

    recurrence_id: datetime  # aware, in the master's zone
    start: datetime
    end: datetime
    title: str
    description: str | None
    video_url: str | None
    venue: str | None
    page_url: str | None
    sequence: int
    last_modified: datetime
    cancelled: bool = False
    attendee: tuple[str, str, str] | None = None  # (email, name, PARTSTAT)


@dataclass(frozen=True)
class FeedEvent:
    """A series master (``rrule`` set) or a single event."""

    uid: str
    title: str
    start: datetime  # aware, in the series' zone
    duration: timedelta
    description: str | None = None
    rrule: str | None = None  # canonical RRULE value, UNTIL in UTC
    exdates: tuple[datetime, ...] = ()
    overrides: tuple[FeedOverride, ...] = ()
    video_url: str | None = None
    venue: str | None = None
    page_url: str | None = None
    sequence: int = 0
    created: datetime | None = None
    last_modified: datetime = field(default_factory=lambda: datetime(2000, 1, 1, tzinfo=UTC))
    cancelled: bool = False
    categories: tuple[str, ...] = ()
    attendee: tuple[str, str, str] | None = None


def _location(venue: str | None, video_url: str | None) -> str | None:
    parts = [p for p in (venue, video_url) if p]
    return " · ".join(parts) if parts else None


def _describe(description: str | None, video_url: str | None, page_url: str | None) -> str | None:
    lines = []
    if description:
        lines.append(description)
    if video_url:
        lines.append(f"Video: {video_url}")
    if page_url:
        lines.append(f"Clubapp: {page_url}")
    return "\n\n".join(lines) if lines else None


def _fill(component: Event, *, title: str, description: str | None, video_url: str | None, venue: str | None,
          page_url: str | None, sequence: int, last_modified: datetime, created: datetime | None,
          cancelled: bool, attendee: tuple[str, str, str] | None, categories: tuple[str, ...] = ()) -> None:
    component.add("summary", title)
    text = _describe(description, video_url, page_url)
    if text:
        component.add("description", text)
    location = _location(venue, video_url)
    if location:
        component.add("location", location)
    if video_url:
        component.add("url", video_url)
        component.add("conference", video_url,
                      parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Video"})
    elif page_url:
        component.add("url", page_url)
    component.add("sequence", sequence)
    component.add("dtstamp", last_modified.astimezone(UTC))
    component.add("last-modified", last_modified.astimezone(UTC))
    if created is not None:
        component.add("created", created.astimezone(UTC))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    if categories:
        component.add("categories", list(categories))
    if attendee is not None:
        email, name, partstat = attendee
        component.add("attendee", f"mailto:{email}", parameters={"CN": name, "PARTSTAT": partstat, "RSVP": "TRUE"})


def build_calendar(name: str, events: list[FeedEvent] | tuple[FeedEvent, ...], *,
                   refresh: timedelta = timedelta(hours=1), description: str | None = None) -> bytes:
    """The VCALENDAR bytes of ``events``, with a VTIMEZONE for every zone used."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for tzid in sorted({str(e.start.tzinfo) for e in events if str(e.start.tzinfo) != "UTC"}):
        calendar.add_component(vtimezone(tzid))
    for event in sorted(events, key=lambda e: e.uid):
        master = Event()
        master.add("uid", event.uid)
        master.add("dtstart", event.start)
        master.add("dtend", event.start + event.duration)
        if event.rrule:
            master.add("rrule", vRecur.from_ical(event.rrule))
        for exdate in sorted(event.exdates):
            master.add("exdate", exdate)
        _fill(master, title=event.title, description=event.description, video_url=event.video_url,
              venue=event.venue, page_url=event.page_url, sequence=event.sequence,
              last_modified=event.last_modified, created=event.created, cancelled=event.cancelled,
              attendee=event.attendee, categories=event.categories)
        calendar.add_component(master)
        for override in sorted(event.overrides, key=lambda o: o.recurrence_id):
            child = Event()
            child.add("uid", event.uid)
            child.add("recurrence-id", override.recurrence_id)
            child.add("dtstart", override.start.astimezone(event.start.tzinfo))
            child.add("dtend", override.end.astimezone(event.start.tzinfo))
            _fill(child, title=override.title, description=override.description, video_url=override.video_url,
                  venue=override.venue, page_url=override.page_url, sequence=override.sequence,
                  last_modified=override.last_modified, created=event.created, cancelled=override.cancelled,
                  attendee=override.attendee, categories=event.categories)
            calendar.add_component(child)
    return calendar.to_ical()
