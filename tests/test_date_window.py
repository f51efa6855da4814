"""One officer's input can never break anyone's page or feed (issue: persistent breakage).

Every date the app accepts lies in core.bounds' window, checked in the services that web, API and
CLI share; rows stored before that check are skipped with a logged error, never a 500 for others.
"""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from clubapp.core import bounds
from clubapp.core.recurrence import first_match, parse_rule
from clubapp.models import Closure, MeetingSeries, OccurrenceOverride, SeriesVersion
from tests import factories
from tests.conftest import bearer, log_in


def api(client, headers, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.open(f"/api/v1{path}", method=method, json=body, headers=headers)


def thursday_soon() -> date:
    return first_match(parse_rule("FREQ=WEEKLY;BYDAY=TH"), datetime.now(UTC).date() + timedelta(days=3))


def series_body(**changes: object) -> dict:
    body = {"title": "Réunion", "start_date": thursday_soon().isoformat(), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH"}
    body.update(changes)
    return body


@pytest.fixture
def officer(db):  # type: ignore[no-untyped-def]
    president = factories.UserFactory()
    club = factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris")
    return president, club, bearer(president)


def field_error(response, field: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"], response.get_json()


@pytest.mark.parametrize("changes, field", [
    ({"rrule": "FREQ=DAILY;UNTIL=09991231"}, "rrule"),
    ({"rrule": "FREQ=DAILY;UNTIL=99991231"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=TH;UNTIL=99991231T235959Z"}, "rrule"),
    ({"rrule": "FREQ=DAILY", "start_date": "0001-01-01"}, "start_date"),
    ({"rrule": "FREQ=DAILY", "start_date": "9999-12-31"}, "start_date"),
    ({"rrule": "FREQ=DAILY", "start_date": "1999-01-01"}, "start_date"),  # far more than two years back
    ({"video_url": "https://meet.example/room\r\nX-INJECTED:1"}, "video_url"),
    ({"video_url": "https://meet.example/ro\nom"}, "video_url"),
    ({"title": "Réunion\nX-INJECTED:1"}, "title"),
    ({"venue": "Brasserie\rdu Casino"}, "venue"),
])
def test_series_outside_the_window_or_with_line_breaks_is_refused_naming_the_field(client, officer, changes, field):
    _president, club, headers = officer
    field_error(api(client, headers, "POST", f"/clubs/{club.id}/series", series_body(**changes)), field)


def test_changes_to_series_and_meetings_outside_the_window_are_refused(client, officer):
    _president, club, headers = officer
    series = api(client, headers, "POST", f"/clubs/{club.id}/series", series_body()).get_json()
    meeting = f"s{series['id']}-{thursday_soon():%Y%m%d}"
    field_error(api(client, headers, "PATCH", f"/series/{series['id']}", {"until": "9999-12-31"}), "until")
    field_error(api(client, headers, "PATCH", f"/series/{series['id']}", {"video_url": "https://a.example/\nb"}),
                "video_url")
    field_error(api(client, headers, "PATCH", f"/meetings/{meeting}", {"starts_at": "9999-12-31T07:30:00+01:00"}),
                "starts_at")
    field_error(api(client, headers, "PATCH", f"/meetings/{meeting}", {"starts_at": "0001-01-02T07:30:00+00:00"}),
                "starts_at")
    field_error(api(client, headers, "PATCH", f"/meetings/{meeting}", {"video_url": "https://a.example/\r\nX:1"}),
                "video_url")
    for first, last in (("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-01-31")):
        response = api(client, headers, "POST", f"/clubs/{club.id}/closures", {"from": first, "to": last})
        assert response.status_code == 422 and {"from", "to"} & set(response.get_json()["error"]["fields"])
    assert api(client, headers, "GET", f"/clubs/{club.id}/meetings?from=0001-01-01&to=0001-02-01").status_code == 422
    assert api(client, headers, "GET", f"/clubs/{club.id}/meetings?from=9999-01-01&to=9999-12-31").status_code == 422
    assert api(client, headers, "GET", f"/clubs/{club.id}/reports/palms?from=0001-01-01&to=0001-02-01"
               ).status_code == 422
    assert api(client, headers, "GET", f"/clubs/{club.id}/reports/palms?from=9999-01-01&to=9999-12-31"
               ).status_code == 422
    for path in (f"/meetings/s{series['id']}-99991231", f"/meetings/s{series['id']}-99991231/ics",
                 f"/meetings/s{series['id']}-00010101", f"/meetings/s{series['id']}-99991231/rsvps"):
        assert api(client, headers, "GET", path).status_code == 404, path
    assert api(client, headers, "PUT", f"/meetings/s{series['id']}-99991231/rsvp", {"response": "yes"}
               ).status_code == 404
    assert api(client, headers, "DELETE", f"/clubs/{club.id}/closures/\u00b2").status_code == 404
    assert api(client, headers, "GET", f"/series/{series['id']}").status_code == 200  # nothing was lost


def test_web_forms_refuse_the_same_dates(app, officer):
    from tests.conftest import submit

    president, club, _headers = officer
    client = app.test_client()
    log_in(client, president.email)
    response = submit(client, f"/clubs/{club.id}/closures", {"start": "9999-01-01", "end": "9999-12-31",
                                                            "reason": "Fin des temps"})
    assert response.status_code in (200, 400, 422) and "9999" not in str(
        app.extensions["sqlalchemy"].session.scalars(sa.select(Closure.end_date)).all())


def test_a_club_holds_a_bounded_number_of_series(client, officer, db):
    _president, club, headers = officer
    for _ in range(bounds.MAX_SERIES_PER_CLUB):
        db.session.add(MeetingSeries(club=club, timezone="Europe/Paris", start_date=thursday_soon(), rrule=None,
                                     video_room="Clubapp-x", versions=[SeriesVersion(
                                         effective_from=thursday_soon(), title="Une fois", start_time=time(7, 30),
                                         duration_minutes=60)]))
    db.session.commit()
    response = api(client, headers, "POST", f"/clubs/{club.id}/series", series_body())
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "too_many_series"


def _store_bad_rows(db, club) -> None:  # type: ignore[no-untyped-def]
    """Rows as an older version let them in, written straight to the database."""
    bad = [
        ("FREQ=DAILY;UNTIL=9991231T235959Z", thursday_soon(), None),         # year 999 written without padding
        ("FREQ=DAILY", date(1, 1, 1), None),                                  # a daily series from year 1
        ("FREQ=WEEKLY;BYDAY=TH", thursday_soon(), "https://meet.example/a\r\nX-INJECTED:1"),  # line break
    ]
    for rrule, start, video in bad:
        db.session.add(MeetingSeries(club=club, timezone="Europe/Paris", start_date=start, rrule=rrule,
                                     video_room="Clubapp-bad", versions=[SeriesVersion(
                                         effective_from=start, title="Série abîmée", start_time=time(7, 30),
                                         duration_minutes=60, video_url=video)]))
    db.session.add(Closure(club_id=club.id, start_date=date(9999, 1, 1), end_date=date(9999, 12, 31)))
    db.session.add(Closure(club_id=club.id, start_date=date(1, 1, 1), end_date=date(1, 1, 31)))
    db.session.commit()


def test_rows_stored_before_the_checks_break_no_page_and_no_feed(app, db, caplog):
    from clubapp.services import feeds

    healthy_president = factories.UserFactory()
    healthy = factories.club_with(president=healthy_president, name="BNI Vipiacus", timezone="Europe/Paris",
                                  visibility="public")
    broken = factories.club_with(name="Club abîmé", timezone="Europe/Paris", visibility="public")
    member = factories.MembershipFactory(club=healthy).user
    factories.MembershipFactory(club=broken, user=member)
    with app.test_request_context():
        from clubapp.services import meetings

        good = meetings.create_series(healthy_president, healthy, series_body(title="Réunion hebdomadaire"))
    _store_bad_rows(db, broken)
    bad_ids = db.session.scalars(sa.select(MeetingSeries.id).where(MeetingSeries.club_id == broken.id)).all()
    db.session.add(OccurrenceOverride(series_id=good.id, original_date=thursday_soon() + timedelta(weeks=1),
                                      sequence=1, venue="Salle\r\nX-INJECTED:2"))
    db.session.commit()

    client = app.test_client()
    log_in(client, member.email)
    caplog.set_level(logging.ERROR)
    for path in ("/dashboard", "/meetings", f"/clubs/{broken.id}/meetings", f"/clubs/{healthy.id}/meetings",
                 f"/clubs/{broken.id}", f"/clubs/{broken.slug}/feed.ics", f"/clubs/{healthy.slug}/feed.ics"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert "Réunion hebdomadaire" in client.get(f"/clubs/{healthy.id}/meetings").get_data(as_text=True)
    for series_id in bad_ids:
        assert client.get(f"/meetings/s{series_id}-{thursday_soon():%Y%m%d}").status_code in (200, 404)
    with app.test_request_context():
        token = feeds.feed_token(member)
    db.session.commit()
    feed = app.test_client().get(f"/feeds/{token}.ics")
    assert feed.status_code == 200
    body = feed.get_data(as_text=True)
    lines = body.replace("\r\n ", "").split("\r\n")
    assert "Réunion hebdomadaire" in body and not [line for line in lines if line.startswith("X-INJECTED")]
    assert any("skipped" in r.getMessage() or "left out" in r.getMessage() for r in caplog.records)


def test_doctor_reports_rows_outside_the_window_and_repairs_what_it_can(app, db):
    club = factories.club_with(name="Club abîmé", timezone="Europe/Paris")
    _store_bad_rows(db, club)
    report = app.test_cli_runner().invoke(args=["doctor"])
    assert report.exit_code == 1, report.output
    assert report.output.count("closure") >= 2 and "UNTIL" in report.output and "0001-01-01" in report.output
    assert "line break" in report.output
    fixed = app.test_cli_runner().invoke(args=["doctor", "--fix"])
    assert fixed.exit_code == 1  # the series from year 1 can only be deleted by its officers, and it says so
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Closure)) == 0
    videos = db.session.scalars(sa.select(SeriesVersion.video_url).where(SeriesVersion.video_url.is_not(None)))
    assert all("\n" not in v and "\r" not in v for v in videos)
    again = app.test_cli_runner().invoke(args=["doctor"])
    assert "UNTIL" not in again.output and "line break" not in again.output
