"""Referral figures of a club over a period: referrals given and received, one-to-ones, TYFCB per currency.

Shared by the PALMS report (services.reports) and the scorecards (services.referrals), so both
count from the same queries; counts and amounts only, never a prospect's contact.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clubapp.core.recurrence import local_instant
from clubapp.core.scoring import PalmsLine
from clubapp.extensions import db
from clubapp.models import Club, OneToOne, Referral


def period(club: Club, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants bounding local dates ``first`` to ``last`` (inclusive) in the club's zone."""
    zone = ZoneInfo(club.timezone)
    return local_instant(first, time(0), zone), local_instant(last + timedelta(days=1), time(0), zone)


def figures(club: Club, first: date, last: date) -> dict[int, dict[str, Any]]:
    """user id -> referrals given/received, one-to-ones, TYFCB given per currency, over the period."""
    start, end = period(club, first, last)
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"given": 0, "received": 0, "one_to_ones": 0, "tyfcb": defaultdict(Decimal)})
    for giver, receiver in db.session.execute(sa.select(Referral.giver_id, Referral.receiver_id).where(
            Referral.club_id == club.id, Referral.created_at >= start, Referral.created_at < end)):
        if giver:
            out[giver]["given"] += 1
        if receiver:
            out[receiver]["received"] += 1
    for giver, amount, currency in db.session.execute(sa.select(Referral.giver_id, Referral.amount, Referral.currency)
                                                      .where(Referral.club_id == club.id, Referral.status == "won",
                                                             Referral.closed_at >= start, Referral.closed_at < end)):
        if giver and amount is not None:
            out[giver]["tyfcb"][currency or "EUR"] += amount
    for logged_by, with_user in db.session.execute(sa.select(OneToOne.logged_by_id, OneToOne.with_user_id).where(
            OneToOne.club_id == club.id, OneToOne.met_on >= first, OneToOne.met_on <= last)):
        for uid in (logged_by, with_user):
            if uid:
                out[uid]["one_to_ones"] += 1
    return out


def add_palms_figures(club: Club, lines: list[PalmsLine], first: date, last: date) -> None:
    """The PALMS report's referral columns."""
    found = figures(club, first, last)
    for line in lines:
        entry = found.get(line.user_id)
        if entry:
            line.referrals_given, line.referrals_received = entry["given"], entry["received"]
            line.one_to_ones = entry["one_to_ones"]
            line.tyfcb_given_total = float(sum(entry["tyfcb"].values()))
