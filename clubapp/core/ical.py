"""iCalendar feeds built with the icalendar library: one master per series, overrides, EXDATEs.

Plain data in, bytes out; no Flask, no database. Everything in the output comes from the data
given (DTSTAMP and LAST-MODIFIED included), so the same data always gives the same bytes.
"""
from __future__ import annotations

import calendar as gregorian
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vRecur, vText

from clubapp.core.colors import CSS3_COLORS

PRODID = "-//Clubapp//Clubapp feeds 1.0//EN"
# VTIMEZONE definitions start at a fixed date, so that the bytes never depend on today's date;
# a yearly rule still in force at the end of the span is left open (it goes on, as in tzdata).
ZONE_SPAN = (date(2015, 1, 1), date(2050, 1, 1))
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Transition:
    at: datetime  # UTC
    before: timedelta  # UTC offset before
    after: timedelta  # UTC offset after
    daylight: bool
    name: str

    @property
    def onset(self) -> datetime:
        """Local wall-clock time of the change, read in the offset before it (RFC 5545 3.6.5)."""
        return (self.at + self.before).replace(tzinfo=None)


def _state(zone: tzinfo, instant: datetime) -> tuple[timedelta, bool, str]:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(0), (local.dst() or timedelta(0)) > timedelta(0), local.tzname() or ""


def _transitions(zone: tzinfo, start: datetime, end: datetime) -> list[_Transition]:
    """Every change of offset, DST flag or name in [start, end), found day by day then to the minute."""
    out = []
    day, state = start, _state(zone, start)
    while day < end:
        following = day + timedelta(days=1)
        new = _state(zone, following)
        if new != state:
            low, high = day, following  # state(low) == state, state(high) == new
            while high - low > timedelta(minutes=1):
                probe = low + (high - low) / 2
                probe = probe.replace(second=0, microsecond=0)
                if probe <= low:
                    break
                if _state(zone, probe) == state:
                    low = probe
                else:
                    high = probe
            # Clocks going forward start a DAYLIGHT part, back a STANDARD one (Dublin's "negative
            # DST" included), as clients expect.
            daylight = new[0] > state[0] if new[0] != state[0] else new[1]
            out.append(_Transition(high, state[0], new[0], daylight, new[2]))
        day, state = following, new
    return out


def _rule_candidates(day: date) -> set[str]:
    """BYDAY / BYMONTHDAY values that pick ``day`` in its month."""
    weekday = WEEKDAYS[day.weekday()]
    out = {f"{(day.day - 1) // 7 + 1}{weekday}", f"D{day.day}"}
    if day.day > gregorian.monthrange(day.year, day.month)[1] - 7:
        out.add(f"-1{weekday}")
    return out


def _rrule(month: int, candidates: set[str], until: datetime | None) -> dict:
    # Prefer "last Sunday" to "5th Sunday", a weekday rule to a fixed day.
    choice = sorted(candidates, key=lambda c: (c.startswith("D"), not c.startswith("-1"), c))[0]
    rule: dict = {"freq": "YEARLY", "bymonth": month}
    if choice.startswith("D"):
        rule["bymonthday"] = int(choice[1:])
    else:
        rule["byday"] = choice
    if until is not None:
        rule["until"] = until
    return rule


@lru_cache(maxsize=64)
def vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of an IANA zone from ZONE_SPAN on, built once per process.

    Yearly changes become one STANDARD / DAYLIGHT part each with an RRULE (as Outlook, Apple
    Calendar and Thunderbird write them), not a long RDATE list: ical.js reads only the first
    value of an RDATE property, which would put every later summer at the winter offset.
    """
    zone = ZoneInfo(tzid)
    span_start = datetime.combine(ZONE_SPAN[0], datetime.min.time(), tzinfo=UTC)
    # From a year before the span: the changes then describe the offset at its start.
    start = span_start.replace(year=span_start.year - 1)
    end = datetime.combine(ZONE_SPAN[1], datetime.min.time(), tzinfo=UTC)
    changes = _transitions(zone, start, end)
    # Runs of consecutive years with the same change on the same rule become one part.
    runs: list[list] = []  # [first transition, last transition, candidates, count]
    open_runs: dict[tuple, list] = {}
    for change in changes:
        key = (change.daylight, change.before, change.after, change.name, change.onset.month,
               change.onset.time())
        candidates = _rule_candidates(change.onset.date())
        run = open_runs.get(key)
        if run is not None and run[1].onset.year == change.onset.year - 1 and run[2] & candidates:
            run[1], run[2], run[3] = change, run[2] & candidates, run[3] + 1
        else:
            run = [change, change, candidates, 1]
            open_runs[key] = run
            runs.append(run)
    timezone = Timezone()
    timezone.add("tzid", tzid)
    timezone.add("x-lic-location", tzid)
    offset, daylight, name = _state(zone, start)
    parts = []
    initial = TimezoneDaylight() if daylight else TimezoneStandard()
    initial.add("dtstart", start.replace(tzinfo=None))
    initial.add("tzoffsetfrom", offset)
    initial.add("tzoffsetto", offset)
    if name:
        initial.add("tzname", name)
    # The state at the span's start is a no-op part (TZOFFSETFROM = TZOFFSETTO), written only when
    # no change in the year before the span says it: otherwise it would be a second STANDARD (or
    # DAYLIGHT) part in the same era, and Outlook may take the first one.
    if not changes or changes[0].at >= span_start:
        parts.append((start.replace(tzinfo=None), initial))
    for first, last, candidates, count in runs:
        part = TimezoneDaylight() if first.daylight else TimezoneStandard()
        part.add("dtstart", first.onset)
        part.add("tzoffsetfrom", first.before)
        part.add("tzoffsetto", first.after)
        if first.name:
            part.add("tzname", first.name)
        if count > 1:
            # A rule still in force in the span's last year goes on; an older one ends (UNTIL, UTC).
            ongoing = last.onset.year >= ZONE_SPAN[1].year - 1
            part.add("rrule", _rrule(first.onset.month, candidates, None if ongoing else last.at))
        parts.append((first.onset, part))
    for _onset, part in sorted(parts, key=lambda item: item[0]):
        timezone.add_component(part)
    return timezone


@lru_cache(maxsize=64)
def gaps(tzid: str) -> tuple[tuple[datetime, datetime], ...]:
    """The spring-forward gaps of a zone in ZONE_SPAN: (first missing, first existing) local times."""
    zone = ZoneInfo(tzid)
    start = datetime.combine(ZONE_SPAN[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(ZONE_SPAN[1], datetime.min.time(), tzinfo=UTC)
    return tuple((change.onset, change.onset + (change.after - change.before))
                 for change in _transitions(zone, start, end) if change.after > change.before)


def in_gap(day: date, at: time, tzid: str) -> bool:
    """True when the local ``day`` ``at`` does not exist in the zone (the clocks skip it)."""
    naive = datetime.combine(day, at)
    return any(low <= naive < high for low, high in gaps(tzid) if low.date() <= day <= high.date())


@dataclass(frozen=True)
class FeedOverride:
    """One occurrence that differs from its master (RECURRENCE-ID = its original start)."""

    recurrence_id: datetime  # aware, in the master's zone, as the rule generates it (see ``nominal``)
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
    start: datetime  # aware, in the series' zone: the local time the rule generates (see ``nominal``)
    duration: timedelta  # absolute
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
    recurrence_id: datetime | None = None  # one occurrence of a series on its own (a download)
    organizer: tuple[str, str] | None = None  # (name, email): METHOD:PUBLISH requires one (RFC 5546 3.2.1)
    color: str | None = None  # the club's CSS3 colour name (RFC 7986 5.9 COLOR)


class _Text(vText):
    """TEXT escaped as RFC 5545 3.3.11 says, every character kept.

    icalendar's vText first turns a literal backslash-N of the value into a line break ("C:\\Notes"
    would lose its N); line breaks (CRLF, LF, a bare CR) are all written ``\\n``, the only one
    iCalendar has.
    """

    __slots__ = ()

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        encoding: str = getattr(self, "encoding", "utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n").encode(encoding)


def _location(venue: str | None, video_url: str | None) -> str | None:
    """The venue; the video link alone for a video-only meeting (the link also goes in URL,
    CONFERENCE and DESCRIPTION, which clients read instead)."""
    return venue or video_url or None


def _ambiguous(instant: datetime) -> bool:
    """True when ``instant``'s local time is in a repeated (autumn) hour."""
    return instant.replace(fold=1 - instant.fold).utcoffset() != instant.utcoffset() \
        and instant.astimezone(UTC).astimezone(instant.tzinfo).replace(tzinfo=None) == instant.replace(tzinfo=None)


def written(start: datetime, end: datetime | None = None) -> tuple[datetime, datetime | None]:
    """A start (and end) as DATE-TIMEs that every client reads back at the same instants.

    Local time with its TZID, except in the repeated autumn hour: there local time is ambiguous
    (RFC 5545 3.3.5 reads it as the first of the two instants), so both are written in UTC (both,
    since some clients add DTEND - DTSTART to the start on the wall clock).
    """
    if _ambiguous(start) or (end is not None and _ambiguous(end)):
        return start.astimezone(UTC), end.astimezone(UTC) if end is not None else None
    return start, end


def nominal(day: date, at: time, zone: tzinfo) -> datetime:
    """The local date and time a rule generates, as written in DTSTART, EXDATE and RECURRENCE-ID.

    Inside a spring-forward gap this wall-clock time does not exist; every client reads it as the
    offset before the gap says (RFC 5545 3.3.5), which is the app's own rule (core.recurrence).
    """
    return datetime.combine(day, at, tzinfo=zone)


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
          cancelled: bool, attendee: tuple[str, str, str] | None, categories: tuple[str, ...] = (),
          organizer: tuple[str, str] | None = None, color: str | None = None) -> None:
    component.add("summary", _Text(title))
    if color:
        component.add("color", color)
    if organizer is not None:
        component.add("organizer", f"mailto:{organizer[1]}", parameters={"CN": organizer[0]})
    text = _describe(description, video_url, page_url)
    if text:
        component.add("description", _Text(text))
    location = _location(venue, video_url)
    if location:
        component.add("location", _Text(location))
    if video_url:
        component.add("url", video_url)
        component.add("conference", video_url,
                      parameters={"VALUE": "URI", "FEATURE": "AUDIO,VIDEO", "LABEL": "Video"})
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
        for category in categories:
            component.add("categories", _Text(category))
    if attendee is not None:
        # The reader's own answer. METHOD:PUBLISH allows no ATTENDEE without an ORGANIZER (RFC 5546
        # 3.2.1, enforced by libical): the answer is an X- property, and the summary says it too.
        _email, _name, partstat = attendee
        component.add("x-clubapp-partstat", partstat)


def fold(line: str, limit: int = 75) -> str:
    """An unfolded content line folded as icalendar folds it (parts under ``limit`` octets, never
    right after a backslash), without its character-by-character loop for ASCII lines."""
    if line.isascii():
        if len(line) < limit:
            return line
        parts: list[str] = []
        start = 0
        while len(line) - start >= limit:
            end = start + limit - 1
            if end - start > 1 and line[end - 1] in "\\^":
                end -= 1
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return "\r\n ".join(parts)
    parts = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode())
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def build_calendar(name: str | None, events: list[FeedEvent] | tuple[FeedEvent, ...], *,
                   refresh: timedelta = timedelta(hours=1), description: str | None = None,
                   timezone: str | None = None, subscription: bool = True, color: str | None = None) -> bytes:
    """The VCALENDAR bytes of ``events``, with a VTIMEZONE for every zone used.

    A subscription (a feed) has its name, description, default zone and refresh interval; a
    download (``subscription=False``: one meeting's .ics) has none of them, so that importing it
    adds the event, not a calendar.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if subscription:
        if name:
            calendar.add("name", _Text(name))
            calendar.add("x-wr-calname", _Text(name))
        if description:
            calendar.add("description", _Text(description))
            calendar.add("x-wr-caldesc", _Text(description))
        if timezone:
            calendar.add("x-wr-timezone", timezone)
        if color in CSS3_COLORS:  # RFC 7986 5.9; Apple's clients read their own property, in #RRGGBB
            calendar.add("color", color)
            calendar.add("x-apple-calendar-color", CSS3_COLORS[color])
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    header = [fold(line) for line in calendar.content_lines(sorted=True) if line][:-1]  # without END
    body: list[str] = []
    zones: set[str] = set()
    for event in sorted(events, key=lambda e: e.uid):
        try:
            lines = _event_lines(event)
        except (ValueError, OverflowError, ArithmeticError):
            # One stored row that cannot be written (a line break in a link saved before links
            # were checked) loses its own event, never the whole feed.
            log.error("event %s left out of the calendar", event.uid, exc_info=True)
            continue
        body.extend(lines)
        if str(event.start.tzinfo) != "UTC":
            zones.add(str(event.start.tzinfo))
    # calendar.to_ical(), with the folding above (icalendar's took a fifth of the build) and the
    # VTIMEZONEs, the same in every feed, serialised once per process, before the first event.
    timezones = [line for tzid in sorted(zones) for line in _vtimezone_lines(tzid)]
    return ("\r\n".join(header + timezones + body + ["END:VCALENDAR"]) + "\r\n").encode()


def _event_lines(event: FeedEvent) -> list[str]:
    """The folded content lines of one master and its overrides."""
    master = Event()
    master.add("uid", event.uid)
    if event.recurrence_id is not None:
        master.add("recurrence-id", event.recurrence_id)
    # The end is start + duration in absolute time (on a DST night too), as the API has it.
    end = (event.start.astimezone(UTC) + event.duration).astimezone(event.start.tzinfo)
    if event.rrule:
        # A master starts at the rule's local time (read as RFC 5545 3.3.5 says in a gap or an
        # overlap). Some clients take DTEND - DTSTART on the wall clock: where that differs from
        # the duration (a DST night, a start in the gap) or the end is ambiguous, DURATION it is.
        master.add("dtstart", event.start)
        if end.replace(tzinfo=None) - event.start.replace(tzinfo=None) == event.duration and not _ambiguous(end):
            master.add("dtend", end)
        else:
            master.add("duration", event.duration)
    else:
        start, written_end = written(event.start, end)
        master.add("dtstart", start)
        master.add("dtend", written_end)
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
    for exdate in sorted(event.exdates):
        master.add("exdate", exdate)
    _fill(master, title=event.title, description=event.description, video_url=event.video_url,
          venue=event.venue, page_url=event.page_url, sequence=event.sequence,
          last_modified=event.last_modified, created=event.created, cancelled=event.cancelled,
          attendee=event.attendee, categories=event.categories, organizer=event.organizer,
          color=event.color)
    components = [master]
    for override in sorted(event.overrides, key=lambda o: o.recurrence_id):
        child = Event()
        child.add("uid", event.uid)
        child.add("recurrence-id", override.recurrence_id)
        child_start, child_end = written(override.start.astimezone(event.start.tzinfo),
                                         override.end.astimezone(event.start.tzinfo))
        child.add("dtstart", child_start)
        child.add("dtend", child_end)
        _fill(child, title=override.title, description=override.description, video_url=override.video_url,
              venue=override.venue, page_url=override.page_url, sequence=override.sequence,
              last_modified=override.last_modified, created=event.created, cancelled=override.cancelled,
              attendee=override.attendee, categories=event.categories, organizer=event.organizer,
              color=event.color)
        components.append(child)
    return [fold(line) for component in components for line in component.content_lines(sorted=True) if line]


@lru_cache(maxsize=64)
def _vtimezone_lines(tzid: str) -> tuple[str, ...]:
    return tuple(fold(line) for line in vtimezone(tzid).content_lines(sorted=True) if line)
