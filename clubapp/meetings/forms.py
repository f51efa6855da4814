"""Meeting forms: a series (create and edit from a date on), one occurrence, ending a series, closures."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clubapp.core import limits
from clubapp.core.recurrence import MAX_COUNT, WEEKDAYS
from clubapp.forms import TimezoneField, sane_date, strip


def agenda_length() -> Length:
    return Length(max=limits.MEETING_DESCRIPTION)


def duration() -> NumberRange:
    return NumberRange(min=1, max=limits.DURATION_MAX_MINUTES, message=_l("Expected a number from %(min)s to %(max)s."))


def answers_close() -> NumberRange:
    """Hours before the start when answers close: up to a week."""
    return NumberRange(min=0, max=7 * 24, message=_l("Expected a number from %(min)s to %(max)s."))


def weekday_choices() -> list[tuple[str, str]]:
    """Monday..Sunday in the reader's language; the empty choice follows the start date."""
    names = get_day_names("wide", locale=get_locale() or "en")
    return [("", _l("Same weekday as the start date"))] + [
        (code, names[index].capitalize()) for index, code in enumerate(WEEKDAYS)]


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("weekly", _l("Every week")),
        ("weeks", _l("Every few weeks (every other week...)")),
        ("weekdays", _l("Every weekday, Monday to Friday")),
        ("monthly_position", _l("Every month on a weekday (e.g. the first Tuesday)")),
        ("monthly_day", _l("Every month on a date (e.g. the 15th)")),
        ("once", _l("Once: a single meeting")),
    ]


def position_choices() -> list[tuple[str, str]]:
    return [("1", _l("first")), ("2", _l("second")), ("3", _l("third")), ("4", _l("fourth")), ("-1", _l("last"))]


def video_choices() -> list[tuple[str, str]]:
    return [
        ("jitsi", _l("A video room made for this meeting (Jitsi Meet: nothing to install)")),
        ("link", _l("My own link (Zoom, Google Meet, Teams...)")),
    ]


class _VideoFields:
    """The video choice and link: a pasted link only counts when "my own link" is chosen."""

    video_kind = RadioField(_l("Video"), choices=video_choices, default="jitsi")
    video_url = URLField(_l("Video link"), filters=[strip], validators=[Optional(), Length(max=limits.VIDEO_URL)],
                         description=_l("Starts with https://, e.g. https://zoom.us/j/123456789"))

    def chosen_video_url(self) -> str | None:
        """The link to save: None for the generated room."""
        return self.video_url.data if self.video_kind.data == "link" else None  # type: ignore[attr-defined]

    def check_video(self) -> bool:
        if self.video_kind.data == "link" and not self.video_url.data:  # type: ignore[attr-defined]
            self.video_url.errors = [*self.video_url.errors, _("Paste the link of your video meeting.")]  # type: ignore[attr-defined]
            return False
        return True


class SeriesForm(_VideoFields, FlaskForm):
    """A new meeting: once, or on a rhythm."""

    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=limits.MEETING_TITLE)],
                        description=_l("e.g. Weekly chapter meeting"))
    kind = SelectField(_l("How often"), choices=kind_choices, default="weekly")
    weekday = SelectField(_l("Day of the week"), choices=weekday_choices, default="")
    interval = IntegerField(_l("Every how many weeks"), default=2,
                            validators=[Optional(), NumberRange(min=1, max=52)])
    position = SelectField(_l("Which one in the month"), choices=position_choices, default="1")
    month_day = IntegerField(_l("Day of the month"), validators=[Optional(), NumberRange(min=1, max=31)],
                             description=_l("Empty: the day of the start date. Months without this day are skipped."))
    start_date = DateField(_l("First meeting on"), validators=[InputRequired(), sane_date],
                           description=_l("If this day does not fit the rhythm, the first day that does is used."))
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=90, validators=[InputRequired()])
    timezone = TimezoneField()
    end = RadioField(_l("Ends"), choices=[("never", _l("Never")), ("count", _l("After a number of meetings")),
                                           ("until", _l("On a date"))], default="never")
    count = IntegerField(_l("Number of meetings"), validators=[Optional(), NumberRange(min=1, max=MAX_COUNT)])
    until_date = DateField(_l("Last possible date"), validators=[Optional(), sane_date])
    venue = StringField(_l("Venue (address)"), filters=[strip], validators=[Optional(), Length(max=limits.VENUE)],
                        description=_l("For in-person or hybrid meetings; leave empty for video only."))
    capacity = IntegerField(_l("Seats"), validators=[Optional()],
                            description=_l("Optional: beyond it, members join a waiting list."))
    rsvp_close_hours = IntegerField(_l("Answers close (hours before the start)"),
                                    validators=[Optional(), answers_close()],
                                    description=_l("Empty: members can answer until the meeting starts."))
    description = TextAreaField(_l("Agenda"), validators=[Optional(), agenda_length()], render_kw={"rows": 5},
                                description=_l("What happens, in order: open networking, presentations, referrals..."))
    open_to_network = BooleanField(_l("Open to all members of the network"))
    submit = SubmitField(_l("Create the meeting"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def,override]
        ok = super().validate(extra_validators)
        ok = self.check_video() and ok
        if self.kind.data == "weeks" and not self.interval.data:
            self.interval.errors = [*self.interval.errors, _("How many weeks between two meetings?")]
            ok = False
        if self.kind.data != "once":
            if self.end.data == "count" and not self.count.data and not self.count.errors:
                self.count.errors = [*self.count.errors, _("How many meetings in all?")]
                ok = False
            if self.end.data == "until" and not self.until_date.errors:
                if not self.until_date.data:
                    self.until_date.errors = [*self.until_date.errors, _("Give the date of the last meeting.")]
                    ok = False
                elif self.start_date.data and self.until_date.data < self.start_date.data:
                    self.until_date.errors = [*self.until_date.errors,
                                              _("The series cannot end before its first meeting.")]
                    ok = False
        return ok


class SeriesEditForm(_VideoFields, FlaskForm):
    """Change a series from a date on; the past never changes."""

    from_date = DateField(_l("Apply from"), validators=[InputRequired(), sane_date],
                          description=_l("Meetings from this date on change; earlier ones stay as they were."))
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=limits.MEETING_TITLE)])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[InputRequired()])
    venue = StringField(_l("Venue (address)"), filters=[strip], validators=[Optional(), Length(max=limits.VENUE)])
    capacity = IntegerField(_l("Seats"), validators=[Optional()])
    rsvp_close_hours = IntegerField(_l("Answers close (hours before the start)"),
                                    validators=[Optional(), answers_close()],
                                    description=_l("For the whole series. Empty: until the meeting starts."))
    description = TextAreaField(_l("Agenda"), validators=[Optional(), agenda_length()], render_kw={"rows": 5})
    submit = SubmitField(_l("Save the changes"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def,override]
        ok = super().validate(extra_validators)
        return self.check_video() and ok


class EndSeriesForm(FlaskForm):
    until = DateField(_l("Last day of the series"), validators=[InputRequired(), sane_date],
                      description=_l("Meetings up to this day stay; none after it."))
    submit = SubmitField(_l("End the series"))


class OccurrenceForm(FlaskForm):
    """One meeting: move it, retitle it, change its agenda, link or venue."""

    date = DateField(_l("Date"), validators=[InputRequired(), sane_date])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[InputRequired(), duration()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=limits.MEETING_TITLE)])
    description = TextAreaField(_l("Agenda"), validators=[Optional(), agenda_length()], render_kw={"rows": 5})
    video_url = URLField(_l("Video link for this meeting only"), filters=[strip],
                         validators=[Optional(), Length(max=limits.VIDEO_URL)],
                         description=_l("Empty: the series' usual link."))
    venue = StringField(_l("Venue (address)"), filters=[strip], validators=[Optional(), Length(max=limits.VENUE)])
    submit = SubmitField(_l("Save this meeting"))


class ClosureForm(FlaskForm):
    """The club does not meet from one date to another (holidays)."""

    start = DateField(_l("Closed from"), validators=[InputRequired(), sane_date])
    end = DateField(_l("Until (included)"), validators=[InputRequired(), sane_date])
    reason = StringField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=limits.CLOSURE_REASON)],
                         description=_l("Shown on cancelled meetings, e.g. Summer holidays."))
    submit = SubmitField(_l("Close the club"))
