"""Logs: one line per request with its id; never a feed token, an API token or a password."""
from __future__ import annotations

import json
import logging

from clubapp import logs
from clubapp.services import feeds
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, log_in


def all_lines(caplog) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(logs.JsonFormatter().format(r) + "\n" + r.getMessage() for r in caplog.records)


def test_each_request_is_one_line_with_an_id_that_the_response_carries(app, client, caplog):
    caplog.set_level(logging.INFO, logger="clubapp")
    response = client.get("/")
    lines = [r for r in caplog.records if r.name == "clubapp.requests"]
    assert len(lines) == 1 and lines[0].getMessage().startswith("GET / 200 ")
    assert response.headers["X-Request-ID"] == lines[0].request_id and len(lines[0].request_id) == 16
    entry = json.loads(logs.JsonFormatter().format(lines[0]))
    assert entry["status"] == 200 and entry["path"] == "/" and entry["request_id"] == lines[0].request_id


def test_no_token_or_password_reaches_a_log_line(app, db, caplog):
    caplog.set_level(logging.DEBUG, logger="clubapp")
    member = factories.UserFactory()
    club = factories.club_with(president=member)
    headers = bearer(member)
    api_token = headers["Authorization"].split()[1]
    with app.test_request_context():
        feed_token = feeds.feed_token(member)
    db.session.commit()
    client = app.test_client()
    log_in(client, member.email)
    from clubapp.services import membership

    with app.test_request_context():
        _invitation, invite_token, _mailed = membership.invite(member, club, "invitee@example.fr")
    anonymous = app.test_client()
    for response in (
        anonymous.get(f"/feeds/{feed_token}.ics"),                       # the Flask route (first build)
        anonymous.get(f"/feeds/{feed_token}x.ics"),                      # no such feed: 404 through Flask
        anonymous.get(f"/invitations/{invite_token}"),
        anonymous.get(f"/auth/reset/{api_token}"),
        app.test_client().get("/api/v1/me", headers=headers),
        app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer " + api_token[:-2] + "xx"}),
        app.test_client().post("/api/v1/tokens", json={"email": member.email, "password": TEST_PASSWORD}),
        client.get(f"/dashboard?token={api_token}"),
    ):
        assert response.status_code < 500
    text = all_lines(caplog)
    assert "clubapp.requests" in {r.name for r in caplog.records}
    for secret in (feed_token, api_token, invite_token, TEST_PASSWORD):
        assert secret not in text
    assert "/feeds/[redacted].ics" in text and "/invitations/[redacted]" in text
