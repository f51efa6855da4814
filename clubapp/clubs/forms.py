"""Club forms."""
from __future__ import annotations

from babel.numbers import get_currency_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from clubapp.core import limits, money
from clubapp.core.colors import CSS3_COLORS
from clubapp.forms import TimezoneField, strip


def currency_choices() -> list[tuple[str, str]]:
    """Every ISO 4217 currency, named in the reader's language: "EUR · euro", "PEN · sol péruvien"."""
    locale = str(get_locale() or "en")
    return [("", _l("The currency of the time zone's country"))] + sorted(
        ((code, f"{code} · {get_currency_name(code, locale=locale)}") for code in money.currencies()),
        key=lambda choice: choice[0])


def role_choices() -> list[tuple[str, str]]:
    return [("member", _l("Member")), ("secretary", _l("Secretary-treasurer")),
            ("vice_president", _l("Vice-president")), ("president", _l("President"))]


def _between(low: int, high: int) -> NumberRange:
    return NumberRange(min=low, max=high, message=_l("Expected a number from %(min)s to %(max)s."))


class ClubForm(FlaskForm):
    name = StringField(_l("Club name"), validators=[DataRequired(), Length(max=limits.NAME)],
                       description=_l("e.g. BNI Vichy Avenir"))
    timezone = TimezoneField(default="Europe/Paris")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=limits.MEETING_DESCRIPTION)],
                                description=_l("When and how the club meets, who it is for."))
    category_exclusive = BooleanField(_l("One member per category (profession)"))
    visibility = RadioField(_l("Visibility"), choices=[
        ("private", _l("Private: only members see the club")),
        ("public", _l("Public: anyone signed in can find the club and ask to join")),
    ], default="private")
    network_id = SelectField(_l("Network"), choices=[], validate_choice=False)
    # validate_choice=False: the service explains a code it does not know, beside the field.
    currency = SelectField(_l("Reporting currency"), choices=currency_choices, validate_choice=False,
                           description=_l("TYFCB totals and scores are counted in it; amounts in other currencies "
                                          "are shown beside them, never added."))
    color = SelectField(_l("Colour in calendar apps"),
                        choices=[("", _l("No colour")), *((name, name) for name in CSS3_COLORS)],
                        default="", coerce=lambda value: value or "", validate_choice=False,  # the service checks it
                        description=_l("Calendar apps that read it show the club's meetings in this colour."))
    late_grace_minutes = IntegerField(
        _l("Late after (minutes)"), default=5,
        validators=[Optional(), _between(0, 60)],
        description=_l("Members who join the video later than this after the start are recorded late (L)."))
    absence_threshold = IntegerField(
        _l("Absences allowed in six months"), default=3,
        validators=[Optional(), _between(0, 26)],
        description=_l("Officers are alerted when a member has more. Substitutes and medical absences do not count."))
    submit = SubmitField(_l("Save the club"))


class NetworkForm(FlaskForm):
    name = StringField(_l("Network name"), validators=[DataRequired(), Length(max=limits.NAME)],
                       description=_l("e.g. Dynabuy Auvergne"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=limits.REFERRAL_DESCRIPTION)])
    submit = SubmitField(_l("Create the network"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Email of the person to invite"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=limits.EMAIL)])
    role = SelectField(_l("Role"), choices=role_choices, default="member")
    submit = SubmitField(_l("Send the invitation"))


class AcceptForm(FlaskForm):
    category = StringField(_l("Your category (profession) in this club"),
                           validators=[Optional(), Length(max=limits.CATEGORY)])
    submit = SubmitField(_l("Join the club"))


class JoinForm(FlaskForm):
    category = StringField(_l("Your category (profession)"), validators=[Optional(), Length(max=limits.CATEGORY)])
    message = TextAreaField(_l("A word for the officers"), validators=[Optional(), Length(max=limits.JOIN_MESSAGE)])
    submit = SubmitField(_l("Ask to join"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    submit = SubmitField(_l("Change"))


class MyMembershipForm(FlaskForm):
    category = StringField(_l("My category in this club"), validators=[Optional(), Length(max=limits.CATEGORY)])
    public_listing = BooleanField(
        _l("Show my business, category, city and website on the club's public listing"),
        description=_l("When on, people outside your clubs who find you in the directory also see your email "
                       "and phone."))
    submit = SubmitField(_l("Save"))
