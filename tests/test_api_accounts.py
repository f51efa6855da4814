"""JSON API v1: accounts, tokens, the caller's profile, feed token, export and erasure (API.md)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from clubapp.models import ApiToken, Invitation, Membership, Role, User
from clubapp.services import membership as membership_service
from tests import factories
from tests.conftest import TEST_PASSWORD, IsolatedClient, bearer

NEW_PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def fresh_reads(monkeypatch, db):
    """After each request, end the test's own read transaction, so its next query sees what the request wrote.

    With explicit BEGINs on SQLite (services.locking) a test session that read before a request keeps
    its snapshot: it would not see the request's rows, and writing from it would fail as "locked".
    """
    original = IsolatedClient.open

    def open_then_end_transaction(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return original(self, *args, **kwargs)
        finally:
            db.session.commit()

    monkeypatch.setattr(IsolatedClient, "open", open_then_end_transaction)


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The answer is ``status`` in the API's error format; returns the ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.headers
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert field in error.get("fields", {}), error
        assert all(isinstance(m, str) for m in error["fields"][field])
    return error


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def sign_up_body(**overrides: object) -> dict:
    body = {"email": "Claire@Example.FR", "password": NEW_PASSWORD, "name": "Claire Dubois",
            "timezone": "America/Montreal", "locale": "fr"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


# POST /api/v1/users

def test_sign_up_answers_201_with_the_account(client, db):
    response = client.post("/api/v1/users", json=sign_up_body())
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = response.get_json()
    user = db.session.scalar(sa.select(User))
    assert body == {"id": str(user.id), "email": "claire@example.fr", "name": "Claire Dubois",
                    "timezone": "America/Montreal", "locale": "fr"}
    assert "password" not in response.get_data(as_text=True)
    assert user.password_hash.startswith("$argon2id$")


def test_sign_up_defaults_timezone_and_locale(client, db):
    response = client.post("/api/v1/users", json=sign_up_body(timezone=None, locale=None))
    assert response.status_code == 201
    body = response.get_json()
    assert body["timezone"] == "Europe/Paris" and body["locale"] in ("fr", "en")


def test_sign_up_needs_no_token(client, db):
    response = client.post("/api/v1/users", json=sign_up_body(), headers={"Authorization": "Bearer rubbish"})
    assert response.status_code == 201


def test_sign_up_duplicate_email_is_409_naming_email(client, db, user):
    response = client.post("/api/v1/users", json=sign_up_body(email=user.email.upper()))
    assert_error(response, 409, code="email_taken", field="email")
    assert count(db, User) == 1


def test_sign_up_unknown_timezone_is_422_naming_timezone(client, db):
    response = client.post("/api/v1/users", json=sign_up_body(timezone="Mars/Olympus_Mons"))
    assert_error(response, 422, field="timezone")
    assert count(db, User) == 0


def test_sign_up_unknown_locale_is_422(client, db):
    assert_error(client.post("/api/v1/users", json=sign_up_body(locale="de")), 422, field="locale")
    assert count(db, User) == 0


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_sign_up_missing_field_is_422_naming_it(client, db, missing):
    body = sign_up_body()
    del body[missing]
    assert_error(client.post("/api/v1/users", json=body), 422, code="validation_error", field=missing)
    assert count(db, User) == 0


@pytest.mark.parametrize(("field", "value"), [
    ("email", "not-an-email"), ("password", "short"), ("name", "   "),
])
def test_sign_up_invalid_values_are_422(client, db, field, value):
    assert_error(client.post("/api/v1/users", json=sign_up_body(**{field: value})), 422, field=field)
    assert count(db, User) == 0


@pytest.mark.parametrize(("field", "length"), [
    ("name", 121), ("email", 255), ("password", 257), ("timezone", 65),
])
def test_sign_up_oversized_field_is_422_naming_it(client, db, field, length):
    value = "x" * length
    if field == "email":
        value = "a" * (length - len("@example.fr")) + "@example.fr"
    assert_error(client.post("/api/v1/users", json=sign_up_body(**{field: value})), 422, field=field)
    assert count(db, User) == 0


@pytest.mark.parametrize("field", ["name", "email", "password", "timezone", "locale"])
def test_sign_up_wrong_type_is_422_not_500(client, db, field):
    assert_error(client.post("/api/v1/users", json=sign_up_body(**{field: 12})), 422, field=field)


def test_sign_up_malformed_json_is_400(client, db):
    response = client.post("/api/v1/users", data='{"email": "x@example.fr", "password":',
                           content_type="application/json")
    assert_error(response, 400)
    assert count(db, User) == 0


@pytest.mark.parametrize("payload", ["[]", '"text"', "null", "42"])
def test_sign_up_body_not_an_object_is_4xx_error(client, db, payload):
    response = client.post("/api/v1/users", data=payload, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)
    assert count(db, User) == 0


def test_sign_up_form_encoded_body_is_not_accepted(client, db):
    response = client.post("/api/v1/users", data=sign_up_body())
    assert response.status_code in (400, 415, 422)
    assert_error(response, response.status_code)
    assert count(db, User) == 0


def test_sign_up_deeply_nested_json_is_400_not_500(client, db):
    response = client.post("/api/v1/users", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert_error(response, 400)
    response = client.post("/api/v1/users", data='{"email": ' + "[" * 50_000, content_type="application/json")
    assert_error(response, 400)


def test_sign_up_oversized_body_is_413_json(client, db):
    response = client.post("/api/v1/users", data='{"name": "' + "x" * (2 * 1024 * 1024) + '"}',
                           content_type="application/json")
    assert_error(response, 413, code="payload_too_large")
    assert count(db, User) == 0


@pytest.mark.parametrize("raw", ["N\\u0000ame", "\\ud800", "Ok\\udfff"])
def test_text_no_database_can_store_is_422_naming_the_field(client, db, raw):
    body = '{"email": "z@example.fr", "password": "a long enough password", "name": "' + raw + '"}'
    response = client.post("/api/v1/users", data=body, content_type="application/json")
    assert_error(response, 422, field="name")
    assert count(db, User) == 0


def test_invalid_utf8_body_is_400(client, db):
    response = client.post("/api/v1/users", data=b'{"email": "\xff\xfe"}', content_type="application/json")
    assert_error(response, 400)


def test_sign_up_ignores_extra_fields(client, db):
    response = client.post("/api/v1/users", json=sign_up_body(id="999", session_version=42, password_hash="x"))
    assert response.status_code == 201
    user = db.session.scalar(sa.select(User))
    assert user.id != 999 and user.session_version == 1 and user.password_hash.startswith("$argon2id$")


# POST /api/v1/tokens

def test_create_token_answers_201_and_the_token_works(client, db, user):
    response = client.post("/api/v1/tokens", json={"email": user.email.upper(), "password": TEST_PASSWORD,
                                                   "label": "CRM sync"})
    assert response.status_code == 201
    body = response.get_json()
    token = db.session.scalar(sa.select(ApiToken))
    assert body["id"] == str(token.id) and token.label == "CRM sync"
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert body["token"] not in token.token_hash  # only a digest is stored
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email


def test_create_token_same_401_for_unknown_email_and_wrong_password(client, db, user):
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "not the password at all"})
    unknown = client.post("/api/v1/tokens", json={"email": "nobody@example.fr", "password": "not the password at all"})
    assert_error(wrong, 401)
    assert_error(unknown, 401)
    assert wrong.get_json() == unknown.get_json()
    assert count(db, ApiToken) == 0


def test_create_token_missing_password_is_422(client, db, user):
    assert_error(client.post("/api/v1/tokens", json={"email": user.email}), 422, field="password")


def test_create_token_oversized_label_is_422(client, db, user):
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": TEST_PASSWORD, "label": "x" * 81})
    assert_error(response, 422, field="label")
    assert count(db, ApiToken) == 0


# DELETE /api/v1/tokens/{id}

def test_revoke_token_answers_204_and_it_stops_at_once(client, db, user):
    created = client.post("/api/v1/tokens", json={"email": user.email, "password": TEST_PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.delete(f"/api/v1/tokens/{created['id']}", headers=headers)
    assert response.status_code == 204 and response.get_data() == b""
    assert_error(client.get("/api/v1/me", headers=headers), 401)
    assert count(db, ApiToken) == 0


def test_revoke_another_users_token_is_404_and_keeps_it(client, db, user):
    other = factories.UserFactory()
    other_headers = bearer(other)
    other_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == other.id))
    assert_error(client.delete(f"/api/v1/tokens/{other_token.id}", headers=bearer(user)), 404)
    assert client.get("/api/v1/me", headers=other_headers).status_code == 200


@pytest.mark.parametrize("token_id", ["abc", "-1", "99999999999999999999999"])
def test_revoke_unknown_token_is_404(client, user, token_id):
    assert_error(client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(user)), 404)


# Authentication

@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
                                    "Token abc"])
def test_no_or_bad_token_is_401_in_error_format(client, user, header):
    headers = {"Authorization": header} if header is not None else {}
    error = assert_error(client.get("/api/v1/me", headers=headers), 401)
    assert error["code"] in ("unauthorized", "invalid_token")


def test_401_says_how_to_authenticate(client, user):
    missing = client.get("/api/v1/me")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    revoked = client.get("/api/v1/me", headers={"Authorization": "Bearer ca_not-a-real-token"})
    assert_error(revoked, 401, code="invalid_token")
    assert 'error="invalid_token"' in revoked.headers["WWW-Authenticate"]


def test_session_cookie_does_not_authenticate_the_api(auth_client):
    assert auth_client.get("/dashboard").status_code == 200
    assert_error(auth_client.get("/api/v1/me"), 401)


def test_unauthenticated_write_is_401_before_validation(client, db):
    # Authentication comes first: an anonymous caller learns nothing about the body's validity.
    assert_error(client.patch("/api/v1/me", json={"timezone": "Nowhere/Land"}), 401)
    assert_error(client.post("/api/v1/clubs", data="{oops", content_type="application/json"), 401)


def test_unknown_api_path_is_404_json(client, user):
    assert_error(client.get("/api/v1/nothing/here", headers=bearer(user)), 404, code="not_found")
    assert_error(client.get("/api/v1/nothing/here"), 404)
    assert_error(client.get("/api/v2/me"), 404)


def test_wrong_method_is_405_json(client, user):
    error = assert_error(client.put("/api/v1/me", json={}, headers=bearer(user)), 405)
    assert error["code"] == "method_not_allowed"


def test_api_needs_no_csrf_token(client, user):
    response = client.patch("/api/v1/me", json={"name": "No CSRF"}, headers=bearer(user))
    assert response.status_code == 200 and response.get_json()["name"] == "No CSRF"


# GET / PATCH /api/v1/me

def test_me_answers_profile_with_absolute_feed_url(client, user):
    response = client.get("/api/v1/me", headers=bearer(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == str(user.id) and body["email"] == user.email and body["name"] == user.name
    assert body["timezone"] == "Europe/Paris" and body["locale"] == "en"
    url = urlsplit(body["feed_url"])
    assert url.scheme in ("http", "https") and url.netloc and url.path.endswith(".ics")
    assert "password" not in response.get_data(as_text=True)
    assert response.headers.get("Cache-Control") == "no-store"  # personal data: never in a shared cache


def test_feed_url_is_stable_between_reads(client, user):
    first = client.get("/api/v1/me", headers=bearer(user)).get_json()["feed_url"]
    second = client.get("/api/v1/me", headers=bearer(user)).get_json()["feed_url"]
    assert first == second
    assert client.get(urlsplit(first).path).status_code == 200


def test_patch_me_changes_the_profile(client, db, user):
    response = client.patch("/api/v1/me", headers=bearer(user), json={
        "name": "Jeanne Martin", "timezone": "America/Lima", "locale": "fr", "business_name": "Martin SARL",
        "category": "Plombier", "phone": "+33 4 70 00 00 00", "website": "martin.example.fr", "bio": "Plomberie."})
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Jeanne Martin" and body["timezone"] == "America/Lima" and body["locale"] == "fr"
    assert body["website"] == "https://martin.example.fr" and body["feed_url"]
    db.session.expire_all()
    assert user.name == "Jeanne Martin" and user.category == "Plombier" and user.phone == "+33470000000"  # E.164


def test_patch_me_extra_fields_change_nothing(client, db, user):
    headers = bearer(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the feed token exists from here
    db.session.expire_all()
    before = (user.id, user.email, user.password_hash, user.session_version, user.feed_token_hash)
    response = client.patch("/api/v1/me", headers=headers, json={
        "email": "attacker@example.fr", "id": "1", "password_hash": "x", "session_version": 99,
        "feed_token_hash": "0" * 64, "password": "another password!", "bio": "Hello"})
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email and response.get_json()["bio"] == "Hello"
    db.session.expire_all()
    assert (user.id, user.email, user.password_hash, user.session_version, user.feed_token_hash) == before
    assert db.session.scalar(sa.select(User.id).where(User.email == "attacker@example.fr")) is None


@pytest.mark.parametrize(("field", "value"), [
    ("timezone", "Mars/Olympus_Mons"), ("timezone", "../../etc/passwd"), ("locale", "de"), ("name", ""),
    ("name", "x" * 121), ("bio", "x" * 1001), ("category", "x" * 81), ("phone", "1" * 41), ("website", "x" * 256),
    ("business_name", 42), ("name", None),
])
def test_patch_me_invalid_field_is_422_naming_it_and_saves_nothing(client, db, user, field, value):
    name = user.name
    response = client.patch("/api/v1/me", headers=bearer(user), json={"name": "Changed Name", field: value}
                            if field != "name" else {field: value})
    assert_error(response, 422, field=field)
    db.session.expire_all()
    assert user.name == name


def test_patch_me_malformed_json_is_400(client, user):
    response = client.patch("/api/v1/me", headers=bearer(user), data="{name:", content_type="application/json")
    assert_error(response, 400)


# POST /api/v1/me/feed-token

def test_rotating_feed_token_kills_the_old_url(client, user):
    headers = bearer(user)
    old = urlsplit(client.get("/api/v1/me", headers=headers).get_json()["feed_url"]).path
    assert client.get(old).status_code == 200
    response = client.post("/api/v1/me/feed-token", headers=headers)
    assert response.status_code == 201
    new_url = response.get_json()["feed_url"]
    assert urlsplit(new_url).scheme in ("http", "https")
    new = urlsplit(new_url).path
    assert new != old
    assert client.get(old).status_code == 404
    feed = client.get(new)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.get_data(as_text=True).startswith("BEGIN:VCALENDAR")
    assert client.get("/api/v1/me", headers=headers).get_json()["feed_url"] == new_url


def test_feed_token_needs_a_token(client, user):
    assert_error(client.post("/api/v1/me/feed-token"), 401)


# GET /api/v1/me/export

def test_export_has_all_personal_data_and_no_secrets(client, db, user):
    club = factories.club_with(president=user, members=1, name="BNI Vichy")
    headers = bearer(user, label="export label")
    response = client.get("/api/v1/me/export", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["profile"]["email"] == user.email and data["profile"]["name"] == user.name
    assert data["profile"]["business_name"] == user.business_name
    assert [m["club_id"] for m in data["memberships"]] == [str(club.id)]
    assert data["memberships"][0]["role"] == "president"
    assert [t["label"] for t in data["api_tokens"]] == ["export label"]
    text = response.get_data(as_text=True)
    assert user.password_hash not in text
    assert headers["Authorization"].split()[1] not in text


def test_export_holds_only_the_callers_data(client, db, user):
    other = factories.UserFactory(phone="+33 6 11 22 33 44")
    factories.club_with(president=other, members=2)
    data = client.get("/api/v1/me/export", headers=bearer(user)).get_json()
    assert data["memberships"] == []
    assert other.email not in str(data) and "+33 6 11 22 33 44" not in str(data)


# DELETE /api/v1/me

def test_delete_me_wrong_password_is_422_and_keeps_everything(client, db, user):
    headers = bearer(user)
    response = client.delete("/api/v1/me", headers=headers, json={"password": "not the password at all"})
    assert_error(response, 422, field="password")
    assert db.session.get(User, user.id) is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_delete_me_without_password_is_422(client, db, user):
    assert_error(client.delete("/api/v1/me", headers=bearer(user), json={}), 422, field="password")
    assert db.session.get(User, user.id) is not None


def test_delete_me_erases_account_and_kills_tokens(client, db, user):
    president = factories.UserFactory()
    club = factories.club_with(president=president, members=1)
    factories.MembershipFactory(club=club, user=user)
    other_club = factories.club_with(president=president)
    membership_service.invite(president, other_club, user.email)  # a pending invitation to them
    headers, other_headers = bearer(user), bearer(user, "second")
    user_id, email = user.id, user.email
    response = client.delete("/api/v1/me", headers=headers, json={"password": TEST_PASSWORD})
    assert response.status_code == 204 and response.get_data() == b""
    assert_error(client.get("/api/v1/me", headers=headers), 401)
    assert_error(client.get("/api/v1/me", headers=other_headers), 401)
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.user_id == user_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)
                             .where(Membership.user_id == user_id)) == 0
    assert db.session.scalar(sa.select(Invitation.id).where(Invitation.email == email)) is None
    assert client.post("/api/v1/tokens", json={"email": email, "password": TEST_PASSWORD}).status_code == 401


def test_delete_me_kills_web_sessions(client, db, user):
    from tests.conftest import log_in

    web = client.application.test_client()
    assert log_in(web, user.email).status_code == 302
    assert web.get("/dashboard").status_code == 200
    assert client.delete("/api/v1/me", headers=bearer(user), json={"password": TEST_PASSWORD}).status_code == 204
    response = web.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_delete_me_sole_president_with_members_is_409(client, db, user):
    club = factories.club_with(president=user, members=2)
    response = client.delete("/api/v1/me", headers=bearer(user), json={"password": TEST_PASSWORD})
    assert_error(response, 409, code="last_president")
    db.session.expire_all()
    assert db.session.get(User, user.id) is not None
    assert club.membership_of(user).role is Role.PRESIDENT


def test_delete_me_president_of_a_club_of_one_deletes_the_club(client, db, user):
    from clubapp.models import Club

    club = factories.club_with(president=user)
    club_id = club.id
    assert client.delete("/api/v1/me", headers=bearer(user), json={"password": TEST_PASSWORD}).status_code == 204
    db.session.expire_all()
    assert db.session.get(Club, club_id) is None


def test_delete_me_one_of_two_presidents_may_go(client, db, user):
    club = factories.club_with(president=user, members=1)
    factories.MembershipFactory(club=club, role=Role.PRESIDENT)
    user_id = user.id
    assert client.delete("/api/v1/me", headers=bearer(user), json={"password": TEST_PASSWORD}).status_code == 204
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert sorted(m.role.value for m in club.memberships) == ["member", "president"]


# Error format

def test_every_4xx_here_is_json_in_the_error_format(client, db, user):
    headers = bearer(user)
    answers = [
        client.get("/api/v1/me"),
        client.get("/api/v1/clubs/999999", headers=headers),
        client.post("/api/v1/users", json={}),
        client.post("/api/v1/users", data="{", content_type="application/json"),
        client.delete("/api/v1/me", headers=headers, json={"password": "nope nope nope"}),
        client.post("/api/v1/tokens", json={"email": "x@example.fr", "password": "y"}),
        client.get("/api/v1/unknown"),
    ]
    assert [a.status_code for a in answers] == [401, 404, 422, 400, 422, 401, 404]
    for answer in answers:
        assert_error(answer, answer.status_code)
        assert "<html" not in answer.get_data(as_text=True).lower()


def test_token_creation_is_rate_limited_in_the_error_format(database_url, user):
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    body = {"email": user.email, "password": "not the password at all"}
    codes = [client.post("/api/v1/tokens", json=body).status_code for _ in range(2)]
    assert codes == [401, 401]
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": TEST_PASSWORD})
    assert_error(response, 429, code="rate_limited")
    assert response.headers.get("Retry-After", "").isdigit()


def test_list_tokens_shows_labels_never_secrets(client, user):
    headers = bearer(user, "CRM sync")
    listed = client.get("/api/v1/tokens", headers=headers)
    assert listed.status_code == 200
    assert [t["label"] for t in listed.json] == ["CRM sync"]
    assert "token" not in listed.json[0] and headers["Authorization"].split()[1] not in listed.get_data(as_text=True)
    assert client.get("/api/v1/tokens").status_code == 401
