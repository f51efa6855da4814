"""A club's colour (RFC 7986 COLOR, a CSS3 colour name): set by officers on the web and in the API,
written on the club's calendar (and Apple's X-APPLE-CALENDAR-COLOR) and on each of its events."""
from __future__ import annotations

from datetime import timedelta

import icalendar

from clubapp.models.base import utcnow
from clubapp.services import meetings
from tests import factories
from tests.conftest import bearer


def _club_with_series(app, visibility: str = "public"):  # type: ignore[no-untyped-def]
    president = factories.UserFactory()
    club = factories.club_with(president=president, visibility=visibility)
    start = (utcnow() + timedelta(days=3)).astimezone(meetings.ZoneInfo(club.timezone))
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion", "start_date": start.date().isoformat(), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=" + start.strftime("%a")[:2].upper()})
        first = meetings.club_meetings(club, utcnow(), utcnow() + timedelta(days=8))[0]
        meetings.update_occurrence(president, first.id, {"title": "Réunion déplacée"})  # an override
    return president, club, series


def test_api_sets_checks_and_clears_the_colour_and_the_feeds_show_it(app, client, db):
    president, club, _series = _club_with_series(app)
    headers = bearer(president)
    url = f"/clubs/{club.slug}/feed.ics"
    personal = client.get("/api/v1/me", headers=headers).json["feed_url"].split("clubapp.test")[1]
    before = client.get(url)
    assert b"COLOR" not in before.data
    assert client.get(f"/api/v1/clubs/{club.id}", headers=headers).json["color"] is None
    for bad in ("notacolour", "#FF0000", "rebeccapurple", 12):
        refused = client.patch(f"/api/v1/clubs/{club.id}", headers=headers, json={"color": bad})
        assert refused.status_code == 422 and "color" in refused.get_json()["error"]["fields"], bad
    patched = client.patch(f"/api/v1/clubs/{club.id}", headers=headers, json={"color": " CornflowerBlue "})
    assert patched.status_code == 200 and patched.json["color"] == "cornflowerblue"

    after = client.get(url)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200
    calendar = icalendar.Calendar.from_ical(after.data)
    assert str(calendar["COLOR"]) == "cornflowerblue" and str(calendar["X-APPLE-CALENDAR-COLOR"]) == "#6495ED"
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 2 and any("RECURRENCE-ID" in e for e in events)
    assert all(str(e["COLOR"]) == "cornflowerblue" for e in events)
    # The personal feed mixes clubs: the colour is on each event, not on the calendar.
    mine = icalendar.Calendar.from_ical(client.get(personal).data)
    assert "COLOR" not in mine and "X-APPLE-CALENDAR-COLOR" not in mine
    assert [str(e["COLOR"]) for e in mine.walk("VEVENT")] == ["cornflowerblue"] * len(events)

    cleared = client.patch(f"/api/v1/clubs/{club.id}", headers=headers, json={"color": None})
    assert cleared.status_code == 200 and cleared.json["color"] is None
    assert b"COLOR" not in client.get(url).data and b"COLOR" not in client.get(personal).data


def test_officers_choose_the_colour_in_the_settings_form(app, db, user, auth_client):
    from tests.conftest import submit
    from tests.test_attendance_web import club_form, text

    club = factories.club_with(president=user, name="BNI Vichy Avenir")
    page = text(auth_client.get(f"/clubs/{club.id}/edit"))
    assert 'name="color"' in page and '<option value="teal">teal</option>' in page
    refused = submit(auth_client, f"/clubs/{club.id}/edit", club_form(club, color="not-a-colour"))
    assert refused.status_code in (200, 422) and "Choose a colour from the list" in text(refused)
    db.session.expire_all()
    assert club.color is None
    saved = submit(auth_client, f"/clubs/{club.id}/edit", club_form(club, color="teal"))
    assert saved.status_code == 302
    db.session.expire_all()
    assert club.color == "teal"
    assert '<option selected value="teal">teal</option>' in text(auth_client.get(f"/clubs/{club.id}/edit"))
    assert submit(auth_client, f"/clubs/{club.id}/edit", club_form(club, color="")).status_code == 302
    db.session.expire_all()
    assert club.color is None
