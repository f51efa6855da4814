"""Calendar feeds read as real clients read them (DESIGN.md, "Calendar feeds: what correct means").

A realistic schedule is built through the JSON API over more than three years, then the personal
feed is read by Mozilla's ical.js (Thunderbird), node-ical (tests/js/expand.mjs, run with the
machine's Node.js on the packages `make test` installs into node_modules) and the Python
recurring-ical-events: each must list exactly the occurrences the API lists, at the same UTC
instants, with the same titles. Then the HTTP side: validators, 304s, stable bytes, token rotation.

Without `node` or node_modules the client tests are skipped, unless CI or REQUIRE_BROWSER=1 is
set: then they fail.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask.testing import FlaskClient

from clubapp.extensions import cache
from tests import factories
from tests.conftest import bearer

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "js" / "expand.mjs"
NODE_PACKAGES = ("ical.js", "node-ical")
PARIS = ZoneInfo("Europe/Paris")
LIMA = ZoneInfo("America/Lima")
YEARS = 3
WINDOW_DAYS = 365 * YEARS + 1
# CR, LF, CRLF, semicolons, commas, backslashes, quotes, and two tries at injecting a property.
# Titles are single-line (a line break is refused); descriptions may hold any line break.
NASTY_TITLE = ('Réunion; ordre du jour: a, b, c \\ d\\\\ "e" X-INJECTED:1 END:VEVENT '
               'BEGIN:VEVENT\\;SUMMARY:pwned,\\,;;\\')
NASTY_TEXT = ('Réunion; ordre du jour: a, b, c \\ d\\\\ "e"\r\nX-INJECTED:1\nEND:VEVENT\r'
              'BEGIN:VEVENT\\;SUMMARY:pwned,\\,;;\\')


def _strict() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false") or os.environ.get("REQUIRE_BROWSER") == "1"


def _skip_or_fail(reason: str) -> None:
    if _strict():
        pytest.fail(f"{reason} (required: CI or REQUIRE_BROWSER=1 is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    """The machine's Node.js, with ical.js and node-ical installed by `make test` (npm ci)."""
    executable = shutil.which("node")
    if executable is None:
        _skip_or_fail("node is not installed")
    missing = [name for name in NODE_PACKAGES if not (ROOT / "node_modules" / name / "package.json").exists()]
    if missing:
        _skip_or_fail(f"node_modules lacks {', '.join(missing)}: run `make test` (npm ci) first")
    return executable  # type: ignore[return-value]


@pytest.fixture(scope="module")
def rie() -> Any:
    """The recurring-ical-events module (requirements-dev.txt)."""
    try:
        import recurring_ical_events
    except ImportError:
        _skip_or_fail("recurring-ical-events is not installed: pip install -r requirements-dev.txt")
    return recurring_ical_events


# The API, as an integration drives it

class Api:
    """JSON API v1 calls with a bearer token; each asserts the status it expects."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def call(self, method: str, path: str, body: dict | None = None, expect: int = 200) -> Any:
        response = self.client.open(f"/api/v1{path}", method=method, json=body, headers=self.headers)
        assert response.status_code == expect, (method, path, body, response.get_data(as_text=True))
        return response.get_json()

    def post(self, path: str, body: dict, expect: int = 201) -> Any:
        return self.call("POST", path, body, expect)

    def patch(self, path: str, body: dict, expect: int = 200) -> Any:
        return self.call("PATCH", path, body, expect)

    def get(self, path: str, expect: int = 200) -> Any:
        return self.call("GET", path, None, expect)

    def feed_path(self) -> str:
        return urlsplit(self.get("/me")["feed_url"]).path


def on_or_after(day: date, weekday: int) -> date:
    """The first date on or after ``day`` that falls on ``weekday`` (Monday 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    return on_or_after(date(year, month, 1), weekday)


def last_sunday(year: int, month: int) -> date:
    day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def local(day: date, hour: int, minute: int, zone: ZoneInfo) -> str:
    """An ISO instant with its offset, as the API takes it."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).isoformat()


def mid(series_id: str, day: date) -> str:
    return f"s{series_id}-{day:%Y%m%d}"


@dataclass
class Schedule:
    """What the scenario built, and the window the clients are asked about."""

    api: Api
    paris: str  # club ids
    lima: str
    weekly: str  # series ids
    monthly: str
    lima_weekly: str
    one_off: str
    first: date  # first local day of the window
    start: datetime  # the window, UTC: [start, end)
    end: datetime
    moved: str = ""  # the id of the moved occurrence
    moved_day: date | None = None
    edited_from: date | None = None
    lima_until: date | None = None

    @property
    def clubs(self) -> tuple[str, str]:
        return self.paris, self.lima


def build_schedule(client: FlaskClient) -> Schedule:
    """Three series (Paris weekly Thursday 07:30, Paris first Tuesday 12:00, Lima weekly Wednesday
    19:00), moved / retitled / cancelled occurrences, a Christmas closure, a series edited from a
    date on, an ended series and a one-off meeting, all through the API."""
    president = factories.UserFactory(name="Claire Martin", locale="fr")
    api = Api(client, bearer(president))
    # Start two weeks ahead: edits "from a date on" and `until` may not be in the past.
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 0)
    paris = api.post("/clubs", {"name": "BNI Vichy Avenir", "timezone": "Europe/Paris"})["id"]
    lima = api.post("/clubs", {"name": "BNI Lima Miraflores", "timezone": "America/Lima"})["id"]

    weekly_start = on_or_after(first - timedelta(days=28), 3)  # began before the window
    weekly = api.post(f"/clubs/{paris}/series", {
        "title": "Réunion hebdomadaire", "start_date": weekly_start.isoformat(), "start_time": "07:30",
        "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TH", "venue": "Hôtel Aletti, Vichy"})["id"]
    month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    monthly = api.post(f"/clubs/{paris}/series", {
        "title": "Déjeuner des membres", "start_date": first_weekday_of_month(month.year, month.month, 1).isoformat(),
        "start_time": "12:00", "duration_minutes": 120, "rrule": "FREQ=MONTHLY;BYDAY=1TU",
        "video_url": "https://zoom.us/j/9876543210"})["id"]
    lima_start = on_or_after(first, 2)
    lima_weekly = api.post(f"/clubs/{lima}/series", {
        "title": "Reunión semanal", "start_date": lima_start.isoformat(), "start_time": "19:00",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=WE"})["id"]
    one_off = api.post(f"/clubs/{paris}/series", {
        "title": "Soirée de gala", "start_date": (first + timedelta(days=200)).isoformat(), "start_time": "19:30",
        "duration_minutes": 180, "rrule": None, "venue": "Opéra de Vichy"})["id"]

    schedule = Schedule(api=api, paris=paris, lima=lima, weekly=weekly, monthly=monthly, lima_weekly=lima_weekly,
                        one_off=one_off, first=first,
                        start=datetime.combine(first, time(0), tzinfo=PARIS).astimezone(UTC),
                        end=datetime.combine(first + timedelta(days=WINDOW_DAYS), time(0), tzinfo=PARIS)
                        .astimezone(UTC))

    # The Thursday before the clocks go forward, moved to the Tuesday after (summer time), 08:00.
    spring = last_sunday(first.year if first < date(first.year, 3, 1) else first.year + 1, 3)
    thursday = spring - timedelta(days=3)
    schedule.moved, schedule.moved_day = mid(weekly, thursday), thursday
    api.patch(f"/meetings/{schedule.moved}", {"starts_at": local(spring + timedelta(days=2), 8, 0, PARIS),
                                              "title": "Réunion (déplacée)"})
    # A Lima meeting moved to the next day, later.
    lima_moved = lima_start + timedelta(weeks=9)
    api.patch(f"/meetings/{mid(lima_weekly, lima_moved)}", {
        "starts_at": local(lima_moved + timedelta(days=1), 20, 0, LIMA),
        "ends_at": local(lima_moved + timedelta(days=1), 21, 30, LIMA)})
    # A retitled occurrence (same time).
    retitled = on_or_after(first + timedelta(weeks=10), 3)
    if retitled == thursday:
        retitled += timedelta(weeks=1)
    api.patch(f"/meetings/{mid(weekly, retitled)}", {"title": "Réunion: soirée des visiteurs"})
    # Two cancellations.
    cancelled_month = date(month.year + (month.month + 5 - 1) // 12, (month.month + 5 - 1) % 12 + 1, 1)
    api.patch(f"/meetings/{mid(monthly, first_weekday_of_month(cancelled_month.year, cancelled_month.month, 1))}",
              {"status": "cancelled"})
    api.patch(f"/meetings/{mid(lima_weekly, lima_start + timedelta(weeks=20))}", {"status": "cancelled"})
    # Christmas: the Paris club is closed from 24 December to 1 January.
    christmas = date(first.year, 12, 24) if date(first.year, 12, 24) >= first else date(first.year + 1, 12, 24)
    api.post(f"/clubs/{paris}/closures", {"from": christmas.isoformat(),
                                          "to": date(christmas.year + 1, 1, 1).isoformat(), "reason": "Noël"})
    # From about 13 months on, the weekly meeting starts at 07:00 (then an occurrence of it is retitled).
    schedule.edited_from = on_or_after(first + timedelta(days=400), 3)
    api.patch(f"/series/{weekly}", {"start_time": "07:00", "from_date": schedule.edited_from.isoformat()})
    api.patch(f"/meetings/{mid(weekly, schedule.edited_from + timedelta(weeks=6))}",
              {"title": "Réunion: 7 h, petit-déjeuner offert"})
    # The president's answers: the feed carries them on those occurrences (X-CLUBAPP-PARTSTAT).
    for club, series, after, response in ((paris, weekly, first + timedelta(weeks=2), "yes"),
                                          (lima, lima_weekly, first + timedelta(weeks=3), "no")):
        listed = api.get(f"/clubs/{club}/meetings?from={after}&to={after + timedelta(days=60)}")["items"]
        meeting = next(i for i in listed if i["series_id"] == series and i["status"] == "scheduled")
        api.call("PUT", f"/meetings/{meeting['id']}/rsvp", {"response": response})
    # The Lima series ends after about two years.
    schedule.lima_until = first + timedelta(days=730)
    api.patch(f"/series/{lima_weekly}", {"until": schedule.lima_until.isoformat()})
    return schedule


def api_items(schedule: Schedule) -> Iterator[tuple[datetime, dict]]:
    """(start UTC, item) of every occurrence the API lists for the schedule's clubs, inside its window."""
    for club in schedule.clubs:
        items = schedule.api.get(f"/clubs/{club}/meetings?from={schedule.first - timedelta(days=1)}"
                                 f"&to={schedule.first + timedelta(days=WINDOW_DAYS)}")["items"]
        for item in items:
            start = datetime.fromisoformat(item["starts_at"]).astimezone(UTC)
            if schedule.start <= start < schedule.end:
                yield start, item


def api_occurrences(schedule: Schedule) -> list[tuple[str, str, str]]:
    """(start, end, title), UTC, of every scheduled occurrence the API lists in the window."""
    return sorted((_iso(start), _iso(datetime.fromisoformat(item["ends_at"]).astimezone(UTC)), item["title"])
                  for start, item in api_items(schedule) if item["status"] != "cancelled")


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(client: FlaskClient, path: str, **headers: str) -> Any:
    return client.get(path, headers=headers)


# The clients

def node_clients(node: str, body: bytes, start: datetime, end: datetime, tmp_path: Path) -> dict[str, dict]:
    """ical.js and node-ical, through tests/js/expand.mjs."""
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    result = subprocess.run([node, str(SCRIPT), "--from", _iso(start), "--to", _iso(end), str(path)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def python_client(rie: Any, body: bytes, start: datetime, end: datetime) -> dict[str, Any]:
    """recurring-ical-events over icalendar, as Python calendar apps read a feed."""
    calendar = icalendar.Calendar.from_ical(body)
    properties = {name for component in calendar.walk() for name in component}
    occurrences = []
    for event in rie.of(calendar).between(start - timedelta(days=400), end + timedelta(days=400)):
        begin = event["DTSTART"].dt
        if not start <= begin < end:
            continue
        occurrences.append({"uid": str(event["UID"]), "start": _iso(begin), "end": _iso(event["DTEND"].dt),
                            "title": str(event["SUMMARY"]), "status": str(event.get("STATUS", "")) or None})
    return {"occurrences": occurrences, "properties": sorted(properties)}


def read_by_all(node: str, rie: Any, body: bytes, start: datetime, end: datetime,
                tmp_path: Path) -> dict[str, dict]:
    readers = node_clients(node, body, start, end, tmp_path)
    readers["recurring-ical-events"] = python_client(rie, body, start, end)
    return readers


def scheduled(reader: dict) -> list[tuple[str, str, str]]:
    return sorted((o["start"], o["end"], o["title"]) for o in reader["occurrences"] if o["status"] != "CANCELLED")


def differences(expected: list[tuple[str, str, str]], readers: dict[str, dict]) -> list[str]:
    """What each reader got wrong, compared with the API's list (empty: all agree)."""
    out = []
    for name, reader in sorted(readers.items()):
        got = scheduled(reader)
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        if missing or extra or len(got) != len(expected):
            out.append(f"{name}: {len(got)} occurrences, the API lists {len(expected)}; "
                       f"missing {missing[:4]} (of {len(missing)}), extra {extra[:4]} (of {len(extra)})")
    return out


# Feed text helpers

def unfolded(body: bytes) -> list[str]:
    """The content lines of a calendar, unfolded (RFC 5545 3.1)."""
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def event_lines(body: bytes) -> Iterator[tuple[int, str]]:
    """(index of the VEVENT, line) for every line inside a VEVENT."""
    index, inside = -1, False
    for line in unfolded(body):
        if line == "BEGIN:VEVENT":
            index, inside = index + 1, True
        elif line == "END:VEVENT":
            inside = False
        elif inside:
            yield index, line


def events_of(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


# Tests: three clients read the same schedule

def test_clients_list_exactly_what_the_api_lists(client, node, rie, tmp_path):
    schedule = build_schedule(client)
    expected = api_occurrences(schedule)
    titles = {title for _s, _e, title in expected}
    # The scenario really holds what it claims, before the clients are asked.
    assert len(expected) > 250
    assert {"Réunion (déplacée)", "Réunion: soirée des visiteurs", "Réunion: 7 h, petit-déjeuner offert",
            "Soirée de gala", "Reunión semanal", "Déjeuner des membres"} <= titles
    assert any(s.endswith("T05:00:00Z") for s, _e, t in expected if t == "Réunion hebdomadaire")  # 07:00 summer
    assert any(s.endswith("T06:30:00Z") for s, _e, t in expected if t == "Réunion hebdomadaire")  # 07:30 winter
    lima_days = [datetime.fromisoformat(s).astimezone(LIMA).date() for s, _e, t in expected if t == "Reunión semanal"]
    assert max(lima_days) <= schedule.lima_until < schedule.first + timedelta(days=WINDOW_DAYS - 60)

    response = fetch(client, schedule.api.feed_path())
    assert response.status_code == 200
    readers = read_by_all(node, rie, response.data, schedule.start, schedule.end, tmp_path)
    assert set(readers) == {"icaljs", "nodeical", "recurring-ical-events"}
    assert not differences(expected, readers)


def test_a_change_reads_the_same_in_every_client(client, node, rie, tmp_path):
    """After more edits (a moved occurrence moved again, a restored one, a second closure)."""
    schedule = build_schedule(client)
    api = schedule.api
    assert schedule.moved_day is not None
    api.patch(f"/meetings/{schedule.moved}", {"starts_at": local(schedule.moved_day, 18, 0, PARIS)})
    summer = schedule.first + timedelta(days=550)
    api.post(f"/clubs/{schedule.paris}/closures", {"from": summer.isoformat(),
                                                    "to": (summer + timedelta(days=20)).isoformat()})
    restored = on_or_after(summer + timedelta(days=2), 3)
    api.patch(f"/meetings/{mid(schedule.weekly, restored)}", {"status": "scheduled", "title": "Réunion d'été"})
    expected = api_occurrences(schedule)
    assert "Réunion d'été" in {t for _s, _e, t in expected}
    body = fetch(client, api.feed_path()).data
    assert not differences(expected, read_by_all(node, rie, body, schedule.start, schedule.end, tmp_path))


def as_text_value(text: str) -> str:
    """``text`` as iCalendar TEXT carries it: one kind of line break, LF (RFC 5545 3.3.11 has no
    escape for a bare CR), everything else exactly."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_a_hostile_title_reads_back_exactly_and_injects_nothing(client, node, rie, tmp_path):
    president = factories.UserFactory()
    api = Api(client, bearer(president))
    club = api.post("/clubs", {"name": "BNI; \\ Club, \"A\" X-INJECTED:1", "timezone": "Europe/Paris"})["id"]
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    series = api.post(f"/clubs/{club}/series", {
        "title": NASTY_TITLE, "start_date": first.isoformat(), "start_time": "07:30", "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=6", "description": NASTY_TEXT, "venue": NASTY_TITLE})
    api.post(f"/clubs/{club}/series", {"title": NASTY_TITLE + " (once)", "start_date": first.isoformat(),
                                       "start_time": "19:00", "duration_minutes": 60, "rrule": None})
    override_title = "Moved X-INJECTED:2 ;,\\" + NASTY_TITLE[-20:]
    for line_break in ("\r\n", "\n", "\r", "\u2028"):  # single-line fields refuse every kind of line break
        refused = client.patch(f"/api/v1/meetings/{mid(series['id'], first)}", headers=api.headers,
                               json={"title": f"Moved{line_break}X-INJECTED:2"})
        assert refused.status_code == 422 and "title" in refused.get_json()["error"]["fields"], line_break
    api.patch(f"/meetings/{mid(series['id'], first + timedelta(weeks=2))}",
              {"title": override_title, "starts_at": local(first + timedelta(weeks=2), 9, 0, PARIS)})
    start = datetime.combine(first, time(0), tzinfo=PARIS).astimezone(UTC)
    end = start + timedelta(days=60)
    items = api.get(f"/clubs/{club}/meetings?from={first}&to={first + timedelta(days=60)}")["items"]
    assert len(items) == 7 and {override_title, NASTY_TITLE, NASTY_TITLE + " (once)"} == {i["title"] for i in items}
    expected = sorted((_iso(datetime.fromisoformat(i["starts_at"])), _iso(datetime.fromisoformat(i["ends_at"])),
                       as_text_value(i["title"])) for i in items)

    body = fetch(client, api.feed_path()).data
    # No bare CR or LF anywhere: every line ends with CRLF, so no parser can see a new line.
    assert b"\r" not in body.replace(b"\r\n", b"") and b"\n" not in body.replace(b"\r\n", b"")
    lines = unfolded(body)
    assert all(re.match(r"^[A-Z][A-Z0-9-]*[;:]", line) for line in lines[:-1]), lines
    assert not [line for line in lines if line.upper().startswith(("X-INJECTED", "SUMMARY:PWNED"))]
    assert lines.count("BEGIN:VEVENT") == 3  # the master, its override, the one-off
    readers = read_by_all(node, rie, body, start, end, tmp_path)
    assert not differences(expected, readers)
    for name, reader in readers.items():
        assert not [p for p in reader["properties"] if "INJECTED" in p.upper()], name
    # A backslash before an "n" ("C:\\new") is written "\\\\n" as RFC 5545 says: ical.js and
    # recurring-ical-events read it back; node-ical 0.27 unescapes "\\n" before "\\\\" and reads a line
    # break there (its bug: no other encoding exists), so it is left out of this one check.
    path_title = "Dossier C:\\new\\Notes\\n"
    api.post(f"/clubs/{club}/series", {"title": path_title, "start_date": (first + timedelta(days=1)).isoformat(),
                                       "start_time": "12:00", "duration_minutes": 30, "rrule": None})
    again = read_by_all(node, rie, fetch(client, api.feed_path()).data, start, end, tmp_path)
    for name in ("icaljs", "recurring-ical-events"):
        assert path_title in {o["title"] for o in again[name]["occurrences"]}, name
    descriptions = {str(e["DESCRIPTION"]).split("\n\nVideo:")[0] for e in events_of(body) if "DESCRIPTION" in e}
    assert as_text_value(NASTY_TEXT) in descriptions
    assert {str(e["LOCATION"]).split(" · ")[0] for e in events_of(body) if "LOCATION" in e} >= {
        as_text_value(NASTY_TITLE)}


# Zones whose rules moved, with half-hour DST, southern summers, DST abolished or suspended.
ZONES = ("Europe/Paris", "America/Lima", "America/Sao_Paulo", "Asia/Tehran", "Africa/Casablanca",
         "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "Europe/Dublin", "America/New_York")


def test_vtimezones_place_local_times_right_in_icaljs_and_icalendar(node):
    """ical.js reads the VTIMEZONE itself (node-ical and icalendar use the IANA name): every local
    time from 2015 to 2049 must land on the instant tzdata gives, in ical.js and in icalendar's
    own reading of the same VTIMEZONE (hours around a change, ambiguous by nature, left out)."""
    from clubapp.core.ical import _transitions, vtimezone

    start, end = datetime(2015, 1, 2, tzinfo=UTC), datetime(2049, 12, 1, tzinfo=UTC)
    payload = []
    for tzid in ZONES:
        zone = ZoneInfo(tzid)
        changes = [change.at for change in _transitions(zone, start, end)]
        samples = [start + timedelta(days=11 * i, hours=(5 * i) % 24) for i in range((end - start).days // 11)]
        samples += [at + shift for at in changes for shift in (timedelta(hours=-4), timedelta(hours=4))]
        samples = [s for s in samples if all(abs(s - at) > timedelta(hours=3) for at in changes)]
        text = vtimezone(tzid).to_ical().decode().strip()
        as_read = icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{text}\r\nEND:VCALENDAR\r\n") \
            .walk("VTIMEZONE")[0].to_tz()
        assert [s for s in samples if s.astimezone(zone).utcoffset() != s.astimezone(as_read).utcoffset()] == [], tzid
        payload.append({"tzid": tzid, "vtimezone": text, "samples": [
            [int(s.timestamp()), s.astimezone(zone).replace(tzinfo=None).isoformat()] for s in samples]})
    result = subprocess.run([node, str(ROOT / "tests" / "js" / "zones.mjs")], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[:5] == []


# Tests: HTTP, as a calendar client polls

def _schedule_small(client: FlaskClient, visibility: str = "private") -> tuple[Api, str, str, date]:
    president = factories.UserFactory()
    api = Api(client, bearer(president))
    club = api.post("/clubs", {"name": f"BNI {visibility}", "timezone": "Europe/Paris", "visibility": visibility})
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=14), 3)
    series = api.post(f"/clubs/{club['id']}/series", {
        "title": "Réunion", "start_date": first.isoformat(), "start_time": "07:30", "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=TH", "video_url": "https://zoom.us/j/1234567890"})
    api.post(f"/clubs/{club['id']}/series", {
        "title": "Lima", "start_date": on_or_after(first, 2).isoformat(), "start_time": "19:00",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=WE", "timezone": "America/Lima"})
    return api, club["id"], series["id"], first


def test_every_feed_has_validators_and_answers_304(client):
    api, club, _series, _first = _schedule_small(client, "public")
    slug = api.get(f"/clubs/{club}")["slug"]
    for path in (api.feed_path(), f"/clubs/{slug}/feed.ics"):
        response = fetch(client, path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        assert re.fullmatch(r'(W/)?"[^"]+"', etag) and parsedate_to_datetime(modified).tzinfo is not None
        again = fetch(client, path, **{"If-None-Match": etag})
        assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag
        assert fetch(client, path, **{"If-None-Match": f'"other", {etag}'}).status_code == 304
        assert fetch(client, path, **{"If-None-Match": '"other"'}).status_code == 200
        assert fetch(client, path, **{"If-Modified-Since": modified}).status_code == 304
        earlier = (parsedate_to_datetime(modified) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        assert fetch(client, path, **{"If-Modified-Since": earlier}).status_code == 200


def test_an_unchanged_feed_has_the_same_bytes(client):
    api, _club, _series, _first = _schedule_small(client)
    path = api.feed_path()
    first = fetch(client, path)
    clock.sleep(1.1)  # a feed that used now() would differ by now
    cache.clear()  # built again, not served from the cache
    second = fetch(client, path)
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]
    stamps = [line for _i, line in event_lines(first.data) if line.startswith(("DTSTAMP", "LAST-MODIFIED"))]
    assert stamps and stamps == [line for _i, line in event_lines(second.data)
                                 if line.startswith(("DTSTAMP", "LAST-MODIFIED"))]


@pytest.mark.parametrize("change", ["move", "closure", "cancel", "retitle", "series", "until"])
def test_any_change_changes_the_etag_and_raises_sequence(client, change):
    api, club, series, first = _schedule_small(client)
    path = api.feed_path()
    before = fetch(client, path)
    day = first + timedelta(weeks=3)
    if change == "move":
        api.patch(f"/meetings/{mid(series, day)}", {"starts_at": local(day, 9, 0, PARIS)})
    elif change == "closure":
        api.post(f"/clubs/{club}/closures", {"from": day.isoformat(), "to": day.isoformat()})
    elif change == "cancel":
        api.patch(f"/meetings/{mid(series, day)}", {"status": "cancelled"})
    elif change == "retitle":
        api.patch(f"/meetings/{mid(series, day)}", {"title": "Réunion spéciale"})
    elif change == "series":
        api.patch(f"/series/{series}", {"title": "Réunion du jeudi"})
    else:
        api.patch(f"/series/{series}", {"until": (first + timedelta(weeks=10)).isoformat()})
    after = fetch(client, path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert fetch(client, path, **{"If-None-Match": before.headers["ETag"]}).status_code == 200
    assert after.data != before.data

    def sequences(body: bytes) -> dict[tuple[str, str], int]:
        out = {}
        for event in events_of(body):
            if "Lima" in str(event["SUMMARY"]):
                continue
            rid = event.get("RECURRENCE-ID")
            out[(str(event["UID"]), rid.to_ical().decode() if rid else "")] = int(event.get("SEQUENCE", 0))
        return out

    old, new = sequences(before.data), sequences(after.data)
    # Whatever changed is sent with a higher SEQUENCE than the clients hold for it: a new or changed
    # override than its master had, a changed master than before.
    masters_old = {uid: seq for (uid, rid), seq in old.items() if not rid}
    changed = {key: seq for key, seq in new.items() if old.get(key) != seq or key not in old}
    assert changed, "nothing in the feed says which event changed"
    for (uid, rid), seq in new.items():
        held = old.get((uid, rid), masters_old.get(uid, -1))
        assert seq >= held, (uid, rid, seq, held)
    changed_components = [key for key in new if _component(after.data, key) != _component(before.data, key)]
    for key in changed_components:
        held = old.get(key, masters_old.get(key[0], -1))
        assert new[key] > held, f"{key} changed ({change}) but its SEQUENCE stayed {new[key]}"


def test_renaming_or_moving_the_club_changes_the_feeds(client):
    """The club's name is in every event (CATEGORIES) and its description in the public feed: a
    new name must not be served under the old ETag (which is also the cache key of the body)."""
    api, club, _series, _first = _schedule_small(client, "public")
    slug = api.get(f"/clubs/{club}")["slug"]
    paths = (api.feed_path(), f"/clubs/{slug}/feed.ics")
    before = {path: fetch(client, path) for path in paths}
    api.patch(f"/clubs/{club}", {"name": "BNI Vichy Renommé", "description": "Nouveau: jeudi matin"})
    for path in paths:
        after = fetch(client, path)
        assert after.headers["ETag"] != before[path].headers["ETag"], path
        assert "BNI Vichy Renommé" in after.get_data(as_text=True), path
        assert fetch(client, path, **{"If-None-Match": before[path].headers["ETag"]}).status_code == 200, path
    assert "Nouveau: jeudi matin" in fetch(client, paths[1]).get_data(as_text=True)


def test_a_network_session_i_answered_changes_my_feed_when_moved(client):
    """A network session of another club that I answered is in my feed: moving it must change my
    feed, though I am not a member of that club."""
    network = factories.NetworkFactory()
    host_president = factories.UserFactory()
    host = factories.club_with(president=host_president, network=network)
    guest = factories.MembershipFactory(club=factories.club_with(network=network)).user
    host_api, guest_api = Api(client, bearer(host_president)), Api(client, bearer(guest))
    first = on_or_after(datetime.now(UTC).date() + timedelta(days=7), 3)
    series = host_api.post(f"/clubs/{host.id}/series", {
        "title": "Session régionale", "start_date": first.isoformat(), "start_time": "18:00",
        "duration_minutes": 120, "rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=4", "open_to_network": True})["id"]
    guest_api.call("PUT", f"/meetings/{mid(series, first)}/rsvp", {"response": "yes"})
    path = guest_api.feed_path()
    before = fetch(client, path)
    assert "Session régionale" in before.get_data(as_text=True)
    host_api.patch(f"/meetings/{mid(series, first)}", {"starts_at": local(first, 19, 0, PARIS)})
    after = fetch(client, path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "DTSTART;TZID=Europe/Paris:" + f"{first:%Y%m%d}T190000" in after.get_data(as_text=True)


def _component(body: bytes, key: tuple[str, str]) -> str | None:
    for event in events_of(body):
        rid = event.get("RECURRENCE-ID")
        if (str(event["UID"]), rid.to_ical().decode() if rid else "") == key:
            return "\n".join(f"{k}:{v.to_ical() if hasattr(v, 'to_ical') else v}" for k, v in sorted(event.items())
                             if k not in ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED"))
    return None


def test_validators_of_the_light_query_are_those_of_the_feed(client, app):
    """The route reads the ETag from plain columns; it must be the one the full feed has."""
    from clubapp.feeds.routes import _page_url
    from clubapp.models import User
    from clubapp.services import feeds

    api, _club, _series, _first = _schedule_small(client)
    path = api.feed_path()
    response = fetch(client, path)
    user = next(u for u in User.query.all() if u.feed_salt and path.endswith(f"{feeds.feed_token(u)}.ics"))
    with app.test_request_context("/", base_url="http://clubapp.test/"):
        feed = feeds.personal_feed(user, _page_url, "http://clubapp.test/")
        assert response.headers["ETag"] == f'"{feed.etag}"'
        assert response.data == feed.build()
    assert fetch(client, "/feeds/" + "0" * 64 + ".ics").status_code == 404
    assert fetch(client, "/feeds/" + "a" * 200 + ".ics").status_code == 404


def test_rotating_the_token_kills_the_old_url_at_once(client):
    api, _club, _series, _first = _schedule_small(client)
    old = api.feed_path()
    assert fetch(client, old).status_code == 200
    new = urlsplit(api.post("/me/feed-token", {})["feed_url"]).path
    assert new != old
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    assert api.feed_path() == new


def test_private_club_feed_is_404_and_public_one_has_no_video_link(client):
    api, private, _series, _first = _schedule_small(client)
    private_slug = api.get(f"/clubs/{private}")["slug"]
    assert fetch(client, f"/clubs/{private_slug}/feed.ics").status_code == 404
    assert fetch(client, "/clubs/no-such-club/feed.ics").status_code == 404
    public_api, public, series, first = _schedule_small(client, "public")
    public_api.patch(f"/meetings/{mid(series, first + timedelta(weeks=1))}",
                     {"video_url": "https://meet.google.com/abc-defg-hij", "title": "Visio"})
    slug = public_api.get(f"/clubs/{public}")["slug"]
    body = fetch(client, f"/clubs/{slug}/feed.ics").data
    text = body.decode()
    assert "BEGIN:VEVENT" in text and "Visio" in text
    for link in ("zoom.us", "meet.google.com", "meet.jit.si", "1234567890"):
        assert link not in text, link
    assert not [line for _i, line in event_lines(body) if line.startswith("CONFERENCE")]
    # Members still get their links in the personal feed.
    personal = fetch(client, public_api.feed_path()).data.decode()
    assert "https://zoom.us/j/1234567890" in personal and "https://meet.google.com/abc-defg-hij" in personal


def test_feed_is_well_formed_for_clients(client):
    schedule = build_schedule(client)
    body = fetch(client, schedule.api.feed_path()).data
    lines = unfolded(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert all(len(raw.encode()) <= 75 for raw in body.decode().split("\r\n"))
    assert icalendar.Calendar.from_ical(body).to_ical() == body  # exactly what icalendar itself writes
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert any(line.startswith("X-PUBLISHED-TTL:PT") for line in lines)
    assert any(line.startswith(("NAME:", "X-WR-CALNAME:")) for line in lines)
    # Every TZID used has its VTIMEZONE; no floating time outside the VTIMEZONEs.
    defined = {line.split(":", 1)[1] for line in lines if line.startswith("TZID:")}
    used = {match for line in lines for match in re.findall(r";TZID=([^;:]+)", line)}
    assert used == {"Europe/Paris", "America/Lima"} and used <= defined
    for _index, line in event_lines(body):
        name, _sep, value = line.partition(":")
        if name.split(";")[0] in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "DTSTAMP", "LAST-MODIFIED",
                                  "CREATED"):
            assert ";TZID=" in name or value.endswith("Z") or "VALUE=DATE" in name, line
    # The ended series ends in UTC; the others never end.
    rrules = {index: line for index, line in event_lines(body) if line.startswith("RRULE:")}
    summaries = {index: line for index, line in event_lines(body) if line.startswith("SUMMARY:")}
    lima = [rrules[i] for i in rrules if "Reunión" in summaries[i]]
    assert lima and all(re.search(r"UNTIL=\d{8}T\d{6}Z", rule) for rule in lima)
    assert any("UNTIL" not in rule for rule in rrules.values())
    # One master per version of a series, each with a stable UID; overrides share their master's UID.
    events = events_of(body)
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    assert len({str(e["UID"]) for e in masters}) == len(masters)
    assert {str(e["UID"]) for e in events if "RECURRENCE-ID" in e} <= {str(e["UID"]) for e in masters}
    for event in events:
        if "RECURRENCE-ID" in event:
            master = next(m for m in masters if str(m["UID"]) == str(event["UID"]))
            assert event["RECURRENCE-ID"].params.get("TZID") == master["DTSTART"].params.get("TZID")


# More clients: libical (Evolution, GNOME Calendar), Home Assistant's `ical`, ics-py (parse only), vobject

SYSTEM_PYTHON = "/usr/bin/python3"


def libical_client(body: bytes, start: datetime, end: datetime) -> dict[str, Any]:
    """libical 3.0 through GObject introspection (tests/libical/read.py, run by the system Python
    that has Debian's python3-gi and gir1.2-ical-3.0, which .ci/run installs)."""
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                           capture_output=True, text=True, check=False) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        _skip_or_fail("libical's GObject introspection is missing: apt-get install python3-gi gir1.2-ical-3.0")
    result = subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "libical" / "read.py"), str(int(start.timestamp())),
                             str(int(end.timestamp()))], input=body.decode(), capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def home_assistant_client(body: bytes, start: datetime, end: datetime) -> dict[str, Any]:
    """Home Assistant's `ical` (its calendar integration's parser): the timeline of the calendar."""
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    occurrences = []
    for event in calendar.timeline_tz(UTC).overlapping(start - timedelta(days=1), end + timedelta(days=1)):
        begin = event.start if isinstance(event.start, datetime) else None
        assert begin is not None, event
        if not start <= begin < end:
            continue
        status = getattr(event.status, "value", event.status)
        occurrences.append({"uid": event.uid, "start": _iso(begin), "end": _iso(event.end), "title": event.summary,
                            "status": str(status) if status else None})
    return {"occurrences": occurrences}


def add_edge_series(schedule: Schedule) -> None:
    """Series at the edges: one starting in Paris's spring gap, an override in the repeated autumn
    hour, a series in Santiago (clocks change at midnight) at 00:30, one on Lord Howe (half-hour DST)."""
    api, first = schedule.api, schedule.first
    year = first.year + 1
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    api.post(f"/clubs/{schedule.paris}/series", {
        "title": "Dimanche de nuit", "start_date": spring.isoformat(), "start_time": "02:30",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=SU;COUNT=40"})
    autumnal = api.post(f"/clubs/{schedule.paris}/series", {
        "title": "Automne", "start_date": (autumn - timedelta(weeks=2)).isoformat(), "start_time": "10:00",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=SU;COUNT=5"})["id"]
    api.patch(f"/meetings/{mid(autumnal, autumn)}", {"starts_at": f"{autumn}T02:30:00+02:00",
                                                    "ends_at": f"{autumn}T02:15:00+01:00"})
    api.post(f"/clubs/{schedule.paris}/series", {
        "title": "Santiago", "start_date": on_or_after(first, 6).isoformat(), "start_time": "00:30",
        "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=SU", "timezone": "America/Santiago"})
    api.post(f"/clubs/{schedule.paris}/series", {
        "title": "Lord Howe", "start_date": on_or_after(first, 6).isoformat(), "start_time": "02:15",
        "duration_minutes": 30,
        "rrule": "FREQ=WEEKLY;BYDAY=SU", "timezone": "Australia/Lord_Howe"})


def test_libical_home_assistant_and_ics_py_read_what_the_api_lists(client, tmp_path):
    """The realistic schedule plus series at DST edges, over three years, in three more clients."""
    import ics

    schedule = build_schedule(client)
    add_edge_series(schedule)
    expected = api_occurrences(schedule)
    assert {"Dimanche de nuit", "Automne", "Santiago", "Lord Howe"} <= {t for _s, _e, t in expected}
    body = fetch(client, schedule.api.feed_path()).data
    libical = libical_client(body, schedule.start, schedule.end)
    # libical's iTIP restriction check for METHOD:PUBLISH (RFC 5546 3.2.1) finds nothing to refuse.
    assert libical["errors"] == []
    readers = {"libical": libical, "home-assistant-ical": home_assistant_client(body, schedule.start, schedule.end)}
    # Home Assistant's ical 14.3.1 adds a DURATION on the wall clock: the 02:30 meeting of the autumn
    # night (the first 02:30, one hour) ends for it at 03:30 winter time, an hour late. Its own bug
    # (RFC 5545 3.3.6: hours are exact); everything else it must read as the API lists it.
    autumn = last_sunday(schedule.first.year + 1, 10)
    ha_bug = {(s, e, t) for s, e, t in expected if t == "Dimanche de nuit" and s.startswith(f"{autumn}T")}
    assert len(ha_bug) == 1
    got = scheduled(readers.pop("home-assistant-ical"))
    assert sorted(set(expected) - set(got)) == sorted(ha_bug) and len(got) == len(expected)
    # libical 3.0.16 (Debian's) keeps a gap day's shifted time for the occurrences after it: every
    # later "Dimanche de nuit" (DTSTART in the gap) and the Sunday after each gap day in Santiago and
    # on Lord Howe come late. Its own bug, named in issue 12; everything else must be exact, and the
    # gap days themselves (written out in full) too.
    gap_series = {"Dimanche de nuit", "Santiago", "Lord Howe"}
    got = scheduled(readers.pop("libical"))
    wrong = (set(got) ^ set(expected))
    assert {t for _s, _e, t in wrong} <= gap_series
    # Counted without those series: a late occurrence of theirs can cross the window's edge, on some days.
    assert len([x for x in got if x[2] not in gap_series]) == len([x for x in expected if x[2] not in gap_series])
    assert min(x for x in expected if x[2] == "Dimanche de nuit") in got
    assert not differences(expected, readers)
    # ics-py 0.7 parses only (its expansion of RRULE is not implemented): the whole feed, every event.
    parsed = ics.Calendar(body.decode())
    assert len(parsed.events) == len(events_of(body))


# vobject (Radicale, khal, CalendarServer's tools): it parses and expands a rule, and leaves the
# overrides to its caller, as those apps do.

def vobject_client(body: bytes, start: datetime, end: datetime) -> dict[str, Any]:
    """vobject 0.9.9: each master's ``getrruleset()`` expanded, then each RECURRENCE-ID override put
    in place of the instance it replaces (vobject itself applies none), as its users do."""
    import vobject

    calendar = vobject.readOne(body.decode())
    masters, overrides = [], {}
    for event in calendar.vevent_list:
        if hasattr(event, "recurrence_id"):
            overrides[(event.uid.value, event.recurrence_id.value.astimezone(UTC))] = event
        else:
            masters.append(event)
    occurrences = []

    def add(uid: str, begin: datetime, finish: datetime, event: Any) -> None:
        if start <= begin < end:
            status = event.status.value if hasattr(event, "status") else None
            occurrences.append({"uid": uid, "start": _iso(begin), "end": _iso(finish),
                                "title": event.summary.value, "status": status})

    for master in masters:
        uid = master.uid.value
        first = master.dtstart.value.astimezone(UTC)
        length = _vobject_end(master) - first
        instants = master.getrruleset(addRDate=True) if master.rruleset is not None else [master.dtstart.value]
        for instant in instants:
            if instant.astimezone(UTC) >= end + timedelta(days=400):
                break
            override = overrides.pop((uid, instant.astimezone(UTC)), None)
            if override is None:
                add(uid, instant.astimezone(UTC), instant.astimezone(UTC) + length, master)
            else:
                add(uid, override.dtstart.value.astimezone(UTC), _vobject_end(override), override)
    lost = sorted(key for key in overrides if key[1] < end)
    assert not lost, f"overrides of no instance: {lost[:4]}"
    return {"occurrences": occurrences}


def _vobject_end(event: Any) -> datetime:
    """The UTC end of a vobject VEVENT: its DTEND, or DTSTART plus DURATION in exact hours (RFC 5545 3.3.6)."""
    if hasattr(event, "dtend"):
        return event.dtend.value.astimezone(UTC)
    return event.dtstart.value.astimezone(UTC) + event.duration.value


def api_cancelled(schedule: Schedule) -> list[tuple[str, str]]:
    """(start UTC, title) of every cancelled occurrence the API lists in the window."""
    return sorted((_iso(start), item["title"]) for start, item in api_items(schedule) if item["status"] == "cancelled")


def test_vobject_reads_what_the_api_lists(client):
    """The schedule the other Python readers get (with the DST-edge series), over three years, in
    vobject: every occurrence at the API's UTC start and end, with its title, CONFIRMED; no cancelled one."""
    pytest.importorskip("vobject")
    schedule = build_schedule(client)
    add_edge_series(schedule)
    expected = api_occurrences(schedule)
    cancelled = api_cancelled(schedule)
    assert len(expected) > 250 and len(cancelled) >= 2
    body = fetch(client, schedule.api.feed_path()).data
    reader = vobject_client(body, schedule.start, schedule.end)
    assert not differences(expected, {"vobject": reader})
    # Cancelled occurrences of a series are EXDATEs: vobject must drop each one, and list every
    # other occurrence CONFIRMED.
    assert {o["status"] for o in reader["occurrences"]} == {"CONFIRMED"}
    assert not {start for start, _title in cancelled} & {o["start"] for o in reader["occurrences"]}
