"""200 members answer yes at the same moment through gunicorn (4 workers): capacity 20 holds exactly."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clubapp.models import Rsvp
from clubapp.models.base import utcnow
from clubapp.services import accounts, meetings
from tests import concurrency, factories
from tests.conftest import commit

gunicorn = concurrency.gunicorn

MEMBERS, CAPACITY = 200, 20


@pytest.mark.slow
def test_two_hundred_simultaneous_yes_give_exactly_twenty_seats(app, db, gunicorn):
    president = factories.UserFactory()
    club = factories.club_with(president=president)
    start = (utcnow() + timedelta(days=2)).astimezone(meetings.ZoneInfo(club.timezone)).replace(second=0,
                                                                                                 microsecond=0)
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion", "start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
            "duration_minutes": 60, "rrule": None, "capacity": CAPACITY})
    meeting = meetings.occurrence_id(series.id, start.date())
    tokens = []
    for _ in range(MEMBERS):
        member = factories.MembershipFactory(club=club).user
        tokens.append(accounts.create_api_token(member, "load").secret)
    commit()  # the tokens, for the server

    results = concurrency.all_at_once([
        lambda go, token=token: concurrency.api(gunicorn, "PUT", f"/api/v1/meetings/{meeting}/rsvp", token,
                                                {"response": "yes"}, ready=go)
        for token in tokens])

    assert [status for status, _body in results] == [200] * MEMBERS, [b for s, b in results if s != 200][:3]
    statuses = [body["status"] for _status, body in results]
    assert statuses.count("confirmed") == CAPACITY and statuses.count("waitlisted") == MEMBERS - CAPACITY
    positions = sorted(body["waitlist_position"] for _s, body in results if body["status"] == "waitlisted")
    assert positions == list(range(1, MEMBERS - CAPACITY + 1))
    db.session.rollback()
    stored = db.session.execute(sa.select(Rsvp.status, sa.func.count()).group_by(Rsvp.status)).all()
    assert dict(stored) == {"confirmed": CAPACITY, "waitlisted": MEMBERS - CAPACITY}
