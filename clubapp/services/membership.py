"""Membership: invitations, join requests, roles, leaving, directory and public listing."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from clubapp.core import limits
from clubapp.core.secrets import digest, new_token
from clubapp.core.text import as_id, clean, normalise_email
from clubapp.extensions import db
from clubapp.models import Club, Invitation, JoinRequest, Membership, Network, Role, User
from clubapp.models.base import utcnow
from clubapp.services import checks, mail, privacy, rsvp
from clubapp.services.accounts import checked_email
from clubapp.services.clubs import require_officer
from clubapp.services.errors import Conflict, Forbidden, Invalid, NotFound
from clubapp.services.locking import club_key, exclusive, retrying


def _role(value: Any, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid(_l("Unknown role."), field=field) from None


def _category(value: Any) -> str | None:
    return checks.text({"category": value}, "category", limits.CATEGORY)


def _lock(club: Club) -> None:
    """Serialise membership changes of one club (row lock on PostgreSQL; SQLite serialises writes)."""
    db.session.execute(sa.select(Club.id).where(Club.id == club.id).with_for_update())


def _taken(club: Club, category: str | None, except_user_id: int | None = None) -> bool:
    if not (club.category_exclusive and category):
        return False
    query = sa.select(Membership.id).where(
        Membership.club_id == club.id, Membership.exclusive_category == category.casefold()
    )
    if except_user_id is not None:
        query = query.where(Membership.user_id != except_user_id)
    return db.session.scalar(query) is not None


def _category_taken_error(category: str) -> Conflict:
    return Conflict(
        _l("The category “%(category)s” is already held in this club, which admits one member per category.",
           category=category),
        field="category", code="category_taken",
    )


def _add_member(club: Club, user: User, role: Role, category: str | None) -> Membership:
    """Add ``user`` to ``club`` and commit; Conflict when already in or category taken."""
    _lock(club)
    if club.membership_of(user) is not None:
        raise Conflict(_l("You are already a member of this club."), code="already_member")
    if _taken(club, category):
        raise _category_taken_error(category or "")
    membership = Membership(club=club, user=user, role=role, category=category)
    if club.category_exclusive and category:
        membership.exclusive_category = category.casefold()
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:  # lost a race for the same category or seat
        db.session.rollback()
        raise _category_taken_error(category or "") from None
    return membership


# Invitations

class Invited(NamedTuple):
    """A saved invitation, its secret token (shown once) and whether the email went out (None: not asked)."""

    invitation: Invitation
    token: str
    mailed: bool | None


def invite(officer: User, club: Club, email: str, role: Any = Role.MEMBER,
           link_for: Callable[[str], str] | None = None) -> Invited:
    """Invite someone by email; the invitation is saved even when the email cannot be delivered."""
    require_officer(officer, club)
    email = checked_email(email)
    role = _role(role or Role.MEMBER)
    if role is not Role.MEMBER and not club.membership_of(officer).is_president:  # type: ignore[union-attr]
        raise Forbidden(_l("Only the president can invite officers."), field="role")
    existing = db.session.scalar(
        sa.select(Membership.id).join(User).where(Membership.club_id == club.id, User.email == email)
    )
    if existing:
        raise Conflict(_l("This person is already a member."), field="email", code="already_member")
    token = new_token()
    invitation = Invitation(
        club=club, email=email, role=role, token_hash=digest(token), invited_by_id=officer.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.commit()
    return Invited(invitation, token, _mail_invitation(officer, invitation, token, link_for))


def resend_invitation(officer: User, club: Club, invitation_id: int | str,
                      link_for: Callable[[str], str] | None = None) -> Invited:
    """Send a pending invitation again with a fresh token (the old link stops working) and a fresh delay."""
    require_officer(officer, club)
    invitation = db.session.get(Invitation, as_id(invitation_id) or -1)
    if invitation is None or invitation.club_id != club.id:
        raise NotFound(_l("No such invitation."))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict(_l("This invitation is no longer pending."), code="invitation_not_pending")
    if invitation.role is not Role.MEMBER and not club.membership_of(officer).is_president:  # type: ignore[union-attr]
        raise Forbidden(_l("Only the president can invite officers."))
    token = new_token()
    invitation.token_hash = digest(token)
    invitation.expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])
    db.session.commit()
    return Invited(invitation, token, _mail_invitation(officer, invitation, token, link_for))


def _mail_invitation(officer: User, invitation: Invitation, token: str,
                     link_for: Callable[[str], str] | None) -> bool | None:
    """Email a committed invitation; False when delivery failed (the officer can send it again)."""
    if link_for is None:
        return None
    club = invitation.club
    return mail.send(invitation.email, _l("%(name)s invites you to %(club)s", name=officer.name, club=club.name),
                     "invitation", locale=officer.locale, club=club, inviter=officer, url=link_for(token),
                     days=current_app.config["INVITATION_DAYS"])


def invitation_for(token: str) -> Invitation:
    """A usable invitation by its token; NotFound when unknown, used, revoked or expired."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == digest(token or "")))
    if invitation is None:
        raise NotFound(_l("This invitation is not valid."), code="invalid_invitation")
    if invitation.accepted_at is not None:
        raise Conflict(_l("This invitation has already been used."), code="invitation_used")
    if invitation.revoked_at is not None:
        raise NotFound(_l("This invitation was withdrawn."), code="invalid_invitation")
    if not invitation.is_usable(utcnow()):
        raise Conflict(_l("This invitation has expired. Ask the club for a new one."), code="invitation_expired")
    return invitation


def invitation_for_user(user: User, token: str) -> Invitation:
    """A usable invitation addressed to ``user``: a forwarded or leaked link shows nobody else the club."""
    invitation = invitation_for(token)
    if invitation.email != normalise_email(user.email):
        raise Forbidden(_l("This invitation was sent to another email address: sign in with that address "
                           "to accept it."), code="invitation_not_yours")
    return invitation


def accept_invitation(user: User, token: str, category: str | None = None) -> Membership:
    """Join the club of an invitation, which can then never be used again."""
    category = _category(category) or user.category
    invitation = invitation_for_user(user, token)
    membership = _add_member(invitation.club, user, invitation.role, category)
    # The UPDATE ... WHERE accepted_at IS NULL makes the token single use even under a race.
    used = db.session.execute(
        sa.update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_l("This invitation has already been used."), code="invitation_used")
    db.session.commit()
    return membership


def pending_invitations(club: Club) -> list[Invitation]:
    """Invitations neither used nor revoked nor expired."""
    return list(db.session.scalars(
        sa.select(Invitation).where(
            Invitation.club_id == club.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        ).order_by(Invitation.created_at.desc())
    ))


def revoke_invitation(officer: User, club: Club, invitation_id: int) -> None:
    """Withdraw an invitation of this club."""
    require_officer(officer, club)
    invitation = db.session.get(Invitation, as_id(invitation_id) or -1)
    if invitation is None or invitation.club_id != club.id:
        raise NotFound(_l("No such invitation."))
    invitation.revoked_at = utcnow()
    db.session.commit()


# Join requests (public clubs)

def _already_requested() -> Conflict:
    return Conflict(_l("Your request is already waiting for an officer."), code="already_requested")


def request_to_join(user: User, club: Club, category: str | None = None, message: str | None = None) -> JoinRequest:
    """Ask to join a public club."""
    if not club.is_public:
        raise NotFound(_l("No such club."))
    if club.membership_of(user) is not None:
        raise Conflict(_l("You are already a member of this club."), code="already_member")
    category = _category(category) or user.category
    if _taken(club, category):
        raise _category_taken_error(category or "")
    if pending_request(user, club) is not None:
        raise _already_requested()
    message = clean(message)
    if message and len(message) > 1000:
        raise Invalid(_l("At most %(n)d characters.", n=1000), field="message")
    join = JoinRequest(club=club, user=user, category=category, message=message)
    db.session.add(join)
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous twin (double submit) was stored first: the index refused this one
        db.session.rollback()
        if pending_request(user, club) is None:
            raise
        raise _already_requested() from None
    return join


def pending_request(user: User, club: Club) -> JoinRequest | None:
    """The user's waiting request to join ``club``, if any."""
    return db.session.scalar(sa.select(JoinRequest).where(
        JoinRequest.club_id == club.id, JoinRequest.user_id == user.id, JoinRequest.status == "pending"))


def pending_requests(club: Club) -> list[JoinRequest]:
    """Requests waiting for an officer, oldest first."""
    return list(db.session.scalars(sa.select(JoinRequest).where(
        JoinRequest.club_id == club.id, JoinRequest.status == "pending").order_by(JoinRequest.created_at)))


def decide_request(officer: User, club: Club, request_id: int, approve: bool) -> JoinRequest:
    """Approve (the user becomes a member) or refuse a join request."""
    require_officer(officer, club)
    join = db.session.get(JoinRequest, as_id(request_id) or -1)
    if join is None or join.club_id != club.id or join.status != "pending":
        raise NotFound(_l("No such request."))
    if approve:
        _add_member(club, join.user, Role.MEMBER, join.category)
    join.status = "approved" if approve else "refused"
    join.decided_at = utcnow()
    join.decided_by_id = officer.id
    db.session.commit()
    return join


# Roles, categories, leaving

def _membership(club: Club, user_id: int | str) -> Membership:
    membership = None
    if as_id(user_id):
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.club_id == club.id, Membership.user_id == as_id(user_id)))
    if membership is None:
        raise NotFound(_l("This person is not a member of the club."))
    return membership


def _presidents(club: Club) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.club_id == club.id, Membership.role == Role.PRESIDENT)) or 0


def update_member(actor: User, club: Club, user_id: int | str, changes: dict[str, Any]) -> Membership:
    """Change a member's role (president only) or category (president, or the member).

    Runs under the club's lock, which reads roles afresh: two presidents demoting each other at
    once leave one president, never none.
    """
    def work() -> Membership:
        with exclusive(*club_key(club.id)):
            actor_membership = club.membership_of(actor)
            if actor_membership is None:
                raise Forbidden(_l("Only the club's members can do this."))
            membership = _membership(club, user_id)
            _change(club, actor, actor_membership, membership, changes)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                raise _category_taken_error(str(changes.get("category"))) from None
        return membership

    return retrying(work)


def _change(club: Club, actor: User, actor_membership: Membership, membership: Membership,
            changes: dict[str, Any]) -> None:
    if "role" in changes and changes["role"] is not None:
        if not actor_membership.is_president:
            raise Forbidden(_l("Only the club's president can change roles."), field="role")
        role = _role(changes["role"])
        if membership.role is Role.PRESIDENT and role is not Role.PRESIDENT and _presidents(club) <= 1:
            raise Conflict(_l("A club always needs a president: name another one first."),
                           field="role", code="last_president")
        membership.role = role
    if "category" in changes:
        if not (actor_membership.is_president or actor.id == membership.user_id):
            raise Forbidden(_l("Only the president or the member can change a category."), field="category")
        category = _category(changes["category"])
        if _taken(club, category, except_user_id=membership.user_id):
            raise _category_taken_error(category or "")
        membership.category = category
        membership.exclusive_category = category.casefold() if club.category_exclusive and category else None
    if "public_listing" in changes:
        if actor.id != membership.user_id:
            raise Forbidden(_l("Only the member can choose to be listed publicly."), field="public_listing")
        membership.public_listing = bool(changes["public_listing"])


def remove_member(actor: User, club: Club, user_id: int | str, now: datetime | None = None) -> None:
    """Remove a member (officers), or leave (the member). The last president cannot go.

    Under the club's lock; the member's answers to coming meetings they may no longer attend go,
    and each seat they held goes at once to the first waitlisted member.
    """
    def work() -> None:
        with exclusive(*club_key(club.id)):
            actor_membership = club.membership_of(actor)
            if actor_membership is None:
                raise Forbidden(_l("Only the club's members can do this."))
            membership = _membership(club, user_id)
            if membership.user_id != actor.id:
                if not actor_membership.is_officer:
                    raise Forbidden(_l("Only the club's officers can remove a member."))
                if membership.role.is_officer and not actor_membership.is_president:
                    raise Forbidden(_l("Only the president can remove an officer."))
            if membership.role is Role.PRESIDENT and _presidents(club) <= 1:
                raise Conflict(_l("A club always needs a president: name another one first."),
                               code="last_president")
            member = membership.user
            db.session.delete(membership)
            rsvp.release(member, now)
            db.session.commit()

    retrying(work)


# Directory and public listing

def members(club: Club) -> list[Membership]:
    """A club's members: officers first, then by name."""
    order = sa.case({Role.PRESIDENT: 0, Role.VICE_PRESIDENT: 1, Role.SECRETARY: 2}, value=Membership.role, else_=3)
    return list(db.session.scalars(
        sa.select(Membership).join(User).where(Membership.club_id == club.id).order_by(order, User.name)
    ))


def search_directory(user: User, query: str | None = None, city: str | None = None,
                     limit: int = 100) -> list[privacy.Contact]:
    """Members of public clubs and of the user's clubs matching a name, category, business or city.

    One entry per person, with every club the user may see them through; email and phone only
    where ``privacy.may_see_contact`` allows. No search terms, no results: the directory is not a list of everyone.
    """
    if not ((query or "").strip() or clean(city)):
        return []
    mine = privacy.club_ids_of(user)
    stmt = (
        sa.select(Membership).join(User).join(Club)
        .where(sa.or_(Club.visibility == "public", Club.id.in_(mine)))
        .order_by(User.name, User.id, Club.name).limit(limit * 4)  # a person is in a few clubs at most
        .options(selectinload(Membership.club), selectinload(Membership.user).selectinload(User.memberships))
    )
    for term in (query or "").split():
        like = f"%{term.lower()}%"
        stmt = stmt.where(sa.or_(
            sa.func.lower(User.name).like(like), sa.func.lower(Membership.category).like(like),
            sa.func.lower(User.category).like(like), sa.func.lower(User.business_name).like(like),
            sa.func.lower(User.city).like(like),
        ))
    if clean(city):
        stmt = stmt.where(sa.func.lower(User.city).like(f"%{clean(city).lower()}%"))  # type: ignore[union-attr]
    people: dict[int, list[Membership]] = {}
    for membership in db.session.scalars(stmt):
        if membership.user_id not in people and len(people) >= limit:
            break
        people.setdefault(membership.user_id, []).append(membership)
    return [privacy.contact_card(user, found[0].user, found, mine) for found in people.values()]


def public_listing(club: Club | None = None, network: Network | None = None) -> list[Membership]:
    """Members who chose to show their business publicly, in a club or across a network."""
    stmt = sa.select(Membership).join(User).join(Club).where(Membership.public_listing.is_(True))
    if club is not None:
        stmt = stmt.where(Membership.club_id == club.id)
    if network is not None:
        stmt = stmt.where(Club.network_id == network.id)
    return list(db.session.scalars(stmt.order_by(User.business_name, User.name)))
