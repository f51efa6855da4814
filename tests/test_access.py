"""The access sweep, as CTFd does it: an outsider calls every route that names another club's objects.

Club A has the actor (a plain member, then its president); private club B has its own president,
secretary and member, a pending invitation, a pending join request and a member's API token.
Signed in as the actor (web: the real login form; API: a bearer token), every route of
``app.url_map`` that takes a parameter is called with B's objects, by every method it accepts (POST
with a valid CSRF token and a plausible body), and must answer 403 or 404 and leave B untouched.

The list of routes comes from the url_map, never from a hand-written list: a new route whose
parameter the sweep cannot fill with one of B's objects fails ``test_sweep_knows_every_parameter``
and its own sweep cases until a filler is added below (``World.fillers``, or a ``_*_objects``
builder for a new feature; ``TOKEN_KINDS`` for a new ``<token>`` route). A refused request must
also change nothing in the database (``snapshot``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, Rule

from clubapp.models import ApiToken, Club, Invitation, JoinRequest, Role, User
from clubapp.services import accounts, feeds, membership
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, csrf_from, log_in, make_app
from tests.test_api_accounts import fresh_reads  # noqa: F401  (an autouse fixture)

IGNORED_METHODS = {"HEAD", "OPTIONS"}
API_PREFIX = "/api/v1/"

# Pages anyone may open without signing in (everything else needs a session or a token).
PUBLIC_WEB = {
    "main.index", "main.language", "auth.login", "auth.signup", "auth.forgot", "auth.reset", "feeds.personal",
    "clubs.club_listing", "clubs.network_listing", "feeds.club", "attendance.visit", "api_docs.docs", "static",
}
PUBLIC_API = {"api_accounts.sign_up", "api_accounts.create_token", "api-docs.openapi_json"}
# Not an object of anyone: static files.
NOT_OBJECT_ROUTES = {"static"}

# Which of B's secrets a ``<token>`` names, per endpoint. "capability" routes are those where the
# secret in the URL is itself the authorisation (a calendar app's feed URL, an emailed reset link):
# the sweep gives them what an outsider could obtain, the digest stored in the database, which must
# open nothing.
TOKEN_KINDS = {
    "clubs.accept": "invitation",
    "api_clubs.accept": "invitation",
    "feeds.personal": "capability",
    "auth.reset": "capability",
    "attendance.visit": "capability",
}

# Web views the API layer's owner cannot fix (clubapp/clubs/routes.py): known gaps, reported.
# strict=True: once the view answers 403/404 these cases XPASS and fail, so the mark gets removed.
KNOWN_WEB_GAPS: dict[tuple[str, str], str] = {}

FORM = {
    "name": "Hijacked", "timezone": "Europe/Paris", "description": "pwned", "visibility": "public",
    "category_exclusive": "y", "network_id": "", "role": "president", "category": "Intrus",
    "public_listing": "y", "email": "intrus@example.fr", "message": "let me in", "label": "stolen",
    "password": "another long password", "lang": "en",
    "title": "Hijacked", "start_date": "2030-01-03", "start_time": "07:30", "duration_minutes": "60",
    "rrule": "FREQ=WEEKLY;BYDAY=TH", "from": "2030-02-01", "to": "2030-02-02", "reason": "pwned",
    "status": "cancelled", "capacity": "1",
}
JSON_BODY = {
    "name": "Hijacked", "timezone": "Europe/Paris", "description": "pwned", "visibility": "public",
    "category_exclusive": True, "role": "president", "category": "Intrus", "public_listing": True,
    "email": "intrus@example.fr", "club_id": "1", "user_id": "1", "password": TEST_PASSWORD,
    # meetings
    "title": "Hijacked", "start_date": "2030-01-03", "start_time": "07:30", "duration_minutes": 60,
    "rrule": "FREQ=WEEKLY;BYDAY=TH", "from": "2030-02-01", "to": "2030-02-02", "reason": "pwned",
    "status": "cancelled", "capacity": 1,
    # RSVP, attendance, visitors, referrals, one-to-ones
    "response": "yes", "comment": "x", "substitute_name": "x", "note": "x", "company": "ACME",
    "to_user_id": "1", "with_user_id": "1", "prospect_name": "x", "temperature": 3, "kind": "internal",
    "date": "2030-01-03", "notes": "x",
}
# When a body is refused (422) before the view could refuse the caller, the sweep tries these values
# of the named fields in turn: one field name means different things on different routes.
ALTERNATIVES = {
    "status": ["present", "won", "scheduled"],
    "response": ["no", "maybe"],
    "kind": ["external"],
}


# Columns a refused request may still write: a bearer token records when it was last used.
VOLATILE_COLUMNS = {("api_tokens", "last_used_at")}


def snapshot(db) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every row of every table: a refused request must change nothing at all, in B or anywhere."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
        rows = db.session.execute(sa.select(*columns)).all()
        state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return state


@dataclass
class World:
    """Club A with the actor; private club B with everything it owns."""

    actor: User
    club_a: Club
    club_b: Club
    b_president: User
    b_member: User
    invitation: Invitation
    invitation_token: str
    join_request: JoinRequest
    b_api_token: ApiToken
    extra: dict[str, Any]

    def fillers(self) -> dict[str, Any]:
        """Parameter name -> the object of B it names (``token`` is resolved per endpoint)."""
        return {
            "club_id": self.club_b.id,
            "user_id": self.b_member.id,
            "invitation_id": self.invitation.id,
            "request_id": self.join_request.id,
            "token_id": self.b_api_token.id,
            "slug": self.club_b.slug,
            **self.extra,
        }

    def token_for(self, endpoint: str) -> str:
        kind = TOKEN_KINDS[endpoint]
        if kind == "invitation":
            return self.invitation_token
        assert kind == "capability"
        return self.b_president.feed_token_hash  # type: ignore[return-value]


def _meeting_objects(president: User, club: Club) -> dict[str, Any]:
    """B's meeting series, one of its occurrences and a closure (when the meetings feature is there)."""
    try:
        from clubapp.services import meetings
    except ImportError:  # pragma: no cover - before the meetings feature
        return {}
    series = meetings.create_series(president, club, {
        "title": "B weekly", "start_date": "2030-01-03", "start_time": "07:30", "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=TH"})
    closure = meetings.create_closure(president, club, "2030-08-01", "2030-08-31", "Summer")
    meeting_id = meetings.occurrence_id(series.id, series.start_date)
    from clubapp.extensions import db
    from clubapp.models import Visitor

    visitor = Visitor(series_id=series.id, original_date=series.start_date, invited_by_id=president.id,
                      name="Visitor of B", email="visitor.b@example.fr", token_hash="b" * 64)
    db.session.add(visitor)
    db.session.commit()
    return {"series_id": series.id, "meeting_id": meeting_id, "closure_id": closure.id, "visitor_id": visitor.id}


def _referral_objects(giver: User, receiver: User, club: Club) -> dict[str, Any]:
    """A referral between two members of B, with its prospect's contact (when the feature is there)."""
    try:
        from clubapp.services import referrals
    except ImportError:  # pragma: no cover - before the referrals feature
        return {}
    referral = referrals.give(giver, {
        "club_id": str(club.id), "to_user_id": str(receiver.id), "prospect_name": "Prospect of B",
        "prospect_email": "prospect@example.fr", "prospect_phone": "+33 6 00 00 00 00",
        "description": "Needs a roof", "temperature": 4, "kind": "internal"})
    return {"referral_id": referral.id}


def build_world(db, actor_role: Role) -> World:  # type: ignore[no-untyped-def]
    actor = factories.UserFactory(email="actor@example.fr")
    club_a = factories.club_with(members=1, name="Club A")
    if actor_role is Role.PRESIDENT:
        club_a.memberships[0].role = Role.MEMBER  # the actor is A's only president
        db.session.commit()
    factories.MembershipFactory(club=club_a, user=actor, role=actor_role)

    b_president = factories.UserFactory()
    club_b = factories.club_with(president=b_president, name="Club B", visibility="private")
    factories.MembershipFactory(club=club_b, role=Role.SECRETARY)
    b_member = factories.MembershipFactory(club=club_b).user
    invitation, token, _mailed = membership.invite(b_president, club_b, "invitee@example.fr")
    applicant = factories.UserFactory()
    join_request = JoinRequest(club=club_b, user=applicant, category="Fleuriste", message="Hello")
    db.session.add(join_request)
    db.session.commit()
    b_api_token = accounts.create_api_token(b_member, "B's integration").token
    feeds.rotate_feed_token(b_president)
    extra = {**_meeting_objects(b_president, club_b), **_referral_objects(b_president, b_member, club_b)}
    return World(actor, club_a, club_b, b_president, b_member, invitation, token, join_request, b_api_token,
                 extra)


@pytest.fixture(params=[Role.MEMBER, Role.PRESIDENT], ids=["A-member", "A-president"])
def world(request, db) -> World:
    """The sweep runs for a plain member of A and for A's president: office in A gives nothing in B."""
    return build_world(db, request.param)


@pytest.fixture
def objects(db) -> World:
    """B's objects, for the anonymous sweep."""
    return build_world(db, Role.MEMBER)


# The routes, read from a url_map at collection time (the same code builds the test app's map).

_ROUTE_APP = make_app("sqlite://")


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - IGNORED_METHODS)


def _variants(rule: Rule) -> list[dict[str, str]]:
    """One dict per combination of the rule's fixed-choice (``any``) parameters."""
    variants: list[dict[str, str]] = [{}]
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            variants = [{**v, name: item} for v in variants for item in sorted(converter.items)]
    return variants


def _cases(api: bool) -> list[Any]:
    cases = []
    for rule in sorted(_ROUTE_APP.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.arguments or rule.endpoint in NOT_OBJECT_ROUTES or rule.rule.startswith(API_PREFIX) != api:
            continue
        for method in _methods(rule):
            for fixed in _variants(rule):
                label = f"{method} {rule.rule}" + "".join(f" {k}={v}" for k, v in fixed.items())
                marks = []
                if not api and (rule.endpoint, method) in KNOWN_WEB_GAPS:
                    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_WEB_GAPS[(rule.endpoint, method)])]
                cases.append(pytest.param(rule.rule, rule.endpoint, method, fixed, id=label, marks=marks))
    return cases


WEB_CASES = _cases(api=False)
API_CASES = _cases(api=True)


def _find_rule(app, rule_text: str, endpoint: str) -> Rule:  # type: ignore[no-untyped-def]
    return next(r for r in app.url_map.iter_rules() if r.rule == rule_text and r.endpoint == endpoint)


def _url(app, world: World, rule_text: str, endpoint: str, method: str, fixed: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """The rule's path, every parameter naming one of B's objects."""
    rule = _find_rule(app, rule_text, endpoint)
    fillers = world.fillers()
    values: dict[str, Any] = dict(fixed)
    for name in rule.arguments:
        if name in values:
            continue
        if name == "token":
            assert endpoint in TOKEN_KINDS, f"{rule.rule}: say in TOKEN_KINDS which of B's secrets <token> is"
            values[name] = world.token_for(endpoint)
        else:
            assert name in fillers, f"{rule.rule}: the sweep has no object of club B for <{name}>; add a filler"
            values[name] = fillers[name]
    path = app.url_map.bind("clubapp.test").build(endpoint, values, method=method, force_external=False)
    return urlsplit(path).path


def _call(client, method: str, url: str, *, csrf: str | None = None, headers: dict | None = None,
          json_body: bool = False):  # type: ignore[no-untyped-def]
    if json_body:
        if method in ("GET", "DELETE"):
            return client.open(url, method=method, headers=headers or {})
        body, tried = dict(JSON_BODY), {name: 0 for name in ALTERNATIVES}
        while True:
            response = client.open(url, method=method, json=body, headers=headers or {})
            fields = (response.get_json(silent=True) or {}).get("error", {}).get("fields", {})
            retry = [name for name in fields if name in tried and tried[name] < len(ALTERNATIVES[name])]
            if response.status_code != 422 or not retry:
                return response
            for name in retry:
                body[name] = ALTERNATIVES[name][tried[name]]
                tried[name] += 1
    if method == "GET":
        return client.get(url, headers=headers or {})
    return client.open(url, method=method, data={**FORM, "csrf_token": csrf or ""}, headers=headers or {})


def test_sweep_knows_every_parameter(app, objects):
    """Every parameter of every route names something the sweep fills with B's objects."""
    known = set(objects.fillers()) | {"token"}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_OBJECT_ROUTES:
            continue
        fixed = {name for name, c in rule._converters.items() if isinstance(c, AnyConverter)}
        for name in set(rule.arguments) - fixed:
            if name not in known or (name == "token" and rule.endpoint not in TOKEN_KINDS):
                missing.append(f"{rule.rule} <{name}>")
    assert missing == [], "routes whose parameters the access sweep cannot fill: " + ", ".join(sorted(missing))
    assert len(WEB_CASES) >= 15 and len(API_CASES) >= 8  # the sweep really sweeps


@pytest.mark.parametrize(("rule_text", "endpoint", "method", "fixed"), WEB_CASES)
def test_web_route_of_club_b_is_403_or_404(app, db, client, world, rule_text, endpoint, method, fixed):
    assert log_in(client, world.actor.email).status_code == 302
    csrf = csrf_from(client.get("/account/profile").get_data(as_text=True))
    url = _url(app, world, rule_text, endpoint, method, fixed)
    before = snapshot(db)
    response = _call(client, method, url, csrf=csrf)
    assert response.status_code in (403, 404), (
        f"{method} {url} as a member of A -> {response.status_code} {response.location or ''}")
    assert snapshot(db) == before
    assert world.club_b.membership_of(world.actor) is None
    # Still signed in: the 403/404 was about B, not about the session.
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(("rule_text", "endpoint", "method", "fixed"), API_CASES)
def test_api_route_of_club_b_is_403_or_404(app, db, client, world, rule_text, endpoint, method, fixed):
    headers = bearer(world.actor)
    url = _url(app, world, rule_text, endpoint, method, fixed)
    before = snapshot(db)
    response = _call(client, method, url, headers=headers, json_body=True)
    assert response.status_code in (403, 404), (
        f"{method} {url} as a member of A -> {response.status_code} {response.get_data(as_text=True)}")
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    assert snapshot(db) == before
    assert world.club_b.membership_of(world.actor) is None
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_sweep_leaves_a_usable_for_the_actor(client, db, world):
    """The control: the same actor reaches club A, so the 403/404 above are about B."""
    headers = bearer(world.actor)
    assert client.get(f"/api/v1/clubs/{world.club_a.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/clubs/{world.club_a.id}/members", headers=headers).status_code == 200
    assert log_in(client, world.actor.email).status_code == 302
    assert client.get(f"/clubs/{world.club_a.id}").status_code == 200
    assert client.get(f"/clubs/{world.club_a.id}/members").status_code == 200
    b_headers = bearer(world.b_member)
    assert client.get(f"/api/v1/clubs/{world.club_b.id}/members", headers=b_headers).status_code == 200


def test_b_invitation_still_works_for_its_invitee(client, db, world):
    """The sweep's invitation is a live one: the refusals above were not about a dead token."""
    invitee = factories.UserFactory(email="invitee@example.fr")
    response = client.post(f"/api/v1/invitations/{world.invitation_token}/accept", headers=bearer(invitee), json={})
    assert response.status_code == 200
    assert world.club_b.membership_of(invitee) is not None


# Anonymous callers

def _anonymous_cases(api: bool) -> list[Any]:
    cases = []
    public = PUBLIC_API if api else PUBLIC_WEB
    for rule in sorted(_ROUTE_APP.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in public or rule.rule.startswith(API_PREFIX) != api:
            continue
        for method in _methods(rule):
            fixed = _variants(rule)[0]
            cases.append(pytest.param(rule.rule, rule.endpoint, method, fixed, id=f"{method} {rule.rule}"))
    return cases


@pytest.mark.parametrize(("rule_text", "endpoint", "method", "fixed"), _anonymous_cases(api=False))
def test_anonymous_web_request_goes_to_login(app, db, client, objects, rule_text, endpoint, method, fixed):
    csrf = csrf_from(client.get("/auth/login").get_data(as_text=True))
    url = _url(app, objects, rule_text, endpoint, method, fixed)
    before = snapshot(db)
    response = _call(client, method, url, csrf=csrf)
    assert response.status_code == 302, f"{method} {url} anonymous -> {response.status_code}"
    location = urlsplit(response.location)
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"][0].endswith(url)
    assert snapshot(db) == before


@pytest.mark.parametrize(("rule_text", "endpoint", "method", "fixed"), _anonymous_cases(api=True))
def test_anonymous_api_request_is_401(app, db, client, objects, rule_text, endpoint, method, fixed):
    url = _url(app, objects, rule_text, endpoint, method, fixed)
    before = snapshot(db)
    response = _call(client, method, url, json_body=True)
    assert response.status_code == 401, f"{method} {url} anonymous -> {response.status_code}"
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert snapshot(db) == before
    # Authentication comes before validation: a broken body changes nothing to the answer.
    broken = client.open(url, method=method, data="{", content_type="application/json")
    assert broken.status_code == 401


def test_public_routes_really_are_public(client, db):
    """The lists above are not a way to hide routes: each one answers an anonymous caller."""
    assert client.get("/").status_code == 200
    assert client.get("/auth/login").status_code == 200
    assert client.get("/auth/signup").status_code == 200
    assert client.get("/auth/forgot").status_code == 200
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.post("/api/v1/users", json={}).status_code == 422
    assert client.post("/api/v1/tokens", json={"email": "a@example.fr", "password": "x"}).status_code == 401
    # Capability URLs: the secret is the authorisation, so without it they answer 404.
    assert client.get("/feeds/not-a-feed-token.ics").status_code == 404
    assert client.get("/auth/reset/not-a-reset-token").status_code == 404


def test_capability_routes_open_nothing_with_the_stored_digest(client, db, world):
    """A copy of the database gives no feed URL and no reset link."""
    president = world.b_president
    assert client.get(f"/feeds/{president.feed_token_hash}.ics").status_code == 404
    assert client.get(f"/feeds/{feeds.feed_token(president)}.ics").status_code == 200  # the real one works
    assert client.get(f"/auth/reset/{president.password_hash}").status_code == 404
    assert client.get(f"/auth/reset/{accounts.reset_token(president)}").status_code == 200


def test_signed_in_outsider_is_never_sent_to_login(client, db, world):
    """A redirect to the login page would mean the session was lost, not that B was refused."""
    assert log_in(client, world.actor.email).status_code == 302
    for path in (f"/clubs/{world.club_b.id}", f"/clubs/{world.club_b.id}/members", f"/clubs/{world.club_b.id}/edit",
                 f"/clubs/{world.club_b.id}/invite"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "/auth/login" not in (response.location or "")
