"""A confirmed seat that disappears (account erased, member removed, member leaving) goes at once to the waitlist."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clubapp.models import AttendanceRecord, Role, Rsvp
from clubapp.services import meetings, membership, privacy, rsvp
from tests import factories
from tests.conftest import TEST_PASSWORD, commit
from tests.test_rsvp import members, soon, weekly

WAYS = {
    "leaves": lambda president, club, gone: membership.remove_member(gone, club, gone.id),
    "is removed": lambda president, club, gone: membership.remove_member(president, club, gone.id),
    "erases the account": lambda president, club, gone: privacy.delete_account(gone, TEST_PASSWORD),
}


@pytest.fixture
def president(db):
    return factories.UserFactory(name="Camille Perrin")


@pytest.fixture
def club(president):
    return factories.club_with(president=president, name="BNI Vichy Avenir")


def _ids(app, president, club):
    """A weekly series with capacity 1 that started 20 days ago: one past meeting and two coming ones."""
    start = soon(-20)
    series, past = weekly(app, president, club, start, capacity=1)
    first = meetings.get_occurrence(past, president).original_date
    coming = [meetings.occurrence_id(series.id, first + timedelta(days=days)) for days in (21, 28)]
    return start, past, coming


@pytest.mark.parametrize("way", WAYS)
def test_a_vanished_seat_goes_to_the_first_waitlisted_member(app, db, president, club, way):
    start, past, coming = _ids(app, president, club)
    gone, second, third = members(club, 3)
    with app.test_request_context():
        rsvp.answer(gone, past, "yes", now=start - timedelta(days=1))
        commit()
        occurrence = meetings.get_occurrence(past, president)
        db.session.add(AttendanceRecord(series_id=occurrence.series.id, original_date=occurrence.original_date,
                                        user_id=gone.id, status="present"))
        db.session.commit()
        for meeting in coming:
            assert rsvp.answer(gone, meeting, "yes").status == "confirmed"
            commit()
            assert rsvp.answer(second, meeting, "yes").status == "waitlisted"
            commit()
        assert rsvp.answer(third, coming[0], "yes").waitlist_position == 2
        commit()
        gone_id = gone.id

        WAYS[way](president, club, gone)
        commit()

        for meeting in coming:
            answers = rsvp.answers(meetings.get_occurrence(meeting, president))
            assert [a.rsvp.user_id for a in answers if a.status == "confirmed"] == [second.id]
            assert gone_id not in [a.rsvp.user_id for a in answers]
        third_answer = rsvp.answer_of(third, meetings.get_occurrence(coming[0], president))
        assert (third_answer.status, third_answer.waitlist_position) == ("waitlisted", 1)
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceRecord).where(
        AttendanceRecord.user_id == gone_id))
    past_answers = db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.user_id == gone_id))
    if way == "erases the account":
        assert (kept, past_answers) == (0, 0)  # erasure leaves nothing behind
    else:
        assert (kept, past_answers) == (1, 1)  # the past stays: attendance and the answer to the past meeting


def test_leaving_keeps_answers_to_network_sessions_one_may_still_attend(app, db, president, club):
    network = factories.NetworkFactory()
    club.network_id = network.id
    other = factories.club_with(network_id=network.id)
    db.session.commit()
    _series, meeting = weekly(app, president, club, soon(), open_to_network=True)
    gone = members(club, 1)[0]
    factories.MembershipFactory(club=other, user=gone)
    other_president = factories.MembershipFactory(club=other, role=Role.PRESIDENT).user
    with app.test_request_context():
        rsvp.answer(gone, meeting, "yes")
        commit()
        membership.remove_member(gone, club, gone.id)  # still in the network through the other club
        commit()
        assert rsvp.answer_of(gone, meetings.get_occurrence(meeting, president)).status == "confirmed"
        membership.remove_member(other_president, other, gone.id)  # now outside: the answer goes
        commit()
        assert rsvp.answer_of(gone, meetings.get_occurrence(meeting, president)) is None


def test_leaving_drops_the_answer_to_a_past_date_moved_to_the_future(app, db, president, club):
    _start, past, _coming = _ids(app, president, club)
    gone = members(club, 1)[0]
    later = soon(5)
    with app.test_request_context():
        meetings.update_occurrence(president, past, {"starts_at": later.isoformat(),
                                                     "ends_at": (later + timedelta(hours=1)).isoformat()})
        commit()
        rsvp.answer(gone, past, "yes")
        commit()
        membership.remove_member(gone, club, gone.id)
        commit()
        assert rsvp.answers(meetings.get_occurrence(past, president)) == []
