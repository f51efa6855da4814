"""API: clubs, invitations and membership."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp import unit_of_work
from clubapp.api import auth_required, path_id, require_token
from clubapp.api.schemas import ID_PATTERN, Body, Error, IdField, Out, Patch, email, text, timezone
from clubapp.core import limits
from clubapp.models import Club, Membership, Role, User
from clubapp.services import clubs as club_service
from clubapp.services import membership as membership_service

blp = Blueprint("api_clubs", __name__, description="Clubs and membership")
blp.before_request(require_token)

ROLES = validate.OneOf([r.value for r in Role])


class ClubIn(Body):
    name = text(limits.NAME, required=True)
    timezone = timezone(required=True)
    description = text(limits.CLUB_DESCRIPTION, allow_none=True, multiline=True)
    category_exclusive = fields.Boolean()
    visibility = fields.String(validate=validate.OneOf(["public", "private"]))
    color = text(40, allow_none=True,
                 metadata={"description": "The club's colour in calendar apps: a CSS3 colour name, or null"})
    network_id = fields.String(allow_none=True, validate=validate.Regexp(
        r"^([0-9]{1,18})?$", error=_l("Unknown network.")),
        metadata={"description": "A network you administer", "pattern": f"^({ID_PATTERN[1:-1]})?$"})
    currency = text(3, metadata={"description": "The reporting currency (ISO 4217) totals and scores are counted "
                                                "in; by default the currency of the time zone's country, else EUR"})


class ClubPatch(ClubIn, Patch):
    name = text(limits.NAME, blank=False)
    timezone = timezone()


class ClubOut(Out):
    id = IdField()
    name = fields.String()
    slug = fields.String()
    timezone = fields.String()
    description = fields.String(allow_none=True)
    category_exclusive = fields.Boolean()
    visibility = fields.String()
    network_id = IdField(allow_none=True)
    currency = fields.String(metadata={"description": "The reporting currency (ISO 4217)"})
    color = fields.String(allow_none=True)
    role = fields.Method("get_role", allow_none=True, metadata={"description": "The caller's role, if a member"})

    def get_role(self, club: Club) -> str | None:
        membership = club.membership_of(self.context_user())
        return membership.role.value if membership else None

    def context_user(self) -> User | None:
        from flask import g

        return getattr(g, "api_user", None)


class ClubList(Out):
    items = fields.List(fields.Nested(ClubOut))
    next = fields.String(allow_none=True)


class InvitationIn(Body):
    email = email(required=True)
    role = fields.String(validate=ROLES)


class InvitationOut(Out):
    id = IdField()
    token = fields.String()
    url = fields.String()
    email_sent = fields.Boolean(metadata={"description": "False when the email could not be delivered: pass the "
                                                         "link yourself or send it again"})


class AcceptIn(Body):
    category = text(limits.CATEGORY, allow_none=True)


class MemberOut(Out):
    user_id = IdField()
    club_id = IdField()
    name = fields.Function(lambda m: m.user.name)
    role = fields.Function(lambda m: m.role.value)
    category = fields.String(allow_none=True)
    business_name = fields.Function(lambda m: m.user.business_name)
    city = fields.Function(lambda m: m.user.city)


class DirectoryArgs(Body):
    q = text(limits.SEARCH, metadata={"description": "Words to find in a name, category, business or city"})
    city = text(limits.CITY)


class DirectoryClub(Out):
    id = IdField()
    name = fields.String()


class DirectoryEntry(Out):
    user_id = IdField()
    name = fields.String()
    business_name = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    clubs = fields.List(fields.Nested(DirectoryClub))
    email = fields.String(allow_none=True, metadata={
        "description": "Only for members of a club you share, or when the member opted into the public listing"})
    phone = fields.String(allow_none=True, metadata={"description": "E.164; the same rule as email"})


class DirectoryList(Out):
    items = fields.List(fields.Nested(DirectoryEntry))
    next = fields.String(allow_none=True)


class MemberPatch(Patch):
    role = fields.String(validate=ROLES)
    category = text(limits.CATEGORY, allow_none=True)
    public_listing = fields.Boolean()


@blp.route("/clubs", methods=["POST"])
@blp.arguments(ClubIn)
@blp.response(201, ClubOut)
@blp.alt_response(422, schema=Error, description="A field is not valid")
@blp.alt_response(403, schema=Error, description="network_id names a network you do not administer")
@auth_required
def create_club(user: User, data: dict):  # type: ignore[no-untyped-def]
    """Create a club; the caller becomes its president."""
    return club_service.create_club(user, data)


@blp.route("/clubs", methods=["GET"])
@blp.response(200, ClubList)
@auth_required
def list_clubs(user: User):  # type: ignore[no-untyped-def]
    """The clubs the caller belongs to."""
    return {"items": [club for club, _m in club_service.clubs_of(user)], "next": None}


@blp.route("/clubs/<club_id>", methods=["GET"])
@blp.response(200, ClubOut)
@blp.alt_response(404, schema=Error, description="Unknown, or private and not yours")
@auth_required
def get_club(user: User, club_id: str):  # type: ignore[no-untyped-def]
    """A club: public clubs for anyone signed in, private ones for members."""
    return club_service.get_club(path_id(club_id), user)[0]


@blp.route("/clubs/<club_id>", methods=["PATCH"])
@blp.arguments(ClubPatch)
@blp.response(200, ClubOut)
@blp.alt_response(403, schema=Error, description="Officers only")
@blp.alt_response(404, schema=Error, description="Unknown, or private and not yours")
@blp.alt_response(409, schema=Error, description="Two members share a category the club would make exclusive")
@auth_required
def update_club(user: User, data: dict, club_id: str):  # type: ignore[no-untyped-def]
    """Change a club's settings (officers)."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="officer")
    return club_service.update_club(user, club, data)


@blp.route("/clubs/<club_id>/invitations", methods=["POST"])
@blp.arguments(InvitationIn)
@blp.response(201, InvitationOut)
@blp.alt_response(403, schema=Error, description="Officers only")
@blp.alt_response(404, schema=Error, description="Unknown, or private and not yours")
@blp.alt_response(409, schema=Error, description="Already a member")
@auth_required
def invite(user: User, data: dict, club_id: str):  # type: ignore[no-untyped-def]
    """Invite someone by email; the answer carries the single-use token and link."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="officer")

    invited = membership_service.invite(user, club, data["email"], data.get("role"), link_for=_invite_link)
    return _invited(invited)


@blp.route("/clubs/<club_id>/invitations/<invitation_id>/resend", methods=["POST"])
@blp.response(200, InvitationOut)
@blp.alt_response(403, schema=Error, description="Officers only (the president for officer invitations)")
@blp.alt_response(404, schema=Error, description="Unknown invitation, or a club that is not yours")
@blp.alt_response(409, schema=Error, description="Already accepted or withdrawn")
@auth_required
def resend_invitation(user: User, club_id: str, invitation_id: str):  # type: ignore[no-untyped-def]
    """Send a pending invitation again: a new token and link (the old ones stop working), a new delay."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="officer")
    return _invited(membership_service.resend_invitation(user, club, invitation_id, link_for=_invite_link))


def _invite_link(token: str) -> str:
    return url_for("clubs.accept", token=token, _external=True)


def _invited(invited: membership_service.Invited) -> dict[str, object]:
    unit_of_work.commit()  # the email goes after the commit: its outcome is known only then
    return {"id": invited.invitation.id, "token": invited.token, "url": _invite_link(invited.token),
            "email_sent": bool(invited.mailed)}


@blp.route("/invitations/<token>/accept", methods=["POST"])
@blp.arguments(AcceptIn)
@blp.response(200, MemberOut)
@blp.alt_response(409, schema=Error, description="Category taken, invitation used or expired")
@blp.alt_response(404, schema=Error, description="Unknown or withdrawn invitation")
@blp.alt_response(403, schema=Error, description="The invitation was sent to another email address")
@auth_required
def accept(user: User, data: dict, token: str):  # type: ignore[no-untyped-def]
    """Accept an invitation, optionally naming one's category."""
    return membership_service.accept_invitation(user, token, data.get("category"))


@blp.route("/clubs/<club_id>/members", methods=["GET"])
@blp.response(200, MemberOut(many=True))
@blp.alt_response(403, schema=Error, description="Members only")
@blp.alt_response(404, schema=Error, description="Unknown, or private and not yours")
@auth_required
def members(user: User, club_id: str):  # type: ignore[no-untyped-def]
    """The club's members (members only)."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="member")
    return membership_service.members(club)


@blp.route("/directory", methods=["GET"])
@blp.arguments(DirectoryArgs, location="query")
@blp.response(200, DirectoryList)
@auth_required
def directory(user: User, args: dict):  # type: ignore[no-untyped-def]
    """Members of public clubs and of your clubs, once per person; contact details only where allowed."""
    return {"items": membership_service.search_directory(user, args.get("q"), args.get("city")), "next": None}


@blp.route("/clubs/<club_id>/members/<user_id>", methods=["PATCH"])
@blp.arguments(MemberPatch)
@blp.response(200, MemberOut)
@blp.alt_response(409, schema=Error, description="It would leave the club without a president")
@blp.alt_response(403, schema=Error, description="Roles: the president; a category: the president or the member")
@blp.alt_response(404, schema=Error, description="Unknown club or member, or private and not yours")
@auth_required
def update_member(user: User, data: dict, club_id: str, user_id: str) -> Membership:
    """Change a member's role (president) or category."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="member")
    return membership_service.update_member(user, club, path_id(user_id), data)


@blp.route("/clubs/<club_id>/members/<user_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, schema=Error, description="Officers (the president for an officer), or the member leaving")
@blp.alt_response(404, schema=Error, description="Unknown club or member, or private and not yours")
@blp.alt_response(409, schema=Error, description="The last president cannot leave")
@auth_required
def remove_member(user: User, club_id: str, user_id: str):  # type: ignore[no-untyped-def]
    """Remove a member (officers), or leave (the member)."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="member")
    membership_service.remove_member(user, club, path_id(user_id))
