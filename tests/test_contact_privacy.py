"""Who sees a member's email and phone (directory, members page, API), and the profile field rules."""
from __future__ import annotations

from html import unescape

import pytest

from clubapp.core import profile as profile_rules
from clubapp.services import privacy
from tests import factories
from tests.conftest import bearer, log_in, submit
from tests.test_api_accounts import assert_error


@pytest.fixture
def vichy(db):
    """Members of public clubs in Vichy: one opted into the public listing, one in two clubs."""
    public = factories.club_with(visibility="public", name="BNI Vichy Avenir")
    other_public = factories.club_with(visibility="public", name="Dynabuy Allier")
    hidden = factories.MembershipFactory(club=public, user=factories.UserFactory(
        name="Hélène Discrète", email="helene@discrete.fr", phone="+33470111111", city="Vichy")).user
    listed = factories.MembershipFactory(club=public, public_listing=True, user=factories.UserFactory(
        name="Louis Publié", email="louis@publie.fr", phone="+33470222222", city="Vichy")).user
    twice = factories.MembershipFactory(club=public, user=factories.UserFactory(
        name="Bernard Deuxclubs", email="bernard@deux.fr", phone="+33470333333", city="Vichy")).user
    factories.MembershipFactory(club=other_public, user=twice)
    return {"public": public, "other_public": other_public, "hidden": hidden, "listed": listed, "twice": twice}


def _directory(client, **params):  # type: ignore[no-untyped-def]
    return unescape(client.get("/directory", query_string=params).get_data(as_text=True))


def test_an_outsider_in_no_club_sees_no_unpublished_contact_in_the_directory(app, db, vichy):
    outsider = factories.UserFactory(email="curious@example.fr")
    web = app.test_client()
    log_in(web, outsider.email)
    html = _directory(web, city="Vichy")
    assert "Hélène Discrète" in html and "Louis Publié" in html and "Bernard Deuxclubs" in html
    assert "helene@discrete.fr" not in html and "+33470111111" not in html and "04 70 11 11 11" not in html
    assert "bernard@deux.fr" not in html and "04 70 33 33 33" not in html
    # Louis opted into the public listing of his club: his contact is published.
    assert "louis@publie.fr" in html and "04 70 22 22 22" in html
    assert "Shown to members of their clubs" in html

    answer = web.get("/api/v1/directory", query_string={"city": "Vichy"}, headers=bearer(outsider))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    items = {item["name"]: item for item in answer.get_json()["items"]}
    assert set(items) == {"Hélène Discrète", "Louis Publié", "Bernard Deuxclubs",
                          *(m.user.name for m in vichy["public"].memberships + vichy["other_public"].memberships)}
    assert items["Hélène Discrète"]["email"] is None and items["Hélène Discrète"]["phone"] is None
    assert items["Hélène Discrète"]["city"] == "Vichy" and items["Hélène Discrète"]["business_name"]
    assert items["Louis Publié"]["email"] == "louis@publie.fr" and items["Louis Publié"]["phone"] == "+33470222222"
    text = answer.get_data(as_text=True)
    assert "helene@discrete.fr" not in text and "bernard@deux.fr" not in text and "+33470111111" not in text


def test_members_of_a_shared_club_see_contact_and_people_in_two_clubs_appear_once(app, db, vichy):
    colleague = factories.MembershipFactory(club=vichy["other_public"]).user
    web = app.test_client()
    log_in(web, colleague.email)
    html = _directory(web, q="Deuxclubs")
    assert html.count("<th scope=\"row\">Bernard Deuxclubs</th>") == 1
    assert "BNI Vichy Avenir" in html and "Dynabuy Allier" in html
    assert "bernard@deux.fr" in html and "04 70 33 33 33" in html  # they share Dynabuy Allier
    html = _directory(web, q="Discrète")
    assert "helene@discrete.fr" not in html  # no shared club, not published

    items = web.get("/api/v1/directory?q=Deuxclubs", headers=bearer(colleague)).get_json()["items"]
    assert len(items) == 1
    assert sorted(c["name"] for c in items[0]["clubs"]) == ["BNI Vichy Avenir", "Dynabuy Allier"]
    assert items[0]["email"] == "bernard@deux.fr"


def test_private_clubs_stay_hidden_and_their_members_see_each_other(app, db):
    member = factories.UserFactory()
    private = factories.club_with(name="Cercle Privé")
    factories.MembershipFactory(club=private, user=member)
    secret = factories.MembershipFactory(club=private, user=factories.UserFactory(
        name="Sophie Privée", email="sophie@prive.fr", city="Vichy")).user
    assert privacy.may_see_contact(member, secret) and privacy.may_see_contact(secret, secret)
    outsider = factories.UserFactory()
    assert not privacy.may_see_contact(outsider, secret) and not privacy.may_see_contact(None, secret)
    web = app.test_client()
    log_in(web, outsider.email)
    assert "Sophie Privée" not in _directory(web, city="Vichy")
    web = app.test_client()
    log_in(web, member.email)
    html = _directory(web, city="Vichy")
    assert "Sophie Privée" in html and "sophie@prive.fr" in html and "Cercle Privé" in html


def test_the_public_listing_opt_in_publishes_contact_only_through_that_club(db, vichy):
    outsider = factories.UserFactory()
    listed = vichy["listed"]
    other = factories.club_with(visibility="public")
    elsewhere = factories.MembershipFactory(club=other, user=listed)
    assert privacy.may_see_contact(outsider, listed)
    assert not privacy.may_see_contact(outsider, listed, through=[elsewhere])
    assert privacy.may_see_contact(outsider, listed, through=[elsewhere, listed.memberships[0]])
    assert privacy.may_see_contact(None, listed)  # published means published


def test_the_directory_needs_a_search_term(db, vichy):
    from clubapp.services import membership

    assert membership.search_directory(factories.UserFactory(), "", "  ") == []


# Profile fields: one rule for web, API and services

@pytest.mark.parametrize(("given", "stored"), [
    ("example.fr", "https://example.fr"),
    ("http://martin.example.fr/contact?x=1", "http://martin.example.fr/contact?x=1"),
    ("https://café-du-commerce.fr", "https://café-du-commerce.fr"),
    ("exemple.fr:8443/agenda", "https://exemple.fr:8443/agenda"),
])
def test_websites_are_normalised(given, stored):
    assert profile_rules.normalise_website(given) == stored


@pytest.mark.parametrize("given", [
    "javascript:alert(1)", "https://javascript:alert(1)", "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>", "ftp://example.fr", "mailto:a@example.fr", "localhost",
    "https://intranet", "https://user:pw@example.fr", "https://exa mple.fr", "https://example.fr:99999", "//example.fr",
])
def test_websites_other_than_http_with_a_dotted_host_are_refused(given):
    with pytest.raises(ValueError):
        profile_rules.normalise_website(given)


@pytest.mark.parametrize(("timezone", "locale", "region"), [
    ("Europe/Paris", "fr", "FR"), ("Europe/Brussels", "fr", "BE"), ("America/Lima", "en", "PE"),
    ("UTC", "en", "FR"), ("Nowhere/Unknown", "en_GB", "GB"), (None, None, "FR"),
])
def test_the_default_phone_region_comes_from_the_time_zone_then_locale(timezone, locale, region):
    assert profile_rules.default_region(timezone=timezone, locale=locale) == region


def test_web_profile_refuses_a_javascript_website_and_a_bad_phone(auth_client, db, user):
    base = {"name": user.name, "timezone": "Europe/Paris", "locale": "en"}
    response = submit(auth_client, "/account/profile", {**base, "website": "javascript:alert(1)"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Enter a web address starting with https://" in html
    response = submit(auth_client, "/account/profile", {**base, "phone": "12"})
    assert "This is not a valid phone number." in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert user.website is None and user.phone is None
    response = submit(auth_client, "/account/profile", {**base, "phone": "04 70 12 34 56", "website": "example.fr"})
    assert response.status_code == 302
    db.session.expire_all()
    assert user.phone == "+33470123456" and user.website == "https://example.fr"
    page = auth_client.get("/account/profile").get_data(as_text=True)
    assert 'value="04 70 12 34 56"' in page  # shown in the member's own national format


def test_api_profile_answers_422_naming_the_field(client, db, user):
    headers = bearer(user)
    assert_error(client.patch("/api/v1/me", headers=headers, json={"website": "javascript:alert(1)"}), 422,
                 field="website")
    assert_error(client.patch("/api/v1/me", headers=headers, json={"phone": "not a phone"}), 422, field="phone")
    # A national number is read in the member's country, taken from the time zone sent with it.
    response = client.patch("/api/v1/me", headers=headers, json={"timezone": "America/Lima", "phone": "912 345 678"})
    assert response.status_code == 200 and response.get_json()["phone"] == "+51912345678"


def test_old_stored_values_do_not_break_pages_and_are_not_linked(app, db, user):
    club = factories.club_with(president=user, visibility="public")
    old = factories.MembershipFactory(club=club, public_listing=True, user=factories.UserFactory(
        business_name="Vieux Profil", phone="call me maybe", website="https://javascript:alert(1)"))
    web = app.test_client()
    log_in(web, user.email)
    for page in (f"/clubs/{club.id}/members", f"/c/{club.slug}/listing", "/directory?q=Vieux"):
        response = web.get(page)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert "javascript:" not in html, page
    members = web.get(f"/clubs/{club.id}/members").get_data(as_text=True)
    assert "call me maybe" in members and 'href="tel:call' not in members
    assert old.user.email in members
    assert app.test_client().get(f"/c/{club.slug}/listing").status_code == 200


def test_members_page_formats_numbers_for_the_reader(app, db, user):
    club = factories.club_with(president=user)
    factories.MembershipFactory(club=club, user=factories.UserFactory(phone="+33470123456"))
    factories.MembershipFactory(club=club, user=factories.UserFactory(phone="+16502530000"))
    html = app.test_client()
    log_in(html, user.email)
    page = html.get(f"/clubs/{club.id}/members").get_data(as_text=True)
    assert 'href="tel:+33-4-70-12-34-56">04 70 12 34 56<' in page
    assert 'href="tel:+1-650-253-0000">+1 650-253-0000<' in page
