"""Answers (RSVP), attendance (PALMS) and visitors, per occurrence (series + original date)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow
from clubapp.models.user import User

PALMS = ("present", "absent", "late", "medical", "substitute")


class Rsvp(db.Model):
    """A member's answer to one occurrence; one row per member and occurrence.

    ``queued_at`` is when the current "yes" arrived: waitlist order is (queued_at, id).
    """

    __tablename__ = "rsvps"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "original_date", "user_id"),
        sa.Index("ix_rsvps_occurrence", "series_id", "original_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(sa.Date())
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(sa.String(8))  # yes | no | maybe
    status: Mapped[str] = mapped_column(sa.String(12))  # confirmed | waitlisted | declined | tentative
    substitute_name: Mapped[str | None] = mapped_column(sa.String(120))
    comment: Mapped[str | None] = mapped_column(sa.String(500))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class AttendanceRecord(db.Model):
    """A PALMS code for one member at one occurrence."""

    __tablename__ = "attendance_records"
    __table_args__ = (sa.UniqueConstraint("series_id", "original_date", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(sa.Date())
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))  # one of PALMS
    note: Mapped[str | None] = mapped_column(sa.String(500))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(sa.String(10), default="officer")  # officer | checkin
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Visitor(db.Model):
    """A guest invited by a member to one occurrence; answers through a link, without an account."""

    __tablename__ = "visitors"
    __table_args__ = (sa.UniqueConstraint("series_id", "original_date", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(sa.Date())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    company: Mapped[str | None] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    response: Mapped[str | None] = mapped_column(sa.String(8))  # yes | no | maybe
    attended: Mapped[str | None] = mapped_column(sa.String(12))  # present | absent (officer's sheet)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invited_by: Mapped[User | None] = relationship()
