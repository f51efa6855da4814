"""Referral forms. Choices and rules live in the service: it says what is wrong, beside the field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField, SubmitField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clubapp.core import limits
from clubapp.forms import strip


def kind_choices() -> list[tuple[str, str]]:
    return [("external", _l("Outside the club: the prospect is not a member")),
            ("internal", _l("Inside the club: the prospect is a member of the club"))]


def status_choices() -> list[tuple[str, str]]:
    from clubapp.services.referrals import STATUS_LABELS

    return list(STATUS_LABELS.items())


def temperature_choices() -> list[tuple[str, str]]:
    return [("1", _l("Cold")), ("2", _l("Cool")), ("3", _l("Warm")), ("4", _l("Very warm")), ("5", _l("Hot"))]


class ReferralForm(FlaskForm):
    # validate_choice=False: a value the lists do not offer reaches the service, which explains the refusal.
    to_user_id = SelectField(_l("Member"), choices=[], validate_choice=False)
    club_id = SelectField(_l("Club"), choices=[], validate_choice=False,
                          description=_l("A club you both belong to: the referral counts there."))
    prospect_name = StringField(_l("Prospect's name"), filters=[strip],
                                validators=[DataRequired(message=_l("Enter the prospect's name.")),
                                            Length(max=limits.NAME)],
                                description=_l("A person or a company."))
    prospect_email = EmailField(_l("Prospect's email"), filters=[strip],
                                validators=[Optional(), Length(max=limits.EMAIL)])
    prospect_phone = TelField(_l("Prospect's phone"), filters=[strip],
                              validators=[Optional(), Length(max=limits.PHONE)])
    description = TextAreaField(_l("What they need"),
                                validators=[DataRequired(message=_l("Say what the prospect needs.")),
                                            Length(max=limits.REFERRAL_DESCRIPTION)],
                                description=_l("What the prospect is looking for, and what you already told them."))
    temperature = RadioField(_l("Temperature"), choices=temperature_choices, validate_choice=False)
    kind = RadioField(_l("Where the prospect is"), choices=kind_choices, default="external", validate_choice=False)
    submit = SubmitField(_l("Give the referral"))


class FollowUpForm(FlaskForm):
    status = RadioField(_l("Where it stands"), choices=status_choices, validate_choice=False)
    amount = StringField(_l("Business closed (TYFCB)"), filters=[strip], validators=[Optional(), Length(max=30)],
                         render_kw={"inputmode": "decimal"},
                         description=_l("With “Won” only: the amount of the business, e.g. 12 500,50."))
    currency = StringField(_l("Currency"), filters=[strip], default="EUR",
                           render_kw={"maxlength": "3", "autocapitalize": "characters"})
    submit = SubmitField(_l("Save the follow-up"))


class OneToOneForm(FlaskForm):
    with_user_id = SelectField(_l("Member you met"), choices=[], validate_choice=False)
    club_id = SelectField(_l("Club"), choices=[], validate_choice=False)
    met_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Expected a date like 2026-11-26."))])
    notes = TextAreaField(_l("Private notes"), validators=[Optional(), Length(max=limits.ONE_TO_ONE_NOTES)],
                          description=_l("Only the two of you see them."))
    submit = SubmitField(_l("Log the one-to-one"))
