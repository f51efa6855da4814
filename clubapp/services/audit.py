"""The audit log: officer and security actions, recorded inside the use case that does them.

``record`` only adds a row to the session: the unit of work's one commit saves it with the change,
and a rolled-back change records nothing. Rows hold ids and changed fields, never names or
secrets; names are looked up when the log is read, so an erased account reads "Former member".
"""
from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from clubapp.core import csvout
from clubapp.extensions import db
from clubapp.models import AuditEntry, Club, MeetingSeries, User
from clubapp.services.errors import Forbidden, Invalid

# Action code -> what it is, in plain words (the page's "What" column).
ACTIONS: dict[str, Any] = {
    "role.changed": _l("Role changed"),
    "member.removed": _l("Member removed"),
    "member.left": _l("Member left"),
    "attendance.recorded": _l("Attendance recorded"),
    "series.created": _l("Series created"),
    "series.changed": _l("Series changed"),
    "series.ended": _l("Series ended"),
    "meeting.changed": _l("Meeting changed"),
    "closure.created": _l("Closure added"),
    "closure.deleted": _l("Closure removed"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "account.erased": _l("Account erased"),
    "password.changed": _l("Password changed"),
    "feed.rotated": _l("New feed address"),
}
# A target object's class -> the kind written in ``target`` ("user:12"); by name, so that no
# service module has to be imported here (they all import this one).
TARGET_KINDS = {"User": "user", "Club": "club", "MeetingSeries": "series", "Occurrence": "meeting",
                "Closure": "closure", "ApiToken": "token", "Visitor": "visitor"}
FIELD_LABELS: dict[str, Any] = {
    "role": _l("role"), "status": _l("status"), "title": _l("title"), "description": _l("description"),
    "start_date": _l("first date"), "start_time": _l("start time"), "duration_minutes": _l("duration (minutes)"),
    "video_url": _l("video link"), "venue": _l("venue"), "capacity": _l("capacity"), "rrule": _l("rhythm"),
    "until": _l("last day"), "rsvp_close_minutes": _l("answers close (minutes before)"),
    "starts_at": _l("start"), "ends_at": _l("end"), "holiday": _l("holiday"), "note": _l("note"),
    "from": _l("from"), "to": _l("to"), "reason": _l("reason"), "label": _l("label"),
    "open_to_network": _l("open to the network"), "timezone": _l("time zone"), "attended": _l("attended"),
}
VALUE_LABELS: dict[str, Any] = {
    "president": _l("President"), "vice_president": _l("Vice-president"), "secretary": _l("Secretary-treasurer"),
    "member": _l("Member"), "present": _l("Present"), "absent": _l("Absent"), "late": _l("Late"),
    "medical": _l("Medical"), "substitute": _l("Substitute"), "scheduled": _l("Scheduled"),
    "cancelled": _l("Cancelled"),
}
INSTANT_FIELDS = {"starts_at", "ends_at"}
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
SECURITY_ACTIVITY = 20


# Writing

def _plain(value: Any) -> Any:
    """A JSON value: dates and times as ISO text, enums as their value, amounts as text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def target_of(thing: Any) -> str | None:
    """``kind:id`` for a model or an occurrence (flushing a new row for its id); text is kept as it is."""
    if thing is None or isinstance(thing, str):
        return thing
    if getattr(thing, "id", None) is None:
        db.session.flush()
    return f"{TARGET_KINDS.get(type(thing).__name__, type(thing).__name__.lower())}:{thing.id}"


def record(actor: User | None, action: str, *, club: Club | int | None = None, target: Any = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Add one entry to the session (never commits); with both ``before`` and ``after``, only what changed."""
    before, after = _plain(before), _plain(after)
    if before is not None and after is not None:
        changed = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        before = {k: before[k] for k in changed if k in before}
        after = {k: after[k] for k in changed if k in after}
    entry = AuditEntry(actor_id=getattr(actor, "id", None), club_id=getattr(club, "id", club), action=action,
                       target=target_of(target), before=before, after=after)
    db.session.add(entry)
    return entry


# Reading

@dataclass
class Line:
    """An entry as people read it: who, what, and the details in plain words."""

    entry: AuditEntry
    actor_name: str | None  # None: the account was erased
    what: str
    details: str


@dataclass
class Page:
    """One page of the log, newest first, and the cursor of the next one."""

    lines: list[Line]
    next_cursor: str | None


def _require_president(viewer: User, club: Club) -> None:
    membership = club.membership_of(viewer)
    if membership is None or not membership.is_president:
        raise Forbidden(_l("Only the club's president can do this."))


def _cursor(entry: AuditEntry) -> str:
    return base64.urlsafe_b64encode(f"{entry.at.isoformat()}|{entry.id}".encode()).decode().rstrip("=")


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, _sep, entry_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        instant = datetime.fromisoformat(at)
        if instant.tzinfo is None or not entry_id.isdigit() or len(entry_id) > 18:
            raise ValueError(cursor)
        return instant, int(entry_id)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid(_l("This cursor is not valid: use the “next” link of the previous page."),
                      field="cursor") from None


def _limit(limit: Any) -> int:
    if limit in (None, ""):
        return PAGE_SIZE
    try:
        value = int(limit)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise Invalid(_l("Expected a number from %(min)s to %(max)s.", min=1, max=MAX_PAGE_SIZE), field="limit")
    return value


def for_club(viewer: User, club: Club, cursor: str | None = None, limit: Any = None) -> Page:
    """A page of the club's log for its president, newest first (keyset on the instant, then the id)."""
    _require_president(viewer, club)
    size = _limit(limit)
    query = sa.select(AuditEntry).where(AuditEntry.club_id == club.id)
    if cursor:
        at, entry_id = _parse_cursor(cursor)
        query = query.where(sa.or_(AuditEntry.at < at, sa.and_(AuditEntry.at == at, AuditEntry.id < entry_id)))
    entries = list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(size + 1)))
    more = len(entries) > size
    entries = entries[:size]
    return Page(describe(entries), _cursor(entries[-1]) if more else None)


def security_activity(user: User, limit: int = SECURITY_ACTIVITY) -> list[Line]:
    """The user's own account actions (tokens, password, feed address), newest first."""
    return describe(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.club_id.is_(None), AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def export_csv(viewer: User, club: Club, locale: str = "en") -> bytes:
    """The club's whole log as CSV for its president, oldest first."""
    _require_president(viewer, club)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.club_id == club.id)
                                 .order_by(AuditEntry.at, AuditEntry.id))
    header = [str(label) for label in (_l("When (UTC)"), _l("Who"), _l("What"), _l("Details"), _l("Action"),
                                       _l("Target"))]
    rows = ([line.entry.at.strftime("%Y-%m-%d %H:%M:%S"), str(line.actor_name or _l("Former member")),
             str(line.what), str(line.details), line.entry.action, line.entry.target or ""]
            for line in describe(entries))
    return csvout.write(header, rows, locale)


# Plain words

def _ids(target: str | None, kind: str) -> int | None:
    if target and target.startswith(kind + ":") and target[len(kind) + 1:].isdigit():
        return int(target[len(kind) + 1:])
    return None


def describe(entries: Iterable[AuditEntry]) -> list[Line]:
    """Entries with who and what in words; people and series are looked up now, never stored."""
    entries = list(entries)
    user_ids = {e.actor_id for e in entries if e.actor_id} | {
        i for e in entries if (i := _ids(e.target, "user")) is not None}
    series_ids = {i for e in entries if (i := _ids(e.target, "series")) is not None}
    names = {row.id: row.name for row in db.session.execute(sa.select(User.id, User.name)
                                                              .where(User.id.in_(user_ids)))} if user_ids else {}
    titles = _series_titles(series_ids)
    return [Line(entry, names.get(entry.actor_id) if entry.actor_id else None,
                 str(ACTIONS.get(entry.action, entry.action)), _details(entry, names, titles))
            for entry in entries]


def _series_titles(series_ids: set[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for series in db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.id.in_(series_ids))):
        titles[series.id] = series.versions[-1].title if series.versions else ""
    return titles


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in INSTANT_FIELDS and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    if key in ("from", "to", "until", "start_date") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]), "medium")
        except ValueError:
            return value
    if key == "start_time" and isinstance(value, str):
        return value[:5]  # 07:30:00 -> 07:30
    text = str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _changes(before: dict[str, Any], after: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    """``field: old → new`` for every changed field, in words."""
    parts = []
    for key in [k for k in {**before, **after} if k not in skip]:
        label = str(FIELD_LABELS.get(key, key))
        if key in before:
            parts.append(f"{label}: {_value(key, before.get(key))} → {_value(key, after.get(key))}")
        else:
            parts.append(f"{label}: {_value(key, after.get(key))}")
    return "; ".join(parts)


def _meeting_day(meeting_id: Any) -> str:
    from clubapp.services.meetings import parse_occurrence_id  # meetings imports this module

    parsed = parse_occurrence_id(meeting_id) if isinstance(meeting_id, str) else None
    return format_date(parsed[1], "medium") if parsed else "—"


def _details(entry: AuditEntry, names: dict[int, str], titles: dict[int, str]) -> str:
    """One sentence about an entry, in the reader's language."""
    before, after = entry.before or {}, entry.after or {}
    person: Any = _l("a visitor") if _ids(entry.target, "visitor") else \
        names.get(_ids(entry.target, "user") or 0) or _l("Former member")
    series = titles.get(_ids(entry.target, "series") or 0) or _l("a deleted series")
    action = entry.action
    if action == "role.changed":
        text = _l("%(member)s: %(old)s → %(new)s.", member=person, old=_value("role", before.get("role")),
                  new=_value("role", after.get("role")))
    elif action == "member.removed":
        text = _l("%(member)s (%(role)s) was removed from the club.", member=person,
                  role=_value("role", before.get("role")))
    elif action == "member.left":
        text = _l("%(member)s (%(role)s) left the club.", member=person, role=_value("role", before.get("role")))
    elif action == "attendance.recorded":
        key = "attended" if "attended" in after else "status"
        text = _l("%(member)s, meeting of %(day)s: %(old)s → %(new)s.", member=person,
                  day=_meeting_day(after.get("meeting")), old=_value(key, before.get(key)),
                  new=_value(key, after.get(key)))
    elif action == "series.created":
        text = _l("“%(title)s”, from %(day)s.", title=after.get("title") or series,
                  day=_value("start_date", after.get("start_date")))
    elif action == "series.ended":
        text = _l("“%(title)s” ends on %(day)s.", title=series, day=_value("until", after.get("until")))
    elif action == "series.changed":
        text = _l("“%(title)s”: %(changes)s.", title=series, changes=_changes(before, after))
    elif action == "meeting.changed":
        text = _l("Meeting of %(day)s: %(changes)s.", day=_meeting_day((entry.target or "")[len("meeting:"):]),
                  changes=_changes(before, after))
    elif action in ("closure.created", "closure.deleted"):
        dates = after if action == "closure.created" else before
        text = _l("From %(first)s to %(last)s.", first=_value("from", dates.get("from")),
                  last=_value("to", dates.get("to")))
        if dates.get("reason"):
            text = f"{text} {dates['reason']}"
    elif action in ("token.created", "token.revoked"):
        text = _l("“%(label)s”.", label=(after or before).get("label", ""))
    elif action == "password.changed":
        parts = [str(_l("Other sessions signed out."))]
        if after.get("tokens_revoked"):
            parts.append(str(_l("API tokens revoked.")))
        if after.get("feed_rotated"):
            parts.append(str(_l("New calendar feed address.")))
        text = " ".join(parts)
    elif action == "feed.rotated":
        text = _l("The previous address no longer works.")
    elif action == "account.erased":
        text = _l("Account and personal data erased; memberships ended.")
    else:
        text = _changes(before, after)
    return str(text)
