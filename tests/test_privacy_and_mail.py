"""GDPR export and erasure, database-level rules, and email through a real SMTP server."""
from __future__ import annotations

import json
import socket
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from clubapp.models import ApiToken, Club, Membership, Role, User
from tests import factories
from tests.conftest import TEST_PASSWORD, log_in, make_app, submit


def test_export_contains_my_data(auth_client, db, user):
    club = factories.club_with(president=user, name="BNI Vipiacus")
    response = auth_client.get("/account/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == user.email
    assert data["memberships"][0]["club"] == "BNI Vipiacus" and data["memberships"][0]["role"] == "president"
    assert club.name in response.get_data(as_text=True)


def test_delete_account_erases_everything_and_kills_sessions(app, db, user):
    club = factories.club_with(members=1)
    factories.MembershipFactory(club=club, user=user)
    user_id = user.id
    other_device = app.test_client()
    log_in(other_device, user.email)
    here = app.test_client()
    log_in(here, user.email)
    wrong = submit(here, "/account/settings", {"password": "not my password"}, action="/account/delete",
                   follow_redirects=True)
    assert "The password is wrong." in wrong.get_data(as_text=True)
    response = submit(here, "/account/settings", {"password": TEST_PASSWORD}, action="/account/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    left = sa.select(sa.func.count()).select_from(Membership).where(Membership.user_id == user_id)
    assert db.session.scalar(left) == 0
    assert other_device.get("/dashboard").status_code == 302


def test_sole_president_must_hand_over_before_deleting(auth_client, db, user):
    factories.club_with(president=user, members=2)
    response = submit(auth_client, "/account/settings", {"password": TEST_PASSWORD}, action="/account/delete",
                      follow_redirects=True)
    assert "name another president first" in response.get_data(as_text=True)
    assert db.session.get(User, user.id) is not None


def test_club_of_one_disappears_with_its_president(auth_client, db, user):
    factories.club_with(president=user)
    submit(auth_client, "/account/settings", {"password": TEST_PASSWORD}, action="/account/delete")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Club)) == 0


def test_database_refuses_two_holders_of_an_exclusive_category(db):
    club = factories.ClubFactory(category_exclusive=True)
    db.session.add(Membership(club=club, user=factories.UserFactory(), role=Role.MEMBER, category="Avocat",
                              exclusive_category="avocat"))
    db.session.commit()
    db.session.add(Membership(club=club, user=factories.UserFactory(), role=Role.MEMBER, category="AVOCAT",
                              exclusive_category="avocat"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_api_tokens_page_creates_shows_once_and_revokes(auth_client, db, user):
    response = submit(auth_client, "/account/settings", {"label": "CRM sync"}, action="/account/tokens",
                      follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "CRM sync" in html and "ca_" in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    again = auth_client.get("/account/settings").get_data(as_text=True)
    assert 'readonly value="ca_' not in again  # shown once
    token = db.session.scalar(sa.select(ApiToken))
    submit(auth_client, "/account/settings", {}, action=f"/account/tokens/{token.id}/revoke")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_password_reset_email_through_real_smtp(database_url, db, user):
    """A real SMTP server (aiosmtpd) receives the reset email, in the user's language."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):  # type: ignore[no-untyped-def]
            received.append(message)

    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp_app = make_app(database_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                            MAIL_USE_TLS=False, MAIL_USE_SSL=False)
        client = smtp_app.test_client()
        response = submit(client, "/auth/forgot", {"email": user.email})
        assert response.status_code == 302
        for _ in range(50):
            if received:
                break
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == user.email
    body = message.get_payload(decode=True).decode()
    assert "/auth/reset/" in body
