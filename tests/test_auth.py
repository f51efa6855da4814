"""Sign-up, log-in, log-out and password reset through the real forms."""
from __future__ import annotations

import re

import sqlalchemy as sa

from clubapp.models import User
from tests import factories
from tests.conftest import TEST_PASSWORD, log_in, submit


def test_sign_up_creates_account_and_signs_in(client, db):
    response = submit(client, "/auth/signup", {
        "name": "Anne-France Martin", "email": " Anne@Example.FR ", "password": "a long enough password",
        "timezone": "America/Lima", "locale": "fr"})
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    user = db.session.scalar(sa.select(User))
    assert user.email == "anne@example.fr" and user.timezone == "America/Lima" and user.locale == "fr"
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "Anne-France Martin" in client.get("/dashboard").get_data(as_text=True)


def test_sign_up_refuses_duplicate_email_without_saving(client, db, user):
    response = submit(client, "/auth/signup", {
        "name": "Someone", "email": user.email.upper(), "password": "a long enough password",
        "timezone": "Europe/Paris", "locale": "en"})
    assert response.status_code == 200
    assert "An account already exists with this email." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_sign_up_refuses_unknown_timezone(client, db):
    response = submit(client, "/auth/signup", {
        "name": "X", "email": "x@example.fr", "password": "a long enough password",
        "timezone": "Mars/Olympus_Mons", "locale": "en"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_login_same_answer_for_unknown_email_and_wrong_password(client, user):
    wrong = log_in(client, user.email, "not the password at all")
    unknown = log_in(client, "nobody@example.fr", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)


def test_login_rotates_session_and_next_stays_on_site(client, user):
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    html = client.get("/auth/login?next=https://evil.example/steal").get_data(as_text=True)
    assert 'value="https://evil.example/steal"' in html
    response = log_in(client, user.email)
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    response = submit(client, "/auth/login", {"email": user.email, "password": TEST_PASSWORD,
                                              "next": "https://evil.example/steal"})
    # Already signed in: straight to the dashboard, never off-site.
    assert response.location.endswith("/dashboard")


def test_next_redirect_is_followed_when_on_site(client, user):
    response = submit(client, "/auth/login?next=/clubs", {"email": user.email, "password": TEST_PASSWORD,
                                                          "next": "/clubs"})
    assert response.location.endswith("/clubs")
    client2 = client.application.test_client()
    response = submit(client2, "/auth/login", {"email": user.email, "password": TEST_PASSWORD,
                                               "next": "//evil.example/x"})
    assert response.location.endswith("/dashboard")


def test_session_cookie_flags(client, user):
    response = log_in(client, user.email)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_post_and_ends_other_sessions(app, user):
    first, second = app.test_client(), app.test_client()
    log_in(first, user.email)
    log_in(second, user.email)
    assert first.get("/auth/logout").status_code == 405  # no GET changes state
    submit(first, "/dashboard", {}, action="/auth/logout")
    assert first.get("/dashboard").status_code == 302
    assert second.get("/dashboard").status_code == 302  # the other device is signed out too


def test_password_reset_single_use(client, db, user, outbox):
    response = submit(client, "/auth/forgot", {"email": user.email})
    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0].to == [user.email]
    link = re.search(r"https?://\S+/auth/reset/\S+", outbox[0].body).group(0)
    path = link.split("clubapp.test", 1)[1]
    response = submit(client, path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert client.get(path).status_code == 404  # used: the link is dead
    other = client.application.test_client()
    assert log_in(other, user.email, "a brand new password").status_code == 302


def test_password_reset_unknown_email_sends_nothing_and_same_answer(client, outbox):
    response = submit(client, "/auth/forgot", {"email": "nobody@example.fr"})
    assert response.status_code == 302 and outbox == []


def test_password_reset_expired_link(app, client, user, monkeypatch):
    from clubapp.services import accounts

    with app.test_request_context():
        token = accounts.reset_token(user)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 2 * 3600)
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)


def test_change_password_asks_current_and_signs_out_other_devices(app, user):
    here, other = app.test_client(), app.test_client()
    log_in(here, user.email)
    log_in(other, user.email)
    response = submit(here, "/account/password", {"current_password": "wrong password!", "new_password": "x" * 12})
    assert "The current password is wrong." in response.get_data(as_text=True)
    response = submit(here, "/account/password",
                      {"current_password": TEST_PASSWORD, "new_password": "a new password 2"})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302


def test_csrf_is_enforced(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_login_rate_limited(database_url):
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        factories.UserFactory(email="limited@example.fr")
    codes = [log_in(client, "limited@example.fr", "wrong password!!").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
