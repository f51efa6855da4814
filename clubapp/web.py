"""Helpers for the web blueprints."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from clubapp import unit_of_work
from clubapp.models import User
from clubapp.services.errors import ServiceError


def refused(error: ServiceError) -> None:
    """A use case refused: roll back what it changed before failing, then show why (a flash message).

    The view goes on (a redirect, a form again) with a success status, so the edge would commit.
    """
    unit_of_work.rollback()
    flash(str(error.message), "error")


def form_error(form: FlaskForm, error: ServiceError, default: str | None = None) -> None:
    """Roll back the refused use case, then show its error beside its field, or at the top of the form."""
    unit_of_work.rollback()
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


def flash_ended_credentials(revoked_tokens: bool, new_feed: bool) -> None:
    """After a password change or reset: say what else ended with the old password."""
    if revoked_tokens:
        flash(_("Your API tokens are revoked: programs that used them need a new one."), "info")
    if new_feed:
        flash(_("Your calendar feed has a new address. Subscribe again with it: the old one no longer works."),
              "info")


def safe_next(target: str | None) -> str:
    """``target`` if it stays on this site, else the dashboard.

    Control characters are refused: CR or LF cannot go into a Location header, and browsers drop TAB and
    newlines from URLs, which would turn ``/\t/evil.example`` into ``//evil.example``.
    """
    if target and not any(ord(char) < 32 or ord(char) == 127 for char in target):
        joined = urlsplit(urljoin(request.host_url, target))
        if joined.scheme in ("http", "https") and joined.netloc == urlsplit(request.host_url).netloc \
                and target.startswith("/") and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.dashboard")


def csv_download(body: bytes, filename: str) -> Response:
    """A CSV export (bytes from core.csvout) as a file to save: the one shape every export answers in."""
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
