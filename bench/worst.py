"""The worst schedule the API accepts, against a typical one, in process (``make bench`` runs it).

    python bench/worst.py SEED.json ROUNDS

A president creates as many series as a club may hold (core.bounds.MAX_SERIES_PER_CLUB), each
daily, starting as far back as allowed and ending in the last year of the window (UNTIL 2199).
A member of that club and of the typical bench club (bench/feedbench.py seed) then opens the
dashboard, the agenda and the club's schedule, and their personal feed is built. Each figure is
the median over ROUNDS, next to the same pages for the bench president (3 weekly series), and
to a budget: the work per request is bounded by the window shown, never by the series' span.
Prints JSON.
"""
from __future__ import annotations

import json
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedbench import PASSWORD, api_caller, president  # noqa: E402

from clubapp import create_app  # noqa: E402
from clubapp.core import bounds  # noqa: E402

BUDGET_MS = {"dashboard": 500, "agenda": 1000, "schedule": 1000, "feed build": 1000}


def main(seed_file: Path, rounds: int) -> None:
    import sqlalchemy as sa

    from clubapp.extensions import db
    from clubapp.feeds.routes import _page_url
    from clubapp.models import User
    from clubapp.services import feeds

    facts = json.loads(seed_file.read_text())
    app = create_app()
    api = app.test_client()
    call = api_caller(app)
    auth = president(call, "worst@bench.example", "Paul Lefort")
    club = call("POST", "/clubs", {"name": "Club des cas limites", "timezone": "Europe/Paris"}, auth)["id"]
    earliest = bounds.series_start_range(datetime.now(UTC).date())[0] + timedelta(days=1)
    for n in range(bounds.MAX_SERIES_PER_CLUB):
        call("POST", f"/clubs/{club}/series", {
            "title": f"Point quotidien {n + 1}", "start_date": (earliest + timedelta(days=n)).isoformat(),
            "start_time": f"{6 + n % 14:02d}:{n % 4 * 15:02d}", "duration_minutes": 30,
            "rrule": f"FREQ=DAILY;UNTIL={bounds.LAST_DAY:%Y%m%d}T235959Z"}, auth)
    refused = api.open(f"/api/v1/clubs/{club}/series", method="POST", headers=auth, json={
        "title": "Une de trop", "start_date": earliest.isoformat(), "start_time": "07:00",
        "duration_minutes": 30, "rrule": "FREQ=DAILY"}).status_code

    def signed_in(email: str):  # type: ignore[no-untyped-def]
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        assert client.post("/auth/login", data={"csrf_token": csrf, "email": email,
                                                "password": PASSWORD}).status_code == 302
        return client

    def timed(work) -> float:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            work()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    def measure(email: str, club_id: str) -> dict:
        client = signed_in(email)
        out = {}
        for name, path in (("dashboard", "/dashboard"), ("agenda", "/meetings"),
                           ("schedule", f"/clubs/{club_id}/meetings")):
            assert client.get(path).status_code == 200, path
            out[name] = timed(lambda path=path: client.get(path))
        with app.test_request_context("/", base_url="http://127.0.0.1/"):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            out["feed build"] = timed(lambda: feeds.personal_feed(user, _page_url, "http://127.0.0.1/").build())
            out["feed bytes"] = len(feeds.personal_feed(user, _page_url, "http://127.0.0.1/").build())
        return out

    typical = measure(facts["email"], str(facts["clubs"][0]))
    worst = measure("worst@bench.example", club)
    print(json.dumps({"typical": typical, "worst": worst, "series": bounds.MAX_SERIES_PER_CLUB,
                      "refused_status": refused, "budget_ms": BUDGET_MS, "rounds": rounds,
                      "first_start": earliest.isoformat(), "until": f"{bounds.LAST_DAY:%Y-%m-%d}"}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
