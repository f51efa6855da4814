"""Referral pages through the real forms: giving from the directory, following up, one-to-ones, scorecards, privacy."""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa

from clubapp.models import OneToOne, Referral, Role
from tests import factories
from tests.conftest import csrf_from, log_in, submit

PROSPECT = {"prospect_name": "Hôtel des Thermes", "prospect_email": "direction@hotel-thermes.example",
            "prospect_phone": "04 70 98 76 54", "description": "Réfection de la toiture avant l'été",
            "temperature": "4", "kind": "external"}
SECRETS = ("Hôtel des Thermes", "hotel-thermes", "98 76 54", "Réfection de la toiture")


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


def referral_count(db) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(Referral))


@pytest.fixture
def club(db):  # type: ignore[no-untyped-def]
    return factories.club_with(name="BNI Vichy Avenir")


@pytest.fixture
def giver(club):  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, user=factories.UserFactory(name="Julien Bardet")).user


@pytest.fixture
def receiver(club):  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, user=factories.UserFactory(name="Paul Toiture"),
                                       category="Couvreur").user


@pytest.fixture
def third(club):  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, user=factories.UserFactory(name="Nina Curieuse")).user


@pytest.fixture
def president(club):  # type: ignore[no-untyped-def]
    return next(m.user for m in club.memberships if m.role is Role.PRESIDENT)


def client_for(app, user):  # type: ignore[no-untyped-def]
    web = app.test_client()
    assert log_in(web, user.email).status_code == 302
    return web


def give_form(club, receiver, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"club_id": str(club.id), "to_user_id": str(receiver.id), **PROSPECT, **changes}


@pytest.fixture
def referral(app, db, club, giver, receiver):  # type: ignore[no-untyped-def]
    """A referral given through the form."""
    web = client_for(app, giver)
    response = submit(web, f"/referrals/new?club_id={club.id}&to={receiver.id}", give_form(club, receiver))
    assert response.status_code == 302, text(response)
    return db.session.scalars(sa.select(Referral)).one()


# Giving

def test_give_a_referral_from_the_directory(app, db, club, giver, receiver):
    web = client_for(app, giver)
    directory = text(web.get(f"/clubs/{club.id}/members"))
    link = f"/referrals/new?club_id={club.id}&to={receiver.id}"
    assert f'href="{link}"' in directory
    assert f"to={giver.id}" not in directory  # not on my own card
    form = web.get(link)
    page = text(form)
    assert form.status_code == 200
    assert re.search(rf'<option[^>]* selected value="{receiver.id}">Paul Toiture · Couvreur</option>', page)
    assert re.search(rf'<option selected value="{club.id}">BNI Vichy Avenir</option>', page)
    assert not re.search(rf'<option[^>]* value="{giver.id}"', page)  # nobody gives to themselves
    response = web.post(link, data={"csrf_token": csrf_from(page), **give_form(club, receiver)})
    assert response.status_code == 302
    referral = db.session.scalars(sa.select(Referral)).one()
    assert (referral.giver_id, referral.receiver_id, referral.club_id) == (giver.id, receiver.id, club.id)
    assert (referral.prospect_name, referral.prospect_phone, referral.temperature, referral.kind, referral.status) == (
        "Hôtel des Thermes", "04 70 98 76 54", 4, "external", "given")
    assert response.location.endswith(f"/referrals/{referral.id}")
    shown = text(web.get(response.location))
    assert "Your referral is on its way to Paul Toiture." in shown
    assert "direction@hotel-thermes.example" in shown and "4/5 · Very warm" in shown
    mine = text(web.get("/referrals"))
    assert "Hôtel des Thermes" in mine and "To Paul Toiture" in mine


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"temperature": "9"}, "temperature", "Give a temperature from 1 (cold) to 5 (hot)."),
    ({"temperature": "0"}, "temperature", "Give a temperature from 1 (cold) to 5 (hot)."),
    ({"temperature": ""}, "temperature", "Give a temperature from 1 (cold) to 5 (hot)."),
    ({"prospect_name": "  "}, "prospect_name", "Enter the prospect's name."),
    ({"description": ""}, "description", "Say what the prospect needs."),
    ({"prospect_email": "not an email"}, "prospect_email", "This is not a valid email address."),
    ({"kind": "galactic"}, "kind", "Choose internal or external."),
    ({"to_user_id": ""}, "to_user_id", "Unknown member."),
])
def test_bad_referral_input_shows_a_form_error_and_saves_nothing(app, db, club, giver, receiver, changes, field,
                                                                   message):
    web = client_for(app, giver)
    response = submit(web, "/referrals/new", give_form(club, receiver, **changes))
    page = text(response)
    assert response.status_code == 200
    assert message in page
    if field == "temperature":
        assert 'id="temperature-error"' in page and 'aria-invalid="true"' in page
    else:
        assert f'id="{field}-error"' in page
    assert referral_count(db) == 0


def test_no_referral_to_oneself_or_outside_a_shared_club(app, db, club, giver, receiver):
    stranger = factories.MembershipFactory(club=factories.club_with(name="Other club")).user
    web = client_for(app, giver)
    myself = text(submit(web, "/referrals/new", give_form(club, giver)))
    assert 'id="to_user_id-error"' in myself and "You cannot give a referral to yourself." in myself
    apart = text(submit(web, "/referrals/new", give_form(club, stranger)))
    assert 'id="to_user_id-error"' in apart and "You and this member do not share this club." in apart
    other_club = stranger.memberships[0].club
    not_mine = text(submit(web, "/referrals/new", give_form(other_club, receiver)))
    assert 'id="club_id-error"' in not_mine
    assert "Other club" not in text(web.get(f"/referrals/new?club_id={other_club.id}&to={stranger.id}"))
    assert referral_count(db) == 0


def test_a_directory_link_to_an_unknown_member_prefills_nothing(app, club, giver):
    stranger = factories.UserFactory(name="Zoé Inconnue")
    page = text(client_for(app, giver).get(f"/referrals/new?to={stranger.id}&club_id=abc"))
    assert "Zoé Inconnue" not in page and "<option selected" not in page


def test_member_without_anyone_to_refer_sees_how_to_start(app, db):
    alone = factories.UserFactory()
    factories.club_with(president=alone)
    page = text(client_for(app, alone).get("/referrals/new"))
    assert "There is nobody to pass a referral to yet." in page and 'name="prospect_name"' not in page


# Following up

def test_receiver_follows_up_to_won_with_an_amount(app, db, referral, receiver, giver):
    web = client_for(app, receiver)
    page = f"/referrals/{referral.id}"
    assert 'name="status"' in text(web.get(page))
    for status in ("contacted", "in_progress"):
        assert submit(web, page, {"status": status, "amount": "", "currency": "EUR"}).status_code == 302
        db.session.refresh(referral)
        assert referral.status == status
    response = submit(web, page, {"status": "won", "amount": "12 500,50", "currency": "eur"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.amount, referral.currency) == ("won", Decimal("12500.50"), "EUR")
    shown = text(web.get(page))
    assert "The follow-up is saved." in shown and "Business closed: €12,500.50." in shown
    assert "€12,500.50" in text(client_for(app, giver).get("/referrals"))


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"status": "won", "amount": "-1"}, "amount", "The amount cannot be negative."),
    ({"status": "won", "amount": "beaucoup"}, "amount", "Give the amount as a number, e.g. 12500.50."),
    ({"status": "contacted", "amount": "100"}, "amount", "An amount goes with a won referral only."),
    ({"status": "won", "amount": "100", "currency": "EURO"}, "currency", "Give a currency code such as EUR or PEN"),
    ({"status": "won", "amount": "100", "currency": "E1"}, "currency", "Give a currency code such as EUR or PEN"),
    ({"status": "signed"}, "status", "Choose given, contacted, in progress, won or lost."),
])
def test_bad_follow_up_shows_a_form_error_and_changes_nothing(app, db, referral, receiver, data, field, message):
    web = client_for(app, receiver)
    response = submit(web, f"/referrals/{referral.id}", {"currency": "EUR", **data})
    page = text(response)
    assert response.status_code == 200 and message in page
    assert f'id="{field}-error"' in page or (field == "status" and 'class="field-error"' in page)
    db.session.refresh(referral)
    assert (referral.status, referral.amount, referral.currency) == ("given", None, None)


def test_giver_gets_no_form_and_a_forged_post_is_refused(app, db, referral, giver):
    web = client_for(app, giver)
    page = text(web.get(f"/referrals/{referral.id}"))
    assert 'name="status"' not in page and "Paul Toiture follows this referral up." in page
    forged = web.post(f"/referrals/{referral.id}", data={"csrf_token": csrf_from(page), "status": "won",
                                                         "amount": "99999", "currency": "EUR"})
    assert forged.status_code == 403
    bad_choice = web.post(f"/referrals/{referral.id}", data={"csrf_token": csrf_from(page), "status": "won",
                                                             "amount": "x" * 40})
    assert bad_choice.status_code == 403
    db.session.refresh(referral)
    assert (referral.status, referral.amount) == ("given", None)


def test_third_member_and_officer_find_no_prospect_detail_anywhere(app, db, club, referral, giver, receiver, third,
                                                                    president):
    """Every GET page a member or an officer of the same club can open: no prospect name, email, phone, description."""
    receiver_web = client_for(app, receiver)
    submit(receiver_web, f"/referrals/{referral.id}", {"status": "won", "amount": "900", "currency": "EUR"})
    one_to_one = submit(client_for(app, giver), "/one-to-ones/new", {
        "club_id": str(club.id), "with_user_id": str(receiver.id), "met_on": "2026-01-15",
        "notes": "Réfection de la toiture discutée"})
    assert one_to_one.status_code in (200, 302)
    for outsider in (third, president):
        web = client_for(app, outsider)
        assert web.get(f"/referrals/{referral.id}").status_code == 404
        page = text(web.get("/referrals"))
        assert web.post(f"/referrals/{referral.id}", data={"csrf_token": csrf_from(page),
                                                           "status": "lost"}).status_code == 404
        bodies = [page, text(web.get("/referrals?tab=received"))]
        swept = 0
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.arguments - {"club_id", "referral_id", "user_id"}:
                continue
            if rule.rule.startswith(("/api/", "/static")):
                continue
            url = rule.rule.replace("<int:club_id>", str(club.id)).replace("<int:referral_id>", str(referral.id)) \
                .replace("<int:user_id>", str(giver.id))
            response = web.get(url, query_string={"to": receiver.id, "club_id": club.id, "tab": "received"})
            assert response.status_code < 500, url
            bodies.append(response.get_data(as_text=True))
            swept += 1
        assert swept >= 10
        for body in bodies:
            for secret in SECRETS:
                assert secret not in unescape(body), (outsider.name, secret, body[:300])
    db.session.refresh(referral)
    assert referral.status == "won"


# One-to-ones

def test_log_a_one_to_one_through_the_form(app, db, club, giver, receiver, third):
    web = client_for(app, giver)
    page = text(web.get(f"/one-to-ones/new?with={receiver.id}"))
    assert re.search(rf'<option[^>]* selected value="{receiver.id}"', page)
    bad = text(submit(web, "/one-to-ones/new", {"club_id": str(club.id), "with_user_id": str(giver.id),
                                                 "met_on": "2026-01-15"}))
    assert "A one-to-one takes two members." in bad
    far = text(submit(web, "/one-to-ones/new", {"club_id": str(club.id), "with_user_id": str(receiver.id),
                                                 "met_on": "1999-01-15"}))
    assert 'id="met_on-error"' in far and "Give a date within a year of today." in far
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OneToOne)) == 0
    from datetime import date

    today = date.today().isoformat()
    done = submit(web, "/one-to-ones/new", {"club_id": str(club.id), "with_user_id": str(receiver.id),
                                             "met_on": today, "notes": "Café au Grand Café"})
    assert done.status_code == 302 and done.location.endswith("/referrals#one-to-ones")
    assert "Your one-to-one with Paul Toiture is logged." in text(web.get("/referrals"))
    other_side = text(client_for(app, receiver).get("/referrals"))
    assert "Julien Bardet" in other_side and "Café au Grand Café" in other_side
    assert "Café au Grand Café" not in text(client_for(app, third).get("/referrals"))


# Scorecards and CSV

def test_scorecards_for_officers_and_members(app, db, club, referral, giver, receiver, third, president):
    officer_page = client_for(app, president).get(f"/clubs/{club.id}/scorecards")
    page = text(officer_page)
    assert officer_page.status_code == 200
    for name in ("Julien Bardet", "Paul Toiture", "Nina Curieuse"):
        assert name in page
    assert f"/clubs/{club.id}/referrals.csv" in page
    assert re.search(r'class="light light-(green|amber|red|grey)"><span class="light-dot" aria-hidden="true">'
                     r"</span>(Green|Amber|Red|Grey)</span>", page)  # a word, not colour alone
    member = client_for(app, third)
    own = text(member.get(f"/clubs/{club.id}/scorecards"))
    assert "My scorecard" in own and "Julien Bardet" not in own and "Paul Toiture" not in own
    assert "referrals.csv" not in own
    assert member.get(f"/clubs/{club.id}/referrals.csv").status_code == 403
    outsider = client_for(app, factories.MembershipFactory(club=factories.club_with()).user)
    assert outsider.get(f"/clubs/{club.id}/scorecards").status_code == 404
    assert outsider.get(f"/clubs/{club.id}/scorecards/me").status_code == 404
    assert outsider.get(f"/clubs/{club.id}/referrals.csv").status_code == 404


def test_my_card_draws_the_charts(app, db, club, referral, giver):
    page = text(client_for(app, giver).get(f"/clubs/{club.id}/scorecards/me"))
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert '<title>Referrals given and received per month</title>' in page
    assert '<title>Business closed thanks to my referrals (TYFCB), cumulated</title>' in page
    assert re.search(r"<title>\w+\.?: 1 given</title>", page)
    assert "See the figures" in page and "<script" not in page.split("</main>")[0].split("<main")[1]


def test_csv_export_has_no_contact_details(app, db, club, referral, receiver, president):
    submit(client_for(app, receiver), f"/referrals/{referral.id}", {"status": "won", "amount": "900", "currency": ""})
    web = client_for(app, president)
    response = web.get(f"/clubs/{club.id}/referrals.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff") and "Julien Bardet" in body and "Paul Toiture" in body and "900.00" in body
    for secret in SECRETS:
        assert secret not in body


def test_referrals_are_in_the_nav_and_scorecards_on_the_club_page(app, club, giver):
    web = client_for(app, giver)
    assert '<a href="/referrals"' in text(web.get("/dashboard"))
    assert f'href="/clubs/{club.id}/scorecards"' in text(web.get(f"/clubs/{club.id}"))
    empty = text(web.get("/referrals"))
    assert "You have not given a referral yet." in empty
    assert "No referral received yet." in text(web.get("/referrals?tab=received"))
