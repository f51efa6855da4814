"""Find (and repair where it is safe) stored rows that the app's checks would refuse today.

Rows saved before the date window and the single-line rule existed are skipped by pages and feeds
with a logged error; this is how an installation finds and mends them (``flask doctor [--fix]``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from clubapp.core import bounds
from clubapp.core.recurrence import RuleError, parse_rule
from clubapp.extensions import db
from clubapp.models import Closure, MeetingSeries, OccurrenceOverride, SeriesVersion
from clubapp.services.checks import has_line_break

SINGLE_LINE = ("title", "video_url", "venue")


@dataclass
class Finding:
    """One stored row the app would refuse today; ``fixed`` once repaired."""

    what: str
    row_id: int
    problem: str
    fix: str | None  # what --fix does, or None when only the club's officers can decide
    fixed: bool = False

    def line(self) -> str:
        state = "ask the club's officers" if self.fix is None else ("fixed: " if self.fixed else "fix: ") + self.fix
        return f"{self.what} {self.row_id}: {self.problem} ({state})"


def _out(value: datetime | None) -> bool:
    return value is not None and not bounds.in_window(value)


def _without_until(rrule: str) -> str:
    return ";".join(part for part in rrule.split(";") if not re.match(r"\s*UNTIL\s*=", part, re.I))


def examine(fix: bool = False) -> list[Finding]:
    """Every finding; with ``fix``, repair what can be repaired (the caller commits)."""
    found: list[Finding] = []
    for series in db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)):
        if not bounds.in_window(series.start_date):
            found.append(Finding("series", series.id, f"starts on {series.start_date.isoformat()}, outside "
                                 f"{bounds.FIRST_DAY} to {bounds.LAST_DAY}", None))
        if series.rrule:
            try:
                parse_rule(series.rrule)
            except RuleError as error:
                mended = _without_until(series.rrule)
                try:
                    parse_rule(mended)
                except RuleError:
                    mended = ""
                finding = Finding("series", series.id, f"rule {series.rrule!r} cannot be read ({error})",
                                  "UNTIL removed: the series goes on until an officer ends it" if mended else None)
                if fix and mended:
                    series.rrule, finding.fixed = mended, True
                    series.sequence += 1
                found.append(finding)
        if _out(series.until):
            finding = Finding("series", series.id, f"ends on {series.until}", "the end is removed")
            if fix:
                series.until, finding.fixed = None, True
            found.append(finding)
    rows: list[tuple[str, SeriesVersion | OccurrenceOverride]] = [
        ("series version", v) for v in db.session.scalars(sa.select(SeriesVersion).order_by(SeriesVersion.id))]
    rows += [("meeting change", o) for o in db.session.scalars(sa.select(OccurrenceOverride)
                                                                 .order_by(OccurrenceOverride.id))]
    for what, row in rows:
        for key in SINGLE_LINE:
            value = getattr(row, key)
            if value and has_line_break(value):
                finding = Finding(what, row.id, f"{key} holds a line break", "line breaks become spaces")
                if fix:
                    setattr(row, key, " ".join(value.split()) if key != "video_url" else "".join(value.split()))
                    finding.fixed = True
                found.append(finding)
        if isinstance(row, OccurrenceOverride) and (_out(row.starts_at) or _out(row.ends_at)):
            finding = Finding(what, row.id, f"moved to {row.starts_at}", "the meeting goes back to its own time")
            if fix:
                row.starts_at, row.ends_at, finding.fixed = None, None, True
            found.append(finding)
    for closure in db.session.scalars(sa.select(Closure).order_by(Closure.id)):
        if not (bounds.in_window(closure.start_date) and bounds.in_window(closure.end_date)):
            finding = Finding("closure", closure.id, f"from {closure.start_date.isoformat()} to "
                              f"{closure.end_date.isoformat()}", "the closure is deleted")
            if fix:
                db.session.delete(closure)
                finding.fixed = True
            found.append(finding)
    return found
