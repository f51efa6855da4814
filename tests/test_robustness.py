"""Hostile input on web pages: answered with a clear 4xx, never a 500."""
from __future__ import annotations

from tests import factories
from tests.conftest import submit


def test_huge_ids_are_404_not_500(auth_client, db):
    for url in ("/clubs/99999999999999999999999", "/clubs/2147483648/members", "/meetings/s99999999999999-20261126",
                "/series/99999999999999999999/edit"):
        assert auth_client.get(url).status_code == 404, url


def test_nul_characters_in_a_form_are_refused(auth_client, db, user):
    response = submit(auth_client, "/account/profile", {"name": "Anne\x00", "timezone": "Europe/Paris",
                                                        "locale": "fr"})
    assert response.status_code == 400
    db.session.expire_all()
    assert "\x00" not in user.name
    assert auth_client.get("/directory?q=a%00b").status_code == 400


def test_wrong_invitee_sees_neither_club_nor_form(app, db, user):
    from clubapp.services import membership

    club = factories.club_with(president=user, name="Cercle très privé")
    with app.test_request_context():
        _invitation, token, _mailed = membership.invite(user, club, "someone.else@example.fr")
    intruder = factories.UserFactory()
    client = app.test_client()
    from tests.conftest import log_in

    log_in(client, intruder.email)
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 403 and "Cercle très privé" not in response.get_data(as_text=True)
