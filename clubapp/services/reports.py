"""Attendance reports for officers: PALMS over a period, absence alerts, histories, CSV, chart data."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from clubapp.core import csvout, money
from clubapp.core.scoring import CODES, PalmsLine, counted_absences, over_threshold, rate
from clubapp.extensions import db
from clubapp.models import AttendanceRecord, Club, Membership, User, Visitor
from clubapp.models.base import utcnow
from clubapp.services import figures, meetings
from clubapp.services.clubs import require_officer
from clubapp.services.errors import Forbidden

ROLLING_DAYS = figures.ROLLING_DAYS


def held_meetings(club: Club, first: date, last: date, now: datetime | None = None) -> list[meetings.Occurrence]:
    """Meetings of the period that took place: started, not cancelled, not holidays."""
    start, end = meetings.period(club, first, last)
    end = min(end, now or utcnow())
    if end <= start:
        return []
    return [o for o in meetings.club_meetings(club, start, end, include_cancelled=False)
            if not (o.override is not None and o.override.holiday)]


def _records(club: Club, held: list[meetings.Occurrence]) -> list[AttendanceRecord]:
    if not held:
        return []
    keys = {(o.series.id, o.original_date) for o in held}
    rows = db.session.scalars(sa.select(AttendanceRecord).where(
        AttendanceRecord.series_id.in_({k[0] for k in keys}),
        AttendanceRecord.original_date.between(min(k[1] for k in keys), max(k[1] for k in keys))))
    return [r for r in rows if (r.series_id, r.original_date) in keys]


def palms(officer: User, club: Club, first: date, last: date, now: datetime | None = None) -> list[PalmsLine]:
    """Per member: P, A, L, M, S, visitors invited, and the referral figures when present."""
    require_officer(officer, club)
    return palms_lines(club, first, last, now)


def palms_lines(club: Club, first: date, last: date, now: datetime | None = None) -> list[PalmsLine]:
    held = held_meetings(club, first, last, now)
    members = db.session.scalars(sa.select(User).join(Membership).where(Membership.club_id == club.id)
                                 .order_by(User.name)).all()
    lines = {u.id: PalmsLine(u.id, u.name) for u in members}
    for record in _records(club, held):
        line = lines.get(record.user_id)
        if line is not None:
            line.counts[record.status] += 1
    keys = {(o.series.id, o.original_date) for o in held}
    if keys:
        for visitor in db.session.scalars(sa.select(Visitor).where(
                Visitor.series_id.in_({k[0] for k in keys}), Visitor.invited_by_id.in_(lines))):
            if (visitor.series_id, visitor.original_date) in keys and visitor.invited_by_id in lines:
                lines[visitor.invited_by_id].visitors += 1
    _add_referral_figures(club, list(lines.values()), first, last)
    return list(lines.values())


def _add_referral_figures(club: Club, lines: list[PalmsLine], first: date, last: date) -> None:
    """Referrals, one-to-ones and TYFCB given, from the referrals feature."""
    figures.add_palms_figures(club, lines, first, last)


def absence_alerts(officer: User, club: Club, now: datetime | None = None) -> list[tuple[PalmsLine, int]]:
    """Members over the club's absence threshold in the rolling six months (S and M do not count)."""
    require_officer(officer, club)
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(club.timezone)).date()
    lines = palms_lines(club, today - timedelta(days=ROLLING_DAYS), today, now)
    out = []
    for line in lines:
        absences = counted_absences(code for code in line.counts.elements())
        if over_threshold(absences, club.absence_threshold):
            out.append((line, absences))
    return sorted(out, key=lambda item: -item[1])


def member_history(viewer: User, club: Club, user: User, first: date, last: date,
                   now: datetime | None = None) -> list[tuple[meetings.Occurrence, str | None]]:
    """A member's record meeting by meeting (officers, or the member)."""
    if viewer.id != user.id:
        require_officer(viewer, club)
    elif club.membership_of(viewer) is None:
        raise Forbidden(_l("Only the club's members can do this."))
    held = held_meetings(club, first, last, now)
    mine = {(r.series_id, r.original_date): r.status for r in _records(club, held) if r.user_id == user.id}
    return [(o, mine.get((o.series.id, o.original_date))) for o in held]


def rates_per_meeting(club: Club, first: date, last: date, now: datetime | None = None
                      ) -> list[tuple[meetings.Occurrence, float | None]]:
    """The attendance rate of each meeting held: (P + L + S) / members with a record."""
    held = held_meetings(club, first, last, now)
    by_key: dict[tuple[int, date], list[str]] = {}
    for record in _records(club, held):
        by_key.setdefault((record.series_id, record.original_date), []).append(record.status)
    out = []
    for occurrence in held:
        codes = by_key.get((occurrence.series.id, occurrence.original_date), [])
        attended = sum(1 for c in codes if c in ("present", "late", "substitute"))
        out.append((occurrence, rate(attended, len(codes))))
    return out


def tyfcb_totals(lines: Iterable[PalmsLine]) -> dict[str, Decimal]:
    """The club's TYFCB given over the lines, per currency (never added across currencies)."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        for code, amount in line.tyfcb.items():
            money.add(totals, code, amount)
    return totals


def palms_csv(lines: list[PalmsLine], locale: str = "en", currency: str | None = None) -> bytes:
    """The report as CSV (see ``core.csvout``: BOM, ';' and decimal commas in French, no formulas).

    One TYFCB column per currency present, the club's ``currency`` first: two currencies are never added.
    """
    codes = money.present((line.tyfcb for line in lines), currency)
    headers = [str(_l("Member")), *(str(label) for label in code_labels()),
               str(_l("Visitors")), str(_l("One-to-ones")), str(_l("Referrals given")),
               str(_l("Referrals received")),
               *(str(_l("TYFCB given (%(currency)s)", currency=code)) for code in codes)]
    rows: Iterable[Sequence[Any]] = (
        [line.name, *(line.counts[c] for c in CODES), line.visitors, line.one_to_ones,
         line.referrals_given, line.referrals_received,
         *(line.tyfcb.get(code, Decimal(0)).quantize(money.CENT) for code in codes)] for line in lines)
    return csvout.write(headers, rows, locale)


def code_labels() -> list[object]:
    return [_l("Present"), _l("Absent"), _l("Late"), _l("Medical"), _l("Substitute")]
