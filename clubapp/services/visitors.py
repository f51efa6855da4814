"""Visitors: a member invites a guest to one meeting; the guest answers through a link, no account."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from clubapp.core import limits
from clubapp.core.secrets import digest, new_token
from clubapp.core.text import as_id
from clubapp.extensions import db
from clubapp.models import User, Visitor
from clubapp.models.base import utcnow
from clubapp.services import checks, mail, meetings
from clubapp.services.accounts import checked_email
from clubapp.services.errors import Conflict, Forbidden, Invalid, NotFound


def invite(member: User, meeting_id: str, name: str | None, email: str | None, company: str | None,
           link_for: Callable[[str], str]) -> tuple[Visitor, str, bool]:
    """Invite a visitor to one occurrence; they get an email with a personal answer link.

    Returns the visitor, the answer token and whether the email went out (the visitor is saved either way).
    """
    occurrence = meetings.get_occurrence(meeting_id, member)
    if not meetings.is_member(member, occurrence.series):
        raise Forbidden(_l("Only the club's members can invite visitors."))
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    if occurrence.ends_at <= utcnow():
        raise Conflict(_l("This meeting is over."), code="meeting_past")
    name = checks.text({"name": name}, "name", limits.NAME) if isinstance(name, str) else None
    if not name:
        raise Invalid(_l("Enter the visitor's name."), field="name")
    email = checked_email(email)
    company = checks.text({"company": company}, "company", limits.NAME) if isinstance(company, str) else None
    token = new_token()
    visitor = Visitor(series_id=occurrence.series.id, original_date=occurrence.original_date,
                      invited_by_id=member.id, name=name, email=email, company=company, token_hash=digest(token))
    db.session.add(visitor)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("This visitor is already invited to this meeting."), field="email",
                       code="already_invited") from None
    return visitor, token, _mail_visitor(member, visitor, occurrence, token, link_for)


def resend(member: User, visitor_id: int | str, link_for: Callable[[str], str]) -> tuple[Visitor, str, bool]:
    """Send a visitor's invitation again with a fresh link (the inviter only, before the meeting)."""
    visitor = db.session.get(Visitor, as_id(visitor_id) or -1)
    if visitor is None or visitor.invited_by_id != member.id:
        raise NotFound(_l("No such visitor."))
    occurrence = meetings.get_occurrence(meetings.occurrence_id(visitor.series_id, visitor.original_date), member)
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    if occurrence.ends_at <= utcnow():
        raise Conflict(_l("This meeting is over."), code="meeting_past")
    token = new_token()
    visitor.token_hash = digest(token)
    db.session.commit()
    return visitor, token, _mail_visitor(member, visitor, occurrence, token, link_for)


def _mail_visitor(member: User, visitor: Visitor, occurrence: meetings.Occurrence, token: str,
                  link_for: Callable[[str], str]) -> bool:
    """Email a committed visitor invitation; False when delivery failed (the inviter can send it again)."""
    return mail.send(visitor.email, _l("%(name)s invites you to a meeting of %(club)s", name=member.name,
                                       club=occurrence.series.club.name),
                     "visitor", locale=member.locale, visitor=visitor, occurrence=occurrence, inviter=member,
                     url=link_for(token))


def visitor_for(token: str) -> tuple[Visitor, meetings.Occurrence]:
    """The visitor of an answer link, and the occurrence."""
    visitor = db.session.scalar(sa.select(Visitor).where(Visitor.token_hash == digest(token or "")))
    if visitor is None:
        raise NotFound(_l("This invitation is not valid."))
    occurrence = meetings.get_occurrence(meetings.occurrence_id(visitor.series_id, visitor.original_date), None,
                                         need="system")
    return visitor, occurrence


def respond(token: str, response: str) -> Visitor:
    """The visitor answers yes / no / maybe."""
    visitor, occurrence = visitor_for(token)
    if response not in ("yes", "no", "maybe"):
        raise Invalid(_l("Answer yes, no or maybe."), field="response")
    if occurrence.is_cancelled:
        raise Conflict(_l("This meeting is cancelled."), code="meeting_cancelled")
    if occurrence.starts_at <= utcnow():
        raise Conflict(_l("Answers to this meeting are closed."), code="answers_closed")
    visitor.response = response
    visitor.responded_at = utcnow()
    db.session.commit()
    return visitor
