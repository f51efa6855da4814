"""Meeting views: a club's schedule, series, single meetings, closures. Thin: parse, call the service, render."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from clubapp.attendance.panels import meeting_panels
from clubapp.core.recurrence import WEEKDAYS, local_instant
from clubapp.meetings import bp, display
from clubapp.meetings.forms import ClosureForm, EndSeriesForm, OccurrenceForm, SeriesEditForm, SeriesForm
from clubapp.models import Club, Membership
from clubapp.models.base import utcnow
from clubapp.services import clubs as club_service
from clubapp.services import meetings
from clubapp.services.errors import ServiceError
from clubapp.web import checked_post as _checked_post
from clubapp.web import form_error
from clubapp.web import me as _me

SCHEDULE_DAYS = 92  # the club's schedule shows about three months ahead
SCHEDULE_LIMIT = 200  # ... and at most this many meetings (a club of daily calls fills three months fast)
AGENDA_DAYS = 92





def _error(form: FlaskForm, error: ServiceError, renamed: dict[str, str] | None = None) -> None:
    """The service's error beside the form field it names (service and form may name it differently)."""
    if renamed and error.field in renamed:
        error.field = renamed[error.field]
    form_error(form, error)


# A club's schedule

def _schedule(club: Club, membership: Membership | None, closure_form: ClosureForm | None = None,
              status: int = 200):  # type: ignore[no-untyped-def]
    now = utcnow()
    upcoming = meetings.next_meetings(meetings.club_series(club), now - timedelta(days=1),
                                      now + timedelta(days=SCHEDULE_DAYS), SCHEDULE_LIMIT, now)
    is_officer = membership is not None and membership.is_officer
    if closure_form is None and is_officer:
        closure_form = ClosureForm()
    series = meetings.club_series(club)
    return render_template(
        "meetings/schedule.html", club=club, membership=membership, is_officer=is_officer,
        months=display.by_month(upcoming), series=series, next_of={s.id: display.next_occurrence(s) for s in series},
        closures=meetings.club_closures(club), closure_form=closure_form,
    ), status


@bp.route("/clubs/<int:club_id>/meetings")
@login_required
def schedule(club_id: int):  # type: ignore[no-untyped-def]
    """The club's next meetings, its series and closures."""
    club, membership = club_service.get_club(club_id, _me())
    return _schedule(club, membership)


@bp.route("/meetings")
@login_required
def index():  # type: ignore[no-untyped-def]
    """My next meetings, across my clubs and the network sessions open to me."""
    upcoming = meetings.upcoming_for(_me(), days=AGENDA_DAYS, limit=200)
    mine = club_service.clubs_of(_me())
    return render_template("meetings/index.html", months=display.by_month(upcoming), has_clubs=bool(mine),
                           officer_clubs=[club for club, membership in mine if membership.is_officer])


# Series

def _series_data(form: SeriesForm, club: Club) -> dict[str, Any]:
    """The form's answers as the service reads them; empty choices follow the start date."""
    start: date = form.start_date.data
    kind = form.kind.data
    return {
        "title": form.title.data, "start_date": start, "start_time": form.start_time.data,
        "duration_minutes": form.duration_minutes.data, "timezone": form.timezone.data,
        "video_url": form.chosen_video_url(), "venue": form.venue.data, "capacity": form.capacity.data,
        "description": form.description.data,
        "open_to_network": bool(form.open_to_network.data) and club.network_id is not None,
        "kind": "weekly" if kind == "weeks" else kind,
        "interval": form.interval.data if kind == "weeks" else 1,
        "weekday": form.weekday.data or WEEKDAYS[start.weekday()],
        "position": form.position.data,
        "month_day": form.month_day.data or start.day,
        "end": form.end.data, "count": form.count.data, "until_date": form.until_date.data,
        "rsvp_close_minutes": _close_minutes(form),
    }


def _close_minutes(form: SeriesForm | SeriesEditForm) -> int | None:
    """The form asks hours; the series keeps minutes."""
    hours = form.rsvp_close_hours.data
    return None if hours is None else hours * 60


@bp.route("/clubs/<int:club_id>/meetings/new", methods=["GET", "POST"])
@login_required
def create(club_id: int):  # type: ignore[no-untyped-def]
    """Create a meeting, once or on a rhythm (officers)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    form = SeriesForm()
    if request.method == "GET":
        form.timezone.data = club.timezone
        form.start_date.data = utcnow().astimezone(ZoneInfo(club.timezone)).date() + timedelta(days=1)
        form.start_time.data = display.DEFAULT_START
    if form.validate_on_submit():
        try:
            series = meetings.create_series_from_form(_me(), club, _series_data(form, club))
        except ServiceError as error:
            _error(form, error, {"rrule": "kind"})
        else:
            first = display.next_occurrence(series)
            if first is not None:
                flash(_("The meeting is scheduled. First one: %(date)s.",
                        date=display.long_date(first.starts_at)), "success")
                return redirect(url_for("meetings.show", meeting_id=first.id))
            flash(_("The meeting is saved, but it has no date to come."), "info")
            return redirect(url_for("meetings.schedule", club_id=club.id))
    return render_template("meetings/series_form.html", form=form, club=club)


def _series_defaults(series, from_day: date) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    version = meetings.version_on(series, from_day)
    return {"title": version.title, "start_time": version.start_time, "duration_minutes": version.duration_minutes,
            "video_kind": "link" if version.video_url else "jitsi", "video_url": version.video_url or "",
            "venue": version.venue or "", "capacity": version.capacity, "description": version.description or "",
            "rsvp_close_hours": None if series.rsvp_close_minutes is None else series.rsvp_close_minutes // 60}


def _series_changes(form: SeriesEditForm, series) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Only what the officer changed: untouched fields keep later versions as they are."""
    before = _series_defaults(series, form.from_date.data)
    after = {"title": form.title.data, "start_time": form.start_time.data,
             "duration_minutes": form.duration_minutes.data, "video_url": form.chosen_video_url() or "",
             "venue": form.venue.data or "", "capacity": form.capacity.data, "description": form.description.data or ""}
    changes = {key: value for key, value in after.items() if before[key] != value}
    if form.rsvp_close_hours.data != before["rsvp_close_hours"]:
        changes["rsvp_close_minutes"] = _close_minutes(form)
    return changes


def _edit_series_page(series, form: SeriesEditForm, end_form: EndSeriesForm):  # type: ignore[no-untyped-def]
    return render_template("meetings/series_edit.html", series=series, club=series.club, form=form,
                           end_form=end_form, next_meeting=display.next_occurrence(series))


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int):  # type: ignore[no-untyped-def]
    """Change a series from a date on (officers); the past never changes."""
    series = meetings.get_series(series_id, _me(), need="officer")
    today = meetings.today(series)
    upcoming = display.next_occurrence(series)
    start = upcoming.original_date if upcoming is not None else today
    try:
        asked = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        asked = None
    if asked is not None and asked >= today:
        start = asked
    form = SeriesEditForm(data={"from_date": start, **_series_defaults(series, start)})
    end_form = EndSeriesForm(data={"until": today})
    if form.validate_on_submit():
        changes = _series_changes(form, series)
        if not changes:
            flash(_("Nothing was changed."), "info")
            return redirect(url_for("meetings.schedule", club_id=series.club_id))
        try:
            meetings.update_series(_me(), series, changes, from_date=form.from_date.data)
        except ServiceError as error:
            _error(form, error)
        else:
            flash(_("The series is changed from %(date)s on.", date=display.medium_date(form.from_date.data)),
                  "success")
            return redirect(url_for("meetings.schedule", club_id=series.club_id))
    return _edit_series_page(series, form, end_form)


@bp.route("/series/<int:series_id>/end", methods=["POST"])
@login_required
def end_series(series_id: int):  # type: ignore[no-untyped-def]
    """End a series after a day (officers); its meetings up to that day stay."""
    series = meetings.get_series(series_id, _me(), need="officer")
    end_form = EndSeriesForm()
    if end_form.validate_on_submit():
        try:
            meetings.end_series(_me(), series, end_form.until.data)
        except ServiceError as error:
            _error(end_form, error)
        else:
            flash(_("The series ends after %(date)s.", date=display.medium_date(end_form.until.data)), "success")
            return redirect(url_for("meetings.schedule", club_id=series.club_id))
    upcoming = display.next_occurrence(series)
    start = upcoming.original_date if upcoming is not None else meetings.today(series)
    form = SeriesEditForm(formdata=None, data={"from_date": start, **_series_defaults(series, start)})
    return _edit_series_page(series, form, end_form)


# One meeting

@bp.route("/meetings/<meeting_id>")
@login_required
def show(meeting_id: str):  # type: ignore[no-untyped-def]
    """A meeting's page: when (in my time and the club's), agenda, venue, video, add to calendar."""
    occurrence = meetings.get_occurrence(meeting_id, _me())
    club = occurrence.series.club
    membership = club.membership_of(_me())
    video = meetings.video_visible(_me(), occurrence)
    return render_template(
        "meetings/show.html", occurrence=occurrence, club=club, membership=membership,
        is_officer=membership is not None and membership.is_officer, video=video,
        google_url=display.google_calendar_url(occurrence, video), action_form=FlaskForm(),
        open_now=display.can_join(occurrence) if video else False, **meeting_panels(occurrence, _me(), membership),
    )


def _occurrence_defaults(occurrence: meetings.Occurrence) -> dict[str, Any]:
    start = occurrence.local_start()
    override = occurrence.override
    return {"date": start.date(), "start_time": start.time().replace(tzinfo=None),
            "duration_minutes": int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60),
            "title": occurrence.title, "description": occurrence.description or "",
            "video_url": (override.video_url if override else None) or "", "venue": occurrence.venue or ""}


def _occurrence_changes(form: OccurrenceForm, occurrence: meetings.Occurrence) -> dict[str, Any]:
    """Only what the officer changed, so that later edits of the series still reach this meeting."""
    before = _occurrence_defaults(occurrence)
    changes: dict[str, Any] = {}
    starts = local_instant(form.date.data, form.start_time.data, ZoneInfo(occurrence.timezone))
    ends = starts + timedelta(minutes=form.duration_minutes.data)
    if starts != occurrence.starts_at or ends != occurrence.ends_at:
        changes.update(starts_at=starts, ends_at=ends)
    for key in ("title", "description", "video_url", "venue"):
        if (form[key].data or "") != before[key]:
            changes[key] = form[key].data
    return changes


@bp.route("/meetings/<meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: str):  # type: ignore[no-untyped-def]
    """Move or edit this one meeting (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    form = OccurrenceForm(data=_occurrence_defaults(occurrence))
    if form.validate_on_submit():
        changes = _occurrence_changes(form, occurrence)
        try:
            if changes:
                meetings.update_occurrence(_me(), occurrence.id, changes)
        except ServiceError as error:
            _error(form, error, {"starts_at": "date", "ends_at": "duration_minutes"})
        else:
            flash(_("This meeting is saved.") if changes else _("Nothing was changed."),
                  "success" if changes else "info")
            return redirect(url_for("meetings.show", meeting_id=occurrence.id))
    return render_template("meetings/edit.html", form=form, occurrence=occurrence, club=occurrence.series.club)


@bp.route("/meetings/<meeting_id>/<any(cancel, restore):action>", methods=["POST"])
@login_required
def set_status(meeting_id: str, action: str):  # type: ignore[no-untyped-def]
    """Cancel this one meeting, or put it back on the schedule (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    _checked_post()
    meetings.update_occurrence(_me(), occurrence.id, {"status": "cancelled" if action == "cancel" else "scheduled"})
    if action == "cancel":
        flash(_("This meeting is cancelled. Members see it struck through on the schedule."), "info")
    else:
        flash(_("This meeting is back on the schedule."), "success")
    return redirect(url_for("meetings.show", meeting_id=occurrence.id))


# Closures

@bp.route("/clubs/<int:club_id>/closures", methods=["POST"])
@login_required
def close(club_id: int):  # type: ignore[no-untyped-def]
    """Close the club from one date to another (officers): every meeting in those days is cancelled."""
    club, membership = club_service.get_club(club_id, _me(), need="officer")
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            meetings.create_closure(_me(), club, form.start.data, form.end.data, form.reason.data)
        except ServiceError as error:
            _error(form, error, {"from": "start", "to": "end"})
        else:
            flash(_("The club is closed from %(start)s to %(end)s: meetings in those days are cancelled.",
                    start=display.medium_date(form.start.data), end=display.medium_date(form.end.data)), "success")
            return redirect(url_for("meetings.schedule", club_id=club.id))
    return _schedule(club, membership, closure_form=form)


@bp.route("/clubs/<int:club_id>/closures/<int:closure_id>/delete", methods=["POST"])
@login_required
def reopen(club_id: int, closure_id: int):  # type: ignore[no-untyped-def]
    """Remove a closure (officers): its meetings are back, unless cancelled one by one."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    _checked_post()
    meetings.delete_closure(_me(), club, closure_id)
    flash(_("The closure is removed: its meetings are back on the schedule."), "success")
    return redirect(url_for("meetings.schedule", club_id=club.id))
