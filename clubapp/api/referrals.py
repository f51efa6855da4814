"""API: referrals (slips), TYFCB, one-to-ones and scorecards."""
from __future__ import annotations

from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp.api import auth_required, require_token
from clubapp.api.schemas import ID_PATTERN, Amounts, Body, Error, IdField, Out, day, email, text
from clubapp.core import limits
from clubapp.models import REFERRAL_STATUSES, User
from clubapp.services import clubs as club_service
from clubapp.services import referrals
from clubapp.web import csv_download

blp = Blueprint("api_referrals", __name__, description="Referrals, TYFCB, one-to-ones")
blp.before_request(require_token)


class ReferralIn(Body):
    club_id = fields.String(required=True, metadata={"pattern": ID_PATTERN})
    to_user_id = fields.String(required=True, metadata={"pattern": ID_PATTERN})
    prospect_name = text(limits.NAME, required=True)
    prospect_email = email(allow_none=True)
    prospect_phone = text(limits.PHONE, allow_none=True)
    description = text(limits.REFERRAL_DESCRIPTION, required=True, multiline=True)
    temperature = fields.Integer(required=True, validate=validate.Range(1, 5))
    kind = fields.String(load_default="internal", validate=validate.OneOf(["internal", "external"]))


class ReferralPatch(Body):
    status = fields.String(required=True, validate=validate.OneOf(REFERRAL_STATUSES))
    amount = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "number", "minimum": 0, "maximum": limits.AMOUNT_MAX, "exclusiveMaximum": True},
                  {"type": "string", "maxLength": 30}],
        "description": "TYFCB, with status won only: a number, or a string such as \"12500.50\" or \"12 500,50\""})
    currency = fields.String(allow_none=True, validate=validate.Length(max=limits.CURRENCY), metadata={
        "pattern": "^[A-Za-z]{3}$",
        "description": "ISO 4217 code; defaults to the amount's recorded currency, else the club's currency"})


class ReferralOut(Out):
    id = IdField()
    club_id = IdField()
    giver_id = IdField(allow_none=True)
    receiver_id = IdField(allow_none=True)
    giver_name = fields.Function(lambda r: r.giver.name if r.giver else None)
    receiver_name = fields.Function(lambda r: r.receiver.name if r.receiver else None)
    prospect_name = fields.String()
    prospect_email = fields.String(allow_none=True)
    prospect_phone = fields.String(allow_none=True)
    description = fields.String()
    temperature = fields.Integer()
    kind = fields.String()
    status = fields.String()
    amount = fields.Function(lambda r: float(r.amount) if r.amount is not None else None)
    currency = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ReferralList(Out):
    items = fields.List(fields.Nested(ReferralOut))
    next = fields.String(allow_none=True)


class DirectionArgs(Body):
    direction = fields.String(validate=validate.OneOf(["given", "received"]))


class OneToOneIn(Body):
    club_id = fields.String(required=True, metadata={"pattern": ID_PATTERN})
    with_user_id = fields.String(required=True, metadata={"pattern": ID_PATTERN})
    date = day(required=True, description=f"Within {limits.ONE_TO_ONE_MAX_DAYS} days of today.")
    notes = text(limits.ONE_TO_ONE_NOTES, allow_none=True, multiline=True)


class OneToOneOut(Out):
    id = IdField()
    club_id = IdField()
    logged_by_id = IdField(allow_none=True)
    with_user_id = IdField(allow_none=True)
    date = fields.Date(attribute="met_on")
    notes = fields.String(allow_none=True)


class ScorecardOut(Out):
    user_id = IdField()
    name = fields.String()
    light = fields.String(metadata={"description": "green | amber | red | grey"})
    score = fields.Integer()
    absences = fields.Integer()
    attended = fields.Integer()
    referrals_given = fields.Integer()
    referrals_received = fields.Integer()
    visitors = fields.Integer()
    one_to_ones = fields.Integer()
    tyfcb_given = fields.Float(metadata={"description": "TYFCB given in the club's reporting currency (`currency`), "
                                                        "the one scored"})
    currency = fields.String(metadata={"description": "The club's reporting currency (ISO 4217)"})
    tyfcb_other = Amounts(metadata={"description": "TYFCB given in other currencies, unconverted and not scored"})
    points = fields.Dict(keys=fields.String(), values=fields.Integer())


@blp.route("/referrals", methods=["POST"])
@blp.arguments(ReferralIn)
@blp.response(201, ReferralOut)
@blp.alt_response(403, schema=Error, description="No club shared with the receiver")
@blp.alt_response(422, schema=Error, description="To oneself, or a field is not valid")
@auth_required
def give(user: User, data: dict):  # type: ignore[no-untyped-def]
    """Give a referral to a member of a club you both belong to."""
    return referrals.give(user, data)


@blp.route("/referrals", methods=["GET"])
@blp.arguments(DirectionArgs, location="query")
@blp.response(200, ReferralList)
@auth_required
def list_referrals(user: User, args: dict):  # type: ignore[no-untyped-def]
    """The referrals you gave or received."""
    return {"items": referrals.mine(user, args.get("direction")), "next": None}


@blp.route("/referrals/<referral_id>", methods=["GET"])
@blp.response(200, ReferralOut)
@blp.alt_response(404, schema=Error, description="Not yours (giver and receiver only)")
@auth_required
def get_referral(user: User, referral_id: str):  # type: ignore[no-untyped-def]
    """A referral, for its giver and receiver only."""
    return referrals.get(user, referral_id)


@blp.route("/referrals/<referral_id>", methods=["PATCH"])
@blp.arguments(ReferralPatch)
@blp.response(200, ReferralOut)
@blp.alt_response(403, schema=Error, description="Only the receiver follows a referral up")
@auth_required
def follow_up(user: User, data: dict, referral_id: str):  # type: ignore[no-untyped-def]
    """Follow a referral up; record the business closed (TYFCB) with "won"."""
    return referrals.update_status(user, referral_id, data["status"], data.get("amount"), data.get("currency"),
                                   user.locale)


@blp.route("/one-to-ones", methods=["POST"])
@blp.arguments(OneToOneIn)
@blp.response(201, OneToOneOut)
@auth_required
def log_one_to_one(user: User, data: dict):  # type: ignore[no-untyped-def]
    """Log a one-to-one with another member; both are credited."""
    return referrals.log_one_to_one(user, data)


@blp.route("/one-to-ones", methods=["GET"])
@blp.response(200, OneToOneOut(many=True))
@auth_required
def list_one_to_ones(user: User):  # type: ignore[no-untyped-def]
    """Your one-to-ones (their notes are for the two members)."""
    return referrals.my_one_to_ones(user)


@blp.route("/clubs/<club_id>/scorecards", methods=["GET"])
@blp.response(200, ScorecardOut(many=True))
@auth_required
def scorecards(user: User, club_id: str):  # type: ignore[no-untyped-def]
    """Scorecards over the last six months: all members for officers, your own card otherwise."""
    club, _m = club_service.get_club(club_id, user, need="member")
    return referrals.scorecards(user, club)


@blp.route("/clubs/<club_id>/referrals/export", methods=["GET"])
@blp.response(200, content_type="text/csv")
@auth_required
def export(user: User, club_id: str):  # type: ignore[no-untyped-def]
    """Referrals and TYFCB of the club as CSV (officers; no prospect details)."""
    club, _m = club_service.get_club(club_id, user, need="officer")
    with force_locale(user.locale):  # headers and numbers in the caller's language
        body = referrals.export_csv(user, club, user.locale)
    return csv_download(body, f"referrals-{club.slug}.csv")
