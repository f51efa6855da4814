"""Error pages and JSON errors, and the ServiceError -> response mapping."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from clubapp.extensions import db
from clubapp.services.errors import ServiceError

API_PREFIX = "/api/"

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
    429: "rate_limited", 500: "server_error",
}


# RFC 6750: a 401 for a missing or bad bearer token says how to authenticate.
BEARER_CHALLENGES = {
    "unauthorized": {"WWW-Authenticate": 'Bearer realm="clubapp"'},
    "invalid_token": {"WWW-Authenticate": 'Bearer realm="clubapp", error="invalid_token"'},
}


def wants_json() -> bool:
    """True for requests under /api/."""
    return request.path.startswith(API_PREFIX)


def json_error(status: int, message: str, code: str | None = None, fields: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A response in the API's error format."""
    body: dict[str, Any] = {"error": {"code": code or CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("You need to sign in."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or is not visible to you."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("What you sent is too large."),
        415: _("Send JSON (Content-Type: application/json)."),
        422: _("Some fields are not valid."),
        429: _("Too many attempts. Wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you saved was lost; please try again."),
    }


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        if wants_json():
            return json_error(error.status, str(error.message), error.code, error.fields,
                              BEARER_CHALLENGES.get(error.code) if error.status == 401 else None)
        return render_template("error.html", status=error.status, message=str(error.message)), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = _("The form had expired. Please try again.")
        if wants_json():
            return json_error(400, message, "csrf")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        data = getattr(error, "data", None) or {}
        if wants_json():
            fields = None
            messages = data.get("messages") or data.get("errors")
            if isinstance(messages, dict):
                # webargs nests by location: {"json": {"field": [...]}}; flatten to fields.
                fields = {}
                for location, errors in messages.items():
                    if isinstance(errors, dict):
                        fields.update(errors)
                    else:
                        fields[location] = errors
            message = data.get("message") or _messages().get(status) or error.description or ""
            if status == 422 and "message" not in data:
                message = _messages()[422]
            headers = dict(getattr(error, "get_headers", lambda: [])()) if status in (405, 429) else {}
            headers.pop("Content-Type", None)
            return json_error(status, str(message), data.get("code"), fields, headers)
        message = _messages().get(status, error.description or "")
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, _messages()[500], "server_error")
        return render_template("error.html", status=500, message=_messages()[500]), 500

    # Keep InternalServerError on the same path as other exceptions.
    app.register_error_handler(InternalServerError, unexpected)
