"""Answers to meetings: yes / no / maybe, capacity and waitlist, exact under concurrency."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from clubapp.core import limits
from clubapp.core.text import clean
from clubapp.extensions import db
from clubapp.models import OccurrenceOverride, Rsvp, User
from clubapp.models.base import utcnow
from clubapp.services import checks, meetings
from clubapp.services.errors import Conflict, Forbidden, Invalid, NotFound
from clubapp.services.locking import also, exclusive, retrying

RESPONSES = {"yes": "confirmed", "no": "declined", "maybe": "tentative"}


@dataclass
class Answer:
    """A member's answer with its place: confirmed, or waitlisted at ``waitlist_position``."""

    rsvp: Rsvp
    waitlist_position: int | None

    @property
    def response(self) -> str:
        return self.rsvp.response

    @property
    def status(self) -> str:
        return self.rsvp.status


def _key(occurrence: meetings.Occurrence) -> tuple[int, int]:
    return occurrence.series.id, int(occurrence.original_date.strftime("%Y%m%d"))


def _where(occurrence: meetings.Occurrence) -> list[sa.ColumnElement[bool]]:
    return [Rsvp.series_id == occurrence.series.id, Rsvp.original_date == occurrence.original_date]


def closes_at(occurrence: meetings.Occurrence) -> datetime:
    """When answers close: the start, or earlier when the series says so."""
    return occurrence.starts_at - timedelta(minutes=occurrence.series.rsvp_close_minutes or 0)


def _check_open(user: User, occurrence: meetings.Occurrence, now: datetime) -> None:
    if not meetings.can_see(user, occurrence.series):
        raise Forbidden(_l("Only members of the club (or of its network, for a network session) can answer."))
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    if now >= closes_at(occurrence):
        raise Conflict(_l("Answers to this meeting are closed."), code="answers_closed")


def _confirmed(occurrence: meetings.Occurrence) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(
        *_where(occurrence), Rsvp.status == "confirmed")) or 0


def _promote(occurrence: meetings.Occurrence, now: datetime) -> None:
    """Confirm waitlisted members, first come first served, while seats are free."""
    if occurrence.capacity is None:
        free = None
    else:
        free = occurrence.capacity - _confirmed(occurrence)
        if free <= 0:
            return
    query = sa.select(Rsvp).where(*_where(occurrence), Rsvp.status == "waitlisted") \
        .order_by(Rsvp.queued_at, Rsvp.id)
    if free is not None:
        query = query.limit(free)
    for rsvp in db.session.scalars(query):
        rsvp.status = "confirmed"
        rsvp.updated_at = now
        rsvp.user.answers_changed_at = now


def answer(user: User, meeting_id: str, response: str, substitute_name: str | None = None,
           comment: str | None = None, now: datetime | None = None) -> Answer:
    """Answer yes / no / maybe; a "yes" beyond capacity is waitlisted in arrival order.

    A repeated answer (double submit) changes nothing but the substitute and comment.
    """
    if response not in RESPONSES:
        raise Invalid(_l("Answer yes, no or maybe."), field="response")
    substitute = checks.text({"substitute_name": substitute_name}, "substitute_name", limits.NAME) \
        if isinstance(substitute_name, str) else None
    note = clean(comment) if isinstance(comment, str) else None
    if note and len(note) > limits.RSVP_COMMENT:
        raise Invalid(_l("At most %(n)d characters.", n=limits.RSVP_COMMENT), field="comment")
    occurrence = meetings.get_occurrence(meeting_id, user)
    _check_open(user, occurrence, now or utcnow())

    def work() -> Answer:
        with exclusive(*_key(occurrence)):
            moment = now or utcnow()  # read under the lock: arrival order is commit order
            rsvp = db.session.scalar(sa.select(Rsvp).where(*_where(occurrence), Rsvp.user_id == user.id))
            was_confirmed = rsvp is not None and rsvp.status == "confirmed"
            if rsvp is None:  # added once filled in: the capacity query below autoflushes
                rsvp = Rsvp(series_id=occurrence.series.id, original_date=occurrence.original_date, user_id=user.id,
                            created_at=moment, response="")
            already_yes = rsvp.response == "yes" and rsvp.status in ("confirmed", "waitlisted")
            if response == "yes" and not already_yes:
                rsvp.queued_at = moment
                full = occurrence.capacity is not None and _confirmed(occurrence) >= occurrence.capacity
                rsvp.status = "waitlisted" if full else "confirmed"
            elif response != "yes":
                rsvp.status = RESPONSES[response]
                rsvp.queued_at = None
            rsvp.response = response
            rsvp.substitute_name = substitute if response == "yes" else None
            rsvp.comment = note
            rsvp.updated_at = moment
            db.session.add(rsvp)
            db.session.get(User, user.id).answers_changed_at = moment  # type: ignore[union-attr]
            db.session.flush()
            if was_confirmed and rsvp.status != "confirmed":
                _promote(occurrence, moment)
            result = answer_of(user, occurrence)
            db.session.commit()
        return result  # type: ignore[return-value]

    return retrying(work)


def withdraw(user: User, meeting_id: str, now: datetime | None = None) -> None:
    """Withdraw my answer; a freed seat goes at once to the first waitlisted member."""
    occurrence = meetings.get_occurrence(meeting_id, user)
    _check_open(user, occurrence, now or utcnow())

    def work() -> None:
        with exclusive(*_key(occurrence)):
            moment = now or utcnow()
            rsvp = db.session.scalar(sa.select(Rsvp).where(*_where(occurrence), Rsvp.user_id == user.id))
            if rsvp is not None:
                freed = rsvp.status == "confirmed"
                db.session.delete(rsvp)
                db.session.get(User, user.id).answers_changed_at = moment  # type: ignore[union-attr]
                db.session.flush()
                if freed:
                    _promote(occurrence, moment)
            db.session.commit()

    retrying(work)


def promote_after_capacity_change(series_id: int, now: datetime | None = None) -> None:
    """After a capacity rise, confirm waitlisted members of the series' coming occurrences."""
    moment = now or utcnow()
    dates = db.session.scalars(sa.select(Rsvp.original_date).where(
        Rsvp.series_id == series_id, Rsvp.status == "waitlisted").distinct()).all()
    for day in dates:
        occurrence = meetings.get_occurrence(meetings.occurrence_id(series_id, day), None, need="system")
        if occurrence.ends_at <= moment:
            continue
        with exclusive(series_id, int(day.strftime("%Y%m%d"))):
            _promote(occurrence, moment)
            db.session.commit()


def release(user: User, now: datetime | None = None, everywhere: bool = False) -> None:
    """Delete the user's answers to coming meetings they may no longer answer (every one when ``everywhere``).

    For a member who leaves, is removed or erases their account: each confirmed seat they held
    goes at once to the first waitlisted member, as for a withdrawal; answers to past meetings stay.
    Call it inside the club's ``exclusive()`` block, after the membership is gone: it also takes
    the lock of each occurrence it changes, in ascending order, and flushes without committing.
    """
    moment = now or utcnow()
    db.session.flush()  # can_see() must read the membership as it now is
    # Skip the long past cheaply: an occurrence lasts at most a day, unless it was moved later.
    recent = Rsvp.original_date >= (moment - timedelta(days=2)).date()
    moved = sa.exists().where(OccurrenceOverride.series_id == Rsvp.series_id,
                              OccurrenceOverride.original_date == Rsvp.original_date,
                              OccurrenceOverride.ends_at > moment)
    coming = []
    for series_id, day in db.session.execute(sa.select(Rsvp.series_id, Rsvp.original_date).where(
            Rsvp.user_id == user.id, sa.or_(recent, moved)).distinct()).all():
        try:
            occurrence = meetings.get_occurrence(meetings.occurrence_id(series_id, day), None, need="system")
        except NotFound:  # no longer a meeting (series shortened): nobody sees that answer
            continue
        if occurrence.ends_at > moment and (everywhere or not meetings.can_see(user, occurrence.series)):
            coming.append(occurrence)
    coming.sort(key=_key)
    for occurrence in coming:
        also(*_key(occurrence))
    for occurrence in coming:
        rsvp = db.session.scalar(sa.select(Rsvp).where(*_where(occurrence), Rsvp.user_id == user.id))
        if rsvp is None:
            continue
        freed = rsvp.status == "confirmed"
        db.session.delete(rsvp)
        db.session.flush()
        if freed and not occurrence.is_cancelled:
            _promote(occurrence, moment)
    if coming and not everywhere:
        user.answers_changed_at = moment


def answer_of(user: User, occurrence: meetings.Occurrence) -> Answer | None:
    """My answer to an occurrence, with my waitlist position."""
    rsvp = db.session.scalar(sa.select(Rsvp).where(*_where(occurrence), Rsvp.user_id == user.id))
    if rsvp is None:
        return None
    return Answer(rsvp, _position(occurrence, rsvp) if rsvp.status == "waitlisted" else None)


def _position(occurrence: meetings.Occurrence, rsvp: Rsvp) -> int:
    ahead = db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(
        *_where(occurrence), Rsvp.status == "waitlisted",
        sa.or_(Rsvp.queued_at < rsvp.queued_at, sa.and_(Rsvp.queued_at == rsvp.queued_at, Rsvp.id < rsvp.id))))
    return (ahead or 0) + 1


def answers(occurrence: meetings.Occurrence) -> list[Answer]:
    """Every answer to an occurrence: confirmed first, then the waitlist in order, then the rest."""
    rows = db.session.scalars(sa.select(Rsvp).where(*_where(occurrence)).order_by(Rsvp.queued_at, Rsvp.id)).all()
    order = {"confirmed": 0, "waitlisted": 1, "tentative": 2, "declined": 3}
    out, position = [], 0
    for rsvp in sorted(rows, key=lambda r: order.get(r.status, 4)):
        if rsvp.status == "waitlisted":
            position += 1
        out.append(Answer(rsvp, position if rsvp.status == "waitlisted" else None))
    return out


def answers_for(viewer: User, occurrence: meetings.Occurrence) -> list[Answer]:
    """Who answered what, for the club's members."""
    if not meetings.is_member(viewer, occurrence.series):
        raise Forbidden(_l("Only the club's members can see the answers."))
    return answers(occurrence)


def counts(occurrences: list[meetings.Occurrence]) -> dict[str, tuple[int, int]]:
    """occurrence id -> (confirmed, waitlisted), in one query."""
    if not occurrences:
        return {}
    keys = {(o.series.id, o.original_date) for o in occurrences}
    series_ids = {k[0] for k in keys}
    dates = {k[1] for k in keys}
    rows = db.session.execute(
        sa.select(Rsvp.series_id, Rsvp.original_date, Rsvp.status, sa.func.count())
        .where(Rsvp.series_id.in_(series_ids), Rsvp.original_date.in_(dates),
               Rsvp.status.in_(("confirmed", "waitlisted")))
        .group_by(Rsvp.series_id, Rsvp.original_date, Rsvp.status))
    out: dict[str, list[int]] = {}
    for series_id, day, status, number in rows:
        entry = out.setdefault(meetings.occurrence_id(series_id, day), [0, 0])
        entry[0 if status == "confirmed" else 1] = number
    return {key: (value[0], value[1]) for key, value in out.items()}


def my_answers(user: User, occurrences: list[meetings.Occurrence]) -> dict[str, Answer]:
    """occurrence id -> my answer, for a list of occurrences."""
    if not occurrences:
        return {}
    by_key = {(o.series.id, o.original_date): o for o in occurrences}
    rows = db.session.scalars(sa.select(Rsvp).where(
        Rsvp.user_id == user.id, Rsvp.series_id.in_({k[0] for k in by_key}),
        Rsvp.original_date.in_({k[1] for k in by_key})))
    out = {}
    for rsvp in rows:
        occurrence = by_key.get((rsvp.series_id, rsvp.original_date))
        if occurrence is not None:
            out[occurrence.id] = Answer(rsvp, _position(occurrence, rsvp) if rsvp.status == "waitlisted" else None)
    return out


def with_counts(occurrences: list[meetings.Occurrence]) -> list[meetings.Occurrence]:
    """Fill confirmed_count and waitlist_count on each occurrence (one query)."""
    found = counts(occurrences)
    for occurrence in occurrences:
        occurrence.confirmed_count, occurrence.waitlist_count = found.get(occurrence.id, (0, 0))
    return occurrences
