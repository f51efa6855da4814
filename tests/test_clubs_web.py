"""Clubs, invitations, join requests, roles and the directory through the real web forms."""
from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from clubapp.models import Club, Invitation, JoinRequest, Membership, Role
from tests import factories
from tests.conftest import log_in, submit


def _membership(db, club, user):
    return db.session.scalar(sa.select(Membership).where(Membership.club_id == club.id, Membership.user_id == user.id))


def test_create_club_makes_me_president(auth_client, db, user):
    response = submit(auth_client, "/clubs/new", {
        "name": "BNI Vichy Avenir", "timezone": "Europe/Paris", "description": "Jeudi 7h30 en visio",
        "visibility": "public", "category_exclusive": "y", "network_id": ""})
    assert response.status_code == 302
    club = db.session.scalar(sa.select(Club))
    assert club.slug == "bni-vichy-avenir" and club.category_exclusive and club.is_public
    assert _membership(db, club, user).role is Role.PRESIDENT
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "BNI Vichy Avenir" in page and "Jeudi 7h30 en visio" in page


def test_create_club_refuses_unknown_timezone(auth_client, db):
    response = submit(auth_client, "/clubs/new", {"name": "X", "timezone": "Nowhere/Town", "visibility": "private"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Club)) == 0


def test_create_club_in_a_network_needs_network_admin(auth_client, db, user):
    mine = factories.NetworkAdminFactory(user=user).network
    other = factories.NetworkFactory()
    ok = submit(auth_client, "/clubs/new", {"name": "Dynabuy Vichy", "timezone": "Europe/Paris",
                                            "visibility": "public", "network_id": str(mine.id)})
    assert ok.status_code == 302
    refused = submit(auth_client, "/clubs/new", {"name": "Intrus", "timezone": "Europe/Paris",
                                                 "visibility": "public", "network_id": str(other.id)})
    assert refused.status_code == 200
    assert "Only the network's admins can add clubs to it." in unescape(refused.get_data(as_text=True))
    assert [c.name for c in db.session.scalars(sa.select(Club))] == ["Dynabuy Vichy"]


def test_invitation_round_trip_with_category(app, auth_client, db, user, outbox):
    club = factories.club_with(president=user, category_exclusive=True)
    factories.MembershipFactory(club=club, category="Couvreur")
    response = submit(auth_client, f"/clubs/{club.id}/invite", {"email": "Newcomer@Example.fr", "role": "member"})
    assert response.status_code == 302 and len(outbox) == 1
    link = re.search(r"http://clubapp\.test(/invitations/\S+)", outbox[0].body).group(1)

    invitee = factories.UserFactory(email="newcomer@example.fr", category="Couvreur")
    guest = app.test_client()
    log_in(guest, invitee.email)
    taken = submit(guest, link, {"category": "couvreur"})
    assert taken.status_code == 200 and "is already held in this club" in taken.get_data(as_text=True)
    assert _membership(db, club, invitee) is None  # nothing saved half-way

    accepted = submit(guest, link, {"category": "Plombier"})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert _membership(db, club, invitee).category == "Plombier"
    again = guest.get(link)
    assert again.status_code == 409 and "already been used" in again.get_data(as_text=True)


def test_invitation_link_for_someone_without_account_goes_through_sign_up(app, auth_client, db, user, outbox):
    club = factories.club_with(president=user)
    submit(auth_client, f"/clubs/{club.id}/invite", {"email": "new@example.fr", "role": "member"})
    link = re.search(r"http://clubapp\.test(/invitations/\S+)", outbox[0].body).group(1)
    guest = app.test_client()
    response = guest.get(link)
    assert response.status_code == 302 and "/auth/login" in response.location
    login_page = guest.get(response.location).get_data(as_text=True)
    signup_link = re.search(r'href="(/auth/signup\?next=[^"]+)"', login_page).group(1).replace("&amp;", "&")
    signed = submit(guest, signup_link, {"name": "Nouvelle", "email": "new@example.fr",
                                         "password": "a long enough password", "timezone": "Europe/Paris",
                                         "locale": "fr", "next": link})
    assert signed.status_code == 302 and signed.location.endswith(link)


def test_expired_invitation_is_refused(app, auth_client, db, user):
    from datetime import timedelta

    from clubapp.models.base import utcnow
    from clubapp.services import membership

    club = factories.club_with(president=user)
    with app.test_request_context():
        invitation, token, _mailed = membership.invite(user, club, "late@example.fr")
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = auth_client.get(f"/invitations/{token}")
    assert response.status_code == 409 and "expired" in response.get_data(as_text=True)


def test_member_cannot_invite_or_edit(auth_client, db, user):
    club = factories.club_with(members=0)
    factories.MembershipFactory(club=club, user=user)
    assert auth_client.get(f"/clubs/{club.id}/invite").status_code == 403
    assert auth_client.get(f"/clubs/{club.id}/edit").status_code == 403


def test_join_request_approved_by_officer(app, db, user):
    president = factories.UserFactory()
    club = factories.club_with(president=president, visibility="public")
    asker = app.test_client()
    log_in(asker, user.email)
    response = submit(asker, f"/clubs/{club.id}", {"category": "Fleuriste", "message": "Bonjour !"},
                      action=f"/clubs/{club.id}/join")
    assert response.status_code == 302
    join = db.session.scalar(sa.select(JoinRequest))
    assert join.status == "pending" and join.category == "Fleuriste"
    officer = app.test_client()
    log_in(officer, president.email)
    page = officer.get(f"/clubs/{club.id}").get_data(as_text=True)
    assert "Bonjour !" in page
    submit(officer, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/requests/{join.id}/approve")
    db.session.expire_all()
    assert _membership(db, club, user).category == "Fleuriste"
    assert db.session.get(JoinRequest, join.id).status == "approved"


def test_join_request_refused_and_private_club_hidden(app, db, user, auth_client):
    private = factories.club_with()
    assert auth_client.get(f"/clubs/{private.id}").status_code == 404
    response = submit(auth_client, "/clubs", {}, action=f"/clubs/{private.id}/join")
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinRequest)) == 0


def test_roles_never_leave_club_without_president(auth_client, db, user):
    club = factories.club_with(president=user)
    other = factories.MembershipFactory(club=club)
    page = f"/clubs/{club.id}/members"
    response = submit(auth_client, page, {"role": "member"}, action=f"/clubs/{club.id}/members/{user.id}/role",
                      follow_redirects=True)
    assert "A club always needs a president" in response.get_data(as_text=True)
    assert _membership(db, club, user).role is Role.PRESIDENT
    submit(auth_client, page, {"role": "president"}, action=f"/clubs/{club.id}/members/{other.user_id}/role")
    submit(auth_client, page, {"role": "member"}, action=f"/clubs/{club.id}/members/{user.id}/role")
    db.session.expire_all()
    assert _membership(db, club, user).role is Role.MEMBER
    assert _membership(db, club, other.user).role is Role.PRESIDENT


def test_leave_and_remove(app, auth_client, db, user):
    club = factories.club_with(president=user)
    member = factories.MembershipFactory(club=club)
    leaver = factories.MembershipFactory(club=club)
    # the only president cannot leave
    response = submit(auth_client, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/members/{user.id}/remove",
                      follow_redirects=True)
    assert "A club always needs a president" in response.get_data(as_text=True)
    submit(auth_client, f"/clubs/{club.id}/members", {}, action=f"/clubs/{club.id}/members/{member.user_id}/remove")
    other = app.test_client()
    log_in(other, leaver.user.email)
    submit(other, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/members/{leaver.user_id}/remove")
    db.session.expire_all()
    remaining = {m.user_id for m in db.session.scalars(sa.select(Membership).where(Membership.club_id == club.id))}
    assert remaining == {user.id}


def test_plain_member_cannot_remove_others(app, db, user, auth_client):
    club = factories.club_with()
    factories.MembershipFactory(club=club, user=user)
    victim = factories.MembershipFactory(club=club)
    response = submit(auth_client, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/members/{victim.user_id}/remove",
                      follow_redirects=True)
    assert "Only the club's officers can remove a member." in unescape(response.get_data(as_text=True))
    assert _membership(db, club, victim.user) is not None


def test_members_page_shows_business_category_contact(auth_client, db, user):
    club = factories.club_with(president=user)
    member = factories.MembershipFactory(club=club, category="Expert-comptable",
                                         user=factories.UserFactory(business_name="Cabinet Durand",
                                                                    phone="04 70 00 00 00"))
    html = auth_client.get(f"/clubs/{club.id}/members").get_data(as_text=True)
    assert "Cabinet Durand" in html and "Expert-comptable" in html and member.user.email in html
    assert "04 70 00 00 00" in html


def test_directory_searches_public_clubs_and_mine_only(auth_client, db, user):
    public = factories.club_with(visibility="public")
    factories.MembershipFactory(club=public, category="Couvreur",
                                user=factories.UserFactory(name="Paul Toiture", city="Cusset", category="Couvreur"))
    private = factories.club_with()
    factories.MembershipFactory(club=private, category="Couvreur",
                                user=factories.UserFactory(name="Secret Roofer", city="Vichy", category="Couvreur"))
    html = auth_client.get("/directory?q=couvreur").get_data(as_text=True)
    assert "Paul Toiture" in html and "Secret Roofer" not in html
    html = auth_client.get("/directory?q=couvreur&city=vichy").get_data(as_text=True)
    assert "Paul Toiture" not in html
    html = auth_client.get("/directory?q=toiture+cusset").get_data(as_text=True)
    assert "Paul Toiture" in html


def test_public_listing_only_shows_opt_ins_and_needs_no_account(client, db):
    club = factories.club_with(visibility="public", network=factories.NetworkFactory(slug="francais-au-perou"))
    shown = factories.MembershipFactory(club=club, public_listing=True,
                                        user=factories.UserFactory(business_name="Boulangerie Le Fournil"))
    hidden = factories.MembershipFactory(club=club, user=factories.UserFactory(business_name="Discrète SARL"))
    html = client.get(f"/c/{club.slug}/listing").get_data(as_text=True)
    assert "Boulangerie Le Fournil" in html and "Discrète SARL" not in html
    assert hidden.user.email not in html and shown.user.email not in html
    html = client.get("/n/francais-au-perou/listing").get_data(as_text=True)
    assert "Boulangerie Le Fournil" in html and "Discrète SARL" not in html


def test_private_club_listing_hidden_without_opt_in(client, db):
    club = factories.club_with()
    assert client.get(f"/c/{club.slug}/listing").status_code == 404


def test_my_membership_opt_in_and_category(auth_client, db, user):
    club = factories.club_with(president=user)
    submit(auth_client, f"/clubs/{club.id}", {"category": "Photographe", "public_listing": "y"},
           action=f"/clubs/{club.id}/me")
    db.session.expire_all()
    membership = _membership(db, club, user)
    assert membership.public_listing and membership.category == "Photographe"


def test_invitation_revoked_by_officer(app, auth_client, db, user):
    from clubapp.services import membership

    club = factories.club_with(president=user)
    with app.test_request_context():
        invitation, token, _mailed = membership.invite(user, club, "x@example.fr")
    submit(auth_client, f"/clubs/{club.id}", {}, action=f"/clubs/{club.id}/invitations/{invitation.id}/revoke")
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None
    assert auth_client.get(f"/invitations/{token}").status_code == 404


def test_profile_edit(auth_client, db, user):
    response = submit(auth_client, "/account/profile", {
        "name": "Bruno Galai", "timezone": "America/Lima", "locale": "fr", "business_name": "Galai Conseil",
        "category": "Consultant", "city": "Clermont-Ferrand", "phone": "+33 4 73 00 00 00",
        "website": "galai-conseil.fr", "bio": "Responsable Dynabuy Auvergne"})
    assert response.status_code == 302
    db.session.expire_all()
    assert user.timezone == "America/Lima" and user.website == "https://galai-conseil.fr"


def test_profile_refuses_unknown_timezone_and_keeps_saved_data(auth_client, db, user):
    before = user.name
    response = submit(auth_client, "/account/profile", {"name": "Changed", "timezone": "Bad/Zone", "locale": "en"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.name == before
