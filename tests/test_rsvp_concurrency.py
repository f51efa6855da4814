"""200 members answer yes at the same moment through gunicorn (4 workers): capacity 20 holds exactly."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from clubapp.models import Rsvp
from clubapp.models.base import utcnow
from clubapp.services import accounts, meetings
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
MEMBERS, CAPACITY = 200, 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(database_url, tmp_path):
    """The real app under gunicorn, 4 sync workers, on the test database."""
    port = _free_port()
    env = {**os.environ, "CLUBAPP_SQLALCHEMY_DATABASE_URI": database_url, "CLUBAPP_SECRET_KEY": "concurrency",
           "CLUBAPP_RATELIMIT_ENABLED": "false", "CLUBAPP_SERVER_NAME": f"127.0.0.1:{port}"}
    env.pop("DATABASE_URL", None)
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "--backlog", "512", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/auth/login")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.slow
def test_two_hundred_simultaneous_yes_give_exactly_twenty_seats(app, db, gunicorn):
    president = factories.UserFactory()
    club = factories.club_with(president=president)
    start = (utcnow() + timedelta(days=2)).astimezone(meetings.ZoneInfo(club.timezone)).replace(second=0,
                                                                                                 microsecond=0)
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion", "start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
            "duration_minutes": 60, "rrule": None, "capacity": CAPACITY})
    meeting = meetings.occurrence_id(series.id, start.date())
    tokens = []
    for _ in range(MEMBERS):
        member = factories.MembershipFactory(club=club).user
        tokens.append(accounts.create_api_token(member, "load").secret)

    barrier = threading.Barrier(MEMBERS)

    def answer(token: str) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=120)
        connection.connect()
        barrier.wait()  # every request leaves at the same moment
        connection.request("PUT", f"/api/v1/meetings/{meeting}/rsvp", body=json.dumps({"response": "yes"}),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    with ThreadPoolExecutor(max_workers=MEMBERS) as pool:
        results = list(pool.map(answer, tokens))

    assert [status for status, _body in results] == [200] * MEMBERS, [b for s, b in results if s != 200][:3]
    statuses = [body["status"] for _status, body in results]
    assert statuses.count("confirmed") == CAPACITY and statuses.count("waitlisted") == MEMBERS - CAPACITY
    positions = sorted(body["waitlist_position"] for _s, body in results if body["status"] == "waitlisted")
    assert positions == list(range(1, MEMBERS - CAPACITY + 1))
    db.session.rollback()
    stored = db.session.execute(sa.select(Rsvp.status, sa.func.count()).group_by(Rsvp.status)).all()
    assert dict(stored) == {"confirmed": CAPACITY, "waitlisted": MEMBERS - CAPACITY}
