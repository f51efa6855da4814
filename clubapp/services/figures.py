"""Referral figures of a club over a period: referrals given and received, one-to-ones, TYFCB per currency.

One truth: the PALMS report, the scorecards, the member's charts and the API all count from ``_facts``,
over periods cut here. A month of a chart is a piece of the same period as the table beside it, so the
months add up to the table's figure. Counts and amounts only, never a prospect's contact; amounts stay in
their own currency (``{currency: Decimal}``), never added across currencies.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clubapp.core import money
from clubapp.core.recurrence import local_instant
from clubapp.core.scoring import PalmsLine
from clubapp.extensions import db
from clubapp.models import Club, OneToOne, Referral
from clubapp.models.base import utcnow

ROLLING_DAYS = 182  # six months: the scorecards' period, and the absence rule's


@dataclass
class Figures:
    """One member's referral figures over a period; ``tyfcb`` per currency."""

    given: int = 0
    received: int = 0
    one_to_ones: int = 0
    tyfcb: dict[str, Decimal] = field(default_factory=dict)


def period(club: Club, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants bounding local dates ``first`` to ``last`` (inclusive) in the club's zone."""
    zone = ZoneInfo(club.timezone)
    return local_instant(first, time(0), zone), local_instant(last + timedelta(days=1), time(0), zone)


def rolling(club: Club, now: datetime | None = None) -> tuple[date, date]:
    """The scorecards' period: the last six months up to today, in the club's zone."""
    last = (now or utcnow()).astimezone(ZoneInfo(club.timezone)).date()
    return last - timedelta(days=ROLLING_DAYS), last


def months(first: date, last: date) -> list[tuple[date, date, date]]:
    """The period cut at month starts: (month, first day in the period, last day in the period)."""
    out = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        out.append((month, max(first, month), min(last, following - timedelta(days=1))))
        month = following
    return out


def _facts(club: Club, first: date, last: date) -> Iterator[tuple[int, date, str, str | None, Decimal | None]]:
    """(user id, local day, what, currency, amount) for every referral given or received, TYFCB won and
    one-to-one of the club in the period: the one query every figure is counted from."""
    start, end = period(club, first, last)
    zone = ZoneInfo(club.timezone)
    for giver, receiver, created in db.session.execute(
            sa.select(Referral.giver_id, Referral.receiver_id, Referral.created_at).where(
                Referral.club_id == club.id, Referral.created_at >= start, Referral.created_at < end)):
        day = created.astimezone(zone).date()
        if giver:
            yield giver, day, "given", None, None
        if receiver:
            yield receiver, day, "received", None, None
    for giver, amount, currency, closed in db.session.execute(
            sa.select(Referral.giver_id, Referral.amount, Referral.currency, Referral.closed_at).where(
                Referral.club_id == club.id, Referral.status == "won",
                Referral.closed_at >= start, Referral.closed_at < end)):
        if giver and amount is not None and closed is not None:
            yield giver, closed.astimezone(zone).date(), "tyfcb", currency or club.currency, amount
    for logged_by, with_user, met_on in db.session.execute(
            sa.select(OneToOne.logged_by_id, OneToOne.with_user_id, OneToOne.met_on).where(
                OneToOne.club_id == club.id, OneToOne.met_on >= first, OneToOne.met_on <= last)):
        for uid in (logged_by, with_user):
            if uid:
                yield uid, met_on, "one_to_one", None, None


def _count(entry: Figures, what: str, currency: str | None, amount: Decimal | None) -> None:
    if what == "given":
        entry.given += 1
    elif what == "received":
        entry.received += 1
    elif what == "one_to_one":
        entry.one_to_ones += 1
    elif currency and amount is not None:
        money.add(entry.tyfcb, currency, amount)


def figures(club: Club, first: date, last: date) -> dict[int, Figures]:
    """user id -> referrals given/received, one-to-ones, TYFCB given per currency, over the period."""
    out: dict[int, Figures] = {}
    for uid, _day, what, currency, amount in _facts(club, first, last):
        _count(out.setdefault(uid, Figures()), what, currency, amount)
    return out


def by_month(club: Club, first: date, last: date, user_id: int) -> list[tuple[date, Figures]]:
    """A member's figures for each month piece of the period (see ``months``); they add up to ``figures``."""
    pieces = {month: Figures() for month, _first, _last in months(first, last)}
    for uid, day, what, currency, amount in _facts(club, first, last):
        if uid == user_id:
            _count(pieces[date(day.year, day.month, 1)], what, currency, amount)
    return list(pieces.items())


def add_palms_figures(club: Club, lines: list[PalmsLine], first: date, last: date) -> None:
    """The PALMS report's referral columns; TYFCB per currency, and its total in the club's currency only."""
    found = figures(club, first, last)
    for line in lines:
        entry = found.get(line.user_id)
        if entry:
            line.referrals_given, line.referrals_received = entry.given, entry.received
            line.one_to_ones = entry.one_to_ones
            line.tyfcb = dict(entry.tyfcb)
            line.tyfcb_given_total = entry.tyfcb.get(club.currency, Decimal(0))
