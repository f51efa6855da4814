"""Calendar feeds at the edges (issue 12): DST nights, gaps and overlaps, SEQUENCE, what METHOD:PUBLISH
allows, UIDs, LOCATION, and the single-meeting .ics. Each test reads the bytes the routes serve and
compares them with what the JSON API says (DESIGN.md, "Calendar feeds: what correct means").

Dates are derived from today: the DST nights of next year, whatever day the suite runs.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from tests import factories
from tests.conftest import bearer, log_in
from tests.test_feed_clients import Api, fetch, last_sunday, local, mid, on_or_after, unfolded

PARIS = ZoneInfo("Europe/Paris")
YEAR = datetime.now(UTC).year + 1
SPRING = last_sunday(YEAR, 3)  # clocks go from 02:00 to 03:00
AUTUMN = last_sunday(YEAR, 10)  # clocks go from 03:00 back to 02:00


def _club(client: Any, visibility: str = "private") -> tuple[Api, str, Any]:
    president = factories.UserFactory(name="Claire Martin")
    api = Api(client, bearer(president))
    club = api.post("/clubs", {"name": "BNI Vichy", "timezone": "Europe/Paris", "visibility": visibility})["id"]
    return api, club, president


def _series(api: Api, club: str, **fields: Any) -> str:
    body = {"title": "Réunion", "start_time": "07:30", "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH"}
    body.update(fields)
    return api.post(f"/clubs/{club}/series", body)["id"]


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _utc(value: Any) -> datetime:
    return value.dt.astimezone(UTC)


def _end(event: icalendar.Event) -> datetime:
    """DTEND, or DTSTART + DURATION in absolute time (RFC 5545 3.3.6: hours are exact)."""
    if "DTEND" in event:
        return _utc(event["DTEND"])
    return _utc(event["DTSTART"]) + event["DURATION"].dt


def _api_meetings(api: Api, club: str, first: date, last: date) -> list[dict]:
    return api.get(f"/clubs/{club}/meetings?from={first}&to={last}")["items"]


def _download(app: Any, user: Any, meeting_id: str) -> bytes:
    web = app.test_client()
    assert log_in(web, user.email).status_code == 302
    response = web.get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    return response.data


# 1. DTEND on DST nights

def test_the_end_is_start_plus_duration_in_absolute_time_on_dst_nights(app, client):
    api, club, president = _club(client)
    saturday, october_saturday = SPRING - timedelta(days=1), AUTUMN - timedelta(days=1)
    spring_once = _series(api, club, title="Nuit de printemps", start_date=saturday.isoformat(), start_time="23:00",
                          duration_minutes=300, rrule=None)
    _series(api, club, title="Nuit d'automne", start_date=october_saturday.isoformat(), start_time="23:00",
            duration_minutes=300, rrule=None)
    _series(api, club, title="Veillée", start_date=saturday.isoformat(), start_time="23:00",
            duration_minutes=300, rrule="FREQ=WEEKLY;BYDAY=SA;COUNT=3")
    items = _api_meetings(api, club, saturday, AUTUMN)
    assert {datetime.fromisoformat(i["ends_at"]) - datetime.fromisoformat(i["starts_at"]) for i in items} == {
        timedelta(hours=5)}
    events = _events(fetch(client, api.feed_path()).data)
    assert len(events) == 3
    for event in events:
        assert _end(event) - _utc(event["DTSTART"]) == timedelta(hours=5), event["SUMMARY"]
    # The single-meeting .ics too.
    single = _events(_download(app, president, mid(spring_once, saturday)))
    assert len(single) == 1 and _end(single[0]) - _utc(single[0]["DTSTART"]) == timedelta(hours=5)
    assert _utc(single[0]["DTSTART"]) == datetime.fromisoformat(items[0]["starts_at"]).astimezone(UTC)


# 2 and 3. A series starting inside the spring-forward gap, and an EXDATE there

def test_a_series_starting_in_the_gap_is_written_as_its_rule_generates_it(client):
    api, club, _president = _club(client)
    _series(api, club, title="Dimanche", start_date=SPRING.isoformat(), start_time="02:30",
                     duration_minutes=60, rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=6")
    expected = sorted((datetime.fromisoformat(i["starts_at"]).astimezone(UTC),
                       datetime.fromisoformat(i["ends_at"]).astimezone(UTC))
                      for i in _api_meetings(api, club, SPRING, SPRING + timedelta(days=60)))
    # The documented rule: 03:30 summer time on the gap day, 02:30 on every later Sunday.
    assert [s.astimezone(PARIS).strftime("%H:%M") for s, _e in expected] == ["03:30"] + ["02:30"] * 5
    body = fetch(client, api.feed_path()).data
    assert f"DTSTART;TZID=Europe/Paris:{SPRING:%Y%m%d}T023000" in unfolded(body)
    calendar = icalendar.Calendar.from_ical(body)
    got = sorted((_utc(e["DTSTART"]), _end(e)) for e in recurring_ical_events.of(calendar).between(
        SPRING - timedelta(days=1), SPRING + timedelta(days=60)))
    assert got == expected


def test_an_exdate_in_the_gap_is_the_time_the_rule_generates(client):
    """3. The gap day cancelled: its EXDATE is what the rule generates, and no client shows it."""
    api, club, _president = _club(client)
    series = _series(api, club, title="Dimanche", start_date=SPRING.isoformat(), start_time="02:30",
                     duration_minutes=60, rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=6")
    expected = sorted(datetime.fromisoformat(i["starts_at"]).astimezone(UTC)
                      for i in _api_meetings(api, club, SPRING, SPRING + timedelta(days=60)))
    api.patch(f"/meetings/{mid(series, SPRING)}", {"status": "cancelled"})
    body = fetch(client, api.feed_path()).data
    assert f"EXDATE;TZID=Europe/Paris:{SPRING:%Y%m%d}T023000" in unfolded(body)
    calendar = icalendar.Calendar.from_ical(body)
    got = sorted(_utc(e["DTSTART"]) for e in recurring_ical_events.of(calendar).between(
        SPRING - timedelta(days=1), SPRING + timedelta(days=60)))
    assert got == expected[1:]


# 4. An override in the repeated autumn hour

def test_an_override_in_the_repeated_hour_reads_at_its_own_instants(client):
    api, club, _president = _club(client)
    first = AUTUMN - timedelta(weeks=2)
    series = _series(api, club, title="Dimanche", start_date=first.isoformat(), start_time="10:00",
                     duration_minutes=60, rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=5")
    # 02:30 summer time (the first 02:30) to 02:00 winter time (the second 02:00): half an hour.
    api.patch(f"/meetings/{mid(series, AUTUMN)}", {"starts_at": f"{AUTUMN}T02:30:00+02:00",
                                                   "ends_at": f"{AUTUMN}T02:00:00+01:00"})
    # Wholly inside the second 02:00-03:00.
    api.patch(f"/meetings/{mid(series, first)}", {"starts_at": f"{AUTUMN}T02:15:00+01:00",
                                                  "ends_at": f"{AUTUMN}T02:45:00+01:00"})
    expected = sorted((datetime.fromisoformat(i["starts_at"]).astimezone(UTC),
                       datetime.fromisoformat(i["ends_at"]).astimezone(UTC))
                      for i in _api_meetings(api, club, first - timedelta(days=1), AUTUMN + timedelta(days=30)))
    body = fetch(client, api.feed_path()).data
    overrides = [e for e in _events(body) if "RECURRENCE-ID" in e]
    assert len(overrides) == 2
    for event in overrides:
        assert _end(event) > _utc(event["DTSTART"])
        # RECURRENCE-ID matches what the master's rule generates (local time, the master's TZID).
        assert event["RECURRENCE-ID"].params.get("TZID") == "Europe/Paris"
        assert event["RECURRENCE-ID"].dt.strftime("%H:%M") == "10:00"
    # As written, every instant is the API's.
    written_out = sorted((_utc(e["DTSTART"]), _end(e)) for e in overrides)
    assert written_out == [x for x in expected if x[0].date() == AUTUMN]
    # recurring-ical-events 2.0.2 moves a UTC time into X-WR-TIMEZONE through x-wr-timezone 0.0.7
    # (pytz), and the fold is lost on the way: 00:30Z (02:30 summer time) comes back as 01:30Z. Its
    # own bug (RFC 5545 gives X-WR-TIMEZONE no meaning for UTC times): it reads the rest without it.
    calendar = icalendar.Calendar.from_ical(body)
    del calendar["X-WR-TIMEZONE"]
    got = sorted((_utc(e["DTSTART"]), _end(e)) for e in recurring_ical_events.of(calendar).between(
        first - timedelta(days=1), AUTUMN + timedelta(days=30)))
    assert got == expected
    assert (datetime(AUTUMN.year, 10, AUTUMN.day, 1, 15, tzinfo=UTC),
            datetime(AUTUMN.year, 10, AUTUMN.day, 1, 45, tzinfo=UTC)) in got


# 5. SEQUENCE never decreases

def _sequences(body: bytes) -> dict[tuple[str, str], int]:
    out = {}
    for event in _events(body):
        rid = event.get("RECURRENCE-ID")
        out[(str(event["UID"]), rid.to_ical().decode() if rid else "")] = int(event["SEQUENCE"])
    return out


@pytest.mark.parametrize("change", ["split", "end"])
def test_sequence_never_decreases_when_a_series_is_split_or_ended(client, change):
    api, club, _president = _club(client)
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    series = _series(api, club, start_date=first.isoformat())
    for week in (4, 5, 6):  # overrides late in the series, each changed twice
        for title in ("Réunion spéciale", "Réunion très spéciale"):
            api.patch(f"/meetings/{mid(series, first + timedelta(weeks=week))}", {"title": title})
    path = api.feed_path()
    before = _sequences(fetch(client, path).data)
    masters = {uid: seq for (uid, rid), seq in before.items() if not rid}
    assert len(masters) == 1 and max(masters.values()) >= 6
    if change == "split":
        api.patch(f"/series/{series}", {"start_time": "08:00", "from_date": (first + timedelta(weeks=2)).isoformat()})
    else:
        api.patch(f"/series/{series}", {"until": (first + timedelta(weeks=2)).isoformat()})
    after = _sequences(fetch(client, path).data)
    for (uid, rid), seq in after.items():
        held = before.get((uid, rid), masters.get(uid, -1))
        assert seq >= held, (uid, rid, seq, held)
    (uid, held), = masters.items()
    assert after[(uid, "")] > held  # the master changed (its UNTIL): its SEQUENCE rose


# 6. No ATTENDEE without ORGANIZER in METHOD:PUBLISH

def test_my_answers_are_carried_without_attendee(client):
    api, club, _president = _club(client)
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    series = _series(api, club, start_date=first.isoformat())
    api.call("PUT", f"/meetings/{mid(series, first + timedelta(weeks=1))}/rsvp", {"response": "yes"})
    api.call("PUT", f"/meetings/{mid(series, first + timedelta(weeks=2))}/rsvp", {"response": "no"})
    body = fetch(client, api.feed_path()).data
    lines = unfolded(body)
    assert "METHOD:PUBLISH" in lines
    assert not [line for line in lines if line.startswith("ATTENDEE")]
    # PUBLISH requires an ORGANIZER (RFC 5546 3.2.1): the club, at the site's sender address.
    assert {line for line in lines if line.startswith("ORGANIZER")} == {
        'ORGANIZER;CN="BNI Vichy":mailto:no-reply@clubapp.localhost'}
    answers = {e["RECURRENCE-ID"].dt.date(): str(e["X-CLUBAPP-PARTSTAT"]) for e in _events(body)
               if "RECURRENCE-ID" in e}
    assert answers == {first + timedelta(weeks=1): "ACCEPTED", first + timedelta(weeks=2): "DECLINED"}


# 7. UIDs carry the site's host

def test_uid_domain_comes_from_the_site_host_and_stays_clubapp_without_it(tmp_path):
    from clubapp.config import finalise, uid_domain

    assert uid_domain("https://Clubs.Example.org:8443/app") == "clubs.example.org"
    assert uid_domain("clubs.example.org.") == "clubs.example.org"
    assert uid_domain("[2001:db8::1]:8080") == "[2001:db8::1]"
    assert uid_domain(None) == uid_domain("") == "clubapp"
    base = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"}
    for given, domain in (({}, "clubapp"), ({"SITE_HOST": "clubs.example.org"}, "clubs.example.org"),
                          ({"SITE_HOST": "clubs.example.org", "FEED_UID_DOMAIN": "clubapp"}, "clubapp")):
        config = {**base, **given}
        finalise(config, str(tmp_path))
        assert config["FEED_UID_DOMAIN"] == domain, given


def test_every_uid_carries_the_configured_domain(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_UID_DOMAIN", "clubs.example.org")
    api, club, president = _club(client)
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    series = _series(api, club, start_date=first.isoformat())
    api.patch(f"/meetings/{mid(series, first)}", {"title": "Réunion spéciale"})
    uids = {str(e["UID"]) for e in _events(fetch(client, api.feed_path()).data)}
    uids |= {str(e["UID"]) for e in _events(_download(app, president, mid(series, first)))}
    assert uids == {f"series-{series}@clubs.example.org"}


# 8. LOCATION is the venue; the link goes in URL, CONFERENCE and DESCRIPTION

def test_location_is_the_venue_and_the_link_has_its_own_properties(client):
    api, club, _president = _club(client)
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    venue, link = "Brasserie du Casino, 4 rue du Casino, Vichy", "https://meet.jit.si/bni-vichy-hybride"
    _series(api, club, title="Hybride", start_date=first.isoformat(), venue=venue, video_url=link)
    _series(api, club, title="Visio", start_date=first.isoformat(), video_url="https://zoom.us/j/42")
    body = fetch(client, api.feed_path()).data
    events = {str(e["SUMMARY"]): e for e in _events(body)}
    assert str(events["Hybride"]["LOCATION"]) == venue
    assert str(events["Visio"]["LOCATION"]) == "https://zoom.us/j/42"
    for title, url in (("Hybride", link), ("Visio", "https://zoom.us/j/42")):
        event = events[title]
        assert str(event["URL"]) == url and url in str(event["DESCRIPTION"])
        assert str(event["CONFERENCE"]) == url
        assert event["CONFERENCE"].params["FEATURE"] == "AUDIO,VIDEO" and event["CONFERENCE"].params["VALUE"] == "URI"


# 9. The single-meeting .ics is the feed's event

def test_the_single_meeting_ics_is_the_feeds_event_without_subscription_properties(app, client):
    api, club, president = _club(client)
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    weekly = _series(api, club, start_date=first.isoformat(), venue="Hôtel Aletti")
    once = _series(api, club, title="Gala", start_date=(first + timedelta(days=3)).isoformat(), rrule=None)
    moved = mid(weekly, first + timedelta(weeks=1))
    api.patch(f"/meetings/{moved}", {"starts_at": local(first + timedelta(weeks=1, days=1), 9, 0, PARIS)})
    feed = {(str(e["UID"]), e["RECURRENCE-ID"].to_ical() if "RECURRENCE-ID" in e else b""): e
            for e in _events(fetch(client, api.feed_path()).data)}
    for meeting_id in (mid(weekly, first + timedelta(weeks=2)), moved, mid(once, first + timedelta(days=3))):
        body = _download(app, president, meeting_id)
        lines = unfolded(body)
        assert not [line for line in lines if line.startswith(
            ("X-WR-", "NAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "DESCRIPTION:Meetings"))], meeting_id
        (event,) = _events(body)
        rid = event["RECURRENCE-ID"].to_ical() if "RECURRENCE-ID" in event else b""
        uid = str(event["UID"])
        assert uid in {u for u, _r in feed}, meeting_id
        if meeting_id.startswith(f"s{once}-"):
            assert rid == b""
        else:
            assert rid == (first + timedelta(weeks=int(meeting_id == moved) or 2)).strftime("%Y%m%dT073000").encode()
        same = feed.get((uid, rid)) or feed[(uid, b"")]
        assert int(event["SEQUENCE"]) == int(same["SEQUENCE"])
        if (uid, rid) in feed:
            assert _utc(event["DTSTART"]) == _utc(same["DTSTART"])


# What clients expect of a subscription

def test_feeds_name_describe_and_zone_themselves_and_the_public_one_is_cacheable(client):
    api, club, _president = _club(client, "public")
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    _series(api, club, start_date=first.isoformat())
    slug = api.get(f"/clubs/{club}")["slug"]
    personal, public = fetch(client, api.feed_path()), fetch(client, f"/clubs/{slug}/feed.ics")
    for response in (personal, public):
        lines = unfolded(response.data)
        assert "X-WR-TIMEZONE:Europe/Paris" in lines
        assert [line for line in lines if line.startswith("DESCRIPTION:")][0] == \
            [line for line in lines if line.startswith("X-WR-CALDESC:")][0].replace("X-WR-CALDESC", "DESCRIPTION")
    assert "DESCRIPTION:The meetings of BNI Vichy." in unfolded(public.data)
    assert public.headers["Cache-Control"].startswith("public, max-age=")
    assert int(public.headers["Cache-Control"].split("max-age=")[1]) > 0
    assert personal.headers["Cache-Control"].startswith("private")
    # A conditional request to the public feed answers 304 with the same caching rule.
    again = fetch(client, f"/clubs/{slug}/feed.ics", **{"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == public.headers["Cache-Control"]


ZONES = ("Europe/Paris", "America/Lima", "America/Sao_Paulo", "Asia/Tehran", "Africa/Casablanca",
         "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "Europe/Dublin", "America/New_York")


@pytest.mark.parametrize("tzid", ZONES)
def test_vtimezone_has_no_no_op_part_beside_real_ones(tzid):
    """Microsoft's clients may take the first STANDARD part: no no-op part (offset to itself) is
    written beside parts that change the offset."""
    from clubapp.core.ical import vtimezone

    parts = vtimezone(tzid).subcomponents
    real = [p for p in parts if p["TZOFFSETFROM"].td != p["TZOFFSETTO"].td]
    assert real or len(parts) == 1
    if real:  # (a no-op part later on marks a real change of rule or name: Casablanca in 2018)
        first = min(parts, key=lambda p: p["DTSTART"].dt)
        assert first["TZOFFSETFROM"].td != first["TZOFFSETTO"].td, first.to_ical()
    if tzid == "Europe/Paris":
        assert sorted(p.name for p in parts) == ["DAYLIGHT", "STANDARD"]


def test_settings_offer_outlook_beside_webcal_and_google(app, client):
    from urllib.parse import parse_qs, urlsplit

    user = factories.UserFactory()
    web = app.test_client()
    assert log_in(web, user.email).status_code == 302
    page = web.get("/account/settings").get_data(as_text=True)
    feed_url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    link = page.split('href="https://outlook.live.com/calendar/0/addfromweb?', 1)[1].split('"', 1)[0]
    query = parse_qs(link.replace("&amp;", "&"))
    assert query["url"] == [feed_url] and query["name"] == ["Clubapp: my meetings"]
    assert urlsplit(feed_url).scheme == "http"
