"""Clubapp: business networking clubs that meet by video."""
from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import current_user

from clubapp import config as config_module
from clubapp.extensions import babel, cache, csrf, db, limiter, login_manager, mail, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    config_module.load_environment(app.config)
    app.config.from_prefixed_env("CLUBAPP")
    if test_config:
        app.config.update(test_config)
    config_module.finalise(app.config, app.instance_path)

    from clubapp import logs

    logs.install(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    from clubapp import unit_of_work

    unit_of_work.install(app)  # last: its after_request hook runs first, right after the view

    from clubapp.feeds.fastpath import FeedFastPath

    app.wsgi_app = FeedFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    return app


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def select_locale() -> str | None:
    """The user's language, else the one chosen in the footer, else the browser's."""
    languages = tuple(current_app.config["LANGUAGES"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def select_timezone() -> str | None:
    """The user's time zone."""
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to ``app``."""
    from clubapp import models  # noqa: F401  (the models must be known to Alembic)

    db.init_app(app)
    from clubapp.services import locking

    locking.install()
    if not sa.event.contains(sa.engine.Engine, "connect", _sqlite_pragmas):
        sa.event.listen(sa.engine.Engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    mail.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)

    from clubapp.auth.session import load_user

    login_manager.user_loader(load_user)
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"


def register_blueprints(app: Flask) -> None:
    """Web blueprints, then the JSON API."""
    from clubapp.account import bp as account_bp
    from clubapp.api import init_api
    from clubapp.attendance import bp as attendance_bp
    from clubapp.auth import bp as auth_bp
    from clubapp.clubs import bp as clubs_bp
    from clubapp.feeds import bp as feeds_bp
    from clubapp.main import bp as main_bp
    from clubapp.meetings import bp as meetings_bp
    from clubapp.referrals import bp as referrals_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(clubs_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(referrals_bp)
    init_api(app)


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages for the web, the JSON error format under /api/."""
    from clubapp.errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    """Security headers on every response."""

    from clubapp import templating

    templating.register(app)

    @app.before_request
    def refuse_nul_characters() -> None:
        """No text field may hold a NUL: PostgreSQL refuses them, so say so before anything is saved."""
        from flask import abort

        form_body = request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data")
        if form_body and any("\x00" in value for values in request.form.listvalues() for value in values):
            abort(400)
        if any("\x00" in value for values in request.args.listvalues() for value in values):
            abort(400)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        # Only HTML pages can be personal through the session: feeds, the API and static files
        # never load the user here.
        personal = getattr(g, "personal", False) or (
            response.mimetype == "text/html" and current_user and current_user.is_authenticated
        )
        for key, value in base_headers(app, personal).items():
            response.headers.setdefault(key, value)
        if personal:
            response.headers["Cache-Control"] = "no-store"
        return response


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def base_headers(app: Flask, personal: bool = False) -> dict[str, str]:
    """The security headers of every response (pages with secrets leak no referrer)."""
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer" if personal else "same-origin",
        "X-Frame-Options": "DENY",
    }
    if app.config.get("PRODUCTION"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def register_commands(app: Flask) -> None:
    """Click commands (``flask --app wsgi demo-data`` ...)."""
    from clubapp.cli import register

    register(app)
