"""The feed fast path (WSGI, before Flask) answers exactly as the Flask route does."""
from __future__ import annotations

from datetime import timedelta

from clubapp.models.base import utcnow
from clubapp.services import meetings
from tests import factories
from tests.conftest import bearer

HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Security-Policy",
           "X-Content-Type-Options")


def weekly_club(app, **club_fields):  # type: ignore[no-untyped-def]
    """A club with a weekly 07:30 series whose first meeting is three days from now: (president, club, start)."""
    president = factories.UserFactory()
    club = factories.club_with(president=president, **club_fields)
    start = (utcnow() + timedelta(days=3)).astimezone(meetings.ZoneInfo(club.timezone))
    with app.test_request_context():
        meetings.create_series(president, club, {"title": "Réunion", "start_date": start.date().isoformat(),
                                                 "start_time": "07:30", "duration_minutes": 90,
                                                 "rrule": "FREQ=WEEKLY;BYDAY=" + start.strftime("%a")[:2].upper()})
    return president, club, start


def test_cached_and_conditional_answers_match_the_flask_route(app, client, db):
    president, club, _start = weekly_club(app)
    url = client.get("/api/v1/me", headers=bearer(president)).json["feed_url"].split("clubapp.test")[1]
    built = client.get(url)  # no cached body yet: the Flask route builds it
    cached = client.get(url)  # answered by the fast path from the cache
    assert built.status_code == cached.status_code == 200
    assert built.data == cached.data and b"BEGIN:VCALENDAR" in cached.data
    for name in HEADERS:
        assert built.headers[name] == cached.headers[name], name
    assert cached.headers["Content-Length"] == str(len(cached.data))
    not_modified = client.get(url, headers={"If-None-Match": built.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == built.headers["ETag"]
    since = client.get(url, headers={"If-Modified-Since": built.headers["Last-Modified"]})
    assert since.status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    # a change makes both paths answer with the new version
    with app.test_request_context():
        first = meetings.club_meetings(club, utcnow(), utcnow() + timedelta(days=8))[0]
        meetings.update_occurrence(president, first.id, {"title": "Réunion déplacée"})
    changed = client.get(url, headers={"If-None-Match": built.headers["ETag"]})
    assert changed.status_code == 200 and "Réunion déplacée".encode() in changed.data


def test_sequence_never_goes_down_and_a_rename_moves_last_modified(app, client, db):
    import re

    president, club, start = weekly_club(app, visibility="public")
    url = f"/clubs/{club.slug}/feed.ics"

    def sequence() -> int:
        return max(int(n) for n in re.findall(r"SEQUENCE:(\d+)", client.get(url).get_data(as_text=True)))

    seen = [sequence()]
    with app.test_request_context():
        closure = meetings.create_closure(president, club, start.date().isoformat(),
                                          (start + timedelta(days=20)).date().isoformat())
    seen.append(sequence())
    with app.test_request_context():
        meetings.delete_closure(president, club, closure.id)
    seen.append(sequence())
    assert seen[0] < seen[1] < seen[2]
    before = client.get(url).headers["Last-Modified"]
    import time

    time.sleep(1.1)
    from clubapp.services import clubs

    with app.test_request_context():
        clubs.update_club(president, club, {"name": "BNI Vichy Avenir (nouveau nom)"})
    after = client.get(url)
    assert after.headers["Last-Modified"] != before and "nouveau nom" in after.get_data(as_text=True)


def test_gzip_answers_match_on_both_paths_and_read_back(app, client, db):
    """Accept-Encoding: gzip gets the gzipped body under its own ETag, the same from the Flask route
    (which builds it) and the fast path (from the cache); either ETag gives 304; gzip reads it back."""
    import gzip

    from clubapp.services import feeds

    president, club, _start = weekly_club(app, visibility="public")
    url = client.get("/api/v1/me", headers=bearer(president)).json["feed_url"].split("clubapp.test")[1]
    gz = {"Accept-Encoding": "br, gzip;q=0.8, deflate"}
    built = client.get(url, headers=gz)  # no cached body yet: the Flask route builds and compresses it
    cached = client.get(url, headers=gz)  # the fast path, from the cache
    plain = client.get(url)
    assert built.status_code == cached.status_code == plain.status_code == 200
    assert built.data == cached.data and built.data != plain.data
    for name in (*HEADERS, "Content-Encoding", "Content-Length"):
        assert built.headers.get(name) == cached.headers.get(name), name
    # Flask-Login's after_request reads the session on every Flask response, so Flask adds
    # "Cookie" to the route's Vary; the fast path never reads one.
    assert _vary(built) - {"cookie"} == _vary(cached) == {"accept-encoding"}
    assert cached.headers["Content-Encoding"] == "gzip"
    assert cached.headers["Content-Length"] == str(len(cached.data))
    assert "Content-Encoding" not in plain.headers and "accept-encoding" in _vary(plain)
    assert gzip.decompress(cached.data) == plain.data and b"BEGIN:VCALENDAR" in plain.data
    assert cached.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    assert cached.headers["Last-Modified"] == plain.headers["Last-Modified"]
    for etag in (plain.headers["ETag"], cached.headers["ETag"], "W/" + cached.headers["ETag"]):
        for headers in (gz, {}):
            again = client.get(url, headers={"If-None-Match": etag, **headers})
            assert again.status_code == 304 and again.data == b"", (etag, headers)
            assert "accept-encoding" in _vary(again) and "Content-Encoding" not in again.headers
    head = client.head(url, headers=gz)
    assert head.status_code == 200 and head.data == b"" and head.headers["Content-Encoding"] == "gzip"
    # A refusal of gzip, or no header, gets the identity body.
    for refusal in ("gzip;q=0, *", "identity", "br", "*;q=0"):
        got = client.get(url, headers={"Accept-Encoding": refusal})
        assert got.data == plain.data and "Content-Encoding" not in got.headers, refusal
    assert client.get(url, headers={"Accept-Encoding": "*"}).headers["Content-Encoding"] == "gzip"
    # Compressed once per version: the cached gzip bytes are what is served.
    from clubapp.extensions import cache

    etag = plain.headers["ETag"].strip('"')
    assert cache.get(feeds.gzip_cache_key(etag)) == cached.data
    # The public club feed too.
    public = client.get(f"/clubs/{club.slug}/feed.ics", headers=gz)
    identity = client.get(f"/clubs/{club.slug}/feed.ics")
    assert public.headers["Content-Encoding"] == "gzip" and gzip.decompress(public.data) == identity.data
    assert public.headers["ETag"] == identity.headers["ETag"][:-1] + '-gzip"'
    assert client.get(f"/clubs/{club.slug}/feed.ics", headers={"If-None-Match": public.headers["ETag"]}
                      ).status_code == 304
    # A new version: both ETags are stale, the new gzip body reads back the change.
    with app.test_request_context():
        first = meetings.club_meetings(club, utcnow(), utcnow() + timedelta(days=8))[0]
        meetings.update_occurrence(president, first.id, {"title": "Réunion déplacée"})
    changed = client.get(url, headers={"If-None-Match": f'{plain.headers["ETag"]}, {cached.headers["ETag"]}', **gz})
    assert changed.status_code == 200 and "Réunion déplacée".encode() in gzip.decompress(changed.data)


def _vary(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {token.strip().lower() for token in response.headers.get("Vary", "").split(",") if token.strip()}
