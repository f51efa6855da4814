"""Meeting series and occurrences: create, edit from a date on, move or cancel one, close the club."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from clubapp.core import bounds, limits
from clubapp.core.recurrence import Rule, RuleError, first_match, local_instant, matches, occurrence_dates, parse_rule
from clubapp.core.text import as_id, clean
from clubapp.core.timezones import is_valid_timezone
from clubapp.extensions import db
from clubapp.models import Closure, Club, MeetingSeries, Membership, OccurrenceOverride, SeriesVersion, User
from clubapp.models.base import utcnow
from clubapp.services import checks
from clubapp.services.clubs import require_officer
from clubapp.services.errors import Invalid, NotFound

log = logging.getLogger(__name__)
VERSIONED = ("title", "description", "start_time", "duration_minutes", "video_url", "venue", "capacity")
OCCURRENCE_FIELDS = ("starts_at", "ends_at", "title", "description", "video_url", "venue", "status")


@dataclass
class Occurrence:
    """One meeting: a series' occurrence with its version, override and closures applied."""

    series: MeetingSeries
    version: SeriesVersion
    original_date: date
    original_start: datetime  # aware, series zone: the RECURRENCE-ID
    starts_at: datetime  # aware UTC
    ends_at: datetime
    title: str
    description: str | None
    venue: str | None
    video_url: str
    capacity: int | None
    status: str  # scheduled | cancelled
    override: OccurrenceOverride | None
    closure: Closure | None
    confirmed_count: int = 0  # filled by rsvp.with_counts()
    waitlist_count: int = 0

    @property
    def id(self) -> str:
        return occurrence_id(self.series.id, self.original_date)

    @property
    def club_id(self) -> int:
        return self.series.club_id

    @property
    def series_id(self) -> int:
        return self.series.id

    @property
    def timezone(self) -> str:
        return self.series.timezone

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_moved(self) -> bool:
        return self.override is not None and self.override.starts_at is not None

    def local_start(self, zone: str | None = None) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(zone or self.series.timezone))

    def local_end(self, zone: str | None = None) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(zone or self.series.timezone))


def occurrence_id(series_id: int, original_date: date) -> str:
    """The stable id of an occurrence: series and original local date."""
    return f"s{series_id}-{original_date:%Y%m%d}"


def parse_occurrence_id(meeting_id: str) -> tuple[int, date] | None:
    """(series id, original date) from an occurrence id, or None."""
    try:
        series_part, date_part = meeting_id.split("-", 1)
        if not series_part.startswith("s") or as_id(series_part[1:]) is None or len(date_part) != 8:
            return None
        day = datetime.strptime(date_part, "%Y%m%d").date()
        return (int(series_part[1:]), day) if bounds.in_window(day) else None
    except ValueError:
        return None


def jitsi_url(series: MeetingSeries) -> str:
    """The series' Jitsi Meet room under VIDEO_BASE_URL."""
    return f"{current_app.config['VIDEO_BASE_URL'].rstrip('/')}/{series.video_room}"


def _touch(club: Club, series: MeetingSeries | None = None) -> None:
    """Record a schedule change (feeds' ETags and SEQUENCE derive from it)."""
    now = utcnow()
    club.schedule_changed_at = now
    if series is not None:
        series.updated_at = now
        series.sequence += 1


# Validation

def _text(data: dict[str, Any], key: str, limit: int, required: bool = False,
          multiline: bool = False) -> str | None:
    return checks.text(data, key, limit, required=required, multiline=multiline)


def _video(data: dict[str, Any], key: str = "video_url") -> str | None:
    value = _text(data, key, limits.VIDEO_URL)
    if value and not value.lower().startswith("https://"):
        raise Invalid(_l("The video link must start with https://"), field=key)
    if value and (" " in value or len(value) < 12):
        raise Invalid(_l("This is not a valid link."), field=key)
    return value


def _positive(data: dict[str, Any], key: str, maximum: int, allow_none: bool) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        if allow_none:
            return None
        raise Invalid(_l("This field is required."), field=key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_l("Expected a whole number."), field=key) from None
    if isinstance(value, float) and value != number:
        raise Invalid(_l("Expected a whole number."), field=key)
    if not 1 <= number <= maximum:
        raise Invalid(_l("Expected a number from 1 to %(n)d.", n=maximum), field=key)
    return number


def _close_minutes(data: dict[str, Any]) -> int | None:
    """When answers close, in minutes before the start: None (at the start) up to a week."""
    value = data.get("rsvp_close_minutes")
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limits.RSVP_CLOSE_MAX_MINUTES:
        raise Invalid(_l("Expected a number from %(min)s to %(max)s.", min=0, max=limits.RSVP_CLOSE_MAX_MINUTES),
                      field="rsvp_close_minutes")
    return value


def _date(value: Any, field: str, low: date = bounds.FIRST_DAY, high: date = bounds.LAST_DAY) -> date:
    return checks.day(value, field, low, high)


def _time(value: Any, field: str) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        parsed = time.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_l("Expected a time like 07:30."), field=field) from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _instant(value: Any, field: str) -> datetime:
    return checks.instant(value, field)


def checked_rule(text: Any) -> Rule:
    """A supported RRULE, or Invalid on ``rrule`` naming the unsupported part."""
    try:
        rule = parse_rule(text if isinstance(text, str) else "")
    except RuleError as error:
        raise Invalid(_l("Unsupported recurrence rule, %(part)s: %(message)s", part=error.part,
                         message=error.message), field="rrule", code="unsupported_rrule") from None
    return rule


# Access

def get_series(series_id: int | str, user: User | None, need: str = "view") -> MeetingSeries:
    """A series the user may see (members, or network members when open), or may run (officers)."""
    series = db.session.get(MeetingSeries, as_id(series_id)) if as_id(series_id) else None
    if series is not None and need == "system":  # internal use (promotions, reminders): no viewer
        return series
    if series is None or not (can_see(user, series) or series.club.is_public):
        raise NotFound(_l("No such meeting."))
    if need == "officer":
        require_officer(user, series.club)  # type: ignore[arg-type]
    return series


def can_see(user: User | None, series: MeetingSeries) -> bool:
    """Who gets the video link: members of the club, and of its network when the series is open to it.

    Anyone signed in may see the schedule of a public club, without the link.
    """
    if user is None or not getattr(user, "id", None):
        return False
    membership = series.club.membership_of(user)
    if membership is not None:
        return True
    return series.open_to_network and series.club.network_id is not None and in_network(user, series.club.network_id)


def in_network(user: User, network_id: int) -> bool:
    """True when the user belongs to a club of the network."""
    return db.session.scalar(sa.select(Membership.id).join(Club).where(
        Membership.user_id == user.id, Club.network_id == network_id).limit(1)) is not None


def is_member(user: User | None, series: MeetingSeries) -> bool:
    return user is not None and series.club.membership_of(user) is not None


# Series

def create_series(user: User, club: Club, data: dict[str, Any], align: bool = False) -> MeetingSeries:
    """Create a recurring series (or a one-off meeting when ``rrule`` is empty); officers only."""
    require_officer(user, club)
    title = _text(data, "title", limits.MEETING_TITLE, required=True)
    zone = data.get("timezone") or club.timezone
    if not is_valid_timezone(zone):
        raise Invalid(_l("Unknown time zone."), field="timezone")
    if data.get("start_date") in (None, ""):
        raise Invalid(_l("This field is required."), field="start_date")
    start_date = _date(data.get("start_date"), "start_date",
                       *bounds.series_start_range(utcnow().astimezone(ZoneInfo(zone)).date()))
    held = db.session.scalar(sa.select(sa.func.count()).select_from(MeetingSeries)
                             .where(MeetingSeries.club_id == club.id)) or 0
    if held >= bounds.MAX_SERIES_PER_CLUB:
        raise Invalid(_l("A club holds at most %(n)d meeting series: end or delete one first.",
                         n=bounds.MAX_SERIES_PER_CLUB), field="start_date", code="too_many_series")
    if data.get("start_time") in (None, ""):
        raise Invalid(_l("This field is required."), field="start_time")
    start_time = _time(data.get("start_time"), "start_time")
    duration = _positive(data, "duration_minutes", limits.DURATION_MAX_MINUTES, allow_none=False)
    capacity = _positive(data, "capacity", limits.CAPACITY_MAX, allow_none=True)
    close_minutes = _close_minutes(data)
    rule_text = None
    if clean(data.get("rrule") if isinstance(data.get("rrule"), str) else None):
        rule = checked_rule(data["rrule"])
        if not matches(rule, start_date):
            if not align:
                raise Invalid(_l("The start date is not a day of this rule (the first matching day is %(day)s).",
                                 day=first_match(rule, start_date).isoformat()), field="start_date")
            start_date = first_match(rule, start_date)
        rule_text = rule.text()
    open_to_network = bool(data.get("open_to_network"))
    if open_to_network and club.network_id is None:
        raise Invalid(_l("This club belongs to no network."), field="open_to_network")
    series = MeetingSeries(
        club=club, timezone=zone, start_date=start_date, rrule=rule_text, open_to_network=open_to_network,
        video_room=f"Clubapp-{club.slug}-{secrets.token_urlsafe(9)}", created_by_id=user.id,
        rsvp_close_minutes=close_minutes,
    )
    series.versions.append(SeriesVersion(
        effective_from=start_date, title=title,
        description=_text(data, "description", limits.MEETING_DESCRIPTION, multiline=True),
        start_time=start_time, duration_minutes=duration, video_url=_video(data),
        venue=_text(data, "venue", limits.VENUE), capacity=capacity,
    ))
    db.session.add(series)
    _touch(club)
    db.session.commit()
    return series


def _rule(series: MeetingSeries) -> Rule | None:
    return parse_rule(series.rrule) if series.rrule else None


def version_on(series: MeetingSeries, day: date) -> SeriesVersion:
    """The version in effect on a local date."""
    current = series.versions[0]
    for version in series.versions:
        if version.effective_from <= day:
            current = version
    return current


def today(series: MeetingSeries, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(series.timezone)).date()


def update_series(user: User, series: MeetingSeries, data: dict[str, Any], from_date: Any = None,
                  now: datetime | None = None) -> MeetingSeries:
    """Change a series from a date on (default: its next occurrence); the past never changes.

    Occurrences edited one by one keep what was edited on them.
    """
    require_officer(user, series.club)
    now = now or utcnow()
    changes: dict[str, Any] = {}
    if "title" in data and data["title"] is not None:
        changes["title"] = _text(data, "title", limits.MEETING_TITLE, required=True)
    if "description" in data:
        changes["description"] = _text(data, "description", limits.MEETING_DESCRIPTION, multiline=True)
    if "start_time" in data and data["start_time"] not in (None, ""):
        changes["start_time"] = _time(data["start_time"], "start_time")
    if "duration_minutes" in data and data["duration_minutes"] is not None:
        changes["duration_minutes"] = _positive(data, "duration_minutes", limits.DURATION_MAX_MINUTES, allow_none=False)
    if "video_url" in data:
        changes["video_url"] = _video(data)
    if "venue" in data:
        changes["venue"] = _text(data, "venue", limits.VENUE)
    if "capacity" in data:
        changes["capacity"] = _positive(data, "capacity", limits.CAPACITY_MAX, allow_none=True)
    until = None
    if data.get("until") not in (None, ""):
        until_day = _date(data["until"], "until")
        if until_day < today(series, now):
            raise Invalid(_l("A series cannot end in the past."), field="until")
        until = local_instant(until_day + timedelta(days=1), time(0), ZoneInfo(series.timezone)) - timedelta(seconds=1)
    if "rsvp_close_minutes" in data:  # the whole series: not versioned
        series.rsvp_close_minutes = _close_minutes(data)
    if changes:
        _apply_from(series, changes, from_date, now)
    if until is not None:
        series.until = until.astimezone(UTC)
    if changes or until is not None:
        _touch(series.club, series)
    db.session.commit()
    if "capacity" in changes:
        from clubapp.services import rsvp

        rsvp.promote_after_capacity_change(series.id, now)
    return series


def _apply_from(series: MeetingSeries, changes: dict[str, Any], from_date: Any, now: datetime) -> None:
    zone = ZoneInfo(series.timezone)
    if from_date not in (None, ""):
        start = _date(from_date, "from_date")
        if start < today(series, now):
            raise Invalid(_l("Changes cannot apply to the past: choose today or a later date."), field="from_date")
    else:
        start = today(series, now)
    # The version starts at the first occurrence on or after ``start`` that has not begun yet.
    upcoming = [o for o in expand(series, now, now + timedelta(days=800), include_cancelled=True)
                if o.original_date >= start]
    if not upcoming:
        raise Invalid(_l("This series has no occurrence left to change."), field="from_date")
    effective = upcoming[0].original_date
    del zone
    base = version_on(series, effective)
    if base.effective_from != effective:
        base = SeriesVersion(effective_from=effective, **{k: getattr(base, k) for k in VERSIONED})
        series.versions.append(base)
        series.versions.sort(key=lambda v: v.effective_from)
    for version in series.versions:
        if version.effective_from >= effective:
            for key, value in changes.items():
                setattr(version, key, value)
            version.updated_at = now


def end_series(user: User, series: MeetingSeries, last_day: Any) -> MeetingSeries:
    """End a series after ``last_day`` (its occurrences up to that day stay)."""
    return update_series(user, series, {"until": last_day})


# Expansion

def closures_of(club_ids: list[int]) -> dict[int, list[Closure]]:
    """Closures per club."""
    out: dict[int, list[Closure]] = {cid: [] for cid in club_ids}
    if club_ids:
        for closure in db.session.scalars(sa.select(Closure).where(Closure.club_id.in_(club_ids))):
            if not (bounds.in_window(closure.start_date) and bounds.in_window(closure.end_date)):
                log.error("closure %s of club %s is outside the dates the app computes with; ignored "
                          "(run `flask doctor`)", closure.id, closure.club_id)
                continue
            out[closure.club_id].append(closure)
    return out


def expand(series: MeetingSeries, window_start: datetime | None, window_end: datetime,
           closures: list[Closure] | None = None, include_cancelled: bool = True) -> list[Occurrence]:
    """The occurrences of ``series`` starting in [window_start, window_end), in start order.

    A series stored before the app checked its dates (a year-999 UNTIL, a start in year 1) may be
    impossible to expand: it is skipped with a logged error, so it never breaks anyone's page.
    """
    try:
        return _expand(series, window_start, window_end, closures, include_cancelled)
    except UNEXPANDABLE:
        log.error("series %s of club %s cannot be expanded; skipped (run `flask doctor`)", series.id,
                  series.club_id, exc_info=True)
        return []


UNEXPANDABLE = (ValueError, OverflowError, ArithmeticError)


def _expand(series: MeetingSeries, window_start: datetime | None, window_end: datetime,
            closures: list[Closure] | None, include_cancelled: bool) -> list[Occurrence]:
    if closures is None:
        closures = closures_of([series.club_id])[series.club_id]
    zone = ZoneInfo(series.timezone)
    rule = _rule(series)
    overrides = {o.original_date: o for o in series.overrides}
    if rule is None:
        candidates = {series.start_date}
    else:
        wide_start = window_start - timedelta(days=2) if window_start else None
        candidates = set(occurrence_dates(rule, series.start_date, time(0), zone, window_start=wide_start,
                                          window_end=window_end + timedelta(days=2)))
    # Moved occurrences may come into the window from outside it.
    candidates |= {d for d, o in overrides.items() if o.starts_at is not None}
    out = []
    for day in candidates:
        occurrence = _occurrence(series, day, zone, overrides.get(day), closures)
        if occurrence is None:
            continue
        if window_start is not None and occurrence.starts_at < window_start:
            continue
        if occurrence.starts_at >= window_end:
            continue
        if not include_cancelled and occurrence.is_cancelled:
            continue
        out.append(occurrence)
    out.sort(key=lambda o: (o.starts_at, o.series.id))
    return out


def _occurrence(series: MeetingSeries, day: date, zone: ZoneInfo, override: OccurrenceOverride | None,
                closures: list[Closure]) -> Occurrence | None:
    version = version_on(series, day)
    original = local_instant(day, version.start_time, zone)
    if series.until is not None and original > series.until:
        return None
    starts = override.starts_at if override and override.starts_at else original.astimezone(UTC)
    ends = override.ends_at if override and override.ends_at else starts + timedelta(minutes=version.duration_minutes)
    closure = None
    local_day = starts.astimezone(ZoneInfo(series.club.timezone)).date()
    for candidate in closures:
        if candidate.start_date <= local_day <= candidate.end_date:
            closure = candidate
            break
    if override is not None and override.status:
        status = override.status
    else:
        status = "cancelled" if closure is not None else "scheduled"
    return Occurrence(
        series=series, version=version, original_date=day, original_start=original,
        starts_at=starts.astimezone(UTC), ends_at=ends.astimezone(UTC),
        title=(override.title if override and override.title else version.title),
        description=(override.description if override and override.description else version.description),
        venue=(override.venue if override and override.venue else version.venue),
        video_url=(override.video_url if override and override.video_url else version.video_url or jitsi_url(series)),
        capacity=version.capacity, status=status, override=override,
        closure=closure if status == "cancelled" else None,
    )


def is_occurrence_date(series: MeetingSeries, day: date) -> bool:
    """True when ``day`` is one of the series' original occurrence dates."""
    if series.rrule is None:
        return day == series.start_date
    if day < series.start_date:
        return False
    zone = ZoneInfo(series.timezone)
    start = local_instant(day, time(0), zone) - timedelta(hours=1)
    dates = occurrence_dates(parse_rule(series.rrule), series.start_date, time(0), zone,
                             window_start=start, window_end=start + timedelta(days=2))
    if day not in dates:
        return False
    return series.until is None or local_instant(day, version_on(series, day).start_time, zone) <= series.until


def get_occurrence(meeting_id: str, user: User | None, need: str = "view") -> Occurrence:
    """An occurrence by id, checked like its series."""
    parsed = parse_occurrence_id(meeting_id or "")
    if parsed is None:
        raise NotFound(_l("No such meeting."))
    series = get_series(parsed[0], user, need=need)
    try:
        if not is_occurrence_date(series, parsed[1]):
            raise NotFound(_l("No such meeting."))
        override = next((o for o in series.overrides if o.original_date == parsed[1]), None)
        occurrence = _occurrence(series, parsed[1], ZoneInfo(series.timezone), override,
                                 closures_of([series.club_id])[series.club_id])
    except UNEXPANDABLE:
        log.error("series %s cannot be expanded; meeting %s not found", series.id, meeting_id, exc_info=True)
        raise NotFound(_l("No such meeting.")) from None
    if occurrence is None:
        raise NotFound(_l("No such meeting."))
    return occurrence


def update_occurrence(user: User, meeting_id: str, data: dict[str, Any]) -> Occurrence:
    """Move, retitle, relink, cancel or restore one occurrence (officers)."""
    occurrence = get_occurrence(meeting_id, user, need="officer")
    series = occurrence.series
    override = occurrence.override
    if override is None:
        override = OccurrenceOverride(series=series, original_date=occurrence.original_date, sequence=0)
        db.session.add(override)
    starts = _instant(data["starts_at"], "starts_at") if data.get("starts_at") not in (None, "") else None
    ends = _instant(data["ends_at"], "ends_at") if data.get("ends_at") not in (None, "") else None
    if starts is not None or ends is not None:
        new_start = starts or occurrence.starts_at
        new_end = ends or (new_start + (occurrence.ends_at - occurrence.starts_at))
        if new_end <= new_start:
            raise Invalid(_l("A meeting must end after it starts."), field="ends_at")
        if new_end - new_start > timedelta(hours=24):
            raise Invalid(_l("A meeting lasts at most 24 hours."), field="ends_at")
        override.starts_at, override.ends_at = new_start, new_end
    if "title" in data and data["title"] is not None:
        override.title = _text(data, "title", limits.MEETING_TITLE, required=True)
    if "description" in data:
        override.description = _text(data, "description", limits.MEETING_DESCRIPTION, multiline=True)
    if "video_url" in data:
        override.video_url = _video(data)
    if "venue" in data:
        override.venue = _text(data, "venue", limits.VENUE)
    if data.get("status") not in (None, ""):
        if data["status"] not in ("scheduled", "cancelled"):
            raise Invalid(_l("Choose scheduled or cancelled."), field="status")
        override.status = data["status"]
    override.sequence += 1
    override.updated_at = utcnow()
    _touch(series.club)
    db.session.commit()
    return get_occurrence(meeting_id, user)


def create_series_from_form(user: User, club: Club, data: dict[str, Any]) -> MeetingSeries:
    """The web form's fields (kind of rhythm, weekday, position...) to an RRULE, then create."""
    zone = data.get("timezone") or club.timezone
    return create_series(user, club, {**data, "rrule": rule_from_choices({**data, "timezone": zone})}, align=True)


def rule_from_choices(data: dict[str, Any]) -> str | None:
    """An RRULE from the series form's choices."""
    kind = data.get("kind")
    weekday = data.get("weekday") or "TH"
    ending = ""
    if data.get("end") == "count" and data.get("count"):
        ending = f";COUNT={int(data['count'])}"
    elif data.get("end") == "until" and data.get("until_date"):
        last_day = _date(data["until_date"], "until_date")
        if is_valid_timezone(data.get("timezone")):
            # The whole last day in the series' zone: an evening meeting in Lima is already tomorrow in UTC.
            zone = ZoneInfo(data["timezone"])
            end = local_instant(last_day + timedelta(days=1), time(0), zone) - timedelta(seconds=1)
            ending = f";UNTIL={end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        else:
            ending = f";UNTIL={last_day:%Y%m%d}"
    if kind == "once":
        return None
    if kind == "weekdays":
        return "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" + ending
    if kind == "weekly":
        interval = int(data.get("interval") or 1)
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday}" + ending
    if kind == "monthly_position":
        return f"FREQ=MONTHLY;BYDAY={int(data.get('position') or 1)}{weekday}" + ending
    if kind == "monthly_day":
        return f"FREQ=MONTHLY;BYMONTHDAY={int(data.get('month_day') or 1)}" + ending
    raise Invalid(_l("Choose how often the meeting happens."), field="kind")


# Closures

def _touch_closures(club: Club) -> None:
    """A closure added or removed changes every series of the club: their SEQUENCE rises."""
    now = utcnow()
    club.schedule_changed_at = now
    for series in db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.club_id == club.id)):
        series.sequence += 1
        series.updated_at = now


def create_closure(user: User, club: Club, start: Any, end: Any, reason: str | None = None) -> Closure:
    """Close the club from ``start`` to ``end`` (inclusive): every occurrence in it is cancelled."""
    require_officer(user, club)
    if start in (None, ""):
        raise Invalid(_l("This field is required."), field="from")
    if end in (None, ""):
        raise Invalid(_l("This field is required."), field="to")
    first, last = _date(start, "from"), _date(end, "to")
    if last < first:
        raise Invalid(_l("The end of the closure is before its start."), field="to")
    if (last - first).days > bounds.CLOSURE_MAX_DAYS:
        raise Invalid(_l("A closure lasts at most a year."), field="to")
    closure = Closure(club_id=club.id, start_date=first, end_date=last,
                      reason=_text({"reason": reason}, "reason", limits.CLOSURE_REASON), created_by_id=user.id)
    db.session.add(closure)
    _touch_closures(club)
    db.session.commit()
    return closure


def delete_closure(user: User, club: Club, closure_id: int | str) -> None:
    """Reopen: the closure's occurrences are scheduled again (unless cancelled one by one)."""
    require_officer(user, club)
    closure = db.session.get(Closure, as_id(closure_id) or -1)
    if closure is None or closure.club_id != club.id:
        raise NotFound(_l("No such closure."))
    db.session.delete(closure)
    _touch_closures(club)
    db.session.commit()


def club_closures(club: Club) -> list[Closure]:
    return list(db.session.scalars(sa.select(Closure).where(Closure.club_id == club.id).order_by(Closure.start_date)))


# Listings

def club_series(club: Club) -> list[MeetingSeries]:
    return list(db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.club_id == club.id)
                                   .order_by(MeetingSeries.id)))


def period(club: Club, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants bounding local dates ``first`` to ``last`` (inclusive) in the club's zone; at most 3 years."""
    first, last = _date(first, "from"), _date(last, "to")
    if last < first:
        raise Invalid(_l("The end of the period is before its start."), field="to")
    if (last - first).days > 3 * 366 + 1:
        raise Invalid(_l("At most three years at once."), field="to")
    zone = ZoneInfo(club.timezone)
    return local_instant(first, time(0), zone), local_instant(last + timedelta(days=1), time(0), zone)


def club_meetings(club: Club, start: datetime, end: datetime, include_cancelled: bool = True) -> list[Occurrence]:
    """Every occurrence of a club's series in [start, end), cancelled ones included."""
    closures = closures_of([club.id])[club.id]
    out: list[Occurrence] = []
    for series in club_series(club):
        out.extend(expand(series, start, end, closures, include_cancelled))
    out.sort(key=lambda o: (o.starts_at, o.series_id))
    return out


def network_sessions_for(user: User) -> list[MeetingSeries]:
    """Series opened to the networks of the user's clubs, in clubs the user is not in."""
    mine = sa.select(Membership.club_id).where(Membership.user_id == user.id)
    networks = sa.select(Club.network_id).where(Club.id.in_(mine), Club.network_id.is_not(None))
    return list(db.session.scalars(
        sa.select(MeetingSeries).join(Club).where(
            MeetingSeries.open_to_network.is_(True), Club.network_id.in_(networks), ~Club.id.in_(mine))))


def upcoming_for(user: User, now: datetime | None = None, days: int = 28, limit: int = 20) -> list[Occurrence]:
    """My next meetings across my clubs, and network sessions open to me."""
    now = now or utcnow()
    club_ids = [m.club_id for m in db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))]
    series = list(db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.club_id.in_(club_ids))))
    series += network_sessions_for(user)
    # Meetings under way still show (until they end): members join late.
    return next_meetings(series, now - timedelta(hours=12), now + timedelta(days=days), limit, now)


def next_meetings(series: list[MeetingSeries], start: datetime, end: datetime, limit: int,
                  now: datetime | None = None) -> list[Occurrence]:
    """The first ``limit`` occurrences of ``series`` in [start, end) that end after ``now``, in start order.

    The window widens from a few days to ``end`` only while fewer than ``limit`` are found, so a club
    with many daily series costs about ``limit`` occurrences, not every day of the horizon.
    """
    closures = closures_of(sorted({s.club_id for s in series}))
    horizon, found = timedelta(days=3), []
    while True:
        stop = min(start + horizon, end)
        found = [o for one in series for o in expand(one, start, stop, closures[one.club_id])
                 if now is None or o.ends_at > now]
        if len(found) >= limit or stop >= end:
            break
        horizon *= 4
    found.sort(key=lambda o: (o.starts_at, o.series_id))
    return found[:limit]


def video_visible(user: User | None, occurrence: Occurrence) -> bool:
    """The link goes to members of the club and to those the meeting is open to."""
    return can_see(user, occurrence.series)
