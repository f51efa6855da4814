"""Configuration defaults and their overrides.

Order (later wins): these defaults, ``instance/config.py``, the ``DATABASE_URL`` and
``REDIS_URL`` variables that hosting platforms set, any ``CLUBAPP_*`` variable, then the
mapping given to ``create_app`` (tests).
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


class Defaults:
    """Settings of the embedded default (``make run``)."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # instance/clubapp.sqlite3 when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"  # per process; RedisCache when REDIS_URL is set
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000
    # The site's own host name (clubs.example.org): calendar UIDs carry it (FEED_UID_DOMAIN).
    SITE_HOST: str | None = None
    # The domain of calendar UIDs; unset: SITE_HOST's host, else "clubapp" (every installation's
    # UIDs before SITE_HOST existed: setting it changes them, see README "Calendar feeds").
    FEED_UID_DOMAIN: str | None = None
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count per worker, never answer 500
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    SIGNUP_RATE_LIMIT = "5 per minute;30 per hour"  # per address, web and API together
    PRODUCTION = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)  # Flask-Login's default is a year
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which expires on its own
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("fr", "en")
    INVITATION_DAYS = 14
    PASSWORD_RESET_SECONDS = 3600
    MAIL_BACKEND = "console"
    MAIL_DEFAULT_SENDER = "Clubapp <no-reply@clubapp.localhost>"
    VIDEO_BASE_URL = "https://meet.jit.si"
    PREFERRED_URL_SCHEME = "http"
    PROXY_FIX = False
    LOG_JSON = False  # CLUBAPP_LOG_JSON=true: one JSON object per log line
    LOG_LEVEL = "INFO"
    # flask-smorest
    API_TITLE = "Clubapp API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def normalise_database_url(url: str) -> str:
    """Map the URLs hosting platforms set onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_environment(config: dict[str, Any]) -> None:
    """Apply ``DATABASE_URL`` and ``REDIS_URL`` from the environment."""
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Fill the settings derived from others once every source is read."""
    instance = Path(instance_path)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'clubapp.sqlite3'}"
    uri = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_DATABASE_URI"] = uri
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        # busy_timeout is also set per connection; this is the driver-level wait.
        options.setdefault("connect_args", {"timeout": 15})
    else:
        options.setdefault("pool_pre_ping", True)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") == "memory://":
        # Every worker and host counts in Redis; short timeouts so that a Redis outage falls back
        # to per-worker counting at once (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of hanging.
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    if config.get("REDIS_URL") and config.get("CACHE_TYPE") == "SimpleCache":
        config["CACHE_TYPE"] = "RedisCache"
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
        config.setdefault("CACHE_KEY_PREFIX", "clubapp:")
    if config.get("PRODUCTION"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance)
    if not config.get("FEED_UID_DOMAIN"):
        config["FEED_UID_DOMAIN"] = uid_domain(config.get("SITE_HOST"))


def uid_domain(site_host: str | None) -> str:
    """The host name in ``site_host`` (a host, host:port or URL), lower case; "clubapp" without one."""
    host = (site_host or "").strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
    host = host.split("]", 1)[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
    return host.rstrip(".") or "clubapp"


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it on first start."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when several workers start at once only one writes; the others read it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
