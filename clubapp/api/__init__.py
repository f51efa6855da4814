"""JSON API v1 (see API.md): flask-smorest blueprints, bearer tokens, one error format."""
from __future__ import annotations

import json
from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_smorest import Api as SmorestApi
from flask_smorest import abort

from clubapp.api.openapi import ClubappDocPlugin
from clubapp.api.schemas import Error
from clubapp.extensions import csrf
from clubapp.models import User
from clubapp.services import accounts as account_service
from clubapp.services.errors import NotFound, Unauthorised

# Database integer keys are at most 64-bit signed; a longer number names nothing (and must not reach the driver).
MAX_ID = 2**63 - 1


class Api(SmorestApi):
    """flask-smorest without its app-wide error handler: clubapp.errors answers for the whole app."""

    # The error responses flask-smorest documents (422, default) use our format, not its own.
    ERROR_SCHEMA = Error

    def _register_error_handlers(self) -> None:
        pass


api = Api(spec_kwargs={
    "extra_plugins": [ClubappDocPlugin()],
    "info": {"description": "Clubapp's public JSON API. Authenticate with `Authorization: Bearer <token>`; "
                            "create a token with POST /api/v1/tokens or on the settings page."},
})


def current_api_user() -> User:
    """The bearer token's owner, or 401."""
    user = getattr(g, "api_user", None)
    if user is None:
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorised(_("Send a personal access token: Authorization: Bearer <token>."), code="unauthorized")
        user = account_service.user_for_api_token(secret.strip())
        if user is None:
            raise Unauthorised(_("This token is not valid (revoked, or mistyped)."), code="invalid_token")
        g.api_user = user
        g.personal = True  # answers carry personal data: Cache-Control: no-store, no referrer
    return user


def path_id(value: str, message: object = None) -> int:
    """An id from the URL as an int, or NotFound: ids are opaque strings that only we parse."""
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    raise NotFound(message or _("This does not exist, or is not visible to you."))


PUBLIC_ENDPOINTS = {"api_accounts.sign_up", "api_accounts.create_token"}


def require_token() -> None:
    """Before every API view: authenticate first (but for the public ones), then refuse unusable bodies."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        current_api_user()
    check_json_body()


def _bad_text(value: Any) -> bool:
    """True when ``value`` holds a string no database column can store (NUL, lone surrogate)."""
    stack = [value]
    while stack:  # iterative: a deeply nested body must not exhaust the recursion limit here either
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and _has_surrogate(item)):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json_body() -> None:
    """Bad input the body parser or the database would turn into a 500 answers 400/422 instead.

    Called by ``require_token`` once the caller is authenticated. The parser answers ordinary syntax errors.
    """
    if not request.is_json:
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        body = json.loads(data)
    except RecursionError:  # nesting deeper than the parser's recursion limit
        abort(400, messages={"json": [_("Invalid JSON body.")]})
    except ValueError:  # syntax or encoding: the parser answers 400 itself
        return
    if isinstance(body, dict) and not any(_bad_text(key) for key in body):
        bad = {key: [_("Text may not contain NUL characters or invalid Unicode.")]
               for key, value in body.items() if _bad_text(value)}
        if bad:
            abort(422, messages={"json": bad})
    elif _bad_text(body):
        abort(400, messages={"json": [_("Invalid JSON body.")]})


def auth_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a bearer token; the view gets the user as its first argument."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(current_api_user(), *args, **kwargs)

    # Document the 401 of every authenticated operation (a reference to flask-smorest's response
    # components, which use ERROR_SCHEMA); the response decorators above extend this doc.
    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    apidoc.setdefault("response", {}).setdefault("responses", {}).setdefault(401, []).append("UNAUTHORIZED")
    wrapper._apidoc = apidoc  # type: ignore[attr-defined]
    return wrapper


def init_api(app: Flask) -> None:
    """Register the API blueprints and the docs page."""
    from clubapp.api import accounts as accounts_api
    from clubapp.api import attendance as attendance_api
    from clubapp.api import clubs as clubs_api
    from clubapp.api import docs
    from clubapp.api import meetings as meetings_api
    from clubapp.api import referrals as referrals_api

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (accounts_api.blp, clubs_api.blp, meetings_api.blp, attendance_api.blp,
                      referrals_api.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.register_blueprint(docs.bp)
