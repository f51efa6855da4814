"""The demo data command: what it loads, that it loads once, and that its login works."""
from __future__ import annotations

import re
import time
from collections import Counter

import sqlalchemy as sa

from clubapp import demo
from clubapp.models import Club, Invitation, JoinRequest, Membership, Network, NetworkAdmin, Role, User
from clubapp.services import membership as membership_service
from tests.conftest import log_in

LOGIN_RE = re.compile(r"Log in as (\S+) with the password '([^']+)'\.")
CLUBS = {
    # name: (network, timezone, visibility, category-exclusive)
    "BNI Vichy Avenir": ("BNI Allier", "Europe/Paris", "public", True),
    "BNI Vipiacus": ("BNI Allier", "Europe/Paris", "public", True),
    "Dynabuy Vichy Val d'Allier": ("Dynabuy Auvergne", "Europe/Paris", "public", True),
    "FCE Allier": (None, "Europe/Paris", "private", False),
    "Cercle d'affaires francophone de Lima": (None, "America/Lima", "public", False),
}
FRENCH_PHONE = re.compile(r"^0[1-9]( \d\d){4}$")
PERUVIAN_PHONE = re.compile(r"^\+51 9\d\d \d{3} \d{3}$")


def run(app, *args):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["demo-data", *args])


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def club_named(db, name: str) -> Club:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(Club).where(Club.name == name))


def snapshot(db) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a visitor of the demo would see, without ids and timestamps."""
    users = db.session.execute(sa.select(
        User.email, User.name, User.business_name, User.category, User.city, User.phone, User.website, User.bio,
        User.timezone, User.locale).order_by(User.email)).all()
    memberships = db.session.execute(sa.select(
        Club.slug, User.email, Membership.role, Membership.category, Membership.public_listing)
        .join(Club).join(User).order_by(Club.slug, User.email)).all()
    requests = db.session.execute(sa.select(Club.slug, User.email, JoinRequest.message)
                                  .join(Club).join(User, JoinRequest.user_id == User.id).order_by(User.email)).all()
    return users, memberships, requests


def test_demo_data_loads_networks_clubs_and_members(app, db):
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "demo@clubapp.fr" in result.output

    assert count(db, User) >= 55
    assert set(db.session.scalars(sa.select(Network.name))) == {"BNI Allier", "Dynabuy Auvergne"}
    clubs = {club.name: club for club in db.session.scalars(sa.select(Club))}
    assert set(clubs) == set(CLUBS)
    for name, (network, timezone, visibility, exclusive) in CLUBS.items():
        club = clubs[name]
        assert (club.network.name if club.network else None, club.timezone, club.visibility,
                club.category_exclusive) == (network, timezone, visibility, exclusive), name
        roles = Counter(m.role for m in club.memberships)
        assert roles[Role.PRESIDENT] == 1 and roles[Role.VICE_PRESIDENT] == 1 and roles[Role.SECRETARY] == 1, name
        assert roles[Role.MEMBER] >= 8, name
        categories = [m.category.casefold() for m in club.memberships]
        if exclusive:
            assert len(categories) == len(set(categories)), f"{name} has two members with one category"
            assert all(m.exclusive_category == m.category.casefold() for m in club.memberships)
        else:
            assert all(m.exclusive_category is None for m in club.memberships)
    # Only non-exclusive clubs may hold two members of one trade: the FCE has two accountants.
    assert max(Counter(m.category for m in clubs["FCE Allier"].memberships).values()) >= 2

    assert "jeudi à 7h30" in clubs["BNI Vichy Avenir"].description
    assert "vendredi à 7h30" in clubs["BNI Vipiacus"].description
    clubs_per_user = Counter(db.session.scalars(sa.select(Membership.user_id)))
    assert sum(1 for n in clubs_per_user.values() if n >= 2) >= 3
    assert db.session.scalar(sa.select(sa.func.count()).where(Membership.public_listing.is_(True))) >= 15


def test_every_demo_profile_is_complete_and_plausible(app, db):
    assert run(app).exit_code == 0
    users = list(db.session.scalars(sa.select(User)))
    for user in users:
        assert all([user.business_name, user.category, user.city, user.bio]), user.email
        assert user.website.startswith("https://www."), user.email
        phone = PERUVIAN_PHONE if user.timezone == "America/Lima" else FRENCH_PHONE
        assert phone.match(user.phone), (user.email, user.phone)
    assert len({user.phone for user in users}) == len(users)
    assert {user.locale for user in users} == {"fr", "en"}
    assert Counter(user.locale for user in users)["fr"] > 0.8 * len(users)
    lima = club_named(db, "Cercle d'affaires francophone de Lima")
    assert sum(m.user.timezone == "America/Lima" for m in lima.memberships) >= 10


def test_demo_login_is_president_and_network_admin_with_work_waiting(app, db):
    assert run(app).exit_code == 0
    me = db.session.scalar(sa.select(User).where(User.email == "demo@clubapp.fr"))
    avenir = club_named(db, "BNI Vichy Avenir")
    assert avenir.membership_of(me).role is Role.PRESIDENT
    assert db.session.scalar(sa.select(Network.name).join(NetworkAdmin).where(NetworkAdmin.user_id == me.id)) \
        == "BNI Allier"
    assert all([me.business_name, me.category, me.city, me.phone, me.website, me.bio])
    assert len(membership_service.pending_requests(avenir)) >= 2
    assert [i.email for i in membership_service.pending_invitations(avenir)] == ["marc.delorme@example.fr"]
    # Requests come from people the chapter could admit: their trade is still free.
    taken = {m.exclusive_category for m in avenir.memberships}
    assert all(r.category.casefold() not in taken for r in membership_service.pending_requests(avenir))


def test_if_empty_loads_only_the_first_time(app, db):
    first = run(app, "--if-empty")
    assert first.exit_code == 0 and "Demo data loaded" in first.output
    users, memberships = count(db, User), count(db, Membership)
    assert users >= 55

    second = run(app, "--if-empty")
    assert second.exit_code == 0
    assert "not loaded" in second.output and "Demo data loaded" not in second.output
    assert (count(db, User), count(db, Membership), count(db, Club)) == (users, memberships, 5)


def test_loading_again_without_the_flag_refuses_cleanly(app, db):
    assert run(app).exit_code == 0
    users, invitations = count(db, User), count(db, Invitation)
    again = run(app)
    assert again.exit_code == 1
    assert "already in the database" in again.output
    assert (count(db, User), count(db, Invitation), count(db, Club)) == (users, invitations, 5)


def test_printed_login_signs_in_and_the_dashboard_shows_the_chapter(app, db, client):
    result = run(app)
    email, password = LOGIN_RE.search(result.output).groups()
    assert len(password) >= 10

    response = log_in(client, email, password)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    html = client.get("/dashboard").get_data(as_text=True)
    my_clubs = html.split("<section>")[1]  # the first section lists my clubs
    assert "BNI Vichy Avenir" in my_clubs and "FCE Allier" in my_clubs
    assert "#requests" in my_clubs  # the badge of the requests waiting for the president
    assert "BNI Allier" in html

    club_page = client.get(f"/clubs/{club_named(db, 'BNI Vichy Avenir').id}").get_data(as_text=True)
    assert "Kévin Lopes" in club_page and "Manon Girard" in club_page
    assert "marc.delorme@example.fr" in club_page


def test_other_demo_members_share_the_demo_password(app, db, client):
    assert run(app).exit_code == 0
    assert log_in(client, "mathilde.garnier@example.fr", demo.DEMO_PASSWORD).status_code == 302
    wrong = log_in(app.test_client(), "mathilde.garnier@example.fr", "not the demo password")
    assert wrong.status_code == 200 and "/dashboard" not in (wrong.location or "")


def test_public_listings_show_only_opted_in_businesses(app, db, client):
    assert run(app).exit_code == 0
    lima = client.get("/c/cercle-d-affaires-francophone-de-lima/listing")
    assert lima.status_code == 200
    html = lima.get_data(as_text=True)
    assert "Panadería Lemaire" in html and "Cacao Sofía" in html
    assert "Chávez Arquitectos" not in html  # a member who did not opt in

    network = client.get("/n/bni-allier/listing").get_data(as_text=True)
    assert "Toitures Bardet" in network and "Picard Couverture" in network
    assert "Giraud Immobilier" not in network


def test_load_is_deterministic_and_fast(app, db):
    started = time.perf_counter()
    login = demo.load()
    assert time.perf_counter() - started < 10
    assert login == demo.DemoLogin("demo@clubapp.fr", demo.DEMO_PASSWORD)
    first = snapshot(db)
    assert len(first[0]) >= 55

    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    assert count(db, User) == 0
    demo.load()
    assert snapshot(db) == first


def test_demo_meetings_follow_the_clubs_rhythms(app, db):
    from datetime import timedelta

    from clubapp.models import Club, MeetingSeries
    from clubapp.models.base import utcnow
    from clubapp.services import meetings

    app.test_cli_runner().invoke(args=["demo-data"])
    avenir = db.session.scalar(sa.select(Club).where(Club.name == "BNI Vichy Avenir"))
    now = utcnow()
    with app.test_request_context():
        upcoming = [o for o in meetings.club_meetings(avenir, now, now + timedelta(days=60)) if not o.is_cancelled]
    weekly = [o for o in upcoming if o.series.rrule]
    assert weekly and all(o.local_start().strftime("%a %H:%M") == "Thu 07:30" for o in weekly)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingSeries)) == 7
    sessions = db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.open_to_network.is_(True))).all()
    assert len(sessions) == 1 and sessions[0].club.network.name == "Dynabuy Auvergne"


def test_demo_has_two_months_of_club_life(app, db):
    from clubapp.services import referrals, reports

    app.test_cli_runner().invoke(args=["demo-data"])
    avenir = db.session.scalar(sa.select(Club).where(Club.name == "BNI Vichy Avenir"))
    president = next(m.user for m in avenir.memberships if m.role is Role.PRESIDENT)
    with app.test_request_context():
        alerts = reports.absence_alerts(president, avenir)
        cards = referrals.scorecards(president, avenir)
    assert alerts, "one member is over the absence limit, so the alert shows something"
    assert len({c.light for c in cards}) >= 2 and all(c.attended + c.absences > 0 for c in cards)
    assert sum(c.referrals_given for c in cards) >= len(cards)


def test_nothing_the_demo_loads_is_dated_after_it_was_loaded(app, db):
    """Timestamps and the dates of things done (one-to-ones) never lie in the future; schedules may."""
    from clubapp.models import OneToOne
    from clubapp.models.base import UTCDateTime, utcnow

    app.test_cli_runner().invoke(args=["demo-data"])
    loaded = utcnow()
    checked = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, UTCDateTime) or column.name == "expires_at":  # links expire later
                continue
            latest = db.session.scalar(sa.select(sa.func.max(column)))
            if latest is not None:
                checked.append(f"{table.name}.{column.name}")
                assert latest <= loaded, f"{table.name}.{column.name} is {latest}, after {loaded}"
    assert {"referrals.closed_at", "referrals.updated_at", "attendance_records.updated_at"} <= set(checked)
    assert db.session.scalar(sa.select(sa.func.max(OneToOne.met_on))) <= loaded.date()
