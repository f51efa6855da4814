"""A password change or reset can also end the API tokens and the calendar feed address."""
from __future__ import annotations

from html import unescape

import pytest

from clubapp.services import accounts, feeds
from tests.conftest import TEST_PASSWORD, bearer, submit

NEW = "a brand new passphrase 2"


def _works(client, headers) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/me", headers=headers).status_code == 200


def _feed_status(client, token: str) -> int:  # type: ignore[no-untyped-def]
    return client.get(f"/feeds/{token}.ics").status_code


def test_the_forms_offer_both_and_revoke_tokens_by_default(auth_client, db, user):
    for page in ("/account/password", f"/auth/reset/{accounts.reset_token(user)}"):
        html = auth_client.get(page).get_data(as_text=True)
        assert "checked" in _input(html, "revoke_tokens")
        assert "checked" not in _input(html, "new_feed_address")
    settings = unescape(auth_client.get("/account/settings").get_data(as_text=True))
    assert "revoking your API tokens stops every program that uses them" in settings
    assert "a new calendar feed address makes the old one answer nothing" in settings


def _input(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[html.rindex("<", 0, start):html.index(">", start)]


@pytest.mark.parametrize(("choices", "tokens_live", "feed_moves"), [
    ({"revoke_tokens": "y"}, False, False),  # what the page sends as it comes
    ({"new_feed_address": "y"}, True, True),
    ({"revoke_tokens": "y", "new_feed_address": "y"}, False, True),
    ({}, True, False),
])
def test_password_change_ends_what_was_chosen(app, auth_client, db, user, choices, tokens_live, feed_moves):
    headers = bearer(user)
    feed = feeds.feed_token(user)
    response = submit(auth_client, "/account/password",
                      {"current_password": TEST_PASSWORD, "new_password": NEW, **choices})
    assert response.status_code == 302
    api = app.test_client()
    assert _works(api, headers) is tokens_live
    assert _feed_status(api, feed) == (404 if feed_moves else 200)
    db.session.expire_all()
    new_feed = feeds.feed_token(user)
    assert (new_feed != feed) is feed_moves and _feed_status(api, new_feed) == 200
    page = unescape(auth_client.get("/account/settings").get_data(as_text=True))
    assert ("Your API tokens are revoked" in page) is not tokens_live


def test_password_reset_ends_what_was_chosen(app, client, db, user):
    headers = bearer(user)
    feed = feeds.feed_token(user)
    token = accounts.reset_token(user)
    response = submit(client, f"/auth/reset/{token}", {"password": NEW, "confirm": NEW, "revoke_tokens": "y",
                                                        "new_feed_address": "y"})
    assert response.status_code == 302
    api = app.test_client()
    assert not _works(api, headers) and _feed_status(api, feed) == 404
    db.session.expire_all()
    assert accounts.authenticate(user.email, NEW).id == user.id


def test_password_reset_can_keep_tokens(app, client, db, user):
    headers = bearer(user)
    submit(client, f"/auth/reset/{accounts.reset_token(user)}", {"password": NEW, "confirm": NEW})
    assert _works(app.test_client(), headers)
