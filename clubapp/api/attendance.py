"""API: answers (RSVP), check-in, PALMS attendance, visitors and the PALMS report."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import g, request, url_for
from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp import unit_of_work
from clubapp.api import auth_required, require_token
from clubapp.api.schemas import Amounts, Body, Error, IdField, Out, day, email, text
from clubapp.core import limits
from clubapp.models import PALMS, User, Visitor
from clubapp.services import attendance, mail, meetings, reports, rsvp, visitors
from clubapp.services import clubs as club_service
from clubapp.web import csv_download

blp = Blueprint("api_attendance", __name__, description="RSVP, attendance, visitors")
blp.before_request(require_token)


class RsvpIn(Body):
    response = fields.String(required=True, validate=validate.OneOf(["yes", "no", "maybe"]))
    substitute_name = text(limits.NAME, allow_none=True)
    comment = text(limits.RSVP_COMMENT, allow_none=True, multiline=True)


class RsvpOut(Out):
    response = fields.String()
    status = fields.String(metadata={"description": "confirmed | waitlisted | declined | tentative"})
    waitlist_position = fields.Integer(allow_none=True)
    substitute_name = fields.Function(lambda a: a.rsvp.substitute_name)
    comment = fields.Function(lambda a: a.rsvp.comment)


class RsvpRow(RsvpOut):
    user_id = fields.Function(lambda a: str(a.rsvp.user_id))
    name = fields.Function(lambda a: a.rsvp.user.name)


class CheckInOut(Out):
    status = fields.String()
    checked_in_at = fields.DateTime()
    video_url = fields.String()


class AttendanceIn(Body):
    status = fields.String(required=True, validate=validate.OneOf(PALMS))
    note = text(limits.ATTENDANCE_NOTE, allow_none=True, multiline=True)


class AttendanceOut(Out):
    user_id = IdField()
    name = fields.Function(lambda r: r.user.name)
    status = fields.String()
    note = fields.String(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)


class VisitorIn(Body):
    name = text(limits.NAME, required=True)
    email = email(required=True)
    company = text(limits.NAME, allow_none=True)


class VisitorOut(Out):
    id = IdField()
    invited_by = IdField(attribute="invited_by_id")
    name = fields.String()
    company = fields.String(allow_none=True)
    response = fields.String(allow_none=True)


class VisitorSentOut(VisitorOut):
    email_sent = fields.Boolean(metadata={"description": "False when the email could not be delivered: send it "
                                                         "again later"})


class ReportArgs(Body):
    from_ = day(data_key="from")
    to = day()


class PalmsRow(Out):
    user_id = IdField()
    name = fields.String()
    present = fields.Integer()
    absent = fields.Integer()
    late = fields.Integer()
    medical = fields.Integer()
    substitute = fields.Integer()
    visitors = fields.Integer()
    one_to_ones = fields.Integer()
    referrals_given = fields.Integer()
    referrals_received = fields.Integer()
    tyfcb_given_total = fields.Float(metadata={
        "description": "TYFCB given in the club's reporting currency only (the club's `currency`); amounts in "
                       "other currencies are in `tyfcb_given`, never added to it"})
    tyfcb_given = Amounts(attribute="tyfcb", metadata={"description": "TYFCB given per currency present"})


@blp.route("/meetings/<meeting_id>/rsvp", methods=["PUT"])
@blp.arguments(RsvpIn)
@blp.response(200, RsvpOut)
@blp.alt_response(409, schema=Error, description="Cancelled, or answers closed")
@auth_required
def put_rsvp(user: User, data: dict, meeting_id: str):  # type: ignore[no-untyped-def]
    """Answer yes / no / maybe; beyond capacity a yes is waitlisted in arrival order."""
    return rsvp.answer(user, meeting_id, data["response"], data.get("substitute_name"), data.get("comment"))


@blp.route("/meetings/<meeting_id>/rsvp", methods=["DELETE"])
@blp.response(204)
@auth_required
def delete_rsvp(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """Withdraw my answer; the first waitlisted member is confirmed at once."""
    rsvp.withdraw(user, meeting_id)


@blp.route("/meetings/<meeting_id>/rsvps", methods=["GET"])
@blp.response(200, RsvpRow(many=True))
@auth_required
def list_rsvps(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """Who answered what (members of the club)."""
    return rsvp.answers_for(user, meetings.get_occurrence(meeting_id, user))


@blp.route("/meetings/<meeting_id>/check-in", methods=["POST"])
@blp.response(200, CheckInOut)
@blp.alt_response(409, schema=Error, description="Outside the check-in window (the message gives it)")
@auth_required
def check_in(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """Check in by joining: present, or late after the club's grace period."""
    record = attendance.check_in(user, meeting_id)
    occurrence = meetings.get_occurrence(meeting_id, user)
    return {"status": record.status, "checked_in_at": record.checked_in_at, "video_url": occurrence.video_url}


@blp.route("/meetings/<meeting_id>/attendance/<user_id>", methods=["PUT"])
@blp.arguments(AttendanceIn)
@blp.response(200, AttendanceOut)
@blp.alt_response(403, schema=Error, description="Officers only")
@auth_required
def put_attendance(user: User, data: dict, meeting_id: str, user_id: str):  # type: ignore[no-untyped-def]
    """Record or correct a PALMS code (officers)."""
    return attendance.set_status(user, meeting_id, user_id, data["status"], data.get("note"))


@blp.route("/meetings/<meeting_id>/attendance", methods=["GET"])
@blp.response(200, AttendanceOut(many=True))
@auth_required
def list_attendance(user: User, meeting_id: str):  # type: ignore[no-untyped-def]
    """The attendance recorded for a meeting (members of the club)."""
    return attendance.records_for(user, meetings.get_occurrence(meeting_id, user))


@blp.route("/meetings/<meeting_id>/visitors", methods=["POST"])
@blp.arguments(VisitorIn)
@blp.response(201, VisitorSentOut)
@blp.alt_response(422, schema=Error, description="Invalid email or name")
@auth_required
def invite_visitor(user: User, data: dict, meeting_id: str):  # type: ignore[no-untyped-def]
    """Invite a visitor: they get an email with an answer link that needs no account."""
    visitor, _token, delivery = visitors.invite(user, meeting_id, data["name"], data["email"], data.get("company"),
                                                _visit_link)
    return _sent(visitor, delivery)


@blp.route("/meetings/<meeting_id>/visitors/<visitor_id>/resend", methods=["POST"])
@blp.response(200, VisitorSentOut)
@blp.alt_response(404, schema=Error, description="Not a visitor you invited")
@blp.alt_response(409, schema=Error, description="The meeting is cancelled or over")
@auth_required
def resend_visitor(user: User, meeting_id: str, visitor_id: str):  # type: ignore[no-untyped-def]
    """Send a visitor's invitation again with a new answer link (the member who invited them)."""
    visitor, _token, delivery = visitors.resend(user, visitor_id, _visit_link)
    return _sent(visitor, delivery)


def _visit_link(token: str) -> str:
    return url_for("attendance.visit", token=token, _external=True)


def _sent(visitor: Visitor, delivery: mail.Delivery) -> dict[str, object]:
    unit_of_work.commit()  # the email goes after the commit: its outcome is known only then
    return {"id": visitor.id, "invited_by_id": visitor.invited_by_id, "name": visitor.name,
            "company": visitor.company, "response": visitor.response, "email_sent": delivery.sent}


@blp.route("/clubs/<club_id>/reports/palms", methods=["GET"])
@blp.arguments(ReportArgs, location="query")
@blp.response(200, PalmsRow(many=True))
@blp.alt_response(403, schema=Error, description="Officers only")
@auth_required
def palms_report(user: User, args: dict, club_id: str):  # type: ignore[no-untyped-def]
    """PALMS per member over a period (default: the last six months); CSV with Accept: text/csv."""
    club, _m = club_service.get_club(club_id, user, need="officer")
    today = datetime.now(UTC).astimezone(ZoneInfo(club.timezone)).date()
    last = args.get("to") or today
    first = args.get("from_") or last - timedelta(days=reports.ROLLING_DAYS)
    lines = reports.palms(user, club, first, last)
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        with force_locale(g.api_user.locale):  # headers and numbers in the caller's language
            body = reports.palms_csv(lines, g.api_user.locale, club.currency)
        return csv_download(body, f"palms-{club.slug}.csv")
    return lines
