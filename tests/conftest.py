"""Fixtures: one app per session on a real SQLite file or PostgreSQL, clean tables per test.

TEST_DATABASE_URL selects PostgreSQL (CI: postgresql+psycopg://postgres@127.0.0.1:5432/test);
REQUIRE_POSTGRES=1 makes its absence a failure instead of a skip.
"""
from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from clubapp import create_app
from clubapp.extensions import db as _db
from tests import factories

TEST_PASSWORD = factories.TEST_PASSWORD


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_schema(app: Flask) -> None:
    """Start from an empty database, then build the schema with the migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        engine = _db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context (and its ``g``).

    Flask reuses an already pushed app context for a request; the tests keep one pushed for
    factories, so each request runs in an empty ``contextvars`` context, as in a real server.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        commit()  # what the test did through the services is saved, as an earlier request would have
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app configured for tests."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        "SERVER_NAME": "clubapp.test",
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = make_app(database_url)
    _reset_schema(application)
    yield application


@pytest.fixture(autouse=True)
def _no_rate_limits() -> Iterator[None]:
    """Flask-Limiter keeps ``enabled`` on the shared extension: every test starts with limits off."""
    from clubapp.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture(autouse=True)
def db(app: Flask) -> Iterator[object]:
    """An app context per test; every table emptied afterwards."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list:
    """Emails sent during the test (Flask-Mailman's locmem backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The first CSRF token of a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, page: str, data: dict, action: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Open ``page`` like a browser, then post ``data`` with its CSRF token to ``action`` (default: the page)."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    payload = {"csrf_token": csrf_from(html), **data}
    return client.post(action or page, data=payload, **kwargs)


def log_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    """Log in through the real form."""
    return submit(client, "/auth/login", {"email": email, "password": password})


@pytest.fixture
def user(db: object) -> object:
    return factories.UserFactory()


@pytest.fixture
def auth_client(client: FlaskClient, user: object) -> FlaskClient:
    """A client signed in as ``user`` through the login form."""
    response = log_in(client, user.email)  # type: ignore[attr-defined]
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def commit() -> None:
    """Save what a test changed through the services (the edge's commit: queued mail goes out).

    Services never commit (clubapp.unit_of_work): a test calling them directly is the edge.
    """
    from flask import has_app_context

    from clubapp import unit_of_work

    if has_app_context():
        unit_of_work.commit()


def bearer(user: object, label: str = "tests") -> dict[str, str]:
    """Authorization header with a fresh personal access token of ``user``."""
    from clubapp.services import accounts

    secret = accounts.create_api_token(user, label).secret  # type: ignore[arg-type]
    commit()
    return {"Authorization": f"Bearer {secret}"}
