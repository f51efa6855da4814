"""JSON API v1: clubs, invitations and membership (API.md, "Clubs and membership")."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from clubapp.models import Club, Invitation, Membership, Role
from clubapp.models.base import utcnow
from tests import factories
from tests.conftest import bearer
from tests.test_api_accounts import assert_error, fresh_reads  # noqa: F401  (an autouse fixture)


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def role_of(db, club: Club, user) -> Role | None:
    db.session.expire_all()
    membership = club.membership_of(user)
    return membership.role if membership else None


@pytest.fixture
def club(db, user):
    """A private club where ``user`` is president, with two plain members."""
    return factories.club_with(president=user, members=2, name="BNI Vichy Avenir")


def member_of(club: Club, role: Role = Role.MEMBER):
    """A new user holding ``role`` in ``club``."""
    return factories.MembershipFactory(club=club, role=role).user


def invite(client, club: Club, officer, email: str = "newcomer@example.fr", **extra: object) -> dict:
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(officer),
                           json={"email": email, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# POST /api/v1/clubs

def test_create_club_makes_the_caller_president(client, db, user):
    response = client.post("/api/v1/clubs", headers=bearer(user), json={
        "name": "BNI Clermont Horizon", "timezone": "Europe/Paris", "description": "Jeudi 7h30.",
        "category_exclusive": True, "visibility": "public"})
    assert response.status_code == 201
    body = response.get_json()
    club = db.session.scalar(sa.select(Club))
    assert body["id"] == str(club.id) and isinstance(body["id"], str)
    assert body["name"] == "BNI Clermont Horizon" and body["slug"] == club.slug == "bni-clermont-horizon"
    assert body["timezone"] == "Europe/Paris" and body["visibility"] == "public"
    assert body["category_exclusive"] is True and body["description"] == "Jeudi 7h30."
    assert body["role"] == "president"
    assert role_of(db, club, user) is Role.PRESIDENT
    assert count(db, Membership) == 1


def test_create_club_defaults_to_private(client, db, user):
    body = client.post("/api/v1/clubs", headers=bearer(user), json={"name": "Club", "timezone": "UTC"}).get_json()
    assert body["visibility"] == "private" and body["category_exclusive"] is False
    assert body["network_id"] is None


def test_same_name_gets_a_distinct_slug(client, db, user):
    first = client.post("/api/v1/clubs", headers=bearer(user), json={"name": "Club Vichy", "timezone": "UTC"})
    second = client.post("/api/v1/clubs", headers=bearer(user), json={"name": "Club Vichy", "timezone": "UTC"})
    assert first.status_code == second.status_code == 201
    assert first.get_json()["slug"] != second.get_json()["slug"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Club", "timezone": "Europe/Vichy"}, "timezone"),
    ({"name": "Club", "timezone": ""}, "timezone"),
    ({"name": "Club"}, "timezone"),
    ({"timezone": "Europe/Paris"}, "name"),
    ({"name": "   ", "timezone": "Europe/Paris"}, "name"),
    ({"name": "x" * 121, "timezone": "Europe/Paris"}, "name"),
    ({"name": "Club", "timezone": "Europe/Paris", "description": "x" * 4001}, "description"),
    ({"name": "Club", "timezone": "Europe/Paris", "visibility": "secret"}, "visibility"),
    ({"name": "Club", "timezone": "Europe/Paris", "category_exclusive": "maybe"}, "category_exclusive"),
    ({"name": "Club", "timezone": "Europe/Paris", "network_id": "999999"}, "network_id"),
    ({"name": "Club", "timezone": "Europe/Paris", "network_id": "abc"}, "network_id"),
    ({"name": "Club", "timezone": "Europe/Paris", "network_id": "99999999999999999999999"}, "network_id"),
    ({"name": 12, "timezone": "Europe/Paris"}, "name"),
])
def test_create_club_invalid_is_422_naming_the_field(client, db, user, body, field):
    assert_error(client.post("/api/v1/clubs", headers=bearer(user), json=body), 422, field=field)
    assert count(db, Club) == 0


def test_create_club_in_a_network_the_caller_does_not_admin_is_403(client, db, user):
    network = factories.NetworkAdminFactory().network
    response = client.post("/api/v1/clubs", headers=bearer(user), json={
        "name": "Intruder", "timezone": "Europe/Paris", "network_id": str(network.id)})
    assert_error(response, 403)
    assert count(db, Club) == 0


def test_create_club_in_own_network(client, db, user):
    network = factories.NetworkAdminFactory(user=user).network
    response = client.post("/api/v1/clubs", headers=bearer(user), json={
        "name": "In network", "timezone": "Europe/Paris", "network_id": str(network.id)})
    assert response.status_code == 201 and response.get_json()["network_id"] == str(network.id)


def test_create_club_extra_fields_change_nothing(client, db, user):
    other = factories.club_with()
    response = client.post("/api/v1/clubs", headers=bearer(user), json={
        "name": "Mine", "timezone": "Europe/Paris", "role": "member", "club_id": str(other.id), "id": str(other.id),
        "slug": other.slug, "user_id": "1"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] != str(other.id) and body["slug"] != other.slug and body["role"] == "president"
    assert other.membership_of(user) is None


def test_create_club_malformed_json_is_400(client, db, user):
    assert_error(client.post("/api/v1/clubs", headers=bearer(user), data="{", content_type="application/json"), 400)


# GET /api/v1/clubs and /clubs/{id}

def test_list_clubs_is_the_callers_clubs(client, db, user, club):
    factories.MembershipFactory(user=user, club=factories.club_with(name="Another club"))
    factories.club_with(name="Not mine", visibility="public")
    response = client.get("/api/v1/clubs", headers=bearer(user))
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(c["name"] for c in body["items"]) == ["Another club", "BNI Vichy Avenir"]
    assert body["next"] is None
    roles = {c["name"]: c["role"] for c in body["items"]}
    assert roles == {"BNI Vichy Avenir": "president", "Another club": "member"}


def test_list_clubs_empty(client, db, user):
    assert client.get("/api/v1/clubs", headers=bearer(user)).get_json() == {"items": [], "next": None}


def test_get_own_private_club(client, db, user, club):
    response = client.get(f"/api/v1/clubs/{club.id}", headers=bearer(user))
    assert response.status_code == 200
    assert response.get_json()["name"] == "BNI Vichy Avenir" and response.get_json()["role"] == "president"


def test_get_private_club_of_others_is_404(client, db, user):
    private = factories.club_with(members=1)
    assert_error(client.get(f"/api/v1/clubs/{private.id}", headers=bearer(user)), 404)


def test_get_public_club_of_others_is_200_without_role(client, db, user):
    public = factories.club_with(visibility="public", name="Open club")
    response = client.get(f"/api/v1/clubs/{public.id}", headers=bearer(user))
    assert response.status_code == 200
    assert response.get_json()["name"] == "Open club" and response.get_json()["role"] is None


@pytest.mark.parametrize("club_id", ["999999", "abc", "0", "-1", "1.5", "99999999999999999999999", "%20"])
def test_get_unknown_club_is_404(client, user, club_id):
    assert_error(client.get(f"/api/v1/clubs/{club_id}", headers=bearer(user)), 404)


# PATCH /api/v1/clubs/{id}

@pytest.mark.parametrize("role", [Role.PRESIDENT, Role.VICE_PRESIDENT, Role.SECRETARY])
def test_officers_can_update_the_club(client, db, club, role):
    officer = member_of(club, role)
    response = client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(officer),
                            json={"name": "BNI Vichy Renouveau", "description": "Mardi.", "visibility": "public"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "BNI Vichy Renouveau"
    db.session.expire_all()
    assert (club.name, club.description, club.visibility) == ("BNI Vichy Renouveau", "Mardi.", "public")


def test_member_cannot_update_the_club(client, db, club):
    member = member_of(club)
    assert_error(client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(member), json={"name": "Hijacked"}), 403)
    db.session.expire_all()
    assert club.name == "BNI Vichy Avenir"


def test_outsider_update_of_private_club_is_404(client, db, club):
    outsider = factories.UserFactory()
    assert_error(client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(outsider), json={"name": "X"}), 404)


def test_outsider_update_of_public_club_is_403(client, db):
    public = factories.club_with(visibility="public")
    outsider = factories.UserFactory()
    assert_error(client.patch(f"/api/v1/clubs/{public.id}", headers=bearer(outsider), json={"name": "X"}), 403)


def test_update_club_unknown_timezone_is_422(client, db, user, club):
    assert_error(client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(user), json={"timezone": "Paris"}),
                 422, field="timezone")
    db.session.expire_all()
    assert club.timezone == "Europe/Paris"


def test_update_club_into_foreign_network_is_403(client, db, user, club):
    network = factories.NetworkAdminFactory().network
    assert_error(client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(user),
                              json={"network_id": str(network.id)}), 403)
    db.session.expire_all()
    assert club.network_id is None


def test_update_club_extra_fields_change_nothing(client, db, user, club):
    slug = club.slug
    response = client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(user), json={
        "id": "12345", "slug": "stolen", "club_id": "12345", "role": "member", "created_at": "2000-01-01"})
    assert_error(response, 422, code="nothing_to_change")  # ignored fields are no change
    response = client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(user), json={
        "id": "12345", "slug": "stolen", "club_id": "12345", "role": "member", "description": "Hello"})
    assert response.status_code == 200
    db.session.expire_all()
    assert club.slug == slug and role_of(db, club, user) is Role.PRESIDENT


def test_update_club_making_it_exclusive_with_shared_category_is_409(client, db, user, club):
    first, second = club.memberships[1], club.memberships[2]
    first.category = second.category = "Plombier"
    db.session.commit()
    response = client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(user), json={"category_exclusive": True})
    assert_error(response, 409, code="category_taken")
    db.session.expire_all()
    assert club.category_exclusive is False


# Invitations

def test_officer_invites_and_gets_id_token_url(client, db, outbox, user, club):
    body = invite(client, club, user, "Newcomer@Example.FR")
    invitation = db.session.scalar(sa.select(Invitation))
    assert body["id"] == str(invitation.id) and invitation.email == "newcomer@example.fr"
    assert invitation.role is Role.MEMBER and invitation.club_id == club.id
    assert body["token"] not in invitation.token_hash
    url = urlsplit(body["url"])
    assert url.scheme in ("http", "https") and url.netloc and url.path == f"/invitations/{body['token']}"
    assert [m.to for m in outbox] == [["newcomer@example.fr"]]
    assert body["url"] in outbox[0].body


@pytest.mark.parametrize("role", [Role.VICE_PRESIDENT, Role.SECRETARY])
def test_every_officer_may_invite_members(client, db, club, role):
    officer = member_of(club, role)
    invite(client, club, officer)
    assert count(db, Invitation) == 1


def test_member_cannot_invite(client, db, outbox, club):
    member = member_of(club)
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(member),
                           json={"email": "friend@example.fr"})
    assert_error(response, 403)
    assert count(db, Invitation) == 0 and outbox == []


def test_outsider_invite_to_private_club_is_404(client, db, club):
    outsider = factories.UserFactory()
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(outsider),
                           json={"email": "friend@example.fr"})
    assert_error(response, 404)
    assert count(db, Invitation) == 0


def test_only_the_president_invites_officers(client, db, user, club):
    secretary = member_of(club, Role.SECRETARY)
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(secretary),
                           json={"email": "boss@example.fr", "role": "president"})
    assert_error(response, 403)
    assert count(db, Invitation) == 0
    invite(client, club, user, "vp@example.fr", role="vice_president")
    assert db.session.scalar(sa.select(Invitation.role)) is Role.VICE_PRESIDENT


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not an email"}, "email"), ({}, "email"), ({"email": "a@example.fr", "role": "king"}, "role"),
    ({"email": "x" * 250 + "@example.fr"}, "email"),
])
def test_invalid_invitation_is_422(client, db, user, club, body, field):
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(user), json=body)
    assert_error(response, 422, field=field)
    assert count(db, Invitation) == 0


def test_inviting_a_member_is_409(client, db, user, club):
    member = club.memberships[1].user
    response = client.post(f"/api/v1/clubs/{club.id}/invitations", headers=bearer(user), json={"email": member.email})
    assert_error(response, 409, field="email")


def test_invitation_extra_club_id_changes_nothing(client, db, user, club):
    other = factories.club_with()
    invite(client, club, user, club_id=str(other.id))
    assert db.session.scalar(sa.select(Invitation.club_id)) == club.id


# POST /api/v1/invitations/{token}/accept

def test_accept_answers_the_membership(client, db, user, club):
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr", category="Fleuriste")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user_id"] == str(newcomer.id) and body["role"] == "member" and body["category"] == "Fleuriste"
    assert body["name"] == newcomer.name and body["business_name"] == newcomer.business_name
    assert role_of(db, club, newcomer) is Role.MEMBER
    assert db.session.scalar(sa.select(Invitation.accepted_by_id)) == newcomer.id


def test_accept_with_a_category_and_without_a_body(client, db, user, club):
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer),
                           json={"category": "Expert-comptable"})
    assert response.status_code == 200 and response.get_json()["category"] == "Expert-comptable"
    second = invite(client, club, user, "second@example.fr")["token"]
    other = factories.UserFactory(email="second@example.fr")
    assert client.post(f"/api/v1/invitations/{second}/accept", headers=bearer(other)).status_code == 200


def test_accept_gives_the_invitations_role_not_the_posted_one(client, db, user, club):
    other = factories.club_with()
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer),
                           json={"role": "president", "club_id": str(other.id), "user_id": str(user.id)})
    assert response.status_code == 200 and response.get_json()["role"] == "member"
    assert role_of(db, club, newcomer) is Role.MEMBER
    assert other.membership_of(newcomer) is None
    assert role_of(db, club, user) is Role.PRESIDENT


def test_accept_by_someone_else_than_the_invitee_is_403(client, db, user, club):
    token = invite(client, club, user, role="secretary")["token"]
    intruder = factories.UserFactory()
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(intruder), json={})
    assert_error(response, 403, code="invitation_not_yours")
    assert club.membership_of(intruder) is None
    assert db.session.scalar(sa.select(Invitation.accepted_at)) is None
    invitee = factories.UserFactory(email="NEWCOMER@example.fr ".strip().lower())
    assert client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(invitee), json={}).status_code == 200


def test_accept_officer_invitation_gives_that_role(client, db, user, club):
    token = invite(client, club, user, role="secretary")["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    assert client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={}).status_code == 200
    assert role_of(db, club, newcomer) is Role.SECRETARY


def test_used_invitation_is_409(client, db, user, club):
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    assert client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={}).status_code == 200
    again = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={})
    assert_error(again, 409, code="invitation_used")
    someone = factories.UserFactory()
    assert_error(client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(someone), json={}), 409)
    assert club.membership_of(someone) is None
    assert count(db, Membership, Membership.club_id == club.id) == 4


def test_expired_invitation_is_409(client, db, user, club):
    token = invite(client, club, user)["token"]
    db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={})
    assert_error(response, 409, code="invitation_expired")
    assert club.membership_of(newcomer) is None


def test_unknown_invitation_is_404(client, db, user):
    assert_error(client.post("/api/v1/invitations/not-a-real-token/accept", headers=bearer(user), json={}), 404)
    assert_error(client.post(f"/api/v1/invitations/{'x' * 5000}/accept", headers=bearer(user), json={}), 404)


def test_revoked_invitation_is_404(client, db, user, club):
    token = invite(client, club, user)["token"]
    db.session.execute(sa.update(Invitation).values(revoked_at=utcnow()))
    db.session.commit()
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    assert_error(client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={}), 404)
    assert club.membership_of(newcomer) is None


def test_accept_when_already_a_member_is_409(client, db, user, club):
    member = club.memberships[1].user
    token = invite(client, club, user)["token"]
    db.session.execute(sa.update(Invitation).values(email=member.email))
    db.session.commit()
    assert_error(client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(member), json={}), 409)
    assert db.session.scalar(sa.select(Invitation.accepted_at)) is None


def test_category_taken_in_exclusive_club_is_409_and_saves_nothing(client, db, user):
    club = factories.club_with(president=user, category_exclusive=True)
    factories.MembershipFactory(club=club, user=factories.UserFactory(category="Plombier"))
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr", category="Fleuriste")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer),
                           json={"category": "  PLOMBIER "})
    assert_error(response, 409, code="category_taken", field="category")
    db.session.expire_all()
    assert club.membership_of(newcomer) is None
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.accepted_at is None and invitation.accepted_by_id is None
    # The invitation is still usable with a free category.
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={})
    assert response.status_code == 200 and response.get_json()["category"] == "Fleuriste"


def test_accept_oversized_category_is_422(client, db, user, club):
    token = invite(client, club, user)["token"]
    newcomer = factories.UserFactory(email="newcomer@example.fr")
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer(newcomer), json={"category": "x" * 81})
    assert_error(response, 422, field="category")
    assert club.membership_of(newcomer) is None


# GET /api/v1/clubs/{id}/members

def test_members_list_for_members(client, db, user, club):
    member = member_of(club)
    response = client.get(f"/api/v1/clubs/{club.id}/members", headers=bearer(member))
    assert response.status_code == 200
    items = response.get_json()
    assert isinstance(items, list) and len(items) == 4
    assert items[0]["user_id"] == str(user.id) and items[0]["role"] == "president"
    for item in items:
        assert {"user_id", "name", "role", "category", "business_name"} <= set(item)
        assert isinstance(item["user_id"], str)
    text = response.get_data(as_text=True)
    assert all(m.user.email not in text for m in club.memberships)  # the directory shows no emails


def test_members_list_of_private_club_is_404_to_outsiders(client, db, club):
    outsider = factories.UserFactory()
    assert_error(client.get(f"/api/v1/clubs/{club.id}/members", headers=bearer(outsider)), 404)


def test_members_list_of_public_club_is_403_to_outsiders(client, db):
    public = factories.club_with(visibility="public", members=1)
    outsider = factories.UserFactory()
    assert_error(client.get(f"/api/v1/clubs/{public.id}/members", headers=bearer(outsider)), 403)


# PATCH /api/v1/clubs/{id}/members/{user_id}

def test_president_changes_a_role(client, db, user, club):
    member = club.memberships[1].user
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=bearer(user),
                            json={"role": "vice_president"})
    assert response.status_code == 200 and response.get_json()["role"] == "vice_president"
    assert role_of(db, club, member) is Role.VICE_PRESIDENT


def test_president_hands_over_then_steps_down(client, db, user, club):
    member = club.memberships[1].user
    headers = bearer(user)
    assert client.patch(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=headers,
                        json={"role": "president"}).status_code == 200
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{user.id}", headers=headers, json={"role": "member"})
    assert response.status_code == 200
    assert role_of(db, club, user) is Role.MEMBER and role_of(db, club, member) is Role.PRESIDENT


def test_demoting_the_last_president_is_409(client, db, user, club):
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{user.id}", headers=bearer(user),
                            json={"role": "member"})
    assert_error(response, 409, code="last_president")
    assert role_of(db, club, user) is Role.PRESIDENT


@pytest.mark.parametrize("role", [Role.VICE_PRESIDENT, Role.SECRETARY, Role.MEMBER])
def test_role_change_by_non_president_is_403(client, db, club, role):
    actor = member_of(club, role)
    target = club.memberships[1].user
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{target.id}", headers=bearer(actor),
                            json={"role": "secretary"})
    assert_error(response, 403)
    assert role_of(db, club, target) is Role.MEMBER
    own = client.patch(f"/api/v1/clubs/{club.id}/members/{actor.id}", headers=bearer(actor), json={"role": "president"})
    assert_error(own, 403)
    assert role_of(db, club, actor) is role


def test_member_changes_own_category_but_extra_fields_change_nothing(client, db, club):
    member = member_of(club)
    other = factories.club_with()
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=bearer(member),
                            json={"category": "Paysagiste", "club_id": str(other.id), "user_id": "1"})
    assert response.status_code == 200
    assert response.get_json()["category"] == "Paysagiste" and response.get_json()["role"] == "member"
    db.session.expire_all()
    assert club.membership_of(member).category == "Paysagiste"
    assert other.membership_of(member) is None


def test_member_cannot_change_anothers_category(client, db, club):
    member = member_of(club)
    target = club.memberships[1]
    before = target.category
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{target.user_id}", headers=bearer(member),
                            json={"category": "Stolen"})
    assert_error(response, 403)
    db.session.expire_all()
    assert target.category == before


def test_patch_member_invalid_role_is_422(client, db, user, club):
    member = club.memberships[1].user
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=bearer(user),
                            json={"role": "emperor"})
    assert_error(response, 422, field="role")
    assert role_of(db, club, member) is Role.MEMBER


@pytest.mark.parametrize("user_id", ["999999", "abc", "99999999999999999999999"])
def test_patch_unknown_member_is_404(client, db, user, club, user_id):
    assert_error(client.patch(f"/api/v1/clubs/{club.id}/members/{user_id}", headers=bearer(user),
                              json={"role": "member"}), 404)


def test_patch_member_of_another_club_is_404(client, db, user, club):
    stranger = factories.club_with(members=1).memberships[1].user
    assert_error(client.patch(f"/api/v1/clubs/{club.id}/members/{stranger.id}", headers=bearer(user),
                              json={"role": "secretary"}), 404)


# DELETE /api/v1/clubs/{id}/members/{user_id}

@pytest.mark.parametrize("role", [Role.PRESIDENT, Role.VICE_PRESIDENT, Role.SECRETARY])
def test_officer_removes_a_member(client, db, club, role):
    officer = member_of(club, role)
    target = club.memberships[1].user
    response = client.delete(f"/api/v1/clubs/{club.id}/members/{target.id}", headers=bearer(officer))
    assert response.status_code == 204 and response.get_data() == b""
    db.session.expire_all()
    assert club.membership_of(target) is None


def test_member_cannot_remove_another(client, db, club):
    member = member_of(club)
    target = club.memberships[1].user
    assert_error(client.delete(f"/api/v1/clubs/{club.id}/members/{target.id}", headers=bearer(member)), 403)
    db.session.expire_all()
    assert club.membership_of(target) is not None


def test_non_president_officer_cannot_remove_an_officer(client, db, club):
    secretary = member_of(club, Role.SECRETARY)
    vice = member_of(club, Role.VICE_PRESIDENT)
    assert_error(client.delete(f"/api/v1/clubs/{club.id}/members/{vice.id}", headers=bearer(secretary)), 403)
    assert role_of(db, club, vice) is Role.VICE_PRESIDENT


def test_member_leaves(client, db, club):
    member = member_of(club)
    response = client.delete(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=bearer(member))
    assert response.status_code == 204
    db.session.expire_all()
    assert club.membership_of(member) is None
    assert_error(client.get(f"/api/v1/clubs/{club.id}", headers=bearer(member)), 404)


def test_last_president_cannot_leave(client, db, user, club):
    response = client.delete(f"/api/v1/clubs/{club.id}/members/{user.id}", headers=bearer(user))
    assert_error(response, 409, code="last_president")
    assert role_of(db, club, user) is Role.PRESIDENT


def test_one_of_two_presidents_may_leave(client, db, user, club):
    member_of(club, Role.PRESIDENT)
    assert client.delete(f"/api/v1/clubs/{club.id}/members/{user.id}", headers=bearer(user)).status_code == 204
    assert role_of(db, club, user) is None


def test_remove_from_private_club_by_outsider_is_404(client, db, club):
    outsider = factories.UserFactory()
    target = club.memberships[1].user
    assert_error(client.delete(f"/api/v1/clubs/{club.id}/members/{target.id}", headers=bearer(outsider)), 404)
    db.session.expire_all()
    assert club.membership_of(target) is not None


def test_roles_are_read_from_the_database_on_every_request(client, db, user, club):
    officer = member_of(club, Role.SECRETARY)
    headers = bearer(officer)
    assert client.patch(f"/api/v1/clubs/{club.id}", headers=headers, json={"description": "v1"}).status_code == 200
    club.membership_of(officer).role = Role.MEMBER
    db.session.commit()
    assert_error(client.patch(f"/api/v1/clubs/{club.id}", headers=headers, json={"description": "v2"}), 403)
