"""Meeting series, their versions, one-occurrence overrides and club closures."""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow
from clubapp.models.club import Club


class MeetingSeries(db.Model):
    """A recurring (or one-off, ``rrule`` None) meeting of a club.

    What may change over time (title, time, duration, link, venue, capacity) lives in
    ``versions``: an edit "from date D on" adds a version, so the past never changes and
    occurrence ids (series + original local date) stay stable.
    """

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date] = mapped_column(sa.Date())
    rrule: Mapped[str | None] = mapped_column(sa.String(200))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set when the series is ended
    video_room: Mapped[str] = mapped_column(sa.String(80))
    open_to_network: Mapped[bool] = mapped_column(default=False)
    # Answers close this many minutes before the start (None: at the start).
    rsvp_close_minutes: Mapped[int | None] = mapped_column()
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    club: Mapped[Club] = relationship()
    versions: Mapped[list[SeriesVersion]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SeriesVersion.effective_from")
    overrides: Mapped[list[OccurrenceOverride]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="OccurrenceOverride.original_date")


class SeriesVersion(db.Model):
    """The settings of a series from ``effective_from`` (a local date) on."""

    __tablename__ = "series_versions"
    __table_args__ = (sa.UniqueConstraint("series_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(sa.Date())
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.String(4000))
    start_time: Mapped[time] = mapped_column(sa.Time())
    duration_minutes: Mapped[int] = mapped_column()
    video_url: Mapped[str | None] = mapped_column(sa.String(500))  # None: the series' Jitsi room
    venue: Mapped[str | None] = mapped_column(sa.String(500))
    capacity: Mapped[int | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    series: Mapped[MeetingSeries] = relationship(back_populates="versions")


class OccurrenceOverride(db.Model):
    """What differs for one occurrence: moved, retitled, another link or venue, cancelled or restored."""

    __tablename__ = "occurrence_overrides"
    __table_args__ = (sa.UniqueConstraint("series_id", "original_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(sa.Date())
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    title: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.String(4000))
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    venue: Mapped[str | None] = mapped_column(sa.String(500))
    # None: as the series (and closures) say; "cancelled"; "scheduled" (restored, wins over a closure).
    status: Mapped[str | None] = mapped_column(sa.String(10))
    holiday: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # no attendance expected
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    series: Mapped[MeetingSeries] = relationship(back_populates="overrides")


class Closure(db.Model):
    """The club is closed from ``start_date`` to ``end_date`` (local dates, inclusive)."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date())
    end_date: Mapped[date] = mapped_column(sa.Date())
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
