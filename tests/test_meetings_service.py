"""Meeting series, occurrences, closures: the service rules on a real database."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clubapp.models import Role
from clubapp.services import meetings
from clubapp.services.errors import Forbidden, Invalid, NotFound
from tests import factories
from tests.conftest import commit

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def president(db):
    return factories.UserFactory()


@pytest.fixture
def club(president):
    return factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris")


@pytest.fixture
def thursdays(app, president, club):
    with app.test_request_context():
        return meetings.create_series(president, club, {
            "title": "Réunion hebdomadaire", "start_date": "2026-11-26", "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH"})


def starts(occurrences):
    return [o.starts_at for o in occurrences]


def test_weekly_series_occurrences_and_stable_ids(app, thursdays, club):
    with app.test_request_context():
        got = meetings.club_meetings(club, utc(2026, 11, 1), utc(2027, 4, 10))
    assert got[0].id == f"s{thursdays.id}-20261126" and got[0].starts_at == utc(2026, 11, 26, 6, 30)
    assert got[-1].starts_at == utc(2027, 4, 8, 5, 30)  # 07:30 CEST after the spring change
    assert all(o.local_start().strftime("%H:%M") == "07:30" for o in got)
    assert got[0].video_url.startswith("https://meet.jit.si/Clubapp-")


def test_move_one_occurrence_keeps_its_id(app, thursdays, president):
    meeting_id = f"s{thursdays.id}-20261203"
    with app.test_request_context():
        moved = meetings.update_occurrence(president, meeting_id, {
            "starts_at": "2026-12-04T12:00:00+01:00", "title": "Déjeuner de Noël", "venue": "Golf de Montpensier"})
        commit()
        assert moved.id == meeting_id and moved.starts_at == utc(2026, 12, 4, 11, 0)
        assert moved.ends_at - moved.starts_at == timedelta(minutes=90)
        again = meetings.get_occurrence(meeting_id, president)
    assert again.title == "Déjeuner de Noël" and again.venue == "Golf de Montpensier"


def test_move_ending_before_start_is_refused(app, thursdays, president):
    with app.test_request_context(), pytest.raises(Invalid) as error:
        meetings.update_occurrence(president, f"s{thursdays.id}-20261203", {
            "starts_at": "2026-12-03T09:00:00+01:00", "ends_at": "2026-12-03T08:00:00+01:00"})
        commit()
    assert error.value.field == "ends_at"


def test_cancel_and_restore(app, thursdays, president, club):
    meeting_id = f"s{thursdays.id}-20261210"
    with app.test_request_context():
        meetings.update_occurrence(president, meeting_id, {"status": "cancelled"})
        commit()
        assert meetings.get_occurrence(meeting_id, president).is_cancelled
        meetings.update_occurrence(president, meeting_id, {"status": "scheduled"})
        commit()
        assert not meetings.get_occurrence(meeting_id, president).is_cancelled


def test_closure_cancels_every_occurrence_in_range_and_can_be_undone(app, thursdays, president, club):
    with app.test_request_context():
        closure = meetings.create_closure(president, club, "2026-12-21", "2027-01-03", "Fêtes de fin d'année")
        got = meetings.club_meetings(club, utc(2026, 12, 14), utc(2027, 1, 15))
        assert [(o.original_date, o.status) for o in got] == [
            (date(2026, 12, 17), "scheduled"), (date(2026, 12, 24), "cancelled"), (date(2026, 12, 31), "cancelled"),
            (date(2027, 1, 7), "scheduled"), (date(2027, 1, 14), "scheduled")]
        # one occurrence restored inside the closure wins over it
        meetings.update_occurrence(president, f"s{thursdays.id}-20261231", {"status": "scheduled"})
        commit()
        assert not meetings.get_occurrence(f"s{thursdays.id}-20261231", president).is_cancelled
        meetings.delete_closure(president, club, closure.id)
        assert not meetings.get_occurrence(f"s{thursdays.id}-20261224", president).is_cancelled


def test_closure_end_before_start_refused(app, president, club):
    with app.test_request_context(), pytest.raises(Invalid) as error:
        meetings.create_closure(president, club, "2027-01-03", "2026-12-21")
    assert error.value.field == "to"


def test_edit_from_date_changes_future_not_past_and_keeps_single_edits(app, thursdays, president, club):
    with app.test_request_context():
        meetings.update_occurrence(president, f"s{thursdays.id}-20270114", {"title": "Soirée visiteurs"})
        commit()
        meetings.update_series(president, thursdays, {"start_time": "08:00", "title": "Réunion BNI"},
                               from_date="2027-01-01", now=NOW)
        commit()
        got = meetings.club_meetings(club, utc(2026, 12, 20), utc(2027, 1, 22))
    assert [(o.original_date, o.local_start().strftime("%H:%M"), o.title) for o in got] == [
        (date(2026, 12, 24), "07:30", "Réunion hebdomadaire"),
        (date(2026, 12, 31), "07:30", "Réunion hebdomadaire"),
        (date(2027, 1, 7), "08:00", "Réunion BNI"),
        (date(2027, 1, 14), "08:00", "Soirée visiteurs"),
        (date(2027, 1, 21), "08:00", "Réunion BNI"),
    ]


def test_edit_cannot_reach_the_past(app, thursdays, president):
    with app.test_request_context(), pytest.raises(Invalid) as error:
        meetings.update_series(president, thursdays, {"title": "x"}, from_date="2026-11-01", now=NOW)
        commit()
    assert error.value.field == "from_date"


def test_end_series(app, thursdays, president, club):
    with app.test_request_context():
        meetings.update_series(president, thursdays, {"until": "2026-12-10"}, now=NOW)
        commit()
        got = meetings.club_meetings(club, utc(2026, 11, 1), utc(2027, 6, 1))
    assert [o.original_date for o in got] == [date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 10)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"rrule": "FREQ=YEARLY"}, "rrule"), ({"rrule": "FREQ=WEEKLY;BYHOUR=7"}, "rrule"),
    ({"timezone": "Mars/Base"}, "timezone"), ({"video_url": "http://zoom.us/j/1"}, "video_url"),
    ({"duration_minutes": 0}, "duration_minutes"), ({"duration_minutes": -30}, "duration_minutes"),
    ({"capacity": 0}, "capacity"), ({"start_date": "2026-11-27"}, "start_date"), ({"title": ""}, "title"),
    ({"start_time": "25:00"}, "start_time"), ({"open_to_network": True}, "open_to_network"),
])
def test_bad_series_input_names_the_field(app, president, club, changes, field):
    data = {"title": "Réunion", "start_date": "2026-11-26", "start_time": "07:30", "duration_minutes": 90,
            "rrule": "FREQ=WEEKLY;BYDAY=TH", **changes}
    with app.test_request_context(), pytest.raises(Invalid) as error:
        meetings.create_series(president, club, data)
    assert error.value.field == field


def test_unsupported_rrule_message_names_the_part(app, president, club):
    with app.test_request_context(), pytest.raises(Invalid) as error:
        meetings.create_series(president, club, {"title": "x", "start_date": "2026-11-26", "start_time": "07:30",
                                                  "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYSETPOS=2"})
    assert "BYSETPOS" in str(error.value.message)


def test_members_see_officers_edit_outsiders_get_404(app, thursdays, club):
    member = factories.MembershipFactory(club=club, role=Role.MEMBER).user
    outsider = factories.UserFactory()
    meeting_id = f"s{thursdays.id}-20261126"
    with app.test_request_context():
        assert meetings.get_occurrence(meeting_id, member).title == "Réunion hebdomadaire"
        with pytest.raises(Forbidden):
            meetings.update_occurrence(member, meeting_id, {"title": "hack"})
            commit()
        with pytest.raises(NotFound):
            meetings.get_occurrence(meeting_id, outsider)
        with pytest.raises(NotFound):
            meetings.get_occurrence(f"s{thursdays.id}-20261127", member)  # not a Thursday


def test_network_session_open_to_network_members(app, president, db):
    network = factories.NetworkFactory()
    host = factories.club_with(president=president, network=network)
    other_club = factories.club_with(network=network)
    neighbour = factories.MembershipFactory(club=other_club).user
    stranger = factories.UserFactory()
    with app.test_request_context():
        session = meetings.create_series(president, host, {
            "title": "Visio régionale", "start_date": "2026-11-24", "start_time": "12:00", "duration_minutes": 45,
            "rrule": "FREQ=WEEKLY;BYDAY=TU", "open_to_network": True})
        assert meetings.get_occurrence(f"s{session.id}-20261124", neighbour).title == "Visio régionale"
        assert [s.id for s in meetings.network_sessions_for(neighbour)] == [session.id]
        with pytest.raises(NotFound):
            meetings.get_occurrence(f"s{session.id}-20261124", stranger)


def test_one_off_meeting(app, president, club):
    with app.test_request_context():
        one = meetings.create_series(president, club, {
            "title": "Soirée de gala", "start_date": "2026-12-12", "start_time": "19:00", "duration_minutes": 180,
            "venue": "Golf de Montpensier, Serbannes"})
        got = meetings.club_meetings(club, utc(2026, 1, 1), utc(2028, 1, 1))
    assert [o.id for o in got] == [f"s{one.id}-20261212"] and got[0].venue.startswith("Golf")


def test_monthly_first_tuesday_in_lima(app, db):
    president = factories.UserFactory(timezone="America/Lima")
    club = factories.club_with(president=president, timezone="America/Lima")
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Cercle mensuel", "start_date": "2026-12-01", "start_time": "19:00", "duration_minutes": 120,
            "rrule": "FREQ=MONTHLY;BYDAY=1TU;COUNT=3"})
        got = meetings.club_meetings(club, utc(2026, 11, 1), utc(2028, 1, 1))
    assert starts(got) == [utc(2026, 12, 2, 0, 0), utc(2027, 1, 6, 0, 0), utc(2027, 2, 3, 0, 0)]
    assert series.rrule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=3"
