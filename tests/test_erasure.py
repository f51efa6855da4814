"""Erasure leaves no personal data of the erased user anywhere in the database (read directly)."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from clubapp.core.secrets import digest, new_token
from clubapp.extensions import db as _db
from clubapp.models import Invitation, MeetingSeries, Referral, Rsvp, Visitor
from clubapp.services import membership, privacy, referrals
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, commit

EMAIL = "zephyrin@efface.fr"
NAME = "Zéphyrin Effaçable"
PROSPECT = {"prospect_name": "Prospecta Confidentielle", "prospect_email": "prospecta@secret.fr",
            "prospect_phone": "+33 4 70 99 99 99", "description": "Cherche un couvreur pour l'entrepôt Quixotique"}


def _texts_holding(needles: list[str]) -> list[str]:
    """Every (table.column: value) of a text column that contains one of ``needles``, case-insensitively."""
    found = []
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            for column in columns:
                for needle in needles:
                    hits = conn.execute(sa.select(column).where(
                        sa.func.lower(column).contains(needle.lower(), autoescape=True))).scalars().all()
                    found += [f"{table.name}.{column.name}: {value}" for value in hits]
    return found


def test_erasure_leaves_no_email_name_or_orphan_prospect_behind(app, client, db, user):
    zephyrin = factories.UserFactory(email=EMAIL, name=NAME, business_name="Toitures Effaçables",
                                     phone="+33470555555", city="Vichy")
    partner = factories.UserFactory()
    club = factories.club_with(president=user, name="BNI Vichy Avenir")
    other = factories.club_with(president=user, visibility="public")
    factories.MembershipFactory(club=club, user=partner)
    # He joined through an invitation (used), another one is still pending, and one was withdrawn.
    invited, token, _mailed = membership.invite(user, club, EMAIL)
    membership.accept_invitation(zephyrin, token)
    membership.invite(user, other, EMAIL)
    withdrawn, _token, _mailed = membership.invite(user, factories.club_with(president=user), EMAIL)
    membership.revoke_invitation(user, withdrawn.club, withdrawn.id)
    # Referrals both ways with a partner who erases their account first, and one with a member who stays.
    both_gone = referrals.give(zephyrin, {"club_id": club.id, "to_user_id": partner.id, "temperature": 4,
                                          "kind": "internal", **PROSPECT})
    received = referrals.give(partner, {"club_id": club.id, "to_user_id": zephyrin.id, "temperature": 3,
                                        "kind": "internal", **PROSPECT, "prospect_name": "Autre Prospect"})
    kept = referrals.give(user, {"club_id": club.id, "to_user_id": zephyrin.id, "temperature": 2,
                                 "kind": "internal", "prospect_name": "Client Gardé", "description": "Reste"})
    # Meeting traces: an answer with a comment, and a visit made before he joined, invited by the president.
    series = MeetingSeries(club_id=club.id, timezone="Europe/Paris", start_date=date(2026, 1, 8), video_room="r1")
    db.session.add(series)
    db.session.flush()
    db.session.add(Rsvp(series_id=series.id, original_date=series.start_date, user_id=zephyrin.id, response="yes",
                        status="confirmed", substitute_name=f"{NAME} junior", comment=f"signé {NAME}"))
    db.session.add(Visitor(series_id=series.id, original_date=series.start_date - timedelta(days=7),
                           invited_by_id=user.id, name=NAME, email=EMAIL, company="Toitures Effaçables",
                           token_hash=digest(new_token())))
    db.session.commit()
    bearer(zephyrin)
    ids = {"both_gone": both_gone.id, "received": received.id, "kept": kept.id, "invited": invited.id}

    privacy.delete_account(partner, TEST_PASSWORD)
    commit()
    privacy.delete_account(zephyrin, TEST_PASSWORD)
    commit()
    db.session.expire_all()

    assert _texts_holding([EMAIL, NAME, "Effaçable", "+33470555555"]) == []
    assert _texts_holding(["Prospecta", "prospecta@secret.fr", "99 99 99", "Quixotique", "Autre Prospect"]) == []
    for key in ("both_gone", "received"):
        orphan = db.session.get(Referral, ids[key])
        assert orphan is not None and orphan.giver_id is None and orphan.receiver_id is None
        assert (orphan.prospect_email, orphan.prospect_phone) == (None, None)
    kept_row = db.session.get(Referral, ids["kept"])
    assert kept_row.prospect_name == "Client Gardé" and kept_row.giver_id == user.id  # still the giver's
    assert db.session.get(Invitation, ids["invited"]) is None
    visitor = db.session.scalar(sa.select(Visitor))
    assert visitor is not None and visitor.invited_by_id == user.id  # the president keeps the visitor's credit


def test_erasure_through_the_api_also_clears_used_invitations(client, db, user):
    club = factories.club_with(president=user)
    invitee = factories.UserFactory(email=EMAIL, name=NAME)
    _invitation, token, _mailed = membership.invite(user, club, EMAIL)
    membership.accept_invitation(invitee, token)
    response = client.delete("/api/v1/me", headers=bearer(invitee), json={"password": TEST_PASSWORD})
    assert response.status_code == 204
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert _texts_holding([EMAIL, NAME]) == []
