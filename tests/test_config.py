"""Configuration sources and the embedded SQLite defaults."""
from __future__ import annotations

import sqlalchemy as sa

from clubapp import create_app
from clubapp.extensions import db


def test_prefixed_environment_and_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("CLUBAPP_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("CLUBAPP_INVITATION_DAYS", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["INVITATION_DAYS"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")


def test_postgres_url_from_hosting_platform_uses_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/clubapp")
    monkeypatch.setenv("CLUBAPP_SECRET_KEY", "x")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/clubapp"


def test_redis_url_shares_rate_limits(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("CLUBAPP_SECRET_KEY", "x")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("CLUBAPP_SECRET_KEY", "x")
    app = create_app({"PRODUCTION": True})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/auth/login")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_sqlite_defaults_wal_foreign_keys_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        return  # these pragmas are SQLite's; PostgreSQL has its own equivalents
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 15000


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    for part in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert part in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_personal_pages_are_not_cached(auth_client):
    assert auth_client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_error_pages_are_html_not_stack_traces(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "text/html" in response.content_type
    assert "Traceback" not in response.get_data(as_text=True)


def test_session_and_remember_cookie_lifetimes_well_under_a_month(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].days <= 14
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 14
