"""What other pages show about answers, check-in and visitors (the meeting page, meeting lists)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from clubapp.attendance.forms import AnswerForm, VisitorForm
from clubapp.core.scoring import CODES
from clubapp.models import Membership, User
from clubapp.models.base import utcnow
from clubapp.services import attendance, meetings, reports, rsvp


def code_names() -> dict[str | None, str]:
    """PALMS codes in the reader's words, and the gap of a meeting without a record."""
    names: dict[str | None, str] = {code: str(label) for code, label in zip(CODES, reports.code_labels(), strict=True)}
    names[None] = _("Not recorded")
    return names


def answers_open(occurrence: meetings.Occurrence, now: datetime | None = None) -> bool:
    """Members may still answer: not cancelled, and before the series' closing time."""
    return not occurrence.is_cancelled and (now or utcnow()) < rsvp.closes_at(occurrence)


def can_answer(occurrence: meetings.Occurrence) -> bool:
    """The signed-in reader may answer this meeting (members; the network for open sessions)."""
    return meetings.can_see(current_user._get_current_object(), occurrence.series)


def meeting_panels(occurrence: meetings.Occurrence, user: User, membership: Membership | None) -> dict[str, Any]:
    """The meeting page's answer panel, who answered, my check-in, the visitors."""
    rsvp.with_counts([occurrence])
    allowed = meetings.can_see(user, occurrence.series)
    mine = rsvp.answer_of(user, occurrence) if allowed else None
    is_member = membership is not None
    checked_in = None
    if allowed:
        checked_in = next((r for r in attendance.records(occurrence) if r.user_id == user.id), None)
    return {
        "can_answer": allowed,
        "answering": answers_open(occurrence),
        "answers_close_at": rsvp.closes_at(occurrence),
        "my_answer": mine,
        "answer_form": AnswerForm(formdata=None, substitute_name=mine.rsvp.substitute_name if mine else None,
                                  comment=mine.rsvp.comment if mine else None),
        "all_answers": rsvp.answers(occurrence) if is_member else [],
        "my_record": checked_in,
        "visitors": attendance.visitors(occurrence) if is_member else [],
        "visitor_form": VisitorForm(formdata=None) if is_member and visitors_welcome(occurrence) else None,
        "is_holiday": attendance.is_holiday(occurrence),
        "code_names": code_names(),
    }


def visitors_welcome(occurrence: meetings.Occurrence, now: datetime | None = None) -> bool:
    """Visitors may be invited until the meeting ends, unless it is cancelled."""
    return not occurrence.is_cancelled and occurrence.ends_at > (now or utcnow())


TEMPLATE_HELPERS = {"answers_open": answers_open, "can_answer": can_answer}
