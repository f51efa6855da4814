"""Bench helpers run inside Clubapp (same database as the gunicorn under test).

    python bench/feedbench.py seed OUT.json
        a member's schedule through the JSON API: 3 weekly series over 2 years (Paris, Paris,
        Lima), 15 edited occurrences (moved, retitled, cancelled, relinked), a Christmas closure;
        writes the feed path and the ids to OUT.json.
    python bench/feedbench.py first-build SEED.json URL REPS
        REPS times: change one occurrence through the service, then time the first GET of the
        feed at URL (it is built then) and the one after it (cache); also times the build alone.
        Prints JSON.
    python bench/feedbench.py wsgi SEED.json BASE_URL CALLS
        microseconds per WSGI call in process (no server, no socket): bench/hello.py, a no-op
        route added to Clubapp (its floor: every extension's hooks), the feed's 304 and 200.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clubapp import create_app  # noqa: E402

PASSWORD = "bench password, not a secret"


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def api_caller(app):  # type: ignore[no-untyped-def]
    """call(method, path, body, headers) on the app's JSON API, in process; stops the bench on any error."""
    client = app.test_client()

    def call(method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
        response = client.open(f"/api/v1{path}", method=method, json=body, headers=headers or {})
        if response.status_code >= 300:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_json()

    return call


def president(call, email: str, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A new account through the API, and the bearer header of its first token."""
    call("POST", "/users", {"email": email, "password": PASSWORD, "name": name})
    return {"Authorization": f"Bearer {call('POST', '/tokens', {'email': email, 'password': PASSWORD})['token']}"}


def seed(out: Path) -> None:
    app = create_app()
    call = api_caller(app)
    auth = president(call, "president@bench.example", "Claire Martin")
    paris = call("POST", "/clubs", {"name": "BNI Vichy Avenir", "timezone": "Europe/Paris"}, auth)["id"]
    lima = call("POST", "/clubs", {"name": "BNI Lima Miraflores", "timezone": "America/Lima"}, auth)["id"]
    today = datetime.now(UTC).date()
    year_ago = today - timedelta(days=365)
    plans = [  # club, title, weekday, time, minutes: a year behind and a year ahead (COUNT=104)
        (paris, "Réunion hebdomadaire", 3, "07:30", 90),
        (paris, "Déjeuner d'affaires", 1, "12:15", 75),
        (lima, "Reunión semanal", 2, "19:00", 60),
    ]
    series = []
    for club, title, weekday, at, minutes in plans:
        start = _weekday_on_or_after(year_ago, weekday)
        byday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[weekday]
        series.append((club, call("POST", f"/clubs/{club}/series", {
            "title": title, "start_date": start.isoformat(), "start_time": at, "duration_minutes": minutes,
            "rrule": f"FREQ=WEEKLY;BYDAY={byday};COUNT=104"}, auth)["id"], start))
    edited = []
    for n in range(15):  # 5 per series, spread over the two years
        club, series_id, start = series[n % 3]
        day = start + timedelta(weeks=7 + 19 * (n // 3) + n % 3)
        meeting = f"s{series_id}-{day:%Y%m%d}"
        kind = n % 5
        if kind == 0:
            body = {"starts_at": f"{day + timedelta(days=1)}T18:00:00+00:00", "title": "Réunion déplacée"}
        elif kind == 1:
            body = {"title": f"Soirée spéciale n°{n}: invités, conférence; échanges"}
        elif kind == 2:
            body = {"status": "cancelled"}
        elif kind == 3:
            body = {"video_url": "https://zoom.us/j/1234567890", "venue": "Hôtel Aletti, Vichy"}
        else:
            body = {"title": "Formation MSP", "description": "Apportez vos cartes de visite."}
        call("PATCH", f"/meetings/{meeting}", body, auth)
        edited.append(meeting)
    christmas = date(today.year, 12, 24)
    call("POST", f"/clubs/{paris}/closures", {"from": christmas.isoformat(),
                                              "to": date(today.year + 1, 1, 1).isoformat(), "reason": "Noël"}, auth)
    feed_url = call("GET", "/me", headers=auth)["feed_url"]
    out.write_text(json.dumps({"feed_path": "/" + feed_url.split("/", 3)[3], "edited": edited,
                               "email": "president@bench.example", "clubs": [paris, lima],
                               "rsvp": seed_answers(app, int(paris))}))


RSVP_MEMBERS, RSVP_CAPACITY = 50, 20


def seed_answers(app, club_id: int) -> dict:  # type: ignore[no-untyped-def]
    """A meeting next week with a capacity, and members with API tokens to answer it."""
    from clubapp.core.passwords import hash_password
    from clubapp.extensions import db
    from clubapp.models import Club, Membership, Role, User
    from clubapp.services import accounts, meetings

    with app.test_request_context():
        club = db.session.get(Club, club_id)
        president = db.session.scalar(db.select(User).where(User.email == "president@bench.example"))
        start = datetime.now(UTC).date() + timedelta(days=7)
        series = meetings.create_series(president, club, {
            "title": "Soirée visiteurs", "start_date": start.isoformat(), "start_time": "19:00",
            "duration_minutes": 120, "capacity": RSVP_CAPACITY})
        password = hash_password(PASSWORD)
        tokens = []
        for number in range(RSVP_MEMBERS):
            user = User(email=f"member{number}@bench.example", password_hash=password, name=f"Membre {number}",
                        timezone="Europe/Paris", locale="fr")
            db.session.add(Membership(club=club, user=user, role=Role.MEMBER))
            db.session.commit()
            tokens.append(accounts.create_api_token(user, "bench").secret)
        db.session.commit()  # the seed is the edge: services never commit (the last token was lost without it)
        return {"path": f"/api/v1/meetings/{meetings.occurrence_id(series.id, start)}/rsvp", "tokens": tokens,
                "members": RSVP_MEMBERS, "capacity": RSVP_CAPACITY}


def first_build(seed_file: Path, url: str, reps: int) -> None:
    import sqlalchemy as sa

    from clubapp.extensions import db
    from clubapp.feeds.routes import _page_url
    from clubapp.models import User
    from clubapp.services import feeds, meetings

    facts = json.loads(seed_file.read_text())
    app = create_app()
    first, second, alone = [], [], []

    def get() -> tuple[float, int]:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback, our server)
            size = len(response.read())
        return (time.perf_counter() - started) * 1000, size

    size = 0
    for rep in range(reps):
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == facts["email"]))
            meetings.update_occurrence(user, facts["edited"][1], {"title": f"Soirée spéciale, version {rep}"})
        elapsed, size = get()
        first.append(elapsed)
        second.append(get()[0])
        time.sleep(0.2)
    base = url.split("/feeds/")[0] + "/"
    with app.test_request_context("/", base_url=base):
        user = db.session.scalar(sa.select(User).where(User.email == facts["email"]))
        for _ in range(reps):
            feed = feeds.personal_feed(user, _page_url, base)
            started = time.perf_counter()
            body = feed.build()
            alone.append((time.perf_counter() - started) * 1000)
    print(json.dumps({
        "first_get_ms": first, "cached_get_ms": second, "build_ms": alone, "bytes": size,
        "vevents": body.count(b"BEGIN:VEVENT"), "first_get_median_ms": statistics.median(first),
        "cached_get_median_ms": statistics.median(second), "build_median_ms": statistics.median(alone)}))


def wsgi(seed_file: Path, base: str, calls: int) -> None:
    """Microseconds per WSGI call, in process, no server and no socket: the apps' own cost."""
    from werkzeug.test import EnvironBuilder

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hello import app as hello

    facts = json.loads(seed_file.read_text())
    app = create_app()
    app.add_url_rule("/bench-ping", "bench_ping", lambda: "pong")  # the app's floor: every hook, no work

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        return None

    def per_call(target, path: str, headers: dict | None = None) -> float:  # type: ignore[no-untyped-def]
        environs = [EnvironBuilder(path=path, headers=headers or {}, base_url=base).get_environ()
                    for _ in range(calls + 100)]
        for environ in environs[:100]:
            b"".join(target(environ, start_response))
        batches = []
        for batch in range(5):
            chunk = environs[100 + batch * calls // 5: 100 + (batch + 1) * calls // 5]
            started = time.perf_counter()
            for environ in chunk:
                response = target(environ, start_response)
                b"".join(response)
                getattr(response, "close", lambda: None)()
            batches.append((time.perf_counter() - started) / len(chunk) * 1e6)
        return statistics.median(batches)

    with urllib.request.urlopen(base.rstrip("/") + facts["feed_path"], timeout=30) as response:  # noqa: S310
        etag = response.headers["ETag"]
    print(json.dumps({
        "hello_us": per_call(hello, "/"), "ping_us": per_call(app, "/bench-ping"),
        "feed_304_us": per_call(app, facts["feed_path"], {"If-None-Match": etag}),
        "feed_200_us": per_call(app, facts["feed_path"])}))


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(Path(sys.argv[2]))
    elif sys.argv[1] == "first-build":
        first_build(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "wsgi":
        wsgi(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
