"""Answers, joining, the officers' sheet, visitors, reports and settings through the real pages and forms."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clubapp.models import AttendanceRecord, Club, MeetingSeries, Role, Rsvp, Visitor
from clubapp.models.base import utcnow
from clubapp.services import attendance, meetings, rsvp
from tests import factories
from tests.conftest import log_in, submit

PARIS = ZoneInfo("Europe/Paris")


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as text, CLDR's narrow and no-break spaces as plain spaces."""
    return unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


def weekly(app, president, club, start: datetime, capacity=None, duration=60, **extra) -> str:  # type: ignore[no-untyped-def]
    """A weekly series whose first occurrence starts at ``start``; the id of that occurrence."""
    local = start.astimezone(PARIS)
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion hebdomadaire", "start_date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"), "duration_minutes": duration,
            "rrule": f"FREQ=WEEKLY;BYDAY={local.strftime('%a')[:2].upper()}", "capacity": capacity,
            "video_url": "https://zoom.us/j/123456789", **extra})
        meeting = meetings.occurrence_id(series.id, local.date())
        first = meetings.get_occurrence(meeting, president)
        if first.starts_at != start.replace(second=0, microsecond=0):
            # ``start`` is a wall-clock time that happens twice (or never) tonight in Paris: the rule
            # places the series at the first instant, so the president moves this one meeting.
            meetings.update_occurrence(president, meeting, {"starts_at": start.replace(second=0, microsecond=0)})
    return meeting


def in_days(days: float) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)


def signed_in(app, person):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, person.email).status_code == 302
    return client


@pytest.fixture
def club(user) -> Club:  # type: ignore[no-untyped-def]
    """``user`` (the ``auth_client``) presides it."""
    return factories.club_with(president=user, name="BNI Vichy Avenir")


@pytest.fixture
def member(club):  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, user=factories.UserFactory(name="Karim Benali")).user


def answer(client, meeting: str, response: str, page: str = "/dashboard", follow: bool = False,
           **fields):  # type: ignore[no-untyped-def]
    """Press an answer button as the page offers it (the dashboard's buttons come back to their row)."""
    back = {"next": f"/dashboard#rsvp-{meeting}"} if page == "/dashboard" else {}
    return submit(client, page, {"response": response, **back, **fields}, action=f"/meetings/{meeting}/rsvp",
                  follow_redirects=follow)


def rsvp_rows(db) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(sa.select(Rsvp.user_id, Rsvp.response, Rsvp.status)
                                                  .order_by(Rsvp.id))]


def pressed(page: str, value: str) -> bool:
    """The answer button ``value`` is shown pressed."""
    return re.search(rf'name="response" value="{value}"[^>]*aria-pressed="true"', page) is not None


# Answers

def test_answer_in_one_click_from_the_dashboard(app, db, user, club, member):
    meeting = weekly(app, user, club, in_days(3), capacity=20)
    client = signed_in(app, member)
    page = text(client.get("/dashboard"))
    assert f'action="/meetings/{meeting}/rsvp"' in page and f'name="next" value="/dashboard#rsvp-{meeting}"' in page
    assert not any(pressed(page, v) for v in ("yes", "maybe", "no"))
    assert "0/20 seats taken" in page
    response = answer(client, meeting, "yes")
    assert response.status_code == 302 and response.location == f"/dashboard#rsvp-{meeting}"
    page = text(client.get("/dashboard"))
    assert "You are coming on" in page and pressed(page, "yes") and "1/20 seats taken" in page
    answer(client, meeting, "yes")  # a double click
    assert rsvp_rows(db) == [(member.id, "yes", "confirmed")]
    answer(client, meeting, "no")
    page = text(client.get("/dashboard"))
    assert pressed(page, "no") and not pressed(page, "yes") and "0/20 seats taken" in page
    assert rsvp_rows(db) == [(member.id, "no", "declined")]


def test_waitlist_position_on_the_dashboard_and_the_meeting_page(app, db, user, club, member):
    meeting = weekly(app, user, club, in_days(3), capacity=1)
    other = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Zoé Arnaud")).user
    third = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Anne Martin")).user
    answer(signed_in(app, member), meeting, "yes")
    client = signed_in(app, other)
    flashed = text(answer(client, meeting, "yes", page=f"/meetings/{meeting}", follow=True))
    assert "The meeting is full: you are number 1 on the waiting list." in flashed
    answer(signed_in(app, third), meeting, "yes")
    dashboard = text(client.get("/dashboard"))
    assert "Waiting list: number 1" in dashboard and "1/1 seats taken · 2 waiting" in dashboard
    page = text(signed_in(app, third).get(f"/meetings/{meeting}"))
    assert "you are number 2 on the waiting list" in page
    waitlist = page.split('class="waitlist"', 1)[1].split("</ol>", 1)[0]
    assert waitlist.index("Zoé Arnaud") < waitlist.index("Anne Martin")  # arrival order, not names
    assert "Karim Benali" in page.split("Coming", 1)[1].split("Waiting list", 1)[0]


def test_meeting_page_answer_with_substitute_and_comment_then_withdraw(app, db, user, club, member):
    meeting = weekly(app, user, club, in_days(3), capacity=1)
    waiting = factories.MembershipFactory(club=club).user
    client = signed_in(app, member)
    page = text(client.get(f"/meetings/{meeting}"))
    assert "Are you coming?" in page and "You have not answered yet." in page
    # The substitute form answers yes: the substitute takes the seat.
    response = answer(client, meeting, "no", page=f"/meetings/{meeting}", substitute_name="Marc Delorme",
                      comment="Je serai en déplacement")
    assert response.location == f"/meetings/{meeting}"
    page = text(client.get(f"/meetings/{meeting}"))
    assert "You are sending a substitute: Marc Delorme." in page and "Je serai en déplacement" in page
    assert "Sends Marc Delorme as substitute" in page
    # A one-click answer from the dashboard keeps the substitute and the comment.
    answer(client, meeting, "yes")
    db.session.expire_all()
    kept = db.session.scalar(sa.select(Rsvp).where(Rsvp.user_id == member.id))
    assert (kept.substitute_name, kept.comment) == ("Marc Delorme", "Je serai en déplacement")
    answer(signed_in(app, waiting), meeting, "yes")
    withdrawn = submit(client, f"/meetings/{meeting}", {}, action=f"/meetings/{meeting}/rsvp/withdraw")
    assert withdrawn.status_code == 302
    assert "Your answer is withdrawn." in text(client.get(f"/meetings/{meeting}"))
    assert rsvp_rows(db) == [(waiting.id, "yes", "confirmed")]  # the seat went to the waiting list


@pytest.mark.parametrize("case, message", [
    ("cancelled", "This meeting is cancelled."),
    ("closed", "Answers to this meeting are closed."),
    ("bad answer", "Answer yes, no or maybe."),
    ("long comment", "Field cannot be longer than 500 characters."),
])
def test_answer_errors_are_messages_never_500(app, db, user, club, member, case, message):
    meeting = weekly(app, user, club, in_days(1))
    if case == "cancelled":
        with app.test_request_context():
            meetings.update_occurrence(user, meeting, {"status": "cancelled"})
    if case == "closed":
        db.session.get(MeetingSeries, meetings.parse_occurrence_id(meeting)[0]).rsvp_close_minutes = 48 * 60
        db.session.commit()
    client = signed_in(app, member)
    fields = {"comment": "x" * 501} if case == "long comment" else {}
    response = answer(client, meeting, "perhaps" if case == "bad answer" else "yes", page=f"/meetings/{meeting}",
                      follow=True, **fields)
    assert response.status_code == 200 and message in text(response)
    assert rsvp_rows(db) == []


def test_outsiders_cannot_answer(app, db, user, club):
    meeting = weekly(app, user, club, in_days(3))
    outsider = signed_in(app, factories.UserFactory())
    page = submit(outsider, "/dashboard", {"response": "yes"}, action=f"/meetings/{meeting}/rsvp")
    assert page.status_code == 404  # a private club's meeting does not exist for them
    club.visibility = "public"
    db.session.commit()
    shown = text(submit(outsider, f"/meetings/{meeting}", {"response": "yes"}, action=f"/meetings/{meeting}/rsvp",
                        follow_redirects=True))
    assert "Only members of the club" in shown and "Are you coming?" not in shown
    assert rsvp_rows(db) == []


# Joining checks in

def test_join_checks_in_then_opens_the_video(app, db, user, club, member):
    meeting = weekly(app, user, club, utcnow() + timedelta(minutes=5))
    client = signed_in(app, member)
    dashboard = text(client.get("/dashboard"))
    assert f'action="/meetings/{meeting}/join"' in dashboard and 'target="_blank"' in dashboard
    response = submit(client, "/dashboard", {}, action=f"/meetings/{meeting}/join")
    assert response.status_code == 200
    page = text(response)
    assert '<meta http-equiv="refresh" content="1;url=https://zoom.us/j/123456789">' in page
    assert "Present" in page and "checked in at" in page
    record = db.session.scalar(sa.select(AttendanceRecord))
    assert (record.user_id, record.status, record.source) == (member.id, "present", "checkin")
    submit(client, "/dashboard", {}, action=f"/meetings/{meeting}/join")  # joining again changes nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceRecord)) == 1
    assert "checked in at" in text(client.get(f"/meetings/{meeting}"))


def test_officers_join_checks_them_in_late_after_the_grace_period(app, db, user, club, auth_client):
    club.late_grace_minutes = 0
    db.session.commit()
    meeting = weekly(app, user, club, utcnow() - timedelta(minutes=20), duration=90)
    response = submit(auth_client, f"/meetings/{meeting}", {}, action=f"/meetings/{meeting}/join")
    assert response.status_code == 200 and "Late" in text(response)
    assert db.session.scalar(sa.select(AttendanceRecord.status).where(AttendanceRecord.user_id == user.id)) == "late"


def test_join_outside_the_window_says_when_it_opens(app, db, user, club, member):
    meeting = weekly(app, user, club, in_days(2))
    client = signed_in(app, member)
    assert f'action="/meetings/{meeting}/join"' not in text(client.get("/dashboard"))  # not yet on the dashboard
    response = submit(client, f"/meetings/{meeting}", {}, action=f"/meetings/{meeting}/join")
    assert response.status_code == 302 and response.location == f"/meetings/{meeting}"
    page = text(client.get(response.location))
    assert re.search(r"Check-in is open from .+ to .+\.", page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceRecord)) == 0


# The officers' sheet

def tap(client, meeting: str, person, status: str, follow: bool = False, **fields):  # type: ignore[no-untyped-def]
    return submit(client, f"/meetings/{meeting}/attendance", {"status": status, **fields},
                  action=f"/meetings/{meeting}/attendance/{person.id}", follow_redirects=follow)


def code_of(db, person) -> tuple[str, str | None] | None:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    row = db.session.execute(sa.select(AttendanceRecord.status, AttendanceRecord.note)
                             .where(AttendanceRecord.user_id == person.id)).first()
    return tuple(row) if row else None


def row_of(page: str, person) -> str:  # type: ignore[no-untyped-def]
    return page.split(f'id="member-{person.id}"', 1)[1].split("</li>", 1)[0]


def test_sheet_prefill_taps_and_corrections(app, db, user, club, member, auth_client):
    meeting = weekly(app, user, club, utcnow() - timedelta(minutes=2), duration=90)
    substituted = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Sophie Roux")).user
    silent = factories.MembershipFactory(club=club).user
    with app.test_request_context():
        occurrence = meetings.get_occurrence(meeting, user)
        rsvp.answer(substituted, meeting, "yes", substitute_name="Marc Delorme", now=occurrence.starts_at
                    - timedelta(hours=1))
        attendance.check_in(member, meeting)
    page = text(auth_client.get(f"/meetings/{meeting}/attendance"))
    assert 'value="present" class="code-button code-present" aria-pressed="true"' in row_of(page, member)
    assert "Joined at" in row_of(page, member)
    suggested = row_of(page, substituted)
    assert "Substitute: Marc Delorme" in suggested and 'code-substitute is-suggested" aria-pressed="false"' in suggested
    assert 'aria-pressed="true"' not in row_of(page, silent)
    # One tap records, a second corrects; the note stays with later taps.
    response = tap(auth_client, meeting, silent, "absent")
    assert response.status_code == 302 and response.location.endswith(f"#member-{silent.id}")
    assert code_of(db, silent) == ("absent", None)
    tap(auth_client, meeting, silent, "late", note="connexion tardive")
    assert code_of(db, silent) == ("late", "connexion tardive")
    page = text(auth_client.get(f"/meetings/{meeting}/attendance"))
    assert 'value="late" class="code-button code-late" aria-pressed="true"' in row_of(page, silent)
    assert "connexion tardive" in row_of(page, silent)
    tap(auth_client, meeting, silent, "present", note="connexion tardive")  # what the tap form sends back
    assert code_of(db, silent) == ("present", "connexion tardive")
    bad = tap(auth_client, meeting, silent, "X", follow=True)
    assert "Choose present, absent, late, medical or substitute." in text(bad)
    # After the start: the others in one go, S for the announced substitute.
    done = submit(auth_client, f"/meetings/{meeting}/attendance", {},
                  action=f"/meetings/{meeting}/attendance/absent-others", follow_redirects=True)
    assert "2 members recorded." in text(done)
    assert code_of(db, substituted) == ("substitute", None) and code_of(db, user) == ("absent", None)
    assert "Every member has a code." in text(done)


def test_members_get_403_on_the_officers_pages(app, db, user, club, member):
    meeting = weekly(app, user, club, in_days(1))
    client = signed_in(app, member)
    assert client.get(f"/meetings/{meeting}/attendance").status_code == 403
    assert tap(client, meeting, member, "present").status_code == 403
    assert submit(client, "/dashboard", {"holiday": "1"}, action=f"/meetings/{meeting}/holiday").status_code == 403
    assert client.get(f"/clubs/{club.id}/reports").status_code == 403
    assert client.get(f"/clubs/{club.id}/reports/palms.csv").status_code == 403
    assert client.get(f"/clubs/{club.id}/members/{user.id}/attendance").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceRecord)) == 0
    page = text(client.get(f"/meetings/{meeting}"))
    assert "Take attendance" not in page


def test_holiday_means_no_attendance(app, db, user, club, member, auth_client):
    meeting = weekly(app, user, club, utcnow() - timedelta(days=7, minutes=5), rrule="")  # held once, last week
    on = submit(auth_client, f"/meetings/{meeting}/attendance", {"holiday": "1"},
                action=f"/meetings/{meeting}/holiday", follow_redirects=True)
    page = text(on)
    assert "Holiday: no attendance is expected at this meeting." in page and "code-button" not in page
    refused = tap(auth_client, meeting, member, "absent", follow=True)
    assert "This meeting is a holiday: no attendance is taken." in text(refused) and code_of(db, member) is None
    report = text(auth_client.get(f"/clubs/{club.id}/reports"))
    assert "No meeting was held in this period." in report
    off = submit(auth_client, f"/meetings/{meeting}/attendance", {"holiday": "0"},
                 action=f"/meetings/{meeting}/holiday", follow_redirects=True)
    assert "Attendance is expected again" in text(off) and "code-button" in text(off)


# Visitors

def test_invite_a_visitor_from_the_meeting_page(app, db, user, club, member, auth_client, outbox):
    meeting = weekly(app, user, club, in_days(3))
    client = signed_in(app, member)
    page = text(client.get(f"/meetings/{meeting}"))
    assert "Invite a visitor" in page and f'action="/meetings/{meeting}/visitors"' in page
    bad = submit(client, f"/meetings/{meeting}", {"name": "Paul Martin", "email": "paul-at-example",
                                                  "company": "Martin SARL"}, action=f"/meetings/{meeting}/visitors")
    assert bad.status_code == 422
    form = text(bad)
    assert 'id="email-error"' in form and 'value="Paul Martin"' in form
    assert outbox == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Visitor)) == 0
    good = submit(client, f"/meetings/{meeting}", {"name": "Paul Martin", "email": "paul@example.fr",
                                                   "company": "Martin SARL"}, action=f"/meetings/{meeting}/visitors")
    assert good.status_code == 302 and good.location == f"/meetings/{meeting}#visitors"
    assert len(outbox) == 1 and outbox[0].to == ["paul@example.fr"] and "/visit/" in outbox[0].body
    page = text(client.get(f"/meetings/{meeting}"))
    assert "Paul Martin is invited" in page and "Invited by Karim Benali" in page and "No answer yet" in page
    again = submit(client, f"/meetings/{meeting}", {"name": "Paul", "email": "PAUL@example.fr"},
                   action=f"/meetings/{meeting}/visitors")
    assert again.status_code == 422 and "already invited" in text(again)
    # The officer sees the visitor on the sheet and marks them present.
    visitor = db.session.scalar(sa.select(Visitor))
    sheet = text(auth_client.get(f"/meetings/{meeting}/attendance"))
    assert "Paul Martin" in sheet and "Invited by Karim Benali" in sheet
    marked = submit(auth_client, f"/meetings/{meeting}/attendance", {"visitor_id": str(visitor.id),
                    "attended": "present"}, action=f"/meetings/{meeting}/attendance/visitors")
    assert marked.location.endswith("#visitors")
    db.session.expire_all()
    assert db.session.get(Visitor, visitor.id).attended == "present"


# Reports

@pytest.fixture
def history(app, db, user, club, member):  # type: ignore[no-untyped-def]
    """Five weeks of meetings: the member always there, an absentee absent from the second one on."""
    start = (utcnow() - timedelta(days=35)).replace(second=0, microsecond=0)
    weekly(app, user, club, start)
    absentee = factories.MembershipFactory(club=club, user=factories.UserFactory(name="Bruno Absent")).user
    with app.test_request_context():
        held = meetings.club_meetings(club, start - timedelta(hours=1), utcnow())
        for index, occurrence in enumerate(held):
            attendance.set_status(user, occurrence.id, member.id, "present")
            attendance.set_status(user, occurrence.id, absentee.id, "medical" if index == 0 else "absent")
    return held, absentee


def test_reports_page_table_alerts_and_chart(app, db, user, club, member, auth_client, history):
    held, absentee = history
    page = text(auth_client.get(f"/clubs/{club.id}/reports"))
    assert "Attendance reports" in page and "PALMS per member" in page
    table = page.split('class="striped palms-table"', 1)[1]
    row = table.split(f'/members/{absentee.id}/attendance">Bruno Absent</a>', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    assert cells[:5] == ["0", str(len(held) - 1), "0", "1", "0"]
    assert "The club allows 3 absences in a rolling six months" in page
    alerts = page.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    assert "Bruno Absent" in alerts and f"{len(held) - 1} absences" in alerts and "Karim Benali" not in alerts
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count("<rect") == len(held) and "Attendance rate per meeting" in svg
    assert f'/clubs/{club.id}/reports/palms.csv?from=' in page
    # The period: an end before the start, or no date at all, is a form error.
    wrong = auth_client.get(f"/clubs/{club.id}/reports?from=2026-05-01&to=2026-04-01")
    assert wrong.status_code == 422 and "The end of the period is before its start." in text(wrong)
    garbage = auth_client.get(f"/clubs/{club.id}/reports?from=yesterday&to=2026-04-01")
    assert garbage.status_code == 422 and "Not a valid date value." in text(garbage)
    assert auth_client.get(f"/clubs/{club.id}/reports/palms.csv?from=2026-05-01&to=2026-04-01").status_code == 422
    empty = text(auth_client.get(f"/clubs/{club.id}/reports?from=2020-01-01&to=2020-02-01"))
    assert "No meeting was held in this period." in empty


@pytest.mark.parametrize("lang, delimiter", [("en", ","), ("fr", ";")])
def test_palms_csv_has_a_bom_and_the_delimiter_of_the_language(app, db, user, club, auth_client, history,
                                                                lang, delimiter):
    held, absentee = history
    submit(auth_client, "/dashboard", {"lang": lang, "next": "/dashboard"}, action="/language")
    first = (utcnow() - timedelta(days=60)).date().isoformat()
    response = auth_client.get(f"/clubs/{club.id}/reports/palms.csv?from={first}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="palms-{club.slug}-{first}-')
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))
    assert len(rows[0]) == 11 and rows[0][0] == ("Member" if lang == "en" else "Membre")
    line = next(r for r in rows if r[0] == "Bruno Absent")
    assert line[2] == str(len(held) - 1) and line[4] == "1"


def test_member_history_for_the_member_and_the_officers(app, db, user, club, member, auth_client, history):
    held, absentee = history
    own = signed_in(app, absentee)
    page = text(own.get(f"/clubs/{club.id}/members/{absentee.id}/attendance"))
    assert "My attendance" in page and "<svg" in page
    assert page.count('class="code-badge code-absent"') == len(held) - 1
    assert f"{len(held) - 1} absences in the last six months: over the club's limit of 3." in page
    assert own.get(f"/clubs/{club.id}/members/{member.id}/attendance").status_code == 403
    officer_view = text(auth_client.get(f"/clubs/{club.id}/members/{member.id}/attendance"))
    assert "Attendance of Karim Benali" in officer_view and "100%" in officer_view
    stranger = factories.UserFactory()
    assert auth_client.get(f"/clubs/{club.id}/members/{stranger.id}/attendance").status_code == 404
    assert f'/clubs/{club.id}/members/{absentee.id}/attendance' in text(own.get(f"/clubs/{club.id}"))


# Settings

def club_form(club, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {"name": club.name, "timezone": club.timezone, "description": "", "visibility": "private",
            "network_id": "", "late_grace_minutes": "5", "absence_threshold": "3"}
    data.update({k: str(v) for k, v in changes.items()})
    return data


@pytest.mark.parametrize("field, value, error", [
    ("late_grace_minutes", "61", "Expected a number from 0 to 60."),
    ("late_grace_minutes", "-1", "Expected a number from 0 to 60."),
    ("absence_threshold", "27", "Expected a number from 0 to 26."),
    ("absence_threshold", "two", "Not a valid integer value."),
])
def test_club_settings_validate_the_attendance_rules(db, club, auth_client, field, value, error):
    response = submit(auth_client, f"/clubs/{club.id}/edit", club_form(club, **{field: value}))
    assert response.status_code in (200, 422) and error in text(response)
    db.session.expire_all()
    assert (club.late_grace_minutes, club.absence_threshold) == (5, 3)


def test_club_settings_save_the_attendance_rules(app, db, user, club, auth_client):
    page = text(auth_client.get(f"/clubs/{club.id}/edit"))
    assert 'name="late_grace_minutes" type="number" value="5"' in page
    response = submit(auth_client, f"/clubs/{club.id}/edit", club_form(club, late_grace_minutes=10,
                                                                       absence_threshold=4))
    assert response.status_code == 302
    db.session.expire_all()
    assert (club.late_grace_minutes, club.absence_threshold) == (10, 4)
    from clubapp.services import clubs as club_service
    from clubapp.services.errors import Invalid

    with app.test_request_context(), pytest.raises(Invalid) as refused:
        club_service.update_club(user, club, {"absence_threshold": 99})
    assert refused.value.field == "absence_threshold"
    assert "The club allows 4 absences" in text(auth_client.get(f"/clubs/{club.id}/reports"))


def series_form(**changes) -> dict:  # type: ignore[no-untyped-def]
    day = datetime.now(PARIS).date() + timedelta(days=7)
    data = {"title": "Réunion du jeudi", "kind": "weekly", "weekday": "", "interval": "2", "position": "1",
            "month_day": "", "start_date": day.isoformat(), "start_time": "07:30", "duration_minutes": "90",
            "timezone": "Europe/Paris", "end": "never", "count": "", "until_date": "", "video_kind": "jitsi",
            "video_url": "", "venue": "", "capacity": "12", "rsvp_close_hours": "", "description": ""}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_series_form_sets_when_answers_close(app, db, user, club, auth_client):
    refused = submit(auth_client, f"/clubs/{club.id}/meetings/new", series_form(rsvp_close_hours=200))
    assert refused.status_code == 200 and "Expected a number from 0 to 168." in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingSeries)) == 0
    created = submit(auth_client, f"/clubs/{club.id}/meetings/new", series_form(rsvp_close_hours=24))
    assert created.status_code == 302
    series = db.session.scalar(sa.select(MeetingSeries))
    assert (series.rsvp_close_minutes, meetings.version_on(series, series.start_date).capacity) == (24 * 60, 12)
    edit = text(auth_client.get(f"/series/{series.id}/edit"))
    assert 'name="rsvp_close_hours" type="number" value="24"' in edit
    changed = submit(auth_client, f"/series/{series.id}/edit", {
        "from_date": series.start_date.isoformat(), "title": "Réunion du jeudi", "start_time": "07:30",
        "duration_minutes": "90", "video_kind": "jitsi", "video_url": "", "venue": "", "capacity": "12",
        "rsvp_close_hours": "2", "description": ""})
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingSeries, series.id).rsvp_close_minutes == 120
    meeting = meetings.occurrence_id(series.id, series.start_date)
    assert "Answers close on" in text(auth_client.get(f"/meetings/{meeting}"))


# Links

def test_links_for_officers(app, db, user, club, member, auth_client):
    meeting = weekly(app, user, club, in_days(3))
    club_page = text(auth_client.get(f"/clubs/{club.id}"))
    assert f'href="/clubs/{club.id}/reports"' in club_page
    assert f'href="/meetings/{meeting}/attendance"' in text(auth_client.get(f"/meetings/{meeting}"))
    assert f'href="/clubs/{club.id}/reports"' not in text(signed_in(app, member).get(f"/clubs/{club.id}"))
    officer = factories.MembershipFactory(club=club, role=Role.VICE_PRESIDENT).user
    assert signed_in(app, officer).get(f"/meetings/{meeting}/attendance").status_code == 200
