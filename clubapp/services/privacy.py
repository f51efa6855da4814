"""GDPR: export everything about a user, erase an account."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from clubapp.core import passwords
from clubapp.extensions import db
from clubapp.models import ApiToken, Club, Invitation, JoinRequest, Membership, Role, User
from clubapp.services.errors import Conflict, Invalid


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
    return {"profile": profile, "memberships": memberships, "api_tokens": tokens, "join_requests": requests,
            "invitations_received": invitations}


def delete_account(user: User, password: str | None) -> None:
    """Erase ``user`` after checking the password; a sole president must hand over first."""
    if not passwords.verify_password(user.password_hash, password or ""):
        raise Invalid(_l("The password is wrong."), field="password")
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
    db.session.execute(sa.delete(Invitation).where(Invitation.email == user.email, Invitation.accepted_at.is_(None)))
    db.session.delete(user)
    db.session.commit()
