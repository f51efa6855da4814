"""Referrals (slips) with their thank-you-for-closed-business amount, and one-to-ones."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow
from clubapp.models.club import Club
from clubapp.models.user import User

REFERRAL_STATUSES = ("given", "contacted", "in_progress", "won", "lost")


class Referral(db.Model):
    """A business lead passed from one member to another; the prospect's contact is for the two of them."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint("temperature BETWEEN 1 AND 5", name="temperature_range"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    # SET NULL: a member who erases their account leaves an anonymous referral behind.
    giver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    receiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    prospect_name: Mapped[str] = mapped_column(sa.String(120))
    prospect_email: Mapped[str | None] = mapped_column(sa.String(254))
    prospect_phone: Mapped[str | None] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(2000))
    temperature: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(10))  # internal | external
    status: Mapped[str] = mapped_column(sa.String(12), default="given")
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    club: Mapped[Club] = relationship()
    giver: Mapped[User | None] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[User | None] = relationship(foreign_keys=[receiver_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(ReferralEvent.at, ReferralEvent.id)")


class ReferralEvent(db.Model):
    """One step of a referral's history: its status from ``at`` on, who set it, the amount when won."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # SET NULL: the history stays when its author erases their account.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class OneToOne(db.Model):
    """A one-to-one meeting between two members, logged by either; both are credited."""

    __tablename__ = "one_to_ones"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    with_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    met_on: Mapped[date] = mapped_column(sa.Date())
    notes: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    with_user: Mapped[User | None] = relationship(foreign_keys=[with_user_id])
