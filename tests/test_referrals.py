"""Referrals, TYFCB, one-to-ones, scorecards: rules, privacy and the API."""
from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clubapp.core.scoring import Scorecard, score
from clubapp.models import Referral, Role
from clubapp.models.base import utcnow
from tests import factories
from tests.conftest import bearer

PROSPECT = {"prospect_name": "Hôtel des Thermes", "prospect_email": "direction@hotel-thermes.example",
            "prospect_phone": "04 70 98 76 54", "description": "Réfection de la toiture avant l'été",
            "temperature": 4, "kind": "external"}


@pytest.fixture
def club(db):
    return factories.club_with(name="BNI Vichy Avenir")


@pytest.fixture
def trio(club):
    giver = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Julien Bardet")).user
    receiver = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Paul Toiture")).user
    third = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Nina Curieuse")).user
    return giver, receiver, third


def give(client, giver, club, receiver, **extra):
    return client.post("/api/v1/referrals", headers=bearer(giver),
                       json={"club_id": str(club.id), "to_user_id": str(receiver.id), **PROSPECT, **extra})


def test_give_follow_up_and_tyfcb(client, club, trio, db):
    giver, receiver, _third = trio
    created = give(client, giver, club, receiver)
    assert created.status_code == 201 and created.json["status"] == "given"
    rid = created.json["id"]
    received = client.get("/api/v1/referrals?direction=received", headers=bearer(receiver)).json["items"]
    assert [r["id"] for r in received] == [rid] and received[0]["prospect_phone"] == "04 70 98 76 54"
    for status in ("contacted", "in_progress"):
        step = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json={"status": status})
        assert step.status_code == 200 and step.json["status"] == status
    won = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver),
                       json={"status": "won", "amount": "12500,50"})
    assert won.json["amount"] == 12500.5 and won.json["currency"] == "EUR"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"status": "won", "amount": -1}, 422, "amount"),
    ({"status": "won", "amount": "beaucoup"}, 422, "amount"),
    ({"status": "contacted", "amount": 100}, 422, "amount"),
    ({"status": "won", "amount": 100, "currency": "EURO"}, 422, "currency"),
    ({"status": "signed"}, 422, "status"),
])
def test_bad_follow_up(client, club, trio, body, status, field):
    giver, receiver, _third = trio
    rid = give(client, giver, club, receiver).json["id"]
    response = client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json=body)
    assert response.status_code == status and field in response.json["error"]["fields"]


def test_giver_cannot_change_status_and_others_get_404(client, club, trio):
    giver, receiver, third = trio
    rid = give(client, giver, club, receiver).json["id"]
    assert client.patch(f"/api/v1/referrals/{rid}", headers=bearer(giver), json={"status": "won"}).status_code == 403
    assert client.get(f"/api/v1/referrals/{rid}", headers=bearer(third)).status_code == 404
    assert client.patch(f"/api/v1/referrals/{rid}", headers=bearer(third), json={"status": "lost"}).status_code == 404


def test_referral_to_oneself_or_without_shared_club(client, club, trio):
    giver, _receiver, _third = trio
    stranger = factories.MembershipFactory(club=factories.club_with()).user
    myself = give(client, giver, club, giver)
    assert myself.status_code == 422 and "to_user_id" in myself.json["error"]["fields"]
    apart = give(client, giver, club, stranger)
    assert apart.status_code == 403 and apart.json["error"]["code"] == "no_shared_club"
    bad_temperature = give(client, giver, club, _receiver, temperature=9)
    assert bad_temperature.status_code == 422 and "temperature" in bad_temperature.json["error"]["fields"]


def test_third_member_cannot_read_or_infer_contact_details(app, client, club, trio, db):
    """Neither a plain member nor an officer sees a prospect's contact anywhere."""
    giver, receiver, third = trio
    officer = factories.MembershipFactory(club=club, role=Role.VICE_PRESIDENT).user
    rid = give(client, giver, club, receiver).json["id"]
    client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json={"status": "won", "amount": 900})
    secrets = ("Hôtel des Thermes", "hotel-thermes", "98 76 54", "Réfection de la toiture")
    for outsider in (third, officer):
        headers = bearer(outsider)
        bodies = [
            client.get(f"/api/v1/referrals/{rid}", headers=headers).get_data(as_text=True),
            client.get("/api/v1/referrals", headers=headers).get_data(as_text=True),
            client.get(f"/api/v1/clubs/{club.id}/scorecards", headers=headers).get_data(as_text=True),
            client.get(f"/api/v1/clubs/{club.id}/reports/palms", headers=headers).get_data(as_text=True),
            client.get(f"/api/v1/clubs/{club.id}/referrals/export", headers=headers).get_data(as_text=True),
            client.get("/api/v1/me/export", headers=headers).get_data(as_text=True),
        ]
        from tests.conftest import log_in

        web = app.test_client()
        log_in(web, outsider.email)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.arguments - {"club_id", "referral_id", "user_id"}:
                continue
            if rule.rule.startswith(("/api/", "/static")):
                continue
            url = rule.rule.replace("<int:club_id>", str(club.id)).replace("<int:referral_id>", str(rid)) \
                .replace("<referral_id>", str(rid)).replace("<int:user_id>", str(giver.id))
            bodies.append(web.get(url).get_data(as_text=True))
        for body in bodies:
            for secret in secrets:
                assert secret not in body and json.dumps(secret)[1:-1] not in body, (secret, body[:300])
    # the officer still sees the counts and the amount
    export = client.get(f"/api/v1/clubs/{club.id}/referrals/export", headers=bearer(officer))
    assert export.status_code == 200 and "900.00" in export.get_data(as_text=True)


def test_one_to_one_credits_both(client, club, trio):
    giver, receiver, third = trio
    logged = client.post("/api/v1/one-to-ones", headers=bearer(giver),
                         json={"club_id": str(club.id), "with_user_id": str(receiver.id),
                               "date": date.today().isoformat(), "notes": "Café au Grand Café"})
    assert logged.status_code == 201
    assert [o["notes"] for o in client.get("/api/v1/one-to-ones", headers=bearer(receiver)).json] == [
        "Café au Grand Café"]
    assert client.get("/api/v1/one-to-ones", headers=bearer(third)).json == []
    alone = client.post("/api/v1/one-to-ones", headers=bearer(giver),
                        json={"club_id": str(club.id), "with_user_id": str(giver.id), "date": "2026-11-20"})
    assert alone.status_code == 422


def test_scorecards_officers_see_all_members_see_themselves(client, club, trio, db):
    giver, receiver, third = trio
    president = db.session.scalar(sa.select(Referral.giver_id))  # None: no referral yet
    assert president is None
    for _ in range(3):
        give(client, giver, club, receiver)
    president_user = [m.user for m in club.memberships if m.role is Role.PRESIDENT][0]
    cards = client.get(f"/api/v1/clubs/{club.id}/scorecards", headers=bearer(president_user)).json
    assert {c["name"] for c in cards} >= {"Julien Bardet", "Paul Toiture", "Nina Curieuse"}
    julien = next(c for c in cards if c["name"] == "Julien Bardet")
    assert julien["referrals_given"] == 3 and julien["light"] in ("green", "amber", "red", "grey")
    own = client.get(f"/api/v1/clubs/{club.id}/scorecards", headers=bearer(third)).json
    assert [c["name"] for c in own] == ["Nina Curieuse"]


@pytest.mark.parametrize(("card", "light"), [
    (Scorecard(1, "A", absences=0, referrals_given=33, visitors=5, one_to_ones=26, tyfcb_given=60000), "green"),
    (Scorecard(1, "B", absences=1, referrals_given=20, visitors=2, one_to_ones=13, tyfcb_given=0), "amber"),
    (Scorecard(1, "C", absences=2, referrals_given=13, visitors=1, one_to_ones=13, tyfcb_given=0), "red"),
    (Scorecard(1, "D", absences=6, referrals_given=0, visitors=0, one_to_ones=0, tyfcb_given=0), "grey"),
])
def test_traffic_light_table(card, light):
    assert score(card).light == light


def club_today(club) -> date:  # type: ignore[no-untyped-def]

    return utcnow().astimezone(ZoneInfo(club.timezone)).date()


def test_palms_report_gains_referral_columns(client, club, trio, db):
    giver, receiver, _third = trio
    rid = give(client, giver, club, receiver).json["id"]
    client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver), json={"status": "won", "amount": 1500})
    client.post("/api/v1/one-to-ones", headers=bearer(giver),
                json={"club_id": str(club.id), "with_user_id": str(receiver.id), "date": club_today(club).isoformat()})
    president = [m.user for m in club.memberships if m.role is Role.PRESIDENT][0]
    today = club_today(club)  # the report's days are the club's: at 23:30 UTC it is already tomorrow in Paris
    rows = client.get(f"/api/v1/clubs/{club.id}/reports/palms?from={today - timedelta(days=30)}&to={today}",
                      headers=bearer(president)).json
    line = next(r for r in rows if r["user_id"] == str(giver.id))
    assert (line["referrals_given"], line["one_to_ones"], line["tyfcb_given_total"]) == (1, 1, 1500.0)
    other = next(r for r in rows if r["user_id"] == str(receiver.id))
    assert (other["referrals_received"], other["one_to_ones"]) == (1, 1)


def test_deleting_the_giver_anonymises_the_referral(client, club, trio, db):
    giver, receiver, _third = trio
    from tests.conftest import TEST_PASSWORD

    rid = give(client, giver, club, receiver).json["id"]
    assert client.delete("/api/v1/me", headers=bearer(giver), json={"password": TEST_PASSWORD}).status_code == 204
    kept = client.get(f"/api/v1/referrals/{rid}", headers=bearer(receiver)).json
    assert kept["giver_id"] is None and kept["giver_name"] is None and kept["prospect_name"] == "Hôtel des Thermes"


def test_tyfcb_counts_in_the_clubs_own_currency(client, club, trio):
    """A circle in Lima closes business in soles: its scorecards count PEN, not a mix of currencies."""
    giver, receiver, _third = trio
    president = [m.user for m in club.memberships if m.role is Role.PRESIDENT][0]
    assert client.patch(f"/api/v1/clubs/{club.id}", headers=bearer(president),
                        json={"currency": "PEN"}).json["currency"] == "PEN"
    for amount, currency in ((30000, "PEN"), (25000, "PEN"), (99, "USD")):
        rid = give(client, giver, club, receiver).json["id"]
        client.patch(f"/api/v1/referrals/{rid}", headers=bearer(receiver),
                     json={"status": "won", "amount": amount, "currency": currency})
    cards = client.get(f"/api/v1/clubs/{club.id}/scorecards", headers=bearer(president)).json
    card = next(c for c in cards if c["user_id"] == str(giver.id))
    assert (card["tyfcb_given"], card["currency"]) == (55000.0, "PEN")
    assert card["tyfcb_other"] == [{"currency": "USD", "amount": "99.00"}]
    export = client.get(f"/api/v1/clubs/{club.id}/referrals/export", headers=bearer(president))
    assert "Outside the club" in export.get_data(as_text=True) and ",won," not in export.get_data(as_text=True)
