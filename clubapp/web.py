"""Helpers for the web blueprints."""
from __future__ import annotations

from flask_wtf import FlaskForm

from clubapp.services.errors import ServiceError


def form_error(form: FlaskForm, error: ServiceError, default: str | None = None) -> None:
    """Show a service error beside its field, or at the top of the form."""
    name = error.field if error.field and error.field in form._fields else default
    if name and name in form._fields:
        form._fields[name].errors = [*form._fields[name].errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))
