"""Answers, waitlist, check-in, PALMS, visitors and reports: service rules and API."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clubapp.models import AttendanceRecord, Role, Rsvp, Visitor
from clubapp.models.base import utcnow
from clubapp.services import attendance, meetings, reports, rsvp
from clubapp.services.errors import Conflict, Forbidden, Invalid
from tests import factories
from tests.conftest import bearer, commit


@pytest.fixture
def president(db):
    return factories.UserFactory(name="Camille Perrin")


@pytest.fixture
def club(president):
    return factories.club_with(president=president, name="BNI Vichy Avenir")


def weekly(app, president, club, start: datetime, capacity=None, **extra):
    """A weekly series whose first occurrence starts at ``start`` (UTC)."""
    local = start.astimezone(meetings.ZoneInfo(club.timezone))
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion", "start_date": local.date().isoformat(), "start_time": local.strftime("%H:%M"),
            "duration_minutes": 60, "rrule": f"FREQ=WEEKLY;BYDAY={local.strftime('%a')[:2].upper()}",
            "capacity": capacity, **extra})
        commit()
    return series, meetings.occurrence_id(series.id, local.date())


def soon(days: int = 3) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)


def members(club, n):
    return [factories.MembershipFactory(club=club).user for _ in range(n)]


def test_capacity_and_waitlist_in_arrival_order_and_promotion(app, president, club):
    _series, meeting = weekly(app, president, club, soon(), capacity=2)
    a, b, c, d = members(club, 4)
    with app.test_request_context():
        assert rsvp.answer(a, meeting, "yes").status == "confirmed"
        commit()
        assert rsvp.answer(b, meeting, "yes").status == "confirmed"
        commit()
        third = rsvp.answer(c, meeting, "yes")
        commit()
        fourth = rsvp.answer(d, meeting, "yes")
        commit()
        assert (third.status, third.waitlist_position) == ("waitlisted", 1)
        assert (fourth.status, fourth.waitlist_position) == ("waitlisted", 2)
        rsvp.withdraw(a, meeting)  # frees a seat: c is confirmed at once
        commit()
        occurrence = meetings.get_occurrence(meeting, president)
        assert rsvp.answer_of(c, occurrence).status == "confirmed"
        assert rsvp.answer_of(d, occurrence).waitlist_position == 1
        rsvp.answer(b, meeting, "no")  # a no also frees the seat
        commit()
        assert rsvp.answer_of(d, occurrence).status == "confirmed"


def test_double_submit_is_one_answer_and_keeps_the_place(app, president, club):
    _series, meeting = weekly(app, president, club, soon(), capacity=1)
    a, b = members(club, 2)
    with app.test_request_context():
        rsvp.answer(a, meeting, "yes")
        commit()
        rsvp.answer(b, meeting, "yes")
        commit()
        again = rsvp.answer(b, meeting, "yes", comment="toujours là")
        commit()
    assert again.waitlist_position == 1
    assert app.extensions["sqlalchemy"].session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 2


def test_raised_capacity_promotes_at_once(app, president, club):
    series, meeting = weekly(app, president, club, soon(), capacity=1)
    a, b, c = members(club, 3)
    with app.test_request_context():
        for who in (a, b, c):
            rsvp.answer(who, meeting, "yes")
            commit()
        meetings.update_series(president, series, {"capacity": 2})
        commit()
        occurrence = meetings.get_occurrence(meeting, president)
        assert [x.status for x in rsvp.answers(occurrence)] == ["confirmed", "confirmed", "waitlisted"]


def test_answers_refused_when_cancelled_past_closed_or_outsider(app, president, club, db):
    _series, meeting = weekly(app, president, club, soon(), rsvp_close_minutes=None)
    member = members(club, 1)[0]
    outsider = factories.UserFactory()
    with app.test_request_context():
        with pytest.raises(Invalid):
            rsvp.answer(member, meeting, "perhaps")
            commit()
        occurrence = meetings.get_occurrence(meeting, member)
        with pytest.raises(Conflict):
            rsvp.answer(member, meeting, "yes", now=occurrence.starts_at + timedelta(minutes=1))
            commit()
        meetings.update_occurrence(president, meeting, {"status": "cancelled"})
        commit()
        with pytest.raises(Conflict):
            rsvp.answer(member, meeting, "yes")
            commit()
        from clubapp.services.errors import NotFound

        with pytest.raises(NotFound):
            rsvp.answer(outsider, meeting, "yes")
            commit()


def test_rsvp_close_set_per_series(app, president, club, db):
    series, meeting = weekly(app, president, club, soon(1))
    series.rsvp_close_minutes = 24 * 60 + 60
    db.session.commit()
    member = members(club, 1)[0]
    with app.test_request_context(), pytest.raises(Conflict):
        rsvp.answer(member, meeting, "yes")
        commit()


def test_check_in_window_present_then_late(app, president, club, db):
    start = soon(2)
    _series, meeting = weekly(app, president, club, start)
    early, on_time, late = members(club, 3)
    with app.test_request_context():
        with pytest.raises(Conflict) as error:
            attendance.check_in(early, meeting, now=start - timedelta(minutes=11))
        assert error.value.code == "outside_window" and "Check-in is open from" in str(error.value.message)
        assert attendance.check_in(on_time, meeting, now=start - timedelta(minutes=5)).status == "present"
        assert attendance.check_in(late, meeting, now=start + timedelta(minutes=6)).status == "late"
        # a second click changes nothing
        assert attendance.check_in(late, meeting, now=start + timedelta(minutes=20)).checked_in_at == \
            start + timedelta(minutes=6)


def test_officer_sheet_prefill_and_corrections(app, president, club, db):
    start = soon(2)
    _series, meeting = weekly(app, president, club, start)
    sent_sub, joined, silent = members(club, 3)
    with app.test_request_context():
        rsvp.answer(sent_sub, meeting, "yes", substitute_name="Marc Delorme")
        commit()
        attendance.check_in(joined, meeting, now=start)
        rows = {r.user.id: r for r in attendance.sheet(president, meeting)}
        assert rows[sent_sub.id].suggested == "substitute"
        assert rows[joined.id].status == "present"
        assert rows[silent.id].suggested is None
        attendance.set_status(president, meeting, joined.id, "late", note="connexion tardive")
        with pytest.raises(Forbidden):
            attendance.set_status(joined, meeting, silent.id, "present")
        with pytest.raises(Invalid):
            attendance.set_status(president, meeting, silent.id, "X")
        attendance.set_holiday(president, meeting, True)
        with pytest.raises(Conflict):
            attendance.set_status(president, meeting, silent.id, "absent")


def test_visitor_invitation_and_answer_without_account(app, president, club, outbox, client, db):
    _series, meeting = weekly(app, president, club, soon())
    member = members(club, 1)[0]
    with app.test_request_context():
        with pytest.raises(Invalid) as error:
            from clubapp.services import visitors

            visitors.invite(member, meeting, "Paul", "not-an-email", None, lambda t: t)
        assert error.value.field == "email"
    headers = bearer(member)
    response = client.post(f"/api/v1/meetings/{meeting}/visitors", headers=headers,
                           json={"name": "Paul Martin", "email": "paul@example.fr", "company": "Martin SARL"})
    assert response.status_code == 201 and response.json["invited_by"] == str(member.id)
    duplicate = client.post(f"/api/v1/meetings/{meeting}/visitors", headers=headers,
                            json={"name": "Paul Martin", "email": "PAUL@example.fr"})
    assert duplicate.status_code == 409
    link = [line for line in outbox[0].body.splitlines() if "/visit/" in line][0].strip()
    page = client.get(link.split("clubapp.test")[1])
    assert page.status_code == 200 and "Paul Martin" in page.get_data(as_text=True)
    from tests.conftest import submit

    submit(client, link.split("clubapp.test")[1], {"response": "yes"})
    assert db.session.scalar(sa.select(Visitor.response)) == "yes"


def test_api_rsvp_flow_and_errors(app, president, club, client):
    _series, meeting = weekly(app, president, club, soon(), capacity=1)
    a, b = members(club, 2)
    ok = client.put(f"/api/v1/meetings/{meeting}/rsvp", headers=bearer(a), json={"response": "yes"})
    assert ok.status_code == 200 and ok.json == {"response": "yes", "status": "confirmed", "waitlist_position": None,
                                                 "substitute_name": None, "comment": None}
    waiting = client.put(f"/api/v1/meetings/{meeting}/rsvp", headers=bearer(b), json={"response": "yes"})
    assert waiting.json["status"] == "waitlisted" and waiting.json["waitlist_position"] == 1
    bad = client.put(f"/api/v1/meetings/{meeting}/rsvp", headers=bearer(b), json={"response": "sure"})
    assert bad.status_code == 422 and "response" in bad.json["error"]["fields"]
    listing = client.get(f"/api/v1/meetings/{meeting}/rsvps", headers=bearer(a)).json
    assert [(r["user_id"], r["status"]) for r in listing] == [(str(a.id), "confirmed"), (str(b.id), "waitlisted")]
    counted = client.get(f"/api/v1/meetings/{meeting}", headers=bearer(a)).json
    assert (counted["confirmed_count"], counted["waitlist_count"]) == (1, 1)
    assert client.delete(f"/api/v1/meetings/{meeting}/rsvp", headers=bearer(a)).status_code == 204
    assert client.get(f"/api/v1/meetings/{meeting}/rsvps", headers=bearer(b)).json[0]["status"] == "confirmed"
    check = client.post(f"/api/v1/meetings/{meeting}/check-in", headers=bearer(b))
    assert check.status_code == 409 and "Check-in is open from" in check.json["error"]["message"]
    palms = client.put(f"/api/v1/meetings/{meeting}/attendance/{a.id}", headers=bearer(b), json={"status": "present"})
    assert palms.status_code == 403


def test_palms_report_alerts_and_csv(app, president, club, client, db):
    start = (utcnow() - timedelta(days=35)).replace(second=0, microsecond=0)
    _series, first = weekly(app, president, club, start)
    regular, absentee = members(club, 2)
    with app.test_request_context():
        held = meetings.club_meetings(club, start - timedelta(hours=1), utcnow())
        assert len(held) >= 5
        for occurrence in held:
            attendance.set_status(president, occurrence.id, regular.id, "present")
            attendance.set_status(president, occurrence.id, absentee.id, "absent")
        attendance.set_status(president, held[0].id, absentee.id, "medical")
        zone = meetings.ZoneInfo(club.timezone)  # the report's days are the club's, not UTC's
        lines = {line.user_id: line for line in reports.palms(president, club, start.astimezone(zone).date(),
                                                             utcnow().astimezone(zone).date())}
        assert lines[regular.id].present == len(held)
        assert (lines[absentee.id].absent, lines[absentee.id].medical) == (len(held) - 1, 1)
        alerts = reports.absence_alerts(president, club)
        assert [(line.user_id, count) for line, count in alerts] == [(absentee.id, len(held) - 1)]
    response = client.get(f"/api/v1/clubs/{club.id}/reports/palms?from={start.date()}", headers={
        **bearer(president), "Accept": "text/csv"})
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=","))
    assert rows[0][0] == "Member" and any(r[0] == absentee.name for r in rows)
    member_view = client.get(f"/api/v1/clubs/{club.id}/reports/palms", headers=bearer(regular))
    assert member_view.status_code == 403
    as_json = client.get(f"/api/v1/clubs/{club.id}/reports/palms?from={start.date()}", headers=bearer(president)).json
    assert {r["name"] for r in as_json} >= {regular.name, absentee.name}


def test_network_member_answers_network_session(app, president, db):
    network = factories.NetworkFactory()
    host = factories.club_with(president=president, network=network)
    neighbour = factories.MembershipFactory(club=factories.club_with(network=network)).user
    _series, meeting = weekly(app, president, host, soon(), open_to_network=True)
    with app.test_request_context():
        assert rsvp.answer(neighbour, meeting, "yes").status == "confirmed"
        commit()


def test_roles_checked_on_each_request(app, president, club, client, db):
    _series, meeting = weekly(app, president, club, soon())
    officer = factories.MembershipFactory(club=club, role=Role.VICE_PRESIDENT)
    member = members(club, 1)[0]
    headers = bearer(officer.user)
    ok = client.put(f"/api/v1/meetings/{meeting}/attendance/{member.id}", headers=headers,
                    json={"status": "absent"})
    assert ok.status_code == 200
    officer.role = Role.MEMBER
    db.session.commit()
    again = client.put(f"/api/v1/meetings/{meeting}/attendance/{member.id}", headers=headers,
                       json={"status": "present"})
    assert again.status_code == 403
    assert db.session.scalar(sa.select(AttendanceRecord.status)) == "absent"


def test_feed_carries_my_answer_and_waitlist(app, president, club, client, db):
    _series, meeting = weekly(app, president, club, soon(), capacity=1)
    a, b = members(club, 2)
    with app.test_request_context():
        rsvp.answer(a, meeting, "yes")
        commit()
        rsvp.answer(b, meeting, "yes")
        commit()
    feed_url = client.get("/api/v1/me", headers=bearer(b)).json["feed_url"].split("clubapp.test")[1]
    body = client.get(feed_url).get_data(as_text=True).replace("\r\n ", "")
    assert "X-CLUBAPP-PARTSTAT:ACCEPTED" in body or "X-CLUBAPP-PARTSTAT:TENTATIVE" in body  # no ATTENDEE in PUBLISH
    assert "waitlist" in body.lower()
    assert datetime.now(UTC)  # the feed was served
