"""Clubs and networks: creation, settings, and who may see or run them."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from clubapp.core import limits, money
from clubapp.core.colors import css3_color
from clubapp.core.text import as_id, clean, slugify
from clubapp.core.timezones import is_valid_timezone
from clubapp.extensions import db
from clubapp.models import Club, Membership, Network, NetworkAdmin, Role, User
from clubapp.models.base import utcnow
from clubapp.services import checks
from clubapp.services.errors import Conflict, Forbidden, Invalid, NotFound

CLUB_FIELDS = ("name", "timezone", "description", "category_exclusive", "visibility", "network_id",
               "late_grace_minutes", "absence_threshold", "currency", "color")
# Attendance settings: field -> largest value (minutes of grace before "late"; absences in six months).
ATTENDANCE_LIMITS = {"late_grace_minutes": limits.LATE_GRACE_MAX_MINUTES,
                     "absence_threshold": limits.ABSENCE_THRESHOLD_MAX}


def _unique_slug(model: type[Club] | type[Network], name: str) -> str:
    """A slug not yet used by ``model``: 'bni-vichy', then 'bni-vichy-2', ..."""
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(sa.select(model.id).where(model.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _checked_club_fields(user: User, data: dict[str, Any], creating: bool) -> dict[str, Any]:
    """Validate club fields; Invalid names the field."""
    out: dict[str, Any] = {}
    if creating or "name" in data:
        name = checks.text(data, "name", limits.NAME) if isinstance(data.get("name"), str) else None
        if not name:
            raise Invalid(_l("Enter the club's name."), field="name")
        out["name"] = name
    if creating or "timezone" in data:
        if not is_valid_timezone(data.get("timezone")):
            raise Invalid(_l("Unknown time zone."), field="timezone")
        out["timezone"] = data["timezone"]
    if "description" in data:
        description = checks.text(data, "description", limits.CLUB_DESCRIPTION, multiline=True) \
            if isinstance(data["description"], str) else None
        out["description"] = description
    if "category_exclusive" in data and data["category_exclusive"] is not None:
        if not isinstance(data["category_exclusive"], bool):
            raise Invalid(_l("Expected true or false."), field="category_exclusive")
        out["category_exclusive"] = data["category_exclusive"]
    if "visibility" in data and data["visibility"] is not None:
        if data["visibility"] not in ("public", "private"):
            raise Invalid(_l("Choose public or private."), field="visibility")
        out["visibility"] = data["visibility"]
    if data.get("network_id") not in (None, "", 0):
        network_id = as_id(data["network_id"])
        network = db.session.get(Network, network_id) if network_id else None
        if network is None:
            raise Invalid(_l("Unknown network."), field="network_id")
        if not is_network_admin(user, network):
            raise Forbidden(_l("Only the network's admins can add clubs to it."), field="network_id")
        out["network_id"] = network.id
    elif "network_id" in data and not creating:
        out["network_id"] = None
    if data.get("currency") not in (None, ""):
        code = data["currency"].strip().upper() if isinstance(data["currency"], str) else None
        if not money.is_currency(code):
            raise Invalid(_l("Give a currency code such as EUR or PEN (ISO 4217)."), field="currency")
        out["currency"] = code
    elif creating:
        out["currency"] = money.currency_for_zone(out["timezone"])
    if "color" in data:
        out["color"] = css3_color(data["color"])
        if data["color"] not in (None, "") and out["color"] is None:
            raise Invalid(_l("Choose a colour from the list (a CSS colour name)."), field="color")
    for key, top in ATTENDANCE_LIMITS.items():
        if data.get(key) is not None:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                raise Invalid(_l("Expected a number from %(min)s to %(max)s.", min=0, max=top), field=key)
            out[key] = value
    return out


def create_club(user: User, data: dict[str, Any]) -> Club:
    """Create a club; its creator becomes president."""
    fields = _checked_club_fields(user, data, creating=True)
    club = Club(slug=_unique_slug(Club, fields["name"]), **fields)
    db.session.add(club)
    membership = Membership(club=club, user=user, role=Role.PRESIDENT, category=user.category)
    if club.category_exclusive and user.category:
        membership.exclusive_category = user.category.casefold()
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent club took the same slug
        db.session.rollback()
        raise Conflict(_l("A club with this name was created at the same moment; try again."), field="name") from None
    return club


def update_club(user: User, club: Club, data: dict[str, Any]) -> Club:
    """Change a club's settings; officers only."""
    require_officer(user, club)
    fields = _checked_club_fields(user, data, creating=False)
    becomes_exclusive = fields.get("category_exclusive") and not club.category_exclusive
    shown_in_feeds = any(fields.get(key, getattr(club, key)) != getattr(club, key)
                         for key in ("name", "timezone", "description", "color"))
    for key, value in fields.items():
        setattr(club, key, value)
    if shown_in_feeds:  # feeds show the club's name, description and colour: their Last-Modified moves
        club.schedule_changed_at = utcnow()
    if "category_exclusive" in fields:
        for membership in club.memberships:
            folded = membership.category.casefold() if membership.category else None
            membership.exclusive_category = folded if club.category_exclusive else None
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if becomes_exclusive:
            raise Conflict(_l("Two members share a category: give them distinct categories first."),
                           field="category_exclusive", code="category_taken") from None
        raise
    return club


def create_network(user: User, name: str, description: str | None = None) -> Network:
    """Create a network; its creator becomes its admin."""
    name = (checks.text({"name": name}, "name", limits.NAME) if isinstance(name, str) else None) or ""
    if not name:
        raise Invalid(_l("Enter the network's name."), field="name")
    network = Network(name=name, slug=_unique_slug(Network, name), description=clean(description))
    network.admins.append(NetworkAdmin(user=user))
    db.session.add(network)
    db.session.flush()
    return network


# Access rules, in one place.

def is_network_admin(user: User | None, network: Network | None) -> bool:
    """True when ``user`` administers ``network``."""
    if user is None or network is None or not getattr(user, "id", None):
        return False
    return db.session.scalar(
        sa.select(NetworkAdmin.user_id).where(NetworkAdmin.network_id == network.id, NetworkAdmin.user_id == user.id)
    ) is not None


def get_club(club_id: int | str, user: User | None, need: str = "view") -> tuple[Club, Membership | None]:
    """The club and the user's membership, checked for ``need``.

    ``view``: public clubs for anyone signed in, private ones for members only (others 404);
    ``member``, ``officer``, ``president``: 404 to outsiders of private clubs, else 403.
    """
    club = db.session.get(Club, as_id(club_id)) if as_id(club_id) else None
    if club is None:
        raise NotFound(_l("No such club."))
    membership = club.membership_of(user)
    if membership is None and not club.is_public:
        raise NotFound(_l("No such club."))
    if need == "member" and membership is None:
        raise Forbidden(_l("Only the club's members can do this."))
    if need == "officer" and (membership is None or not membership.is_officer):
        raise Forbidden(_l("Only the club's officers can do this."))
    if need == "president" and (membership is None or not membership.is_president):
        raise Forbidden(_l("Only the club's president can do this."))
    return club, membership


def require_officer(user: User, club: Club) -> Membership:
    """The user's officer membership, or Forbidden."""
    membership = club.membership_of(user)
    if membership is None or not membership.is_officer:
        raise Forbidden(_l("Only the club's officers can do this."))
    return membership


def clubs_of(user: User) -> list[tuple[Club, Membership]]:
    """The clubs ``user`` belongs to, by name."""
    rows = db.session.execute(
        sa.select(Club, Membership).join(Membership).where(Membership.user_id == user.id).order_by(Club.name)
    )
    return [(club, membership) for club, membership in rows]


def public_clubs(exclude_user: User | None = None) -> list[Club]:
    """Public clubs, by name, optionally without those ``exclude_user`` belongs to."""
    query = sa.select(Club).where(Club.visibility == "public").order_by(Club.name)
    if exclude_user is not None:
        query = query.where(~Club.id.in_(sa.select(Membership.club_id).where(Membership.user_id == exclude_user.id)))
    return list(db.session.scalars(query))


def networks_administered(user: User) -> list[Network]:
    """Networks ``user`` administers."""
    return list(db.session.scalars(
        sa.select(Network).join(NetworkAdmin).where(NetworkAdmin.user_id == user.id).order_by(Network.name)
    ))


def get_network_by_slug(slug: str) -> Network:
    """A network by slug, or NotFound."""
    network = db.session.scalar(sa.select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound(_l("No such network."))
    return network


def get_listed_club(slug: str) -> Club:
    """A club for its public listing page: a public club, or a private one where someone opted in."""
    club = db.session.scalar(sa.select(Club).where(Club.slug == slug))
    listed = club is not None and db.session.scalar(sa.select(Membership.id).where(
        Membership.club_id == club.id, Membership.public_listing.is_(True)).limit(1))
    if club is None or not (club.is_public or listed):
        raise NotFound(_l("No such club."))
    return club
