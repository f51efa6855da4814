"""Money by currency: ISO codes, the club's reporting currency, no total across currencies, French formats."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa

from clubapp.core import csvout, money
from clubapp.models import Club, Referral, ReferralEvent, Role
from clubapp.models.base import utcnow
from tests import factories
from tests.conftest import bearer, log_in, submit

PROSPECT = {"prospect_name": "Hôtel des Thermes", "description": "Toiture", "temperature": 4, "kind": "external"}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(("typed", "locale", "expected"), [
    ("12 500,50", "fr", "12500.50"), ("12500,50", "fr", "12500.50"), ("12500.50", "fr", "12500.50"),
    ("12\u202f500,50", "fr", "12500.50"), ("12 500,50", "en", "12500.50"), ("12500,50", "en", "12500.50"),
    ("12500.50", "en", "12500.50"), ("12,500.50", "en", "12500.50"), ("8400", "fr", "8400"),
])
def test_amounts_read_as_people_type_them(typed, locale, expected):
    assert money.parse_amount(typed, locale) == Decimal(expected)


@pytest.mark.parametrize("typed", ["beaucoup", "1,2,3", "12 50,0", "12.500.50", "1e5", "--3"])
def test_unreadable_amounts_are_refused(typed):
    assert money.parse_amount(typed, "fr") is None


def test_currencies_come_from_babel_and_follow_the_time_zone():
    assert money.is_currency("PEN") and not money.is_currency("XYZ") and not money.is_currency("eur")
    assert money.currency_for_zone("America/Lima") == "PEN"
    assert money.currency_for_zone("Europe/Paris") == "EUR"
    assert money.currency_for_zone("UTC") == "EUR" and money.currency_for_zone("Nowhere/Atlantis") == "EUR"


def test_csv_writes_decimals_as_the_language_reads_numbers():
    french = csvout.write(["Montant"], [[Decimal("18400.00")], [Decimal("-3.5")]], "fr").decode("utf-8-sig")
    english = csvout.write(["Amount"], [[Decimal("18400.00")]], "en").decode("utf-8-sig")
    assert french.splitlines() == ["Montant", "18400,00", "-3,5"] and english.splitlines() == ["Amount", "18400.00"]


@pytest.fixture
def lima(db):  # type: ignore[no-untyped-def]
    club = factories.club_with(name="Cercle de Lima", timezone="America/Lima")
    giver = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Rosa Quispe")).user
    receiver = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Jean Dupont")).user
    president = next(m.user for m in club.memberships if m.role is Role.PRESIDENT)
    giver.locale, receiver.locale, president.locale = "en", "fr", "fr"
    db.session.commit()
    return club, giver, receiver, president


def won(client, club, giver, receiver, **follow_up):  # type: ignore[no-untyped-def]
    rid = client.post("/api/v1/referrals", headers=bearer(giver),
                      json={"club_id": str(club.id), "to_user_id": str(receiver.id), **PROSPECT}).json["id"]
    answer = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json={"status": "won", **follow_up})
    assert answer.status_code == 200, answer.json
    return rid


def test_a_club_reports_in_its_countrys_currency_and_officers_change_it(client, lima, user):
    club, _giver, _receiver, president = lima
    assert club.currency == "PEN"
    made = client.post("/api/v1/clubs", headers=bearer(user),
                       json={"name": "Club de Paris", "timezone": "Europe/Paris"})
    assert made.json["currency"] == "EUR"
    bad = client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(president), json={"currency": "XYZ"})
    assert bad.status_code == 422 and "currency" in bad.json["error"]["fields"]
    assert client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(president),
                        json={"currency": "usd"}).json["currency"] == "USD"


def test_the_settings_form_sets_the_reporting_currency(app, db, lima):
    club, _giver, _receiver, president = lima
    web = app.test_client()
    log_in(web, president.email)
    page = web.get(f"/clubs/{club.id}/edit")
    assert 'name="currency"' in page.get_data(as_text=True)
    fields = {"name": club.name, "timezone": club.timezone, "visibility": "private", "network_id": "",
              "late_grace_minutes": "5", "absence_threshold": "3"}
    assert submit(web, f"/clubs/{club.id}/edit", {**fields, "currency": "EUR"}).status_code == 302
    db.session.refresh(club)
    assert club.currency == "EUR"
    refused = submit(web, f"/clubs/{club.id}/edit", {**fields, "currency": "XYZ"})
    assert refused.status_code == 200 and 'id="currency-error"' in refused.get_data(as_text=True)


def test_no_total_adds_two_currencies(app, client, lima):
    """7 700 EUR and 50 000 PEN: the PALMS report, its CSV, the API and the scorecards keep them apart."""
    club, giver, receiver, president = lima
    won(client, club, giver, receiver, amount=50000, currency="PEN")
    won(client, club, giver, receiver, amount="7700", currency="EUR")
    today = utcnow().date()
    period = f"from={today - timedelta(days=30)}&to={today + timedelta(days=1)}"
    rows = client.get(f"/api/v1/clubs/{club.id}/reports/palms?{period}", headers=bearer(president)).json
    line = next(r for r in rows if r["user_id"] == str(giver.id))
    assert line["tyfcb_given_total"] == 50000.0  # the club's currency only
    assert line["tyfcb_given"] == [{"currency": "EUR", "amount": "7700.00"}, {"currency": "PEN", "amount": "50000.00"}]
    body = client.get(f"/api/v1/clubs/{club.id}/reports/palms?{period}", headers={
        **bearer(president), "Accept": "text/csv"}).get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert table[0][-2:] == ["TYFCB donnés (PEN)", "TYFCB donnés (EUR)"]
    assert next(r for r in table if r[0] == "Rosa Quispe")[-2:] == ["50000,00", "7700,00"]
    assert "57700" not in body
    card = next(c for c in client.get(f"/api/v1/clubs/{club.id}/scorecards", headers=bearer(president)).json
                if c["user_id"] == str(giver.id))
    assert card["tyfcb_given"] == 50000.0 and card["tyfcb_other"] == [{"currency": "EUR", "amount": "7700.00"}]
    web = app.test_client()
    log_in(web, president.email)
    page = text(web.get(f"/clubs/{club.id}/reports?{period}"))
    assert "TYFCB donnés (PEN)" in page and "TYFCB donnés (EUR)" in page
    assert "7 700 €" in page and "50 000 PEN" in page and "57 700" not in page
    cards = text(web.get(f"/clubs/{club.id}/scorecards"))
    assert "50 000 PEN" in cards and "7 700 €" in cards and "57 700" not in cards


def test_won_without_an_amount_keeps_the_currency(client, lima, db):
    club, giver, receiver, _president = lima
    rid = won(client, club, giver, receiver, amount="50 000", currency="PEN")
    again = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json={"status": "won"})
    assert (again.json["amount"], again.json["currency"]) == (50000.0, "PEN")
    switched = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver),
                            json={"status": "won", "amount": "", "currency": "EUR"})
    assert switched.status_code == 422 and "amount" in switched.json["error"]["fields"]
    referral = db.session.get(Referral, int(rid))
    db.session.refresh(referral)
    assert (referral.amount, referral.currency) == (Decimal("50000.00"), "PEN")
    fresh = won(client, club, giver, receiver)  # won, no amount yet: no currency either
    assert client.get(f"/api/v1/referrals/{fresh}", headers=bearer(receiver)).json["currency"] is None
    xyz = client.patch(f"/api/v1/referrals/{fresh}", headers=bearer(receiver),
                       json={"status": "won", "amount": 10, "currency": "XYZ"})
    assert xyz.status_code == 422 and "currency" in xyz.json["error"]["fields"]


@pytest.mark.parametrize("typed", ["12 500,50", "12500,50", "12500.50"])
def test_the_amount_field_reads_french_and_english_formats(app, db, lima, typed):
    club, giver, receiver, _president = lima
    referral = Referral(club_id=club.id, giver_id=giver.id, receiver_id=receiver.id, prospect_name="Hôtel",
                        description="Toit", temperature=3, kind="external", status="given")
    db.session.add(referral)
    db.session.commit()
    web = app.test_client()
    log_in(web, receiver.email)
    page = f"/referrals/{referral.id}"
    response = submit(web, page, {"status": "won", "amount": typed, "currency": "EUR"})
    assert response.status_code == 302, text(response)
    db.session.refresh(referral)
    assert (referral.amount, referral.currency) == (Decimal("12500.50"), "EUR")
    assert "12 500,50 €" in text(web.get(page))
    refused = submit(web, page, {"status": "won", "amount": "12.500.50", "currency": "EUR"})
    assert refused.status_code == 200 and 'id="amount-error"' in refused.get_data(as_text=True)
    switched = submit(web, page, {"status": "won", "amount": "", "currency": "PEN"})
    assert switched.status_code == 200 and 'id="amount-error"' in switched.get_data(as_text=True)
    db.session.refresh(referral)
    assert (referral.amount, referral.currency) == (Decimal("12500.50"), "EUR")


def test_referrals_csv_in_french_has_decimal_commas(app, client, lima):
    club, giver, receiver, president = lima
    won(client, club, giver, receiver, amount="18400", currency="PEN")
    body = client.get(f"/api/v1/clubs/{club.id}/referrals/export", headers=bearer(president)).get_data(as_text=True)
    assert ";18400,00;PEN" in body


def test_every_status_change_is_kept_with_its_date_and_author(app, client, lima, db):
    club, giver, receiver, _president = lima
    rid = client.post("/api/v1/referrals", headers=bearer(giver),
                      json={"club_id": str(club.id), "to_user_id": str(receiver.id), **PROSPECT}).json["id"]
    for body in ({"status": "contacted"}, {"status": "won", "amount": "12 500,50", "currency": "PEN"}):
        assert client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json=body).status_code == 200
    events = db.session.scalars(sa.select(ReferralEvent).where(ReferralEvent.referral_id == int(rid))
                                .order_by(ReferralEvent.at, ReferralEvent.id)).all()
    assert [(e.status, e.actor_id, e.amount, e.currency) for e in events] == [
        ("given", giver.id, None, None), ("contacted", receiver.id, None, None),
        ("won", receiver.id, Decimal("12500.50"), "PEN")]
    assert events[0].at <= events[1].at <= events[2].at
    web = app.test_client()
    log_in(web, giver.email)
    page = text(web.get(f"/referrals/{rid}"))
    history = page[page.index('id="history-title"'):page.index('id="follow-up"') if 'id="follow-up"' in page else None]
    given, contacted, won_at = (history.index(s) for s in (
        "Given by Rosa Quispe", "Marked “Contacted” by Jean Dupont", "Marked won by Jean Dupont: PEN12,500.50"))
    assert given < contacted < won_at
    # The author's account goes, the step stays.
    db.session.delete(receiver)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.scalars(sa.select(ReferralEvent.actor_id).where(ReferralEvent.referral_id == int(rid))).all()
    assert kept == [giver.id, None, None]


def test_club_currency_column_defaults_from_the_zone(db):
    club = Club(name="Club de Bogotá", slug="bogota", timezone="America/Bogota")
    db.session.add(club)
    db.session.flush()
    assert club.currency == "COP"
