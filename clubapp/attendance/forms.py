"""Attendance forms: answers, the officers' sheet, visitors, the report period."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from clubapp.core import limits
from clubapp.forms import sane_date, strip


class AnswerForm(FlaskForm):
    """Yes / maybe / no (the button pressed), with an optional substitute and comment."""

    response = HiddenField()
    substitute_name = StringField(_l("Name of my substitute"), filters=[strip],
                                  validators=[Optional(), Length(max=limits.NAME)],
                                  description=_l("Someone who takes your seat and presents your business for you."))
    comment = StringField(_l("Comment"), filters=[strip], validators=[Optional(), Length(max=limits.RSVP_COMMENT)],
                          description=_l("Seen by the club's members, e.g. \"I will join at 8:00\"."))


class MarkForm(FlaskForm):
    """One tap on the sheet: a PALMS code for one member, and the note kept with it."""

    status = HiddenField()
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=limits.ATTENDANCE_NOTE)])


class VisitorForm(FlaskForm):
    """A member invites a guest to one meeting."""

    name = StringField(_l("Visitor's name"), filters=[strip], validators=[DataRequired(), Length(max=limits.NAME)])
    email = EmailField(_l("Visitor's email"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=limits.EMAIL)],
                       description=_l("They receive an invitation with a link to answer: no account needed."))
    company = StringField(_l("Company"), filters=[strip], validators=[Optional(), Length(max=limits.NAME)])
    submit = SubmitField(_l("Send the invitation"))


class PeriodForm(FlaskForm):
    """The period of a report, read from the query string (a GET form: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    first = DateField(_l("From"), name="from", validators=[Optional(), sane_date])
    last = DateField(_l("To"), name="to", validators=[Optional(), sane_date])
