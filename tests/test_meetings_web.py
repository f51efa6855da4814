"""Meeting pages through the real forms: series of every rhythm, single meetings, closures, dashboard, feed."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clubapp.core.recurrence import first_match, parse_rule
from clubapp.models import Closure, MeetingSeries, Role
from clubapp.services import meetings
from tests import factories
from tests.conftest import log_in, submit

PARIS = ZoneInfo("Europe/Paris")


def next_weekday(weekday: int, after_days: int = 3) -> date:
    """The first ``weekday`` (0 = Monday) at least ``after_days`` from today, in Paris."""
    day = datetime.now(PARIS).date() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def first_day_of(rrule: str, after_days: int = 3) -> date:
    """The first day the rule allows at least ``after_days`` from today, in Paris (a first Tuesday for 1TU)."""
    return first_match(parse_rule(rrule), datetime.now(PARIS).date() + timedelta(days=after_days))


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as text, with the narrow and no-break spaces of CLDR times ("7:30\u202fAM") as plain spaces."""
    return unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


def series_count(db) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(MeetingSeries))


@pytest.fixture
def club(user):  # type: ignore[no-untyped-def]
    return factories.club_with(president=user, name="BNI Vichy Avenir", timezone="Europe/Paris")


@pytest.fixture
def thursdays(app, user, club):  # type: ignore[no-untyped-def]
    """A weekly Thursday 07:30 series starting next Thursday, made by the service."""
    with app.test_request_context():
        return meetings.create_series(user, club, {
            "title": "Réunion hebdomadaire", "start_date": next_weekday(3), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH", "description": "Présentations de 60 secondes"})


def occurrence_ids(app, series: MeetingSeries, count: int = 4) -> list[str]:
    with app.test_request_context():
        now = datetime.now(UTC)
        return [o.id for o in meetings.expand(series, now, now + timedelta(days=120))][:count]


def form_data(**changes: object) -> dict:
    data = {"title": "Réunion du jeudi", "kind": "weekly", "weekday": "", "interval": "2", "position": "1",
            "month_day": "", "start_date": next_weekday(3).isoformat(), "start_time": "07:30",
            "duration_minutes": "90", "timezone": "Europe/Paris", "end": "never", "count": "", "until_date": "",
            "video_kind": "jitsi", "video_url": "", "venue": "", "capacity": "", "description": "Ordre du jour"}
    data.update({k: str(v) for k, v in changes.items()})
    return data


# Creating series: every rhythm of the form

@pytest.mark.parametrize("changes, rrule", [
    ({"kind": "once"}, None),
    ({"kind": "weekdays", "start_date": next_weekday(0).isoformat()}, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
    ({"kind": "weekly", "weekday": "TH"}, "FREQ=WEEKLY;BYDAY=TH"),
    ({"kind": "weekly", "weekday": ""}, "FREQ=WEEKLY;BYDAY=TH"),  # the start date's weekday
    ({"kind": "weeks", "interval": "2", "weekday": "TU"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ({"kind": "monthly_position", "position": "1", "weekday": "TU", "end": "count", "count": "6"},
     "FREQ=MONTHLY;BYDAY=1TU;COUNT=6"),
    ({"kind": "monthly_position", "position": "-1", "weekday": "FR"}, "FREQ=MONTHLY;BYDAY=-1FR"),
    ({"kind": "monthly_day", "month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
])
def test_create_series_of_every_rhythm(auth_client, db, club, changes, rrule):
    response = submit(auth_client, f"/clubs/{club.id}/meetings/new", form_data(**changes))
    assert response.status_code == 302, text(response)
    series = db.session.scalar(sa.select(MeetingSeries))
    assert series.rrule == rrule and series.timezone == "Europe/Paris"
    assert series.versions[0].title == "Réunion du jeudi" and series.versions[0].video_url is None
    page = auth_client.get(response.location)
    assert page.status_code == 200 and "Réunion du jeudi" in text(page) and "Ordre du jour" in text(page)
    assert "The meeting is scheduled." in text(page)


def test_series_ending_on_a_date_keeps_the_last_evening_meeting_in_lima(auth_client, db, user):
    club = factories.club_with(president=user, timezone="America/Lima")
    first = next_weekday(1)
    last = first + timedelta(weeks=2)
    response = submit(auth_client, f"/clubs/{club.id}/meetings/new", form_data(
        kind="weekly", weekday="TU", start_date=first.isoformat(), start_time="19:00", timezone="America/Lima",
        end="until", until_date=last.isoformat()))
    assert response.status_code == 302, text(response)
    series = db.session.scalar(sa.select(MeetingSeries))
    dates = [o.original_date for o in meetings.expand(series, None, datetime.now(UTC) + timedelta(days=60))]
    assert dates == [first, first + timedelta(weeks=1), last]  # 19:00 in Lima is already tomorrow in UTC


def test_create_with_own_link_venue_capacity_and_network(auth_client, db, user):
    network = factories.NetworkFactory(name="Dynabuy Auvergne")
    club = factories.club_with(president=user, network=network)
    page = text(auth_client.get(f"/clubs/{club.id}/meetings/new"))
    assert "Open to all members of the network" in page and 'selected value="Europe/Paris"' in page
    response = submit(auth_client, f"/clubs/{club.id}/meetings/new", form_data(
        video_kind="link", video_url="https://zoom.us/j/123456789", venue="Golf de Montpensier, Serbannes",
        capacity="25", open_to_network="y"))
    assert response.status_code == 302, text(response)
    series = db.session.scalar(sa.select(MeetingSeries))
    version = series.versions[0]
    assert (version.video_url, version.venue, version.capacity) == (
        "https://zoom.us/j/123456789", "Golf de Montpensier, Serbannes", 25)
    assert series.open_to_network


def test_network_choice_hidden_without_network(auth_client, club):
    assert "Open to all members of the network" not in text(auth_client.get(f"/clubs/{club.id}/meetings/new"))


@pytest.mark.parametrize("changes, message", [
    ({"timezone": "Nowhere/Town"}, "Not a valid choice"),
    ({"video_kind": "link", "video_url": "http://zoom.us/j/123456789"}, "The video link must start with https://"),
    ({"video_kind": "link", "video_url": ""}, "Paste the link of your video meeting."),
    ({"duration_minutes": "0"}, "Expected a number from 1 to 1440."),
    ({"duration_minutes": "abc"}, "Not a valid integer value."),
    ({"title": ""}, "This field is required."),
    ({"start_date": "26/11/2026"}, "Not a valid date value."),
    ({"start_date": "0001-01-01"}, "Choose a date between Jan 1, 1970 and Dec 31, 2199."),
    ({"kind": "weeks", "interval": "99"}, "Number must be between 1 and 52."),
    ({"end": "count", "count": ""}, "How many meetings in all?"),
    ({"end": "until", "until_date": "2020-01-02"}, "The series cannot end before its first meeting."),
    ({"capacity": "0"}, "Expected a number from 1 to 100000."),
    ({"kind": "hourly"}, "Not a valid choice"),
])
def test_bad_series_input_shows_a_form_error_and_saves_nothing(auth_client, db, club, changes, message):
    response = submit(auth_client, f"/clubs/{club.id}/meetings/new", form_data(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert series_count(db) == 0


def test_only_officers_create_and_outsiders_get_404(app, db, club):
    member = factories.MembershipFactory(club=club, role=Role.MEMBER).user
    outsider = factories.UserFactory()
    member_client, outsider_client = app.test_client(), app.test_client()
    log_in(member_client, member.email)
    log_in(outsider_client, outsider.email)
    assert member_client.get(f"/clubs/{club.id}/meetings/new").status_code == 403
    assert member_client.post(f"/clubs/{club.id}/meetings/new", data=form_data()).status_code in (400, 403)
    assert outsider_client.get(f"/clubs/{club.id}/meetings").status_code == 404
    assert outsider_client.get(f"/clubs/{club.id}/meetings/new").status_code == 404
    assert series_count(db) == 0


# One occurrence: move, cancel, restore

def test_move_an_occurrence_through_the_form(app, auth_client, db, thursdays):
    meeting_id = occurrence_ids(app, thursdays)[1]
    page = text(auth_client.get(f"/meetings/{meeting_id}/edit"))
    assert 'value="07:30"' in page and 'value="90"' in page and "Réunion hebdomadaire" in page
    new_day = meetings.parse_occurrence_id(meeting_id)[1] + timedelta(days=1)
    response = submit(auth_client, f"/meetings/{meeting_id}/edit", {
        "date": new_day.isoformat(), "start_time": "12:00", "duration_minutes": "120",
        "title": "Déjeuner de Noël", "description": "Présentations de 60 secondes", "video_url": "",
        "venue": "Golf de Montpensier"})
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting_id}")
    db.session.expire_all()
    moved = meetings.get_occurrence(meeting_id, thursdays.club.memberships[0].user)
    assert moved.local_start().date() == new_day and moved.local_start().strftime("%H:%M") == "12:00"
    assert moved.ends_at - moved.starts_at == timedelta(minutes=120)
    assert (moved.title, moved.venue) == ("Déjeuner de Noël", "Golf de Montpensier")
    assert moved.override.description is None  # untouched fields stay the series'
    page = text(auth_client.get(response.location))
    assert "Moved: this meeting was planned on" in page and "Golf de Montpensier" in page


@pytest.mark.parametrize("changes, message", [
    ({"duration_minutes": "0"}, "Expected a number from 1 to 1440."),
    ({"video_url": "http://zoom.us/j/1234567"}, "The video link must start with https://"),
    ({"title": ""}, "This field is required."),
])
def test_bad_occurrence_input_shows_a_form_error(app, auth_client, db, thursdays, changes, message):
    meeting_id = occurrence_ids(app, thursdays)[0]
    day = meetings.parse_occurrence_id(meeting_id)[1]
    data = {"date": day.isoformat(), "start_time": "07:30", "duration_minutes": "90", "title": "Réunion hebdomadaire",
            "description": "Présentations de 60 secondes", "video_url": "", "venue": "", **changes}
    response = submit(auth_client, f"/meetings/{meeting_id}/edit", data)
    assert response.status_code == 200 and message in text(response)
    db.session.expire_all()
    assert thursdays.overrides == []


def test_cancel_and_restore_an_occurrence(app, auth_client, db, thursdays, club):
    meeting_id = occurrence_ids(app, thursdays)[1]
    cancelled = submit(auth_client, f"/meetings/{meeting_id}", {}, action=f"/meetings/{meeting_id}/cancel")
    assert cancelled.status_code == 302
    page = text(auth_client.get(f"/meetings/{meeting_id}"))
    assert "This meeting is cancelled." in page and "Restore this meeting" in page
    schedule = text(auth_client.get(f"/clubs/{club.id}/meetings"))
    assert "<del>Réunion hebdomadaire</del>" in schedule and "Cancelled" in schedule
    restored = submit(auth_client, f"/meetings/{meeting_id}", {}, action=f"/meetings/{meeting_id}/restore")
    assert restored.status_code == 302
    db.session.expire_all()
    assert not meetings.get_occurrence(meeting_id, club.memberships[0].user).is_cancelled
    assert "<del>" not in text(auth_client.get(f"/clubs/{club.id}/meetings"))


def test_members_cannot_change_a_meeting(app, db, thursdays, club):
    member = factories.MembershipFactory(club=club).user
    client = app.test_client()
    log_in(client, member.email)
    meeting_id = occurrence_ids(app, thursdays)[0]
    page = text(client.get(f"/meetings/{meeting_id}"))
    assert "Officer tools" not in page and "Join" in page
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 403
    assert submit(client, f"/meetings/{meeting_id}", {}, action=f"/meetings/{meeting_id}/cancel").status_code == 403
    assert client.get(f"/series/{thursdays.id}/edit").status_code == 403
    assert client.get("/meetings/s999-20260101").status_code == 404
    assert client.get("/meetings/nonsense").status_code == 404


# The series from a date on, and its end

def test_edit_series_from_a_date(app, auth_client, db, thursdays, club):
    ids = occurrence_ids(app, thursdays)
    from_day = meetings.parse_occurrence_id(ids[2])[1]
    page = text(auth_client.get(f"/series/{thursdays.id}/edit?from={from_day.isoformat()}"))
    assert f'value="{from_day.isoformat()}"' in page and 'value="Réunion hebdomadaire"' in page
    response = submit(auth_client, f"/series/{thursdays.id}/edit", {
        "from_date": from_day.isoformat(), "title": "Réunion du jeudi midi", "start_time": "12:15",
        "duration_minutes": "60", "video_kind": "link", "video_url": "https://meet.google.com/abc-defg-hij",
        "venue": "", "capacity": "", "description": "Présentations de 60 secondes"})
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    president = club.memberships[0].user
    before, after = meetings.get_occurrence(ids[1], president), meetings.get_occurrence(ids[2], president)
    assert (before.title, before.local_start().strftime("%H:%M")) == ("Réunion hebdomadaire", "07:30")
    assert (after.title, after.local_start().strftime("%H:%M")) == ("Réunion du jeudi midi", "12:15")
    assert after.video_url == "https://meet.google.com/abc-defg-hij" and before.video_url.startswith("https://meet.jit.si/")
    assert after.description == "Présentations de 60 secondes"


def test_edit_series_refuses_the_past_and_bad_links(auth_client, db, thursdays):
    base = {"title": "X", "start_time": "07:30", "duration_minutes": "90", "video_kind": "jitsi", "video_url": "",
            "venue": "", "capacity": "", "description": ""}
    past = submit(auth_client, f"/series/{thursdays.id}/edit", {**base, "from_date": "2020-01-02"})
    assert past.status_code == 200 and "Changes cannot apply to the past" in text(past)
    bad = submit(auth_client, f"/series/{thursdays.id}/edit", {
        **base, "from_date": next_weekday(3).isoformat(), "video_kind": "link", "video_url": "http://x.example/room"})
    assert bad.status_code == 200 and "The video link must start with https://" in text(bad)
    db.session.expire_all()
    assert len(thursdays.versions) == 1 and thursdays.versions[0].title == "Réunion hebdomadaire"


def test_end_a_series(app, auth_client, db, thursdays, club):
    ids = occurrence_ids(app, thursdays)
    last_day = meetings.parse_occurrence_id(ids[1])[1]
    response = submit(auth_client, f"/series/{thursdays.id}/edit", {"until": last_day.isoformat()},
                      action=f"/series/{thursdays.id}/end")
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert occurrence_ids(app, thursdays, 10) == ids[:2]
    schedule = text(auth_client.get(f"/clubs/{club.id}/meetings"))
    assert "until" in schedule
    past = submit(auth_client, f"/series/{thursdays.id}/edit", {"until": "2020-01-01"},
                  action=f"/series/{thursdays.id}/end")
    assert past.status_code == 200 and "A series cannot end in the past." in text(past)


# Closures

def test_close_the_club_then_reopen(app, auth_client, db, thursdays, club):
    ids = occurrence_ids(app, thursdays)
    day = meetings.parse_occurrence_id(ids[1])[1]
    response = submit(auth_client, f"/clubs/{club.id}/meetings", {
        "start": (day - timedelta(days=1)).isoformat(), "end": (day + timedelta(days=1)).isoformat(),
        "reason": "Vacances de Noël"}, action=f"/clubs/{club.id}/closures")
    assert response.status_code == 302
    schedule = text(auth_client.get(f"/clubs/{club.id}/meetings"))
    assert "Club closed: Vacances de Noël" in schedule and "<del>Réunion hebdomadaire</del>" in schedule
    page = text(auth_client.get(f"/meetings/{ids[1]}"))
    assert "This meeting is cancelled." in page and "Vacances de Noël" in page
    closure = db.session.scalar(sa.select(Closure))
    reopened = submit(auth_client, f"/clubs/{club.id}/meetings", {},
                      action=f"/clubs/{club.id}/closures/{closure.id}/delete")
    assert reopened.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Closure)) == 0
    assert "<del>" not in text(auth_client.get(f"/clubs/{club.id}/meetings"))


def test_closure_ending_before_it_starts_is_refused(auth_client, db, club):
    response = submit(auth_client, f"/clubs/{club.id}/meetings", {
        "start": "2030-08-15", "end": "2030-08-01", "reason": "Été"}, action=f"/clubs/{club.id}/closures")
    assert response.status_code == 200
    page = text(response)
    assert "The end of the closure is before its start." in page and 'id="end-error"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Closure)) == 0


def test_members_cannot_close_or_reopen(app, db, club, user):
    closure = meetings.create_closure(user, club, "2030-08-01", "2030-08-15", "Été")
    member = factories.MembershipFactory(club=club).user
    client = app.test_client()
    log_in(client, member.email)
    schedule = text(client.get(f"/clubs/{club.id}/meetings"))
    assert "Été" in schedule and "Reopen" not in schedule and "Close the club" not in schedule
    assert submit(client, f"/clubs/{club.id}/meetings", {"start": "2030-09-01", "end": "2030-09-02"},
                  action=f"/clubs/{club.id}/closures").status_code == 403
    assert submit(client, f"/clubs/{club.id}/meetings", {},
                  action=f"/clubs/{club.id}/closures/{closure.id}/delete").status_code == 403


# The meeting page

def test_meeting_page_shows_my_time_and_the_clubs(app, db, thursdays, club, user):
    lima = factories.UserFactory(timezone="America/Lima")
    factories.MembershipFactory(club=club, user=lima)
    client = app.test_client()
    log_in(client, lima.email)
    meeting_id = occurrence_ids(app, thursdays)[0]
    occurrence = meetings.get_occurrence(meeting_id, lima)
    in_lima = occurrence.starts_at.astimezone(ZoneInfo("America/Lima"))
    page = text(client.get(f"/meetings/{meeting_id}"))
    assert f"{in_lima:%-I:%M} AM" in page and "your time (Lima)" in page
    assert "For the club in Paris:" in page and "7:30 AM" in page
    # A member in Paris sees one time only.
    paris_page = text(log_in_client(app, user).get(f"/meetings/{meeting_id}"))  # the president, not memberships[0]
    assert "For the club in" not in paris_page and "7:30 AM" in paris_page


def log_in_client(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    log_in(client, user.email)
    return client


def test_join_link_only_for_members(app, db, user):
    club = factories.club_with(president=user, visibility="public")
    with app.test_request_context():
        series = meetings.create_series(user, club, {
            "title": "Réunion publique", "start_date": next_weekday(3), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH", "video_url": "https://zoom.us/j/987654321"})
    meeting_id = occurrence_ids(app, series)[0]
    visitor = log_in_client(app, factories.UserFactory())
    page = text(visitor.get(f"/meetings/{meeting_id}"))
    assert "Réunion publique" in page and "zoom.us" not in page
    assert "The video link is for the members of" in page
    schedule = visitor.get(f"/clubs/{club.id}/meetings")
    assert schedule.status_code == 200 and "zoom.us" not in text(schedule)
    member_page = text(log_in_client(app, user).get(f"/meetings/{meeting_id}"))
    # Join checks the member in (a form), then opens the link; the link itself shows for copying.
    assert f'action="/meetings/{meeting_id}/join"' in member_page and "https://zoom.us/j/987654321" in member_page


def test_ics_download_keeps_the_video_link_from_non_members(app, db, user):
    club = factories.club_with(president=user, visibility="public")
    with app.test_request_context():
        series = meetings.create_series(user, club, {
            "title": "Réunion publique", "start_date": next_weekday(3), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH", "video_url": "https://zoom.us/j/987654321"})
    download = log_in_client(app, factories.UserFactory()).get(f"/meetings/{occurrence_ids(app, series)[0]}.ics")
    assert download.status_code == 200 and b"zoom.us" not in download.data


def test_add_to_calendar_links(app, auth_client, db, thursdays):
    meeting_id = occurrence_ids(app, thursdays)[0]
    occurrence = meetings.get_occurrence(meeting_id, thursdays.club.memberships[0].user)
    page = auth_client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting_id}.ics"' in page
    google = unescape(page.split('href="https://calendar.google.com/calendar/render?', 1)[1].split('"', 1)[0])
    query = parse_qs(google)
    stamp = "%Y%m%dT%H%M%SZ"
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Réunion hebdomadaire"]
    assert query["dates"] == [f"{occurrence.starts_at:{stamp}}/{occurrence.ends_at:{stamp}}"]
    assert "Présentations de 60 secondes" in query["details"][0] and occurrence.video_url in query["details"][0]
    assert auth_client.get(f"/meetings/{meeting_id}.ics").status_code == 200


def test_network_session_open_to_members_of_other_clubs(app, db, user):
    network = factories.NetworkFactory(name="Dynabuy Auvergne")
    host = factories.club_with(president=user, network=network, name="Dynabuy Vichy")
    with app.test_request_context():
        series = meetings.create_series(user, host, {
            "title": "Session régionale", "start_date": first_day_of("FREQ=WEEKLY;BYDAY=TU", 0), "start_time": "18:00",
            "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "open_to_network": True})
    neighbour = factories.MembershipFactory(club=factories.ClubFactory(network=network)).user
    client = log_in_client(app, neighbour)
    dashboard = text(client.get("/dashboard"))
    assert "Session régionale" in dashboard and "Open to you" in dashboard
    page = text(client.get(f"/meetings/{occurrence_ids(app, series)[0]}"))
    assert "A session of Dynabuy Auvergne, hosted by Dynabuy Vichy." in page
    assert "meet.jit.si" in page  # the video is open to network members


# Dashboard, agenda, settings

def test_dashboard_lists_my_next_meetings(app, db, thursdays, club):
    member = factories.MembershipFactory(club=club).user
    client = log_in_client(app, member)
    page = text(client.get("/dashboard"))
    assert "My next meetings" in page and "Réunion hebdomadaire" in page and "BNI Vichy Avenir" in page
    assert f'href="/meetings/{occurrence_ids(app, thursdays)[0]}"' in page
    agenda = text(client.get("/meetings"))
    assert "My meetings" in agenda and agenda.count("Réunion hebdomadaire") >= 4


def test_dashboard_join_link_only_when_the_meeting_is_about_to_start(app, db, user, club):
    soon = datetime.now(PARIS) + timedelta(minutes=10)
    with app.test_request_context():
        meetings.create_series(user, club, {
            "title": "Café visio", "start_date": soon.date(), "start_time": soon.strftime("%H:%M"),
            "duration_minutes": 60, "video_url": "https://zoom.us/j/555000111"})
        meetings.create_series(user, club, {
            "title": "Plus tard", "start_date": next_weekday(3), "start_time": "07:30", "duration_minutes": 60,
            "video_url": "https://zoom.us/j/999000111"})
    page = text(log_in_client(app, user).get("/dashboard"))
    assert "Café visio" in page and page.count('/join"') == 1  # Join (it checks in) for the one about to start
    assert "Plus tard" in page and "https://zoom.us/j/999000111" not in page


def test_dashboard_empty_state_points_officers_to_new_meeting(auth_client, db, club):
    page = text(auth_client.get("/dashboard"))
    assert "No meeting coming up." in page and f'href="/clubs/{club.id}/meetings/new"' in page


def test_schedule_is_linked_from_the_club_page_and_the_nav(auth_client, club):
    page = text(auth_client.get(f"/clubs/{club.id}"))
    assert f'href="/clubs/{club.id}/meetings"' in page and 'href="/meetings"' in page


def test_settings_show_the_feed_and_rotation_kills_the_old_url(app, auth_client, db, user, thursdays):
    response = auth_client.get("/account/settings")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = text(response)
    feed_url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    assert feed_url.startswith("http://clubapp.test/feeds/") and feed_url.endswith(".ics")
    webcal = feed_url.replace("http://", "webcal://", 1)
    assert f'href="{webcal}"' in page
    google = page.split('href="https://calendar.google.com/calendar/r?cid=', 1)[1].split('"', 1)[0]
    assert parse_qs(f"cid={google}")["cid"] == [webcal]
    path = urlparse(feed_url).path
    feed = app.test_client().get(path)
    assert feed.status_code == 200 and b"R\xc3\xa9union hebdomadaire" in feed.data

    rotated = submit(auth_client, "/account/settings", {}, action="/account/feed/rotate")
    assert rotated.status_code == 302
    assert app.test_client().get(path).status_code == 404
    new_page = text(auth_client.get("/account/settings"))
    assert feed_url not in new_page and "/feeds/" in new_page


def test_rotation_needs_the_csrf_token(app, auth_client, db, user):
    page = text(auth_client.get("/account/settings"))
    feed_url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    auth_client.post("/account/feed/rotate")
    assert app.test_client().get(urlparse(feed_url).path).status_code == 200
