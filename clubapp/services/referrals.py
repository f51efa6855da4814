"""Referrals (slips), TYFCB, one-to-ones and scorecards.

Who sees what, in one place: a referral, prospect contact included, is for its giver and its
receiver; officers get counts and amounts only; anyone else gets 404.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from clubapp.core import csvout, limits, money
from clubapp.core.scoring import Scorecard, score
from clubapp.core.text import as_id, clean
from clubapp.extensions import db
from clubapp.models import REFERRAL_STATUSES, Club, Membership, OneToOne, Referral, ReferralEvent, User
from clubapp.models.base import utcnow
from clubapp.services import checks, reports
from clubapp.services import figures as club_figures
from clubapp.services.accounts import checked_email
from clubapp.services.clubs import require_officer
from clubapp.services.errors import Forbidden, Invalid, NotFound


def _shared_member(club_id: Any, *users: User) -> Club:
    club = db.session.get(Club, as_id(club_id)) if as_id(club_id) else None
    if club is None:
        raise Invalid(_l("Unknown club."), field="club_id")
    for user in users:
        if club.membership_of(user) is None:
            raise Forbidden(_l("You and this member do not share this club."), field="club_id", code="no_shared_club")
    return club


def _member(user_id: Any, field: str) -> User:
    user = db.session.get(User, as_id(user_id)) if as_id(user_id) else None
    if user is None:
        raise Invalid(_l("Unknown member."), field=field)
    return user


def give(giver: User, data: dict[str, Any]) -> Referral:
    """Pass a referral to another member of a club both belong to."""
    receiver = _member(data.get("to_user_id"), "to_user_id")
    if receiver.id == giver.id:
        raise Invalid(_l("You cannot give a referral to yourself."), field="to_user_id", code="self_referral")
    club = _shared_member(data.get("club_id"), giver)
    if club.membership_of(receiver) is None:
        raise Forbidden(_l("You and this member do not share this club."), field="to_user_id", code="no_shared_club")
    name = checks.text(data, "prospect_name", limits.NAME) if isinstance(data.get("prospect_name"), str) else None
    if not name:
        raise Invalid(_l("Enter the prospect's name."), field="prospect_name")
    email = data.get("prospect_email")
    email = checked_email(email, "prospect_email") if isinstance(email, str) and email.strip() else None
    phone = checks.text(data, "prospect_phone", limits.PHONE) if isinstance(data.get("prospect_phone"), str) else None
    description = clean(data.get("description")) if isinstance(data.get("description"), str) else None
    if not description:
        raise Invalid(_l("Say what the prospect needs."), field="description")
    if len(description) > limits.REFERRAL_DESCRIPTION:
        raise Invalid(_l("At most %(n)d characters.", n=limits.REFERRAL_DESCRIPTION), field="description")
    temperature = data.get("temperature")
    if isinstance(temperature, bool) or not isinstance(temperature, int | str) or \
            not str(temperature).isascii() or not str(temperature).isdigit() or not 1 <= int(temperature) <= 5:
        raise Invalid(_l("Give a temperature from 1 (cold) to 5 (hot)."), field="temperature")
    kind = data.get("kind") or "internal"
    if kind not in ("internal", "external"):
        raise Invalid(_l("Choose internal or external."), field="kind")
    referral = Referral(club_id=club.id, giver_id=giver.id, receiver_id=receiver.id, prospect_name=name,
                        prospect_email=email, prospect_phone=phone, description=description,
                        temperature=int(temperature), kind=kind, status="given", updated_at=utcnow())
    db.session.add(referral)
    _record(referral, giver)
    db.session.flush()
    return referral


def get(user: User, referral_id: Any) -> Referral:
    """A referral for its giver or receiver; 404 for everyone else (officers included)."""
    referral = db.session.get(Referral, as_id(referral_id)) if as_id(referral_id) else None
    if referral is None or user.id not in (referral.giver_id, referral.receiver_id):
        raise NotFound(_l("No such referral."))
    return referral


def mine(user: User, direction: str | None = None) -> list[Referral]:
    """Referrals I gave or received, newest first."""
    if direction not in (None, "", "given", "received"):
        raise Invalid(_l("Choose given or received."), field="direction")
    query = sa.select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    if direction == "given":
        query = query.where(Referral.giver_id == user.id)
    elif direction == "received":
        query = query.where(Referral.receiver_id == user.id)
    else:
        query = query.where(sa.or_(Referral.giver_id == user.id, Referral.receiver_id == user.id))
    return list(db.session.scalars(query))


def _amount(value: Any, locale: str | None) -> Decimal:
    """A TYFCB amount as typed ("12 500,50", "12500.50") or sent (a JSON number), to the cent."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Invalid(_l("Give the amount as a number, e.g. 12500.50."), field="amount")
    if isinstance(value, str):
        amount = money.parse_amount(value, locale)
        if amount is None:
            raise Invalid(_l("Give the amount as a number, e.g. 12500.50."), field="amount")
    else:
        amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise Invalid(_l("The amount cannot be negative."), field="amount")
    if amount >= limits.AMOUNT_MAX:
        raise Invalid(_l("This amount is too large."), field="amount")
    return amount.quantize(money.CENT)


def _currency(value: Any, default: str) -> str:
    """An ISO 4217 code from Babel's list; ``default`` when none is given."""
    if value in (None, ""):
        return default
    code = value.strip().upper() if isinstance(value, str) else None
    if not money.is_currency(code):
        raise Invalid(_l("Give a currency code such as EUR or PEN (ISO 4217)."), field="currency")
    return str(code)


def _record(referral: Referral, actor: User | None) -> None:
    """One step of the referral's history: its status from now on, who set it, the amount when won."""
    referral.events.append(ReferralEvent(at=referral.updated_at, actor_id=actor.id if actor else None,
                                         status=referral.status, amount=referral.amount,
                                         currency=referral.currency))


def update_status(user: User, referral_id: Any, status: str, amount: Any = None, currency: Any = None,
                  locale: str | None = "en") -> Referral:
    """The receiver follows the referral up; on "won" the amount closed (TYFCB) is credited to the giver.

    Every change of status or amount is kept in the referral's history. A currency goes with an amount:
    "won" without an amount keeps the amount and currency already recorded.
    """
    referral = get(user, referral_id)
    if user.id != referral.receiver_id:
        raise Forbidden(_l("Only the member who received the referral can follow it up."), field="status")
    if status not in REFERRAL_STATUSES:
        raise Invalid(_l("Choose given, contacted, in progress, won or lost."), field="status")
    if amount not in (None, "") and status != "won":
        raise Invalid(_l("An amount goes with a won referral only."), field="amount")
    before = (referral.status, referral.amount, referral.currency)
    if status == "won":
        kept = referral.currency or referral.club.currency
        code = _currency(currency, kept)
        if amount in (None, ""):
            if referral.amount is not None and code != kept:
                raise Invalid(_l("Give the amount in %(currency)s too: a currency goes with its amount.",
                                 currency=code), field="amount")
        else:
            referral.amount = _amount(amount, locale)
        referral.currency = code if referral.amount is not None else None
        referral.closed_at = referral.closed_at or utcnow()
    else:
        referral.amount, referral.currency, referral.closed_at = None, None, (utcnow() if status == "lost" else None)
    referral.status = status
    if (referral.status, referral.amount, referral.currency) != before:
        referral.updated_at = utcnow()
        _record(referral, user)
    db.session.flush()
    return referral


def log_one_to_one(user: User, data: dict[str, Any]) -> OneToOne:
    """Log a one-to-one with another member of a shared club; both are credited."""
    other = _member(data.get("with_user_id"), "with_user_id")
    if other.id == user.id:
        raise Invalid(_l("A one-to-one takes two members."), field="with_user_id")
    club = _shared_member(data.get("club_id"), user)
    if club.membership_of(other) is None:
        raise Forbidden(_l("You and this member do not share this club."), field="with_user_id",
                        code="no_shared_club")
    raw = data.get("date")
    try:
        met_on = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(_l("Expected a date like 2026-11-26."), field="date") from None
    if abs((met_on - date.today()).days) > limits.ONE_TO_ONE_MAX_DAYS:
        raise Invalid(_l("Give a date within a year of today."), field="date")
    notes = clean(data.get("notes")) if isinstance(data.get("notes"), str) else None
    if notes and len(notes) > limits.ONE_TO_ONE_NOTES:
        raise Invalid(_l("At most %(n)d characters.", n=limits.ONE_TO_ONE_NOTES), field="notes")
    meeting = OneToOne(club_id=club.id, logged_by_id=user.id, with_user_id=other.id, met_on=met_on, notes=notes)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def my_one_to_ones(user: User) -> list[OneToOne]:
    """One-to-ones I logged or was logged in; their notes are for the two of us."""
    return list(db.session.scalars(sa.select(OneToOne).where(sa.or_(
        OneToOne.logged_by_id == user.id, OneToOne.with_user_id == user.id)).order_by(OneToOne.met_on.desc())))


# Figures for officers: counts and amounts, never contact details.

def scorecards(viewer: User, club: Club, now: datetime | None = None) -> list[Scorecard]:
    """Cards over the last six months: every member for officers, their own card for a member.

    TYFCB is scored in the club's reporting currency; other currencies are carried beside it, unconverted.
    """
    membership = club.membership_of(viewer)
    if membership is None:
        raise NotFound(_l("No such club."))
    table = current_app.config.get("SCORECARD")
    now = now or utcnow()
    first, last = club_figures.rolling(club, now)
    lines = reports.palms_lines(club, first, last, now)
    cards = []
    for line in lines:
        card = Scorecard(
            user_id=line.user_id, name=line.name, absences=line.counts["absent"], attended=line.attended,
            referrals_given=line.referrals_given, referrals_received=line.referrals_received,
            visitors=line.visitors, one_to_ones=line.one_to_ones, tyfcb_given=line.tyfcb_given_total,
            currency=club.currency, tyfcb_other={c: a for c, a in line.tyfcb.items() if c != club.currency})
        cards.append(score(card, table))
    if not membership.is_officer:
        cards = [c for c in cards if c.user_id == viewer.id]
    return sorted(cards, key=lambda c: (-c.score, c.name))


def monthly(user: User, club: Club, now: datetime | None = None) -> list[dict[str, Any]]:
    """The member's card charts: the scorecards' period cut into months (the first one partial).

    Per month: referrals given and received, and TYFCB given cumulated per currency; the months add up
    to the card's figures, as both count from the same query over the same period.
    """
    first, last = club_figures.rolling(club, now)
    series = []
    cumulated: dict[str, Decimal] = {}
    for month, found in club_figures.by_month(club, first, last, user.id):
        for code, amount in found.tyfcb.items():
            money.add(cumulated, code, amount)
        series.append({"month": month, "first": max(first, month), "given": found.given,
                       "received": found.received, "tyfcb": cumulated.get(club.currency, Decimal(0)),
                       "tyfcb_all": dict(cumulated)})
    return series


KIND_LABELS = {"internal": _l("Inside the club"), "external": _l("Outside the club")}
# "Given" is also a tab ("given" referrals): French needs "Transmise" here, "Données" there.
STATUS_LABELS = {"given": lazy_pgettext("referral status", "Given"), "contacted": _l("Contacted"),
                 "in_progress": _l("In progress"),
                 "won": _l("Won"), "lost": _l("Lost")}


def export_csv(officer: User, club: Club, locale: str = "en") -> bytes:
    """Referrals and TYFCB of the club for officers, without any prospect detail."""
    require_officer(officer, club)
    header = [str(_l("Date")), str(_l("Giver")), str(_l("Receiver")), str(_l("Kind")),
              str(_l("Temperature")), str(_l("Status")), str(_l("TYFCB")), str(_l("Currency"))]
    rows = ([referral.created_at.date().isoformat(),
             referral.giver.name if referral.giver else str(_l("Former member")),
             referral.receiver.name if referral.receiver else str(_l("Former member")),
             str(KIND_LABELS.get(referral.kind, referral.kind)), referral.temperature,
             str(STATUS_LABELS.get(referral.status, referral.status)),
             referral.amount.quantize(Decimal("0.01")) if referral.amount is not None else "", referral.currency or ""]
            for referral in db.session.scalars(sa.select(Referral).where(Referral.club_id == club.id)
                                               .order_by(Referral.created_at, Referral.id)))
    return csvout.write(header, rows, locale)


def members_to_refer(user: User) -> list[Membership]:
    """Members of my clubs I can pass a referral to."""
    mine = sa.select(Membership.club_id).where(Membership.user_id == user.id)
    return list(db.session.scalars(sa.select(Membership).join(User).where(
        Membership.club_id.in_(mine), Membership.user_id != user.id).order_by(User.name)))
