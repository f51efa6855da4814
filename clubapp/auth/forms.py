"""Auth forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from clubapp.core import limits
from clubapp.core.passwords import MAX_LENGTH, MIN_LENGTH
from clubapp.forms import TimezoneField, language_choices, revoke_tokens_field, rotate_feed_field, strip


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=limits.NAME)])
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=limits.EMAIL)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
                             description=_l("At least %(n)d characters.", n=MIN_LENGTH))
    timezone = TimezoneField(default="Europe/Paris", render_kw={"data-browser-default": ""})
    locale = SelectField(_l("Language"), choices=language_choices(), default="fr")
    next = HiddenField()
    submit = SubmitField(_l("Create my account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=limits.EMAIL)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=limits.EMAIL)])
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    revoke_tokens = revoke_tokens_field()
    new_feed_address = rotate_feed_field()
    submit = SubmitField(_l("Set my password"))
