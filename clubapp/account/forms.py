"""Account forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from clubapp.core import limits
from clubapp.core.passwords import MAX_LENGTH, MIN_LENGTH
from clubapp.forms import TimezoneField, language_choices, revoke_tokens_field, rotate_feed_field


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=limits.NAME)])
    timezone = TimezoneField()
    locale = SelectField(_l("Language"), choices=language_choices())
    business_name = StringField(_l("Business name"), validators=[Optional(), Length(max=limits.NAME)])
    category = StringField(_l("Category (profession)"), validators=[Optional(), Length(max=limits.CATEGORY)],
                           description=_l("e.g. roofer, chartered accountant, florist"))
    city = StringField(_l("City"), validators=[Optional(), Length(max=limits.CITY)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=limits.PHONE)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=limits.WEBSITE)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=limits.BIO)])
    submit = SubmitField(_l("Save my profile"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)])
    revoke_tokens = revoke_tokens_field()
    new_feed_address = rotate_feed_field()
    submit = SubmitField(_l("Change my password"))


class TokenForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=limits.TOKEN_LABEL)],
                        description=_l("What the token is for, e.g. “CRM sync”."))
    submit = SubmitField(_l("Create a token"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Delete my account for good"))
