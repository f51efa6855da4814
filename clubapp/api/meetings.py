"""API: meeting series, occurrences, closures and single-meeting .ics."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp.api import auth_required, require_token
from clubapp.api.schemas import INSTANT_PATTERN, Body, Error, IdField, Out, Patch, day, text, timezone
from clubapp.core import bounds, limits
from clubapp.models import Club, MeetingSeries, User
from clubapp.services import clubs as club_service
from clubapp.services import feeds, meetings, rsvp

blp = Blueprint("api_meetings", __name__, description="Meeting series and occurrences")
blp.before_request(require_token)


def start_time(required: bool = False) -> fields.String:
    return fields.String(required=required, metadata={"description": "Local time HH:MM",
                                                       "pattern": "^([01]\\d|2[0-3]):[0-5]\\d$"})


def duration(required: bool = False) -> fields.Integer:
    return fields.Integer(required=required, metadata={"minimum": 1, "maximum": limits.DURATION_MAX_MINUTES})


def capacity() -> fields.Integer:
    return fields.Integer(allow_none=True, metadata={"minimum": 1, "maximum": limits.CAPACITY_MAX})


def video_url() -> fields.String:
    return text(limits.VIDEO_URL, allow_none=True, metadata={
        "description": "https link; a Jitsi room when empty", "pattern": "^(https://[^\\s\\u0000]{4,})?$"})


class SeriesIn(Body):
    title = text(limits.MEETING_TITLE, required=True)
    start_date = day(required=True, description=(
        f"At most {bounds.SERIES_START_YEARS_BACK} years before today and {bounds.SERIES_START_YEARS_AHEAD} after, "
        "on a day of the rule."))
    start_time = start_time(required=True)
    duration_minutes = duration(required=True)
    rrule = text(limits.RRULE, allow_none=True, metadata={"description": "RFC 5545 RRULE value without DTSTART; "
                                                                          "empty for a one-off meeting"})
    timezone = timezone(metadata={"description": "IANA zone; the club's by default"})
    video_url = video_url()
    venue = text(limits.VENUE, allow_none=True)
    capacity = capacity()
    description = text(limits.MEETING_DESCRIPTION, allow_none=True, multiline=True)
    open_to_network = fields.Boolean()


class SeriesPatch(Patch):
    title = text(limits.MEETING_TITLE, blank=False)
    start_time = start_time()
    duration_minutes = duration()
    video_url = video_url()
    venue = text(limits.VENUE, allow_none=True)
    capacity = capacity()
    description = text(limits.MEETING_DESCRIPTION, allow_none=True, multiline=True)
    until = day(allow_none=True, description="Last day of the series: ends it. Not in the past.")
    from_date = day(description="Apply from this date on (default: the next occurrence)")


class SeriesOut(Out):
    id = IdField()
    club_id = IdField()
    title = fields.Method("get_title")
    description = fields.Method("get_description")
    start_date = fields.Date()
    start_time = fields.Method("get_start_time")
    duration_minutes = fields.Method("get_duration")
    rrule = fields.String(allow_none=True)
    timezone = fields.String()
    until = fields.Method("get_until")
    video_url = fields.Method("get_video_url")
    venue = fields.Method("get_venue")
    capacity = fields.Method("get_capacity")
    open_to_network = fields.Boolean()

    def _current(self, series: MeetingSeries):  # type: ignore[no-untyped-def]
        return meetings.version_on(series, meetings.today(series))

    def get_title(self, series: MeetingSeries) -> str:
        return self._current(series).title

    def get_description(self, series: MeetingSeries) -> str | None:
        return self._current(series).description

    def get_start_time(self, series: MeetingSeries) -> str:
        return self._current(series).start_time.strftime("%H:%M")

    def get_duration(self, series: MeetingSeries) -> int:
        return self._current(series).duration_minutes

    def get_until(self, series: MeetingSeries) -> str | None:
        return series.until.astimezone(ZoneInfo(series.timezone)).date().isoformat() if series.until else None

    def get_video_url(self, series: MeetingSeries) -> str:
        return self._current(series).video_url or meetings.jitsi_url(series)

    def get_venue(self, series: MeetingSeries) -> str | None:
        return self._current(series).venue

    def get_capacity(self, series: MeetingSeries) -> int | None:
        return self._current(series).capacity


class OccurrenceOut(Out):
    id = fields.String()
    series_id = IdField()
    club_id = IdField()
    title = fields.String()
    description = fields.String(allow_none=True)
    starts_at = fields.Method("get_starts_at")
    ends_at = fields.Method("get_ends_at")
    timezone = fields.String()
    status = fields.String()
    video_url = fields.Method("get_video_url", metadata={"description": "Members of the club (or of its network "
                                                                        "when the meeting is open to it) only"})
    venue = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    confirmed_count = fields.Integer()
    waitlist_count = fields.Integer()
    open_to_network = fields.Function(lambda o: o.series.open_to_network)
    url = fields.Function(lambda o: url_for("meetings.show", meeting_id=o.id, _external=True))

    def get_starts_at(self, o: meetings.Occurrence) -> str:
        return o.local_start().isoformat()

    def get_ends_at(self, o: meetings.Occurrence) -> str:
        return o.local_end().isoformat()

    def get_video_url(self, o: meetings.Occurrence) -> str | None:
        from flask import g

        return o.video_url if meetings.video_visible(g.api_user, o) else None


class OccurrenceList(Out):
    items = fields.List(fields.Nested(OccurrenceOut))
    next = fields.String(allow_none=True)


class RangeArgs(Body):
    from_ = day(data_key="from", description=f"At most {bounds.PERIOD_MAX_DAYS} days before ``to``.")
    to = day()


class OccurrencePatch(Patch):
    starts_at = fields.AwareDateTime(format="iso", metadata={"pattern": INSTANT_PATTERN})
    ends_at = fields.AwareDateTime(format="iso", metadata={"pattern": INSTANT_PATTERN})
    title = text(limits.MEETING_TITLE, blank=False)
    description = text(limits.MEETING_DESCRIPTION, allow_none=True, multiline=True)
    video_url = video_url()
    venue = text(limits.VENUE, allow_none=True)
    status = fields.String(validate=validate.OneOf(["scheduled", "cancelled"]))


class ClosureIn(Body):
    from_ = day(required=True, data_key="from")
    to = day(required=True, description=f"At most {bounds.CLOSURE_MAX_DAYS} days after ``from``.")
    reason = text(limits.CLOSURE_REASON, allow_none=True)


class ClosureOut(Out):
    id = IdField()
    club_id = IdField()
    from_ = fields.Date(attribute="start_date", data_key="from")
    to = fields.Date(attribute="end_date")
    reason = fields.String(allow_none=True)


@blp.route("/clubs/<club_id>/series", methods=["POST"])
@blp.arguments(SeriesIn)
@blp.response(201, SeriesOut)
@blp.alt_response(422, schema=Error, description="A field is not valid (an unsupported RRULE part is named)")
@auth_required
def create_series(user: User, data: dict, club_id: str):  # type: ignore[no-untyped-def]
    """Create a recurring series or a one-off meeting (officers)."""
    club, _m = club_service.get_club(club_id, user, need="officer")
    return meetings.create_series(user, club, data)


@blp.route("/series/<series_id>", methods=["GET"])
@blp.response(200, SeriesOut)
@auth_required
def get_series(user: User, series_id: str):  # type: ignore[no-untyped-def]
    """A series, as it is from today on."""
    return meetings.get_series(series_id, user)


@blp.route("/series/<series_id>", methods=["PATCH"])
@blp.arguments(SeriesPatch)
@blp.response(200, SeriesOut)
@auth_required
def update_series(user: User, data: dict, series_id: str):  # type: ignore[no-untyped-def]
    """Change a series from its next occurrence (or ``from_date``) on; ``until`` ends it. Never the past."""
    series = meetings.get_series(series_id, user, need="officer")
    from_date = data.pop("from_date", None)
    return meetings.update_series(user, series, data, from_date=from_date)


def _range(args: dict, club: Club) -> tuple[datetime, datetime]:
    first = args.get("from_") or datetime.now(UTC).astimezone(ZoneInfo(club.timezone)).date()
    return meetings.period(club, first, args.get("to") or first + timedelta(days=90))


@blp.route("/clubs/<club_id>/meetings", methods=["GET"])
@blp.arguments(RangeArgs, location="query")
@blp.response(200, OccurrenceList)
@auth_required
def club_meetings(user: User, args: dict, club_id: str):  # type: ignore[no-untyped-def]
    """The club's occurrences from ``from`` to ``to`` (dates, inclusive), cancelled ones included."""
    club, _m = club_service.get_club(club_id, user)
    start, end = _range(args, club)
    return {"items": rsvp.with_counts(meetings.club_meetings(club, start, end)), "next": None}


@blp.route("/meetings/<meeting_id>", methods=["GET"])
@blp.response(200, OccurrenceOut)
@auth_required
def get_meeting(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """One occurrence."""
    return rsvp.with_counts([meetings.get_occurrence(meeting_id, user)])[0]


@blp.route("/meetings/<meeting_id>", methods=["PATCH"])
@blp.arguments(OccurrencePatch)
@blp.response(200, OccurrenceOut)
@auth_required
def update_meeting(user: User, data: dict, meeting_id: str):  # type: ignore[no-untyped-def]
    """Move, retitle, relink, cancel or restore this occurrence only (officers)."""
    return rsvp.with_counts([meetings.update_occurrence(user, meeting_id, data)])[0]


@blp.route("/meetings/<meeting_id>/ics", methods=["GET"])
@blp.response(200, content_type="text/calendar")
@auth_required
def meeting_ics(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """This one meeting as iCalendar."""
    occurrence = meetings.get_occurrence(meeting_id, user)
    body = feeds.occurrence_calendar(
        occurrence, lambda mid: url_for("meetings.show", meeting_id=mid, _external=True),
        with_video=meetings.video_visible(user, occurrence))
    return Response(body, content_type="text/calendar; charset=utf-8")


@blp.route("/clubs/<club_id>/closures", methods=["POST"])
@blp.arguments(ClosureIn)
@blp.response(201, ClosureOut)
@auth_required
def create_closure(user: User, data: dict, club_id: str):  # type: ignore[no-untyped-def]
    """Close the club for a date range: every occurrence in it is cancelled (officers)."""
    club, _m = club_service.get_club(club_id, user, need="officer")
    return meetings.create_closure(user, club, data["from_"], data["to"], data.get("reason"))


@blp.route("/clubs/<club_id>/closures/<closure_id>", methods=["DELETE"])
@blp.response(204)
@auth_required
def delete_closure(user: User, club_id: str, closure_id: str):  # type: ignore[no-untyped-def]
    """Reopen: undo a closure (officers)."""
    club, _m = club_service.get_club(club_id, user, need="officer")
    meetings.delete_closure(user, club, closure_id)
