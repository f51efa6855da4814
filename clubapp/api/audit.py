"""API: a club's audit log, for its president."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp.api import auth_required, path_id, require_token
from clubapp.api.schemas import Body, Error, IdField, Out, text
from clubapp.models import User
from clubapp.services import audit
from clubapp.services import clubs as club_service

blp = Blueprint("api_audit", __name__, description="Audit log")
blp.before_request(require_token)


class AuditArgs(Body):
    cursor = text(200, metadata={"description": "The cursor of the previous page's `next` link"})
    limit = fields.Integer(validate=validate.Range(min=1, max=audit.MAX_PAGE_SIZE),
                           metadata={"description": f"Entries per page (default {audit.PAGE_SIZE})"})


class AuditEntryOut(Out):
    id = IdField(attribute="entry.id")
    at = fields.Function(lambda line: line.entry.at.isoformat(), metadata={"description": "ISO 8601, UTC"})
    actor_id = IdField(attribute="entry.actor_id", allow_none=True,
                       metadata={"description": "null once the actor's account is erased"})
    actor_name = fields.String(allow_none=True, metadata={"description": "Looked up now; null for an erased account"})
    action = fields.Function(lambda line: line.entry.action, metadata={
        "description": "A code: " + ", ".join(f"`{code}`" for code in audit.ACTIONS)})
    target = fields.Function(lambda line: line.entry.target, allow_none=True,
                             metadata={"description": "What it is about, as `kind:id` (user:12, series:3, "
                                                      "meeting:s3-20261203)"})
    before = fields.Function(lambda line: line.entry.before, allow_none=True,
                             metadata={"description": "The changed fields before (ids, never names or secrets)"})
    after = fields.Function(lambda line: line.entry.after, allow_none=True,
                            metadata={"description": "The changed fields after"})
    details = fields.String(metadata={"description": "The entry in plain words, in the caller's language"})


class AuditPage(Out):
    items = fields.List(fields.Nested(AuditEntryOut))
    next = fields.String(allow_none=True, metadata={"description": "The next (older) page, or null"})


@blp.route("/clubs/<club_id>/audit", methods=["GET"])
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditPage)
@blp.alt_response(403, schema=Error, description="The club's president only")
@blp.alt_response(404, schema=Error, description="Unknown, or private and not yours")
@blp.alt_response(422, schema=Error, description="A malformed cursor or limit")
@auth_required
def club_audit(user: User, args: dict, club_id: str):  # type: ignore[no-untyped-def]
    """Officer actions in the club, newest first: who, what, when, before and after (the president)."""
    club, _membership = club_service.get_club(path_id(club_id), user, need="president")
    page = audit.for_club(user, club, cursor=args.get("cursor"), limit=args.get("limit"))
    following = None
    if page.next_cursor:
        following = url_for("api_audit.club_audit", club_id=club.id, cursor=page.next_cursor,
                            limit=args.get("limit"), _external=True)
    return {"items": page.lines, "next": following}
