"""Mail never fails a request whose data is saved: a real SMTP server (aiosmtpd) that refuses, or a name
that would break a header, gives a saved row, a warning and a way to send again."""
from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from html import unescape

import pytest
import sqlalchemy as sa

from clubapp.models import Invitation, Role, Visitor
from clubapp.models.base import utcnow
from tests import factories
from tests.conftest import log_in, make_app, submit

BREAKING = "Eve Martin\r\nBcc: victim@example.fr"


class Smtp:
    """A real SMTP server that accepts or refuses (550) every message, and keeps what it accepted."""

    def __init__(self) -> None:
        self.refuse = False
        self.received: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if self.refuse:
            return "550 5.7.1 Message refused by policy"
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int) -> list[Message]:
        for _ in range(100):
            if len(self.received) >= count:
                break
            time.sleep(0.05)
        return self.received


@pytest.fixture
def smtp() -> Iterator[tuple[Smtp, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Smtp()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def smtp_app(database_url, db, smtp):  # type: ignore[no-untyped-def]
    return make_app(database_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp[1],
                    MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_TIMEOUT=10)


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True))


def link_in(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://\S+", body).group(0)  # type: ignore[union-attr]


def president_client(app, club):  # type: ignore[no-untyped-def]
    president = next(m.user for m in club.memberships if m.role is Role.PRESIDENT)
    web = app.test_client()
    assert log_in(web, president.email).status_code == 302
    return web, president


def test_a_header_breaking_name_still_sends_one_line_headers(smtp_app, smtp, db):
    handler, _port = smtp
    club = factories.club_with(president=factories.UserFactory(name=BREAKING), name="Club\nVichy")
    web, _president = president_client(smtp_app, club)
    response = submit(web, f"/clubs/{club.id}/invite", {"email": "guest@example.fr", "role": "member"})
    assert response.status_code == 302
    [message] = handler.wait_for(1)
    assert message["Subject"] == "Eve Martin Bcc: victim@example.fr invites you to Club Vichy"
    assert message["Bcc"] is None and message["To"] == "guest@example.fr"
    assert "Invitation sent to guest@example.fr." in page_text(web.get(response.location))


def test_a_refused_invitation_is_saved_with_a_warning_and_can_be_sent_again(smtp_app, smtp, db, caplog):
    handler, _port = smtp
    club = factories.club_with(name="BNI Vichy Avenir")
    web, _president = president_client(smtp_app, club)
    handler.refuse = True
    with caplog.at_level(logging.ERROR, logger="clubapp.services.mail"):
        response = submit(web, f"/clubs/{club.id}/invite", {"email": "guest@example.fr", "role": "member"})
    assert response.status_code == 302
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.email == "guest@example.fr"))
    assert invitation is not None and invitation.accepted_at is None
    page = page_text(web.get(response.location))
    assert "The invitation to guest@example.fr is saved, but the email could not be sent." in page
    assert f"/clubs/{club.id}/invitations/{invitation.id}/resend" in page
    [record] = [r for r in caplog.records if r.name == "clubapp.services.mail"]
    assert record.exc_info is not None and "550" in caplog.text
    assert "/invitations/" not in caplog.text  # the link (its token) is never logged

    handler.refuse = False
    response = submit(web, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    assert "Invitation sent to guest@example.fr." in page_text(web.get(response.location))
    [message] = handler.wait_for(1)
    invitee = smtp_app.test_client()
    with smtp_app.app_context():
        factories.UserFactory(email="guest@example.fr")
    assert log_in(invitee, "guest@example.fr").status_code == 302
    assert invitee.get(link_in(message)).status_code == 200


def test_api_invitation_says_whether_the_email_went_out_and_resends(smtp_app, smtp, db):
    from tests.conftest import bearer

    handler, _port = smtp
    club = factories.club_with(president=factories.UserFactory(name=BREAKING))
    president = next(m.user for m in club.memberships if m.role is Role.PRESIDENT)
    api = smtp_app.test_client()
    handler.refuse = True
    created = api.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(president),
                       json={"email": "guest@example.fr"})
    assert created.status_code == 201 and created.json["email_sent"] is False
    handler.refuse = False
    again = api.post(f"/api/v1/clubs/{club.id}/invitations/{created.json['id']}/resend", headers=bearer(president))
    assert again.status_code == 200 and again.json["email_sent"] is True
    assert again.json["token"] != created.json["token"]
    [message] = handler.wait_for(1)
    assert link_in(message) == again.json["url"]
    member = factories.MembershipFactory(club=club).user
    refused = api.post(f"/api/v1/clubs/{club.id}/invitations/{created.json['id']}/resend", headers=bearer(member))
    assert refused.status_code == 403


def _future_meeting(club, president):  # type: ignore[no-untyped-def]
    from clubapp.services import meetings

    start = (utcnow() + timedelta(days=3)).date()
    series = meetings.create_series(president, club, {
        "title": "Weekly", "start_date": start.isoformat(), "start_time": "07:30", "duration_minutes": 90,
        "rrule": "FREQ=DAILY;COUNT=2"})
    return meetings.occurrence_id(series.id, series.start_date)


def test_a_refused_visitor_invitation_is_saved_with_a_warning_and_can_be_sent_again(smtp_app, smtp, db):
    handler, _port = smtp
    club = factories.club_with(president=factories.UserFactory(name=BREAKING), name="Club\r\nVichy")
    web, president = president_client(smtp_app, club)
    meeting_id = _future_meeting(club, president)
    handler.refuse = True
    response = submit(web, f"/meetings/{meeting_id}", {"name": "Paul Martin", "email": "paul@example.fr"},
                      action=f"/meetings/{meeting_id}/visitors")
    assert response.status_code == 302
    visitor = db.session.scalar(sa.select(Visitor).where(Visitor.email == "paul@example.fr"))
    assert visitor is not None
    page = page_text(web.get(response.location))
    assert "Paul Martin is invited, but the email could not be sent." in page
    resend = f"/meetings/{meeting_id}/visitors/{visitor.id}/resend"
    assert resend in page

    handler.refuse = False
    response = submit(web, f"/meetings/{meeting_id}", {}, action=resend)
    assert response.status_code == 302
    assert "Paul Martin is invited: an email with a link to answer is on its way." in page_text(
        web.get(response.location))
    [message] = handler.wait_for(1)
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", message["Subject"])  # RFC 5322 folding is no line break
    assert unfolded == "Eve Martin Bcc: victim@example.fr invites you to a meeting of Club Vichy"
    assert message["Bcc"] is None
    assert smtp_app.test_client().get(link_in(message)).status_code == 200
