"""Helpers for the web blueprints."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm

from clubapp.models import User
from clubapp.services.errors import ServiceError


def form_error(form: FlaskForm, error: ServiceError, default: str | None = None) -> None:
    """Show a service error beside its field, or at the top of the form."""
    name = error.field if error.field and error.field in form._fields else default
    if name and name in form._fields:
        form._fields[name].errors = [*form._fields[name].errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def me() -> User:
    """The signed-in user, as the model (not Flask-Login's proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def checked_post() -> None:
    """CSRF for the small action forms (buttons) that carry no other field."""
    if not FlaskForm().validate_on_submit():
        abort(400)
