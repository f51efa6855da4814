"""The audit log: one entry per officer or security action, saved only with the change, shown to the president."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clubapp.models import AuditEntry, Club, Role, User
from clubapp.services import accounts, attendance, audit, feeds, meetings, membership, privacy, visitors
from clubapp.services.errors import Conflict, Forbidden, Invalid
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, commit, log_in
from tests.test_api_accounts import fresh_reads  # noqa: F401  (an autouse fixture)

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def entries(db, **where) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    """Every entry matching ``where`` (column=value), oldest first, read fresh from the database."""
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(query))


def only(db, action: str, **where) -> AuditEntry:  # type: ignore[no-untyped-def]
    found = entries(db, action=action, **where)
    assert len(found) == 1, [(e.action, e.target, e.before, e.after) for e in entries(db)]
    return found[0]


@pytest.fixture
def president(db) -> User:  # type: ignore[no-untyped-def]
    return factories.UserFactory(name="Claire Président")


@pytest.fixture
def club(president) -> Club:  # type: ignore[no-untyped-def]
    return factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris")


@pytest.fixture
def member(club) -> User:  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, user=factories.UserFactory(name="Marc Membre")).user


@pytest.fixture
def first_day(club) -> datetime:  # type: ignore[no-untyped-def]
    """A week from today in the club's zone: any day of the week, any hour."""
    return datetime.now(UTC).astimezone(ZoneInfo(club.timezone)).date() + timedelta(days=7)


@pytest.fixture
def series(app, president, club, first_day):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        created = meetings.create_series(president, club, {
            "title": "Réunion hebdomadaire", "start_date": first_day.isoformat(), "start_time": "07:30",
            "duration_minutes": 90, "rrule": f"FREQ=WEEKLY;BYDAY={DAYS[first_day.weekday()]}", "capacity": 20})
        commit()
        return created


# Each action, one entry, only what changed

def test_role_change_removal_and_leaving(app, db, president, club, member):
    other = factories.MembershipFactory(club=club).user
    with app.test_request_context():
        membership.update_member(president, club, member.id, {"role": "vice_president"})
        commit()
        membership.update_member(president, club, member.id, {"role": "vice_president", "category": "Plombier"})
        commit()
        membership.remove_member(president, club, other.id)
        commit()
        membership.remove_member(member, club, member.id)
        commit()
    changed = only(db, "role.changed")
    assert (changed.actor_id, changed.club_id, changed.target) == (president.id, club.id, f"user:{member.id}")
    assert (changed.before, changed.after) == ({"role": "member"}, {"role": "vice_president"})
    removed = only(db, "member.removed")
    assert (removed.actor_id, removed.target, removed.before, removed.after) == (
        president.id, f"user:{other.id}", {"role": "member"}, None)
    left = only(db, "member.left")
    assert (left.actor_id, left.target, left.before) == (member.id, f"user:{member.id}", {"role": "vice_president"})
    assert len(entries(db)) == 3  # the unchanged role and the category recorded nothing


def test_attendance_edits_by_officers(app, db, president, club, member, series, first_day):
    meeting_id = f"s{series.id}-{first_day:%Y%m%d}"
    with app.test_request_context():
        attendance.set_status(president, meeting_id, member.id, "absent", note="Malade, certificat envoyé")
        attendance.set_status(president, meeting_id, member.id, "medical")
        visitor, _token, _mailed = visitors.invite(president, meeting_id, "Paul Visiteur", "paul@example.fr", None,
                                          link_for=lambda token: f"https://clubapp.test/v/{token}")
        attendance.set_visitor_attendance(president, meeting_id, visitor.id, "present")
        attendance.set_holiday(president, meeting_id, True)
    first, second, for_visitor = entries(db, action="attendance.recorded")
    assert (first.target, first.before, first.after) == (
        f"user:{member.id}", {"status": None}, {"meeting": meeting_id, "status": "absent"})
    assert (second.before, second.after) == ({"status": "absent"}, {"meeting": meeting_id, "status": "medical"})
    assert (for_visitor.target, for_visitor.before, for_visitor.after) == (
        f"visitor:{visitor.id}", {"attended": None}, {"meeting": meeting_id, "attended": "present"})
    holiday = only(db, "meeting.changed")
    assert (holiday.target, holiday.before, holiday.after) == (
        f"meeting:{meeting_id}", {"holiday": False}, {"holiday": True})
    everything = json.dumps([(e.before, e.after) for e in entries(db)])
    assert "Malade" not in everything and "Paul" not in everything and "paul@" not in everything


def test_series_created_changed_ended(app, db, president, club, series, first_day):
    created = only(db, "series.created")
    assert (created.actor_id, created.club_id, created.target) == (president.id, club.id, f"series:{series.id}")
    assert created.before is None
    assert created.after["title"] == "Réunion hebdomadaire" and created.after["start_time"] == "07:30:00"
    assert created.after["start_date"] == first_day.isoformat() and created.after["capacity"] == 20
    last_day = first_day + timedelta(days=28)
    with app.test_request_context():
        meetings.update_series(president, series,
                               {"start_time": "08:00", "capacity": 25, "title": "Réunion hebdomadaire"})
        commit()
        meetings.end_series(president, series, last_day.isoformat())
    changed = only(db, "series.changed")
    assert (changed.before, changed.after) == ({"start_time": "07:30:00", "capacity": 20},
                                               {"start_time": "08:00:00", "capacity": 25})
    ended = only(db, "series.ended")
    assert (ended.before, ended.after) == ({"until": None}, {"until": last_day.isoformat()})
    with app.test_request_context():
        details = [line.details for line in audit.describe([changed])]
    assert details == ["“Réunion hebdomadaire”: start time: 07:30 → 08:00; capacity: 20 → 25."]


def test_meeting_change_and_closures(app, db, president, club, series, first_day):
    meeting_id = f"s{series.id}-{first_day:%Y%m%d}"
    with app.test_request_context():
        meetings.update_occurrence(president, meeting_id, {"status": "cancelled", "venue": "Golf de Montpensier"})
        commit()
        closure = meetings.create_closure(president, club, first_day + timedelta(days=10),
                                          first_day + timedelta(days=20), "Vacances de Noël")
        closure_id = closure.id
        meetings.delete_closure(president, club, closure_id)
    changed = only(db, "meeting.changed")
    assert (changed.target, changed.before, changed.after) == (
        f"meeting:{meeting_id}", {"status": "scheduled", "venue": None},
        {"status": "cancelled", "venue": "Golf de Montpensier"})
    dates = {"from": (first_day + timedelta(days=10)).isoformat(), "to": (first_day + timedelta(days=20)).isoformat(),
             "reason": "Vacances de Noël"}
    created, deleted = only(db, "closure.created"), only(db, "closure.deleted")
    assert (created.target, created.before, created.after) == (f"closure:{closure_id}", None, dates)
    assert (deleted.target, deleted.before, deleted.after) == (f"closure:{closure_id}", dates, None)


def test_security_actions_have_no_club_and_no_secret(app, db, member):
    with app.test_request_context():
        feeds.feed_token(member)  # the first address: not a rotation
        assert entries(db) == []
        issued = accounts.create_api_token(member, "Zapier")
        accounts.revoke_api_token(member, issued.token.id)
        feed_token = feeds.rotate_feed_token(member)
        accounts.change_password(member, TEST_PASSWORD, "un autre mot de passe solide", revoke_tokens=True)
    created, revoked = only(db, "token.created"), only(db, "token.revoked")
    assert (created.actor_id, created.club_id, created.target, created.after) == (
        member.id, None, f"token:{issued.token.id}", {"label": "Zapier"})
    assert (revoked.target, revoked.before, revoked.after) == (f"token:{issued.token.id}", {"label": "Zapier"}, None)
    rotated = only(db, "feed.rotated")
    assert (rotated.club_id, rotated.target, rotated.before, rotated.after) == (None, f"user:{member.id}", None, None)
    password = only(db, "password.changed")
    assert password.after == {"tokens_revoked": True, "feed_rotated": False}
    stored = json.dumps([(e.target, e.before, e.after) for e in entries(db)])
    assert issued.secret not in stored and feed_token not in stored and "argon2" not in stored
    assert member.password_hash not in stored


# Saved with the change, or not at all

def test_a_refused_change_records_nothing(app, db, client, president, club, member):
    """Role accepted, then the category refused: the API answers 409 and neither the role nor its entry stay."""
    club.category_exclusive = True
    factories.MembershipFactory(club=club, category="Plombier", exclusive_category="plombier")
    db.session.commit()
    headers = bearer(president)
    before = len(entries(db))
    response = client.patch(f"/api/v1/clubs/{club.id}/members/{member.id}", headers=headers,
                            json={"role": "vice_president", "category": "Plombier"})
    assert response.status_code == 409
    assert len(entries(db)) == before and entries(db, action="role.changed") == []
    assert club.membership_of(member).role is Role.MEMBER


def test_a_rolled_back_use_case_leaves_no_entry(app, db, president, club, member):
    """The role change is recorded, then the category is refused: the edge rolls back both."""
    with app.test_request_context(), pytest.raises(Invalid):
        membership.update_member(president, club, member.id, {"role": "secretary", "category": "x" * 81})
        commit()
    db.session.rollback()  # what every edge does with a refused use case
    assert entries(db) == [] and club.membership_of(member).role is Role.MEMBER
    with app.test_request_context(), pytest.raises(Conflict):  # the last president stays: nothing recorded
        membership.update_member(president, club, president.id, {"role": "member"})
        commit()
    db.session.rollback()
    assert entries(db) == []


def test_recording_does_not_commit(app, db, president, club):
    audit.record(president, "role.changed", club=club, target=president)
    db.session.rollback()
    assert entries(db) == []


# Reading: the president only

@pytest.fixture
def vice(club) -> User:  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(club=club, role=Role.VICE_PRESIDENT).user


def test_only_the_president_reads_the_log(app, db, client, president, club, member, vice):
    outsider = factories.UserFactory()
    for person, status in ((vice, 403), (member, 403), (outsider, 404)):
        with app.test_request_context():
            with pytest.raises(Forbidden):
                audit.for_club(person, club)
            with pytest.raises(Forbidden):
                audit.export_csv(person, club)
        web = app.test_client()
        log_in(web, person.email)
        assert web.get(f"/clubs/{club.id}/audit").status_code == status
        assert web.get(f"/clubs/{club.id}/audit.csv").status_code == status
        assert client.get(f"/api/v1/clubs/{club.id}/audit", headers=bearer(person)).status_code == status
    web = app.test_client()
    log_in(web, vice.email)
    assert f"/clubs/{club.id}/audit" not in web.get(f"/clubs/{club.id}").get_data(as_text=True)
    web = app.test_client()
    log_in(web, president.email)
    assert f"/clubs/{club.id}/audit" in web.get(f"/clubs/{club.id}").get_data(as_text=True)


def test_page_shows_who_what_and_details_then_former_member_after_erasure(app, db, president, club, member):
    second = factories.MembershipFactory(club=club, role=Role.PRESIDENT, user=factories.UserFactory(
        name="Sophie Seconde")).user
    with app.test_request_context():
        membership.update_member(president, club, member.id, {"role": "secretary"})
        commit()
    web = app.test_client()
    log_in(web, second.email)
    page = web.get(f"/clubs/{club.id}/audit").get_data(as_text=True)
    assert "Claire Président" in page and "Role changed" in page
    assert "Marc Membre: Member → Secretary-treasurer." in page
    president_id = president.id
    with app.test_request_context():
        privacy.delete_account(president, TEST_PASSWORD)
        commit()
    changed = only(db, "role.changed")
    assert changed.actor_id is None and changed.before == {"role": "member"}
    erased = only(db, "account.erased", club_id=club.id)
    assert erased.actor_id is None and erased.target == f"user:{president_id}"
    page = web.get(f"/clubs/{club.id}/audit").get_data(as_text=True)
    assert "Claire Président" not in page and "Former member" in page
    assert "Marc Membre: Member → Secretary-treasurer." in page and "Account erased" in page
    second.locale = "fr"
    db.session.commit()
    page = web.get(f"/clubs/{club.id}/audit").get_data(as_text=True)
    assert "Ancien membre" in page and "Marc Membre\u00a0: Membre → Secrétaire-trésorier" in page


def test_csv_has_every_row_in_the_readers_language(app, db, president, club, member, series):
    with app.test_request_context():
        membership.update_member(president, club, member.id, {"role": "secretary"})
        commit()
    web = app.test_client()
    log_in(web, president.email)
    response = web.get(f"/clubs/{club.id}/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=","))
    assert rows[0] == ["When (UTC)", "Who", "What", "Details", "Action", "Target"]
    assert [row[4] for row in rows[1:]] == ["series.created", "role.changed"]
    assert rows[2][1:4] == ["Claire Président", "Role changed", "Marc Membre: Member → Secretary-treasurer."]
    president.locale = "fr"
    db.session.commit()
    french = web.get(f"/clubs/{club.id}/audit.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(french), delimiter=";"))
    assert rows[0][:3] == ["Quand (UTC)", "Qui", "Quoi"] and len(rows) == 3


def test_csv_neutralises_formulas(app, db, president, club):
    president.name = "=HYPERLINK(\"http://evil\")"  # names are chosen by their owners
    with app.test_request_context():
        audit.record(president, "closure.created", club=club, target="closure:1",
                     after={"from": "2027-01-01", "to": "2027-01-02", "reason": "-Noël"})
        db.session.commit()
        body = audit.export_csv(president, club).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(body)) for cell in row)


# The API

def test_api_pages_newest_first_with_a_next_link(app, db, client, president, club, member):
    same = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    with app.test_request_context():
        made = [audit.record(president, "role.changed", club=club, target=member,
                             before={"role": "member"}, after={"role": "secretary"}) for _ in range(3)]
        made += [audit.record(president, "closure.deleted", club=club, target=f"closure:{n}") for n in range(2)]
        db.session.flush()
        for entry in made[:3]:
            entry.at = same  # ties on the instant: the id keeps the order
        db.session.commit()
    headers = bearer(president)
    seen, url = [], f"/api/v1/clubs/{club.id}/audit?limit=2"
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert len(body["items"]) <= 2
        seen += body["items"]
        url = body["next"]
        assert url is None or url.startswith("http")
    assert [item["id"] for item in seen] == [str(e.id) for e in reversed(made[3:])] + [
        str(e.id) for e in reversed(made[:3])]
    first = seen[-1]
    assert first == {"id": str(made[0].id), "at": "2026-05-04T03:02:01+00:00", "actor_id": str(president.id),
                     "actor_name": "Claire Président", "action": "role.changed", "target": f"user:{member.id}",
                     "before": {"role": "member"}, "after": {"role": "secretary"},
                     "details": "Marc Membre: Member → Secretary-treasurer."}


@pytest.mark.parametrize("query, field", [("cursor=nope", "cursor"), ("cursor=" + "A" * 300, "cursor"),
                                          ("limit=0", "limit"), ("limit=500", "limit"), ("limit=x", "limit")])
def test_api_bad_cursor_or_limit_is_a_422_naming_it(app, db, client, president, club, query, field):
    response = client.get(f"/api/v1/clubs/{club.id}/audit?{query}", headers=bearer(president))
    assert response.status_code == 422
    assert field in json.dumps(response.get_json()["error"]["fields"])


def test_bad_cursor_in_the_service_names_the_field(app, db, president, club):
    with app.test_request_context(), pytest.raises(Invalid) as error:
        audit.for_club(president, club, cursor="MjAyNi0wMS0wMXwx")  # "2026-01-01|1": no time zone
    assert error.value.field == "cursor"


def test_openapi_documents_the_audit_list(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/clubs/{club_id}/audit"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"cursor", "limit"}
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])


# My own security activity

def test_settings_show_my_security_activity_only(app, db, member, president):
    with app.test_request_context():
        accounts.create_api_token(member, "Mon intégration")
        accounts.create_api_token(president, "Pas la mienne")
    web = app.test_client()
    log_in(web, member.email)
    page = web.get("/account/settings").get_data(as_text=True)
    assert "Security activity" in page and "Mon intégration" in page and "Pas la mienne" not in page
    with app.test_request_context():
        lines = audit.security_activity(member)
    assert [line.entry.action for line in lines] == ["token.created"]
