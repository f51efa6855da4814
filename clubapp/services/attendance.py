"""Attendance with the PALMS codes: check-in by joining, the officers' sheet, holidays."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from clubapp.core import limits
from clubapp.core.text import as_id
from clubapp.extensions import db
from clubapp.models import PALMS, AttendanceRecord, Membership, OccurrenceOverride, Rsvp, User, Visitor
from clubapp.models.base import utcnow
from clubapp.services import meetings
from clubapp.services.clubs import require_officer
from clubapp.services.errors import Conflict, Forbidden, Invalid, NotFound
from clubapp.services.locking import retrying

CHECK_IN_EARLY = timedelta(minutes=10)


@dataclass
class SheetRow:
    """One member on the attendance sheet: what is recorded, and what is suggested."""

    user: User
    record: AttendanceRecord | None
    suggested: str | None
    rsvp: Rsvp | None

    @property
    def status(self) -> str | None:
        return self.record.status if self.record else None


def _where(occurrence: meetings.Occurrence) -> list[sa.ColumnElement[bool]]:
    return [AttendanceRecord.series_id == occurrence.series.id,
            AttendanceRecord.original_date == occurrence.original_date]


def check_in_window(occurrence: meetings.Occurrence) -> tuple[datetime, datetime]:
    """From 10 minutes before the start to the end."""
    return occurrence.starts_at - CHECK_IN_EARLY, occurrence.ends_at


def is_holiday(occurrence: meetings.Occurrence) -> bool:
    return occurrence.override is not None and occurrence.override.holiday


def check_in(user: User, meeting_id: str, now: datetime | None = None) -> AttendanceRecord:
    """Record me present (late after the club's grace period) when I join the video."""
    now = now or utcnow()
    occurrence = meetings.get_occurrence(meeting_id, user)
    if not meetings.can_see(user, occurrence.series):
        raise Forbidden(_l("Only members of the club (or of its network, for a network session) can join."))
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    opens, closes = check_in_window(occurrence)
    if not opens <= now <= closes:
        zone = ZoneInfo(user.timezone)
        raise Conflict(_l("Check-in is open from %(opens)s to %(closes)s.",
                          opens=format_datetime(opens.astimezone(zone), "short"),
                          closes=format_datetime(closes.astimezone(zone), "short")), code="outside_window")
    grace = timedelta(minutes=occurrence.series.club.late_grace_minutes)
    status = "late" if now > occurrence.starts_at + grace else "present"

    def work() -> AttendanceRecord:
        record = db.session.scalar(sa.select(AttendanceRecord).where(*_where(occurrence),
                                                                     AttendanceRecord.user_id == user.id))
        if record is not None:
            return record  # the first check-in counts; an officer's record is never overwritten
        record = AttendanceRecord(series_id=occurrence.series.id, original_date=occurrence.original_date,
                                  user_id=user.id, status=status, checked_in_at=now, source="checkin",
                                  updated_at=now)
        db.session.add(record)
        try:
            db.session.commit()
        except IntegrityError:  # a double click raced: the other request recorded it
            db.session.rollback()
            return db.session.scalar(sa.select(AttendanceRecord).where(
                *_where(occurrence), AttendanceRecord.user_id == user.id))  # type: ignore[return-value]
        return record

    return retrying(work)


def _attendee(occurrence: meetings.Occurrence, user_id: int | str) -> User:
    """A member of the club, or someone who checked in (network sessions)."""
    uid = as_id(user_id) or -1
    member = db.session.scalar(sa.select(Membership).where(
        Membership.club_id == occurrence.club_id, Membership.user_id == uid))
    checked = db.session.scalar(sa.select(AttendanceRecord).where(*_where(occurrence),
                                                                  AttendanceRecord.user_id == uid))
    if member is None and checked is None:
        raise NotFound(_l("This person is not a member of the club."))
    return db.session.get(User, uid)  # type: ignore[return-value]


def set_status(officer: User, meeting_id: str, user_id: int | str, status: str, note: str | None = None,
               now: datetime | None = None) -> AttendanceRecord:
    """Record or correct a PALMS code (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, officer)
    require_officer(officer, occurrence.series.club)
    if status not in PALMS:
        raise Invalid(_l("Choose present, absent, late, medical or substitute."), field="status")
    if note is not None and len(note) > limits.ATTENDANCE_NOTE:
        raise Invalid(_l("At most %(n)d characters.", n=limits.ATTENDANCE_NOTE), field="note")
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    if is_holiday(occurrence):
        raise Conflict(_l("This meeting is a holiday: no attendance is taken."), code="holiday")
    member = _attendee(occurrence, user_id)
    now = now or utcnow()

    def work() -> AttendanceRecord:
        record = db.session.scalar(sa.select(AttendanceRecord).where(*_where(occurrence),
                                                                     AttendanceRecord.user_id == member.id))
        if record is None:
            record = AttendanceRecord(series_id=occurrence.series.id, original_date=occurrence.original_date,
                                      user_id=member.id)
            db.session.add(record)
        record.status = status
        record.note = note.strip() if note else None
        record.source = "officer"
        record.recorded_by_id = officer.id
        record.updated_at = now
        db.session.commit()
        return record

    return retrying(work)


def mark_absent_unmarked(officer: User, meeting_id: str) -> int:
    """Mark every member without a record absent (after the meeting); returns how many."""
    occurrence = meetings.get_occurrence(meeting_id, officer)
    require_officer(officer, occurrence.series.club)
    count = 0
    for row in sheet(officer, meeting_id):
        if row.record is None:
            set_status(officer, meeting_id, row.user.id, row.suggested or "absent")
            count += 1
    return count


def set_holiday(officer: User, meeting_id: str, holiday: bool) -> meetings.Occurrence:
    """Mark an occurrence as a holiday (no attendance expected), or undo it."""
    occurrence = meetings.get_occurrence(meeting_id, officer)
    require_officer(officer, occurrence.series.club)
    override = occurrence.override
    if override is None:
        override = OccurrenceOverride(series=occurrence.series, original_date=occurrence.original_date, sequence=0)
        db.session.add(override)
    override.holiday = holiday
    override.updated_at = utcnow()
    db.session.commit()
    return meetings.get_occurrence(meeting_id, officer)


def sheet(officer: User, meeting_id: str) -> list[SheetRow]:
    """One row per member (and per network guest who checked in), pre-filled from what is known."""
    occurrence = meetings.get_occurrence(meeting_id, officer)
    require_officer(officer, occurrence.series.club)
    records = {r.user_id: r for r in db.session.scalars(sa.select(AttendanceRecord).where(*_where(occurrence)))}
    answers = {r.user_id: r for r in db.session.scalars(sa.select(Rsvp).where(
        Rsvp.series_id == occurrence.series.id, Rsvp.original_date == occurrence.original_date))}
    members = db.session.scalars(sa.select(User).join(Membership).where(
        Membership.club_id == occurrence.club_id).order_by(User.name)).all()
    guests = [r.user for uid, r in records.items() if uid not in {m.id for m in members}]
    rows = []
    for user in [*members, *guests]:
        record, rsvp = records.get(user.id), answers.get(user.id)
        suggested = None
        if record is not None:
            suggested = record.status
        elif rsvp is not None and rsvp.response == "yes" and rsvp.substitute_name:
            suggested = "substitute"
        rows.append(SheetRow(user, record, suggested, rsvp))
    return rows


def records_for(viewer: User, occurrence: meetings.Occurrence) -> list[AttendanceRecord]:
    """The attendance recorded for a meeting, for the club's members."""
    if not meetings.is_member(viewer, occurrence.series):
        raise Forbidden(_l("Only the club's members can see the attendance."))
    return records(occurrence)


def records(occurrence: meetings.Occurrence) -> list[AttendanceRecord]:
    return list(db.session.scalars(sa.select(AttendanceRecord).where(*_where(occurrence))
                                   .order_by(AttendanceRecord.id)))


def visitors(occurrence: meetings.Occurrence) -> list[Visitor]:
    return list(db.session.scalars(sa.select(Visitor).where(
        Visitor.series_id == occurrence.series.id, Visitor.original_date == occurrence.original_date)
        .order_by(Visitor.created_at, Visitor.id)))


def set_visitor_attendance(officer: User, meeting_id: str, visitor_id: int, attended: str) -> Visitor:
    """Mark a visitor present or absent (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, officer)
    require_officer(officer, occurrence.series.club)
    if attended not in ("present", "absent"):
        raise Invalid(_l("Choose present or absent."), field="attended")
    visitor = db.session.get(Visitor, as_id(visitor_id) or -1)
    if visitor is None or (visitor.series_id, visitor.original_date) != (occurrence.series.id,
                                                                          occurrence.original_date):
        raise NotFound(_l("No such visitor."))
    visitor.attended = attended
    db.session.commit()
    return visitor
