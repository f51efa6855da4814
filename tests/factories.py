"""factory_boy factories bound to the Flask-SQLAlchemy session."""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from clubapp.core.passwords import hash_password
from clubapp.extensions import db
from clubapp.models import Club, Membership, Network, NetworkAdmin, Role, User

TEST_PASSWORD = "correct horse battery staple"
_HASH = hash_password(TEST_PASSWORD)  # computed once: argon2 is slow on purpose


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"member{n}@example.fr")
    name = factory.Faker("name", locale="fr_FR")
    password_hash = _HASH
    timezone = "Europe/Paris"
    locale = "en"
    business_name = factory.Faker("company", locale="fr_FR")
    category = factory.Sequence(lambda n: f"Category {n}")
    city = "Vichy"


class NetworkFactory(Base):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")


class NetworkAdminFactory(Base):
    class Meta:
        model = NetworkAdmin

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)


class ClubFactory(Base):
    class Meta:
        model = Club

    name = factory.Sequence(lambda n: f"BNI Club {n}")
    slug = factory.Sequence(lambda n: f"bni-club-{n}")
    timezone = "Europe/Paris"
    visibility = "private"
    category_exclusive = False


class MembershipFactory(Base):
    class Meta:
        model = Membership

    club = factory.SubFactory(ClubFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    category = factory.LazyAttribute(lambda m: m.user.category)
    exclusive_category = factory.LazyAttribute(
        lambda m: m.category.casefold() if m.club.category_exclusive and m.category else None)


def club_with(president: User | None = None, members: int = 0, **club_fields: object) -> Club:
    """A club with a president and ``members`` plain members."""
    club = ClubFactory(**club_fields)
    MembershipFactory(club=club, user=president or UserFactory(), role=Role.PRESIDENT)
    for _ in range(members):
        MembershipFactory(club=club)
    return club
