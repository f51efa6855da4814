"""Who may see a member's contact details; GDPR: export everything about a user, erase an account."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from clubapp.core import passwords
from clubapp.extensions import db
from clubapp.models import (
    ApiToken,
    AttendanceRecord,
    Club,
    Invitation,
    JoinRequest,
    Membership,
    OneToOne,
    Referral,
    Role,
    Rsvp,
    User,
    Visitor,
)
from clubapp.services import audit, rsvp
from clubapp.services.errors import Conflict, Invalid
from clubapp.services.locking import club_key, exclusive_all, retrying

# Contact details (email, phone): the one rule every page, API answer and export about others uses.

def club_ids_of(user: User | None) -> set[int]:
    """The ids of the clubs ``user`` belongs to (none for an anonymous visitor)."""
    if user is None or not getattr(user, "id", None):
        return set()
    return set(db.session.scalars(sa.select(Membership.club_id).where(Membership.user_id == user.id)))


def may_see_contact(viewer: User | None, member: User, through: Iterable[Membership] | None = None,
                    viewer_clubs: Collection[int] | None = None) -> bool:
    """Whether ``viewer`` may see the email and phone of ``member``.

    Yes for the member themself and for anyone who shares a club with them; otherwise only when
    the member opted into the public listing of a club the viewer sees them through (``through``:
    those memberships; all of the member's by default). ``viewer_clubs`` saves a query per row.
    """
    if viewer is not None and getattr(viewer, "id", None) == member.id:
        return True
    if viewer_clubs is None:
        viewer_clubs = club_ids_of(viewer)
    own = list(member.memberships)
    if any(m.club_id in viewer_clubs for m in own):
        return True
    return any(m.public_listing for m in (own if through is None else through))


@dataclass
class Contact:
    """What a viewer may see of a member: always name, business, category and city; email and phone when allowed."""

    user_id: int
    name: str
    business_name: str | None
    category: str | None
    city: str | None
    email: str | None
    phone: str | None
    clubs: list[Club]

    @property
    def shows_contact(self) -> bool:
        return self.email is not None


def contact_card(viewer: User | None, member: User, through: list[Membership],
                 viewer_clubs: Collection[int] | None = None) -> Contact:
    """``member`` as ``viewer`` may see them, through these memberships (the clubs shown beside them)."""
    allowed = may_see_contact(viewer, member, through, viewer_clubs)
    category = next((m.category for m in through if m.category), None) or member.category
    return Contact(user_id=member.id, name=member.name, business_name=member.business_name, category=category,
                   city=member.city, email=member.email if allowed else None,
                   phone=member.phone if allowed else None, clubs=[m.club for m in through])


def export(user: User) -> dict[str, Any]:
    """All personal data held about ``user``, as JSON-ready values."""
    profile = {key: getattr(user, key) for key in
               ("email", "name", "timezone", "locale", "business_name", "category", "city", "phone", "website", "bio")}
    profile["created_at"] = user.created_at.isoformat()
    memberships = [
        {"club": m.club.name, "club_id": str(m.club_id), "role": m.role.value, "category": m.category,
         "public_listing": m.public_listing, "joined_at": m.joined_at.isoformat()}
        for m in db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
    ]
    tokens = [
        {"label": t.label, "created_at": t.created_at.isoformat(),
         "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
        for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    ]
    requests = [
        {"club_id": str(r.club_id), "status": r.status, "message": r.message, "created_at": r.created_at.isoformat()}
        for r in db.session.scalars(sa.select(JoinRequest).where(JoinRequest.user_id == user.id))
    ]
    invitations = [
        {"club_id": str(i.club_id), "email": i.email, "created_at": i.created_at.isoformat()}
        for i in db.session.scalars(sa.select(Invitation).where(Invitation.email == user.email))
    ]
    referrals = [
        {"id": str(r.id), "club_id": str(r.club_id), "direction": "given" if r.giver_id == user.id else "received",
         "prospect_name": r.prospect_name, "prospect_email": r.prospect_email, "prospect_phone": r.prospect_phone,
         "description": r.description, "temperature": r.temperature, "kind": r.kind, "status": r.status,
         "amount": str(r.amount) if r.amount is not None else None, "currency": r.currency,
         "created_at": r.created_at.isoformat()}
        for r in db.session.scalars(sa.select(Referral).where(
            sa.or_(Referral.giver_id == user.id, Referral.receiver_id == user.id)))
    ]
    one_to_ones = [
        {"club_id": str(o.club_id), "date": o.met_on.isoformat(), "notes": o.notes,
         "with": (o.with_user.name if o.logged_by_id == user.id and o.with_user else
                  o.logged_by.name if o.logged_by else None)}
        for o in db.session.scalars(sa.select(OneToOne).where(
            sa.or_(OneToOne.logged_by_id == user.id, OneToOne.with_user_id == user.id)))
    ]
    answers = [
        {"meeting_id": f"s{r.series_id}-{r.original_date:%Y%m%d}", "response": r.response, "status": r.status,
         "substitute_name": r.substitute_name, "comment": r.comment}
        for r in db.session.scalars(sa.select(Rsvp).where(Rsvp.user_id == user.id))
    ]
    attendance = [
        {"meeting_id": f"s{a.series_id}-{a.original_date:%Y%m%d}", "status": a.status, "note": a.note}
        for a in db.session.scalars(sa.select(AttendanceRecord).where(AttendanceRecord.user_id == user.id))
    ]
    return {"profile": profile, "memberships": memberships, "api_tokens": tokens, "join_requests": requests,
            "invitations_received": invitations, "referrals": referrals, "one_to_ones": one_to_ones,
            "answers": answers, "attendance": attendance}


def delete_account(user: User, password: str | None, now: datetime | None = None) -> None:
    """Erase ``user`` after checking the password; a sole president must hand over first.

    Holds the lock of every club of the user (ascending ids, as everyone takes them), so a
    co-president leaving or erasing at the same moment cannot leave a club without a president;
    each seat the user held at a coming meeting goes at once to the first waitlisted member.
    """
    if not passwords.verify_password(user.password_hash, password or ""):
        raise Invalid(_l("The password is wrong."), field="password")

    user_id = user.id

    def clubs_of() -> set[int]:
        return set(db.session.scalars(sa.select(Membership.club_id).where(Membership.user_id == user_id)))

    def work() -> None:
        locked = clubs_of()
        while True:
            with exclusive_all(club_key(club_id) for club_id in locked):
                clubs = clubs_of()
                if clubs <= locked:
                    if db.session.get(User, user_id) is not None:  # not erased by a double submit meanwhile
                        _erase(user, now)
                    return
            locked |= clubs  # the user joined a club meanwhile: lock it too, in order, and look again

    retrying(work)


def _erase(user: User, now: datetime | None) -> None:
    for membership in list(db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))):
        if membership.role is not Role.PRESIDENT:
            continue
        others = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
            Membership.club_id == membership.club_id, Membership.user_id != user.id)) or 0
        presidents = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
            Membership.club_id == membership.club_id, Membership.role == Role.PRESIDENT)) or 0
        if others and presidents <= 1:
            raise Conflict(_l("You are the only president of %(club)s: name another president first.",
                              club=membership.club.name), code="last_president")
        if not others:  # a club of one disappears with its only member
            db.session.delete(db.session.get(Club, membership.club_id))
    rsvp.release(user, now, everywhere=True)
    for club_id in [None, *db.session.scalars(sa.select(Membership.club_id).where(Membership.user_id == user.id))]:
        audit.record(user, "account.erased", club=club_id, target=user)  # actor_id becomes NULL with the account
    _erase_traces(user)
    db.session.delete(user)
    db.session.flush()


def _erase_traces(user: User) -> None:
    """Remove what rows outside the user's own (cascaded) ones hold about them."""
    # Invitations carry the address in clear, used or not: none of them is needed once the person is gone.
    db.session.execute(sa.delete(Invitation).where(
        sa.or_(Invitation.email == user.email, Invitation.accepted_by_id == user.id)))
    # Referrals stay for the other member, anonymised (the foreign keys are SET NULL); when the other
    # member is already gone, nobody may see the prospect any more, so the prospect goes too.
    gone = sa.or_(Referral.giver_id.is_(None), Referral.giver_id == user.id)
    db.session.execute(sa.update(Referral).where(
        sa.or_(Referral.giver_id == user.id, Referral.receiver_id == user.id), gone,
        sa.or_(Referral.receiver_id.is_(None), Referral.receiver_id == user.id),
    ).values(prospect_name="", prospect_email=None, prospect_phone=None, description=""))
    # Notes the user wrote about a one-to-one go with them.
    db.session.execute(sa.update(OneToOne).where(OneToOne.logged_by_id == user.id).values(notes=None))
    db.session.execute(sa.delete(Visitor).where(Visitor.invited_by_id == user.id))
    # Visits the user made before joining stay counted for whoever invited them, without name or address.
    for visitor in db.session.scalars(sa.select(Visitor).where(Visitor.email == user.email)):
        visitor.name, visitor.email, visitor.company = "—", f"erased-visitor-{visitor.id}@invalid", None
