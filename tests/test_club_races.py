"""Role changes, leaving and erasure at the same moment: a club always keeps a president.

Pairs of API requests leave at the same moment (a barrier) through gunicorn's 4 workers, on the
real test database (SQLite file or PostgreSQL), over many clubs.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from clubapp.models import Membership, Role, User
from clubapp.services import accounts
from tests import concurrency, factories
from tests.conftest import TEST_PASSWORD, commit

gunicorn = concurrency.gunicorn
CLUBS = 20

pytestmark = pytest.mark.slow


def _clubs_with_two_presidents(n: int) -> list[tuple[int, list[tuple[int, str]]]]:
    """``n`` clubs, each with two presidents and a member: (club id, [(president id, API token)] * 2)."""
    out = []
    for _ in range(n):
        club = factories.club_with(members=1)
        second = factories.MembershipFactory(club=club, role=Role.PRESIDENT).user
        first = next(m.user for m in club.memberships if m.role is Role.PRESIDENT and m.user is not second)
        out.append((club.id, [(user.id, accounts.create_api_token(user, "race").secret) for user in (first, second)]))
    commit()  # the tokens, for the server
    return out


def _presidents(db, club_id: int) -> int:
    db.session.rollback()  # read what the server committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.club_id == club_id, Membership.role == Role.PRESIDENT))


def test_two_presidents_demoting_each_other_at_once_leave_one(db, gunicorn):
    for club_id, ((a, token_a), (b, token_b)) in _clubs_with_two_presidents(CLUBS):
        results = concurrency.all_at_once([
            lambda go, token=token, other=other: concurrency.api(
                gunicorn, "PATCH", f"/api/v1/clubs/{club_id}/members/{other}", token, {"role": "member"}, ready=go)
            for token, other in ((token_a, b), (token_b, a))])
        statuses = sorted(status for status, _body in results)
        assert statuses == [200, 403], results  # the second one is no longer a president
        assert _presidents(db, club_id) == 1


def test_two_presidents_leaving_at_once_leave_one(db, gunicorn):
    for club_id, pair in _clubs_with_two_presidents(CLUBS):
        results = concurrency.all_at_once([
            lambda go, me=me, token=token: concurrency.api(
                gunicorn, "DELETE", f"/api/v1/clubs/{club_id}/members/{me}", token, ready=go)
            for me, token in pair])
        assert sorted(status for status, _body in results) == [204, 409], results
        assert _presidents(db, club_id) == 1


def test_two_presidents_erasing_their_accounts_at_once_leave_one(db, gunicorn):
    for club_id, pair in _clubs_with_two_presidents(CLUBS // 2):
        results = concurrency.all_at_once([
            lambda go, token=token: concurrency.api(
                gunicorn, "DELETE", "/api/v1/me", token, {"password": TEST_PASSWORD}, ready=go)
            for _me, token in pair])
        assert sorted(status for status, _body in results) == [204, 409], results
        assert _presidents(db, club_id) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.id.in_([me for me, _token in pair]))) == 1


def test_a_president_leaving_while_the_other_demotes_them_leaves_one(db, gunicorn):
    for club_id, ((a, token_a), (b, _token_b)) in _clubs_with_two_presidents(CLUBS):
        calls = [
            lambda go: concurrency.api(gunicorn, "DELETE", f"/api/v1/clubs/{club_id}/members/{a}", token_a, ready=go),
            lambda go: concurrency.api(gunicorn, "PATCH", f"/api/v1/clubs/{club_id}/members/{b}", token_a,
                                       {"role": "member"}, ready=go),
        ]
        results = concurrency.all_at_once(calls)
        assert all(status in (200, 204, 403, 404, 409) for status, _body in results), results
        assert _presidents(db, club_id) >= 1
