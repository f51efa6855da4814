"""One unit of work per request: a use case that fails half-way leaves the database as it was, and sends nothing.

Each failure is injected after the use case's first write, through the real edge (a request), on
SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from clubapp import unit_of_work
from clubapp.models import Invitation, Membership, Rsvp, User
from clubapp.services import locking, membership, privacy, rsvp
from tests import factories
from tests.conftest import TEST_PASSWORD, bearer, commit, log_in, submit
from tests.test_rsvp import members, soon, weekly

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def president(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(name="Camille Perrin")


@pytest.fixture
def club(president):  # type: ignore[no-untyped-def]
    return factories.club_with(president=president, name="BNI Vichy Avenir")


class Injected(Exception):
    """The failure a test injects in the middle of a use case."""


def fail_after(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Make ``module.name`` do its work (writes included), then fail."""
    original = getattr(module, name)

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        original(*args, **kwargs)
        raise Injected(name)

    monkeypatch.setattr(module, name, failing)


def statuses(db) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(sa.select(Rsvp.user_id, Rsvp.status).order_by(Rsvp.id))]


def test_no_service_commits():
    """Only the edge commits: no ``.commit(`` in the services, nor in a web or API adapter."""
    offenders = []
    for path in sorted((ROOT / "clubapp").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ("clubapp/unit_of_work.py", "clubapp/demo.py"):  # the edge; the demo loader is a command
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bsession\.commit\(|\bdb\.session\.commit\b", line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_a_capacity_change_and_its_promotions_are_one_transaction(app, db, client, president, club, monkeypatch):
    series, meeting = weekly(app, president, club, soon(), capacity=1)
    first, second, third = members(club, 3)
    with app.test_request_context():
        for who in (first, second, third):
            rsvp.answer(who, meeting, "yes")
            commit()
    before = statuses(db)
    assert [status for _user, status in before] == ["confirmed", "waitlisted", "waitlisted"]
    headers = bearer(president)
    fail_after(monkeypatch, rsvp, "_promote")  # the capacity is changed and one member promoted, then it fails
    response = client.patch(f"/api/v1/series/{series.id}", json={"capacity": 3}, headers=headers)
    assert response.status_code == 500
    assert statuses(db) == before
    assert client.get(f"/api/v1/meetings/{meeting}", headers=headers).json["capacity"] == 1

    monkeypatch.undo()  # the same change, without the failure, goes through whole
    assert client.patch(f"/api/v1/series/{series.id}", json={"capacity": 3}, headers=headers).status_code == 200
    assert [status for _user, status in statuses(db)] == ["confirmed", "confirmed", "confirmed"]


def test_an_account_erasure_that_fails_half_way_erases_nothing(app, db, client, president, club, monkeypatch):
    _series, meeting = weekly(app, president, club, soon(), capacity=1)
    gone, waiting = members(club, 2)
    with app.test_request_context():
        rsvp.answer(gone, meeting, "yes")
        commit()
        rsvp.answer(waiting, meeting, "yes")
        commit()
    before = statuses(db)
    headers = bearer(gone)
    gone_id = gone.id
    fail_after(monkeypatch, privacy, "_erase_traces")  # seats released, traces erased, then it fails
    response = client.delete("/api/v1/me", json={"password": TEST_PASSWORD}, headers=headers)
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(User, gone_id) is not None
    assert statuses(db) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.user_id == gone_id)) == 1

    monkeypatch.undo()
    assert client.delete("/api/v1/me", json={"password": TEST_PASSWORD}, headers=headers).status_code == 204
    db.session.expire_all()
    assert db.session.get(User, gone_id) is None
    assert statuses(db) == [(waiting.id, "confirmed")]


def test_an_invitation_accepted_half_way_stays_unused(app, db, client, president, club, monkeypatch):
    invitee = factories.UserFactory(email="invitee@example.fr")
    with app.test_request_context():
        invited = membership.invite(president, club, invitee.email)
        commit()
    headers = bearer(invitee)
    fail_after(monkeypatch, membership, "_add_member")  # the membership is added, then it fails
    response = client.post(f"/api/v1/invitations/{invited.token}/accept", json={}, headers=headers)
    assert response.status_code == 500
    db.session.expire_all()
    assert club.membership_of(invitee) is None
    assert db.session.get(Invitation, invited.invitation.id).accepted_at is None

    monkeypatch.undo()  # the link still works, once
    assert client.post(f"/api/v1/invitations/{invited.token}/accept", json={}, headers=headers).status_code == 200
    db.session.expire_all()
    assert club.membership_of(invitee) is not None


def test_a_rolled_back_request_sends_no_mail(app, db, client, president, club, outbox, monkeypatch):
    assert log_in(client, president.email).status_code == 302
    fail_after(monkeypatch, membership, "_mail_invitation")  # the mail is queued, then the use case fails
    response = submit(client, f"/clubs/{club.id}/invite", {"email": "guest@example.fr", "role": "member"})
    assert response.status_code == 500
    assert outbox == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0

    monkeypatch.undo()
    response = submit(client, f"/clubs/{club.id}/invite", {"email": "guest@example.fr", "role": "member"})
    assert response.status_code == 302
    assert [message.to for message in outbox] == [["guest@example.fr"]]


def test_side_effects_run_after_the_commit_only(app, db, caplog):
    ran: list[str] = []
    factories.UserFactory(email="queued@example.fr")
    unit_of_work.after_commit(lambda: ran.append("dropped"))
    db.session.get(User, db.session.scalar(sa.select(User.id))).name = "Changed"
    unit_of_work.rollback()
    assert ran == []

    def broken() -> None:
        raise OSError("the mail server is down")

    user = db.session.scalar(sa.select(User))
    user.name = "Saved"
    unit_of_work.after_commit(broken)
    unit_of_work.after_commit(lambda: ran.append("after"))
    with caplog.at_level(logging.ERROR, logger="clubapp.unit_of_work"):
        unit_of_work.commit()
    assert ran == ["after"]  # a failing side effect neither undoes the commit nor stops the others
    assert "A side effect after commit failed" in caplog.text
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.name)) == "Saved"


def test_exclusive_refuses_pending_writes(db):
    user = factories.UserFactory()
    user.name = "Pending"
    with pytest.raises(RuntimeError, match="unsaved writes"), locking.exclusive(1, 1):
        pass
    db.session.rollback()
    db.session.add(factories.UserFactory.build())
    db.session.flush()  # flushed, not committed: still pending for the lock
    with pytest.raises(RuntimeError, match="unsaved writes"), locking.exclusive(1, 1):
        pass
    db.session.rollback()
    with locking.exclusive(1, 1), locking.exclusive(1, 2):  # nested: takes one more key
        db.session.get(User, user.id)
