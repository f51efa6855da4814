"""Networks, clubs, membership, invitations and join requests."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.core.money import currency_for_zone
from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow
from clubapp.models.user import User


class Role(enum.StrEnum):
    """A member's role in a club; the first three are officers."""

    PRESIDENT = "president"
    VICE_PRESIDENT = "vice_president"
    SECRETARY = "secretary"
    MEMBER = "member"

    @property
    def is_officer(self) -> bool:
        return self is not Role.MEMBER


ROLE_ENUM = sa.Enum(Role, name="club_role", values_callable=lambda e: [m.value for m in e], native_enum=False,
                    length=20)


class Network(db.Model):
    """A group of clubs (e.g. 'Dynabuy Auvergne'); its admins can create clubs in it."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    clubs: Mapped[list[Club]] = relationship(back_populates="network")
    admins: Mapped[list[NetworkAdmin]] = relationship(back_populates="network", cascade="all, delete-orphan")


class NetworkAdmin(db.Model):
    """A user who administers a network."""

    __tablename__ = "network_admins"

    network_id: Mapped[int] = mapped_column(sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    network: Mapped[Network] = relationship(back_populates="admins")
    user: Mapped[User] = relationship()


class Club(db.Model):
    """A chapter or club that meets on a fixed rhythm."""

    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str | None] = mapped_column(sa.String(4000))
    category_exclusive: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(sa.String(10), default="private")
    network_id: Mapped[int | None] = mapped_column(sa.ForeignKey("networks.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    late_grace_minutes: Mapped[int] = mapped_column(default=5, server_default="5")
    absence_threshold: Mapped[int] = mapped_column(default=3, server_default="3")
    # The club's colour in calendar apps: a CSS3 colour name (RFC 7986 COLOR), or None.
    color: Mapped[str | None] = mapped_column(sa.String(20))
    # Bumped in the same transaction as any change to the club's meetings: feeds' ETags derive from it.
    schedule_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The ISO 4217 code totals and scores are reported in; amounts in other currencies are shown beside, never added.
    currency: Mapped[str] = mapped_column(
        sa.String(3), server_default="EUR",
        default=lambda context: currency_for_zone(context.get_current_parameters().get("timezone")))

    network: Mapped[Network | None] = relationship(back_populates="clubs")
    # In joining order on every database (PostgreSQL promises no order without one).
    memberships: Mapped[list[Membership]] = relationship(back_populates="club", cascade="all, delete-orphan",
                                                         order_by="Membership.id")

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    def membership_of(self, user: User | None) -> Membership | None:
        """The membership of ``user`` in this club, if any."""
        if user is None or not getattr(user, "id", None):
            return None
        return db.session.scalar(
            sa.select(Membership).where(Membership.club_id == self.id, Membership.user_id == user.id)
        )


class Membership(db.Model):
    """A user's place in a club, with role and category (profession)."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("club_id", "user_id"),
        # Set only in category-exclusive clubs: the database itself refuses a second holder.
        sa.UniqueConstraint("club_id", "exclusive_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(ROLE_ENUM, default=Role.MEMBER)
    category: Mapped[str | None] = mapped_column(sa.String(80))
    exclusive_category: Mapped[str | None] = mapped_column(sa.String(80))
    public_listing: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    club: Mapped[Club] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def is_officer(self) -> bool:
        return self.role.is_officer

    @property
    def is_president(self) -> bool:
        return self.role is Role.PRESIDENT


class Invitation(db.Model):
    """An emailed, single-use, expiring invitation to join a club."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[Role] = mapped_column(ROLE_ENUM, default=Role.MEMBER)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    club: Mapped[Club] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_usable(self, now: datetime) -> bool:
        """Neither used, revoked nor expired."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class JoinRequest(db.Model):
    """A request to join a public club, approved or refused by an officer."""

    __tablename__ = "join_requests"
    __table_args__ = (
        # One waiting request per user and club, whatever the timing of a double submit.
        sa.Index("uq_join_requests_pending", "club_id", "user_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str | None] = mapped_column(sa.String(80))
    message: Mapped[str | None] = mapped_column(sa.String(1000))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    club: Mapped[Club] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
