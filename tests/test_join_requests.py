"""One pending join request per user and club: simultaneous requests, and the migration that cleans stored twins."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from clubapp.models import Club, JoinRequest, User
from clubapp.services import membership
from clubapp.services.errors import Conflict
from tests import concurrency, factories
from tests.conftest import commit

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")
REVISION = "0006_pending_join_unique"


def test_upgrade_keeps_the_oldest_pending_request_and_then_refuses_twins(app, db):
    alice, bob = factories.UserFactory(), factories.UserFactory()
    club = factories.club_with(visibility="public")
    ids = {"alice": alice.id, "bob": bob.id, "club": club.id}
    db.session.commit()
    db.session.close()
    before = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config(MIGRATIONS)) \
        .get_revision(REVISION).down_revision
    downgrade(directory=MIGRATIONS, revision=before)
    try:
        first = datetime(2030, 5, 6, 7, 30, tzinfo=UTC)
        rows = [  # (user, status, created_at): three pending twins of Alice, one of Bob, decided ones
            ("alice", "pending", first + timedelta(minutes=2)), ("alice", "pending", first),
            ("alice", "pending", first + timedelta(minutes=1)), ("alice", "refused", first - timedelta(days=1)),
            ("bob", "pending", first), ("bob", "approved", first - timedelta(days=2)),
        ]
        with db.engine.begin() as conn:
            for who, status, at in rows:
                conn.execute(JoinRequest.__table__.insert().values(
                    club_id=ids["club"], user_id=ids[who], status=status, created_at=at, message=f"{who} {at:%M}"))
    finally:
        upgrade(directory=MIGRATIONS)
    kept = db.session.execute(sa.select(JoinRequest.user_id, JoinRequest.status, JoinRequest.message)
                              .order_by(JoinRequest.user_id, JoinRequest.status)).all()
    assert sorted(kept) == sorted([
        (ids["alice"], "pending", "alice 30"), (ids["alice"], "refused", "alice 30"),
        (ids["bob"], "approved", "bob 30"), (ids["bob"], "pending", "bob 30")])
    with pytest.raises(IntegrityError):
        db.session.add(JoinRequest(club_id=ids["club"], user_id=ids["bob"], status="pending"))
        db.session.commit()
    db.session.rollback()
    db.session.add(JoinRequest(club_id=ids["club"], user_id=ids["bob"], status="refused"))
    db.session.commit()  # decided requests may repeat


@pytest.mark.slow
def test_simultaneous_join_requests_by_one_user_make_one_request(app, db):
    pairs = []
    for _ in range(10):
        club = factories.club_with(visibility="public")
        pairs.append((factories.UserFactory().id, club.id))

    def ask(user_id: int, club_id: int, go) -> str:
        with app.test_request_context():
            user, club = db.session.get(User, user_id), db.session.get(Club, club_id)
            go()
            try:
                membership.request_to_join(user, club, message="Bonjour")
                commit()  # the thread is the edge of its unit of work
            except Conflict as error:
                return error.code or "conflict"
            return "sent"

    for user_id, club_id in pairs:
        outcomes = concurrency.all_at_once([lambda go, u=user_id, c=club_id: ask(u, c, go)] * 3)
        assert sorted(outcomes) == ["already_requested", "already_requested", "sent"], outcomes
    db.session.rollback()
    pending = db.session.execute(sa.select(JoinRequest.user_id, JoinRequest.club_id).where(
        JoinRequest.status == "pending")).all()
    assert sorted(pending) == sorted(pairs)
