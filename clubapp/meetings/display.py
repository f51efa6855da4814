"""Meetings as people read them: dates and times in their language and time zone, rhythms in words."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from clubapp.core import wording
from clubapp.core.recurrence import WEEKDAYS, RuleError, parse_rule
from clubapp.models import MeetingSeries
from clubapp.models.base import utcnow
from clubapp.services import meetings
from clubapp.services.attendance import CHECK_IN_EARLY

# The Join button shows on the dashboard from this long before the start until the end: when
# joining can check the member in.
JOIN_OPENS_BEFORE = CHECK_IN_EARLY
DEFAULT_START = time(7, 30)  # the classic breakfast meeting
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"


def _locale() -> str:
    return str(get_locale() or "en")


def viewer_zone() -> str:
    """The signed-in reader's time zone."""
    return getattr(current_user, "timezone", None) or "UTC"


def local(instant: datetime, zone: str | None = None) -> datetime:
    return instant.astimezone(ZoneInfo(zone or viewer_zone()))


def long_date(instant: datetime, zone: str | None = None) -> str:
    """Thursday, November 26, 2026 / mardi 1er décembre 2026."""
    return wording.first_of_month(babel_dates.format_date(local(instant, zone).date(), "full", locale=_locale()),
                                  _locale())


def medium_date(day: date | datetime, zone: str | None = None) -> str:
    """Nov 26, 2026 (a date, or an instant read in ``zone``)."""
    if isinstance(day, datetime):
        day = local(day, zone).date()
    return wording.first_of_month(babel_dates.format_date(day, "medium", locale=_locale()), _locale())


def short_time(instant: datetime, zone: str | None = None) -> str:
    """7:30 AM / 07:30."""
    return babel_dates.format_time(local(instant, zone), "short", locale=_locale())


def wall_time(at: time) -> str:
    """A wall-clock time of day (a series' start time), in the reader's language."""
    return babel_dates.format_time(at, "short", locale=_locale())


def time_range(occurrence: meetings.Occurrence, zone: str | None = None) -> str:
    """07:30 – 09:00, with the end's date when it falls on another day."""
    start, end = local(occurrence.starts_at, zone), local(occurrence.ends_at, zone)
    ending = short_time(occurrence.ends_at, zone)
    if end.date() != start.date():
        ending = f"{babel_dates.format_skeleton('MMMEd', end, locale=_locale())} {ending}"
    return f"{short_time(occurrence.starts_at, zone)} – {ending}"


def date_parts(instant: datetime, zone: str | None = None) -> dict[str, str]:
    """The pieces of a calendar-leaf date block: weekday, day, month."""
    day = local(instant, zone).date()
    return {"weekday": babel_dates.format_date(day, "EEE", locale=_locale()),
            "day": str(day.day), "month": babel_dates.format_date(day, "MMM", locale=_locale())}


def place(zone: str) -> str:
    """The city of a time zone, in the reader's language (Paris, Lima...)."""
    try:
        return babel_dates.get_timezone_location(zone, locale=_locale(), return_city=True)
    except (LookupError, ValueError):  # pragma: no cover - every IANA zone has a city
        return zone.replace("_", " ")


def differs_from_viewer(zone: str, instant: datetime | None = None) -> bool:
    """True when the reader's clock and ``zone``'s disagree at ``instant`` (Lima and Paris; not Paris and Brussels)."""
    instant = instant or utcnow()
    return instant.astimezone(ZoneInfo(zone)).utcoffset() != instant.astimezone(ZoneInfo(viewer_zone())).utcoffset()


def month_label(instant: datetime, zone: str | None = None) -> str:
    return babel_dates.format_date(local(instant, zone).date(), "LLLL yyyy", locale=_locale()).capitalize()


def by_month(occurrences: list[meetings.Occurrence], zone: str | None = None) -> list[tuple[str, list]]:
    """Occurrences grouped under month headings, in the reader's time zone."""
    groups: list[tuple[str, list]] = []
    for occurrence in occurrences:
        label = month_label(occurrence.starts_at, zone)
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(occurrence)
    return groups


def day_name(code: str) -> str:
    return babel_dates.get_day_names("wide", locale=_locale())[WEEKDAYS.index(code)]


def _position(ordinal: int) -> str:
    return {1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), 5: _("fifth"), -1: _("last")}.get(
        ordinal, str(ordinal))


def rhythm(series: MeetingSeries) -> str:
    """How often a series meets, in words: "Every week on Thursday"."""
    if not series.rrule:
        return _("Once, on %(date)s", date=medium_date(series.start_date))
    try:
        rule = parse_rule(series.rrule)
    except RuleError:  # stored before rules were checked: officers see it, and can end or delete it
        return _("A rule the app cannot read (%(rule)s): end or delete this series.", rule=series.rrule)
    days = [d for _o, d in rule.byday] or [WEEKDAYS[series.start_date.weekday()]]
    if rule.freq == "DAILY":
        if set(days) == {"MO", "TU", "WE", "TH", "FR"} and rule.interval == 1:
            return _("Every weekday, Monday to Friday")
        return ngettext("Every day", "Every %(num)d days", rule.interval)
    if rule.freq == "WEEKLY":
        names = wording.listing([day_name(d) for d in days], _locale())
        if rule.interval == 1:
            return _("Every week on %(weekday)s", weekday=names)
        return _("Every %(n)d weeks on %(weekday)s", n=rule.interval, weekday=names)
    if rule.byday:
        ordinal, day = rule.byday[0]
        return _("Every month on the %(position)s %(weekday)s", position=_position(ordinal or 1),
                 weekday=day_name(day))
    month_day = rule.bymonthday[0] if rule.bymonthday else series.start_date.day
    if month_day == -1:
        return _("Every month on its last day")
    return _("Every month on day %(day)s", day=wording.day_of_month(month_day, _locale()))


def ending(series: MeetingSeries) -> str | None:
    """When a series stops, in words, or None when it goes on."""
    if not series.rrule:
        return None
    if series.until is not None:
        return _("until %(date)s", date=medium_date(series.until, series.timezone))
    try:
        rule = parse_rule(series.rrule)
    except RuleError:
        return None
    if rule.until is not None:
        return _("until %(date)s", date=medium_date(rule.until.date()))
    if rule.count is not None:
        return ngettext("%(num)d meeting in all", "%(num)d meetings in all", rule.count)
    return None


def next_occurrence(series: MeetingSeries, now: datetime | None = None) -> meetings.Occurrence | None:
    """The series' next meeting that has not ended, cancelled ones included."""
    now = now or utcnow()
    for days in (3, 40, 800):  # a near window first: a daily series need not expand two years
        upcoming = [o for o in meetings.expand(series, now - timedelta(days=1), now + timedelta(days=days))
                    if o.ends_at > now]
        if upcoming:
            return upcoming[0]
    return None


def can_join(occurrence: meetings.Occurrence, now: datetime | None = None) -> bool:
    """The Join link: for those who may see it, from a little before the start to the end."""
    now = now or utcnow()
    if occurrence.is_cancelled or not occurrence.starts_at - JOIN_OPENS_BEFORE <= now < occurrence.ends_at:
        return False
    return meetings.video_visible(current_user._get_current_object(), occurrence)


def is_network_guest(occurrence: meetings.Occurrence) -> bool:
    """True for a network session seen by someone who is not a member of its club."""
    return occurrence.series.open_to_network and not meetings.is_member(current_user._get_current_object(),
                                                                         occurrence.series)


def google_calendar_url(occurrence: meetings.Occurrence, with_video: bool) -> str:
    """Google Calendar's "create event" page prefilled with this meeting."""
    stamp = "%Y%m%dT%H%M%SZ"
    page = url_for("meetings.show", meeting_id=occurrence.id, _external=True)
    details = "\n\n".join(part for part in (
        occurrence.description, _("Join: %(url)s", url=occurrence.video_url) if with_video else None, page) if part)
    location = occurrence.venue or (occurrence.video_url if with_video else "") or ""
    query = {"action": "TEMPLATE", "text": occurrence.title,
             "dates": f"{occurrence.starts_at:{stamp}}/{occurrence.ends_at:{stamp}}",
             "details": details, "location": location}
    return f"{GOOGLE_TEMPLATE}?{urlencode(query)}"


TEMPLATE_HELPERS = {
    "meeting_date": long_date, "meeting_medium_date": medium_date, "meeting_time": short_time, "wall_time": wall_time,
    "meeting_time_range": time_range, "meeting_date_parts": date_parts, "zone_place": place,
    "zone_differs": differs_from_viewer, "series_rhythm": rhythm, "series_ending": ending,
    "can_join": can_join, "is_network_guest": is_network_guest, "viewer_zone": viewer_zone,
}
