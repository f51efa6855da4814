"""Recurrence of meetings: the RRULE subset clubs use, expanded in local wall-clock time.

Plain values in and out; no Flask. Wall-clock times hold across DST changes: the rule is
expanded on naive local date-times, each then placed in the series' zone.

Local times that do not exist or exist twice (documented rule, as RFC 5545 section 3.3.5):
- a time in a spring-forward gap (02:30 on the last Sunday of March in Paris) is read with the
  offset in force before the gap, so it lands the length of the gap later (03:30 CEST);
- a time in an autumn overlap (02:30 on the last Sunday of October) is the first of the two
  instants (fold=0, still in summer time).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from clubapp.core import bounds

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}
SUPPORTED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}
MAX_COUNT = 2000
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


class RuleError(ValueError):
    """An RRULE the product does not support; ``part`` names the offending part."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message


@dataclass(frozen=True)
class Rule:
    """A validated recurrence rule (RFC 5545 RRULE subset)."""

    freq: str
    interval: int = 1
    byday: tuple[tuple[int | None, str], ...] = field(default_factory=tuple)  # (ordinal, weekday)
    bymonthday: tuple[int, ...] = field(default_factory=tuple)
    count: int | None = None
    until: datetime | None = None  # an aware UTC instant, inclusive

    def text(self, until: datetime | None = None) -> str:
        """The canonical RRULE value; ``until`` (UTC) replaces COUNT/UNTIL when given."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{o if o is not None else ''}{d}" for o, d in self.byday))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in self.bymonthday))
        end = until or self.until
        if end is not None:
            parts.append("UNTIL=" + end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        elif self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)


def _parse_until(value: str) -> datetime:
    until = None
    try:
        if re.fullmatch(r"\d{8}", value):
            # A date UNTIL includes the whole day; keep it as the end of that day in UTC.
            until = datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59, tzinfo=UTC)
        elif re.fullmatch(r"\d{8}T\d{6}Z", value):
            until = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        pass
    if until is None:
        raise RuleError("UNTIL", "expected a UTC date-time like 20271231T235959Z or a date like 20271231")
    if not bounds.in_window(until.date()):
        raise RuleError("UNTIL", f"expected a date from {bounds.FIRST_DAY:%Y} to {bounds.LAST_DAY:%Y}")
    return until


def _split(text: str) -> dict[str, str]:
    """NAME=VALUE parts of an RRULE value, upper-cased, each supported and given once."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError("FREQ", "the rule is empty")
    raw = text.strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    parts: dict[str, str] = {}
    for chunk in raw.split(";"):
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        name = name.strip().upper()
        if not sep or not value.strip():
            raise RuleError(name or "RRULE", "expected NAME=VALUE")
        if name not in SUPPORTED_PARTS:
            raise RuleError(name, "this part is not supported")
        if name in parts:
            raise RuleError(name, "given twice")
        parts[name] = value.strip().upper()
    return parts


def _whole(value: str, part: str, low: int, high: int) -> int:
    """An ASCII whole number in [low, high]."""
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise RuleError(part, f"expected a whole number from {low} to {high}")
    return int(value)


def _byday(value: str, freq: str) -> tuple[tuple[int | None, str], ...]:
    """Weekdays, with a position (1 to 5, or -1) for monthly rules only."""
    byday: list[tuple[int | None, str]] = []
    for item in value.split(","):
        match = _BYDAY_RE.match(item.strip())
        if not match:
            raise RuleError("BYDAY", f"{item} is not a weekday like MO or 1TU")
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal is not None and (freq != "MONTHLY" or ordinal not in (1, 2, 3, 4, 5, -1)):
            raise RuleError("BYDAY", f"{item}: a position (1 to 5, or -1 for the last) only with FREQ=MONTHLY")
        byday.append((ordinal, match.group(2)))
    if len({d for _o, d in byday}) != len(byday):
        raise RuleError("BYDAY", "a weekday is given twice")
    if freq == "MONTHLY" and (len(byday) != 1 or byday[0][0] is None):
        raise RuleError("BYDAY", "with FREQ=MONTHLY give one weekday with its position, like 1TU or -1FR")
    return tuple(byday)


def _bymonthday(value: str) -> tuple[int, ...]:
    """Days of the month, 1 to 31 or -1 for the last."""
    days = []
    for item in value.split(","):
        try:
            day = int(item)
        except ValueError:
            raise RuleError("BYMONTHDAY", f"{item} is not a day of the month") from None
        if not (1 <= day <= 31 or day == -1):
            raise RuleError("BYMONTHDAY", "expected 1 to 31, or -1 for the last day")
        days.append(day)
    return tuple(days)


def parse_rule(text: str) -> Rule:
    """Parse and validate an RRULE value (without DTSTART); RuleError names what is unsupported."""
    parts = _split(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise RuleError("FREQ", "missing")
    if freq not in FREQUENCIES:
        raise RuleError("FREQ", f"{freq} is not supported (DAILY, WEEKLY or MONTHLY)")
    if parts.get("WKST", "MO") != "MO":
        raise RuleError("WKST", "only MO is supported")
    interval = _whole(parts["INTERVAL"], "INTERVAL", 1, 52) if "INTERVAL" in parts else 1
    byday = _byday(parts["BYDAY"], freq) if "BYDAY" in parts else ()
    bymonthday: tuple[int, ...] = ()
    if "BYMONTHDAY" in parts:
        if freq != "MONTHLY":
            raise RuleError("BYMONTHDAY", "only with FREQ=MONTHLY")
        if byday:
            raise RuleError("BYMONTHDAY", "give BYDAY or BYMONTHDAY, not both")
        bymonthday = _bymonthday(parts["BYMONTHDAY"])
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("COUNT", "give COUNT or UNTIL, not both")
    count = _whole(parts["COUNT"], "COUNT", 1, MAX_COUNT) if "COUNT" in parts else None
    until = _parse_until(parts["UNTIL"]) if "UNTIL" in parts else None
    return Rule(freq=freq, interval=interval, byday=byday, bymonthday=bymonthday, count=count, until=until)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware instant of a local date and wall-clock time, with the gap/overlap rule above."""
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=zone, fold=0)
    # In a gap, the wall-clock time does not survive a round trip through UTC.
    round_trip = candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        before = (naive - timedelta(hours=3)).replace(tzinfo=zone).utcoffset()
        assert before is not None
        return (naive - before).replace(tzinfo=UTC).astimezone(zone)
    return candidate


def _dateutil_rule(rule: Rule, first: date, count: int | None, anchor: date | None = None) -> du.rrule:
    """The dateutil rule of a series whose first occurrence is ``first``, expanded from ``anchor`` on.

    ``anchor`` (a day on the rule's period grid, see ``_anchor``) lets an expansion start near the
    window asked for instead of at the series' first date: the cost of a window never depends on
    how long ago the series started.
    """
    kwargs: dict = {"dtstart": datetime.combine(anchor or first, time(0)), "interval": rule.interval, "wkst": du.MO}
    if rule.byday:
        kwargs["byweekday"] = [getattr(du, d)(o) if o is not None else getattr(du, d) for o, d in rule.byday]
    elif rule.freq == "WEEKLY":
        kwargs["byweekday"] = [getattr(du, WEEKDAYS[first.weekday()])]
    if rule.bymonthday:
        kwargs["bymonthday"] = rule.bymonthday
    elif rule.freq == "MONTHLY" and not rule.byday:
        kwargs["bymonthday"] = (first.day,)
    if count is not None:
        kwargs["count"] = count
    return du.rrule(FREQUENCIES[rule.freq], **kwargs)


def _anchor(rule: Rule, first: date, lower: date) -> date:
    """The latest day on or before ``lower`` where a period of the rule begins (``first`` at the earliest).

    Periods are counted from ``first`` (days, weeks starting on Monday, or months) in steps of the
    rule's interval, so the expansion from there yields exactly the series' own dates. A COUNT
    needs every occurrence from the first (at most MAX_COUNT of them).
    """
    if rule.count is not None or lower <= first:
        return first
    if rule.freq == "DAILY":
        return first + timedelta(days=(lower - first).days // rule.interval * rule.interval)
    if rule.freq == "WEEKLY":
        monday = first - timedelta(days=first.weekday())
        weeks = (lower - monday).days // 7 // rule.interval * rule.interval
        return monday + timedelta(weeks=weeks) if weeks else first
    months = ((lower.year - first.year) * 12 + lower.month - first.month) // rule.interval * rule.interval
    if not months:
        return first
    year, month = divmod(first.month - 1 + months, 12)
    return date(first.year + year, month + 1, 1)


def matches(rule: Rule, day: date) -> bool:
    """True when ``day`` is an occurrence of ``rule`` started on ``day`` itself."""
    return _dateutil_rule(rule, day, 1)[0].date() == day


def first_match(rule: Rule, on_or_after: date) -> date:
    """The first date on or after ``on_or_after`` that the rule's pattern allows."""
    probe = _dateutil_rule(Rule(freq=rule.freq, byday=rule.byday, bymonthday=rule.bymonthday), on_or_after, None)
    found = probe.after(datetime.combine(on_or_after, time(0)), inc=True)
    assert found is not None
    return found.date()


def occurrence_dates(rule: Rule, first: date, at: time, zone: ZoneInfo, *, window_start: datetime | None = None,
                     window_end: datetime, until: datetime | None = None) -> list[date]:
    """Local dates of the occurrences whose start instant is in [window_start, window_end).

    ``first`` must match the rule (it is the first occurrence); ``until`` (aware) ends the series
    at that instant, inclusive, on top of the rule's own COUNT or UNTIL.
    """
    ends = [u for u in (rule.until, until) if u is not None]
    end_instant = min(ends) if ends else None
    out: list[date] = []
    # Expand on dates; a day of slack covers zone offsets on both sides of the window.
    lower = (window_start.astimezone(zone).date() - timedelta(days=1)) if window_start else first
    upper = window_end.astimezone(zone).date() + timedelta(days=1)
    if upper < first or (end_instant is not None and lower > end_instant.date() + timedelta(days=1)):
        return out
    expansion = _dateutil_rule(rule, first, rule.count, _anchor(rule, first, lower))
    for naive in expansion.between(datetime.combine(max(first, lower), time(0)),
                                   datetime.combine(upper, time(0)), inc=True):
        day = naive.date()
        start = local_instant(day, at, zone)
        if end_instant is not None and start > end_instant:
            break
        if (window_start is None or start >= window_start) and start < window_end:
            out.append(day)
    return out


def last_date(rule: Rule, first: date, at: time, zone: ZoneInfo, until: datetime | None = None) -> date | None:
    """The last occurrence's date, or None when the series never ends.

    With an end instant, only the periods just before it are expanded (widening back until one
    occurrence is found), so a far UNTIL costs no more than a near one.
    """
    ends = [u for u in (rule.until, until) if u is not None]
    if not ends and rule.count is None:
        return None
    end_instant = min(ends) if ends else None
    if end_instant is None:
        last = None
        for naive in _dateutil_rule(rule, first, rule.count):
            last = naive.date()
        return last
    span = timedelta(days=62 * rule.interval if rule.freq == "MONTHLY" else 14 * rule.interval)
    window_end = end_instant + timedelta(seconds=1)
    while True:
        window_start = window_end - span
        found = occurrence_dates(rule, first, at, zone, window_start=window_start, window_end=window_end,
                                 until=end_instant)
        if found:
            return found[-1]
        if window_start.astimezone(zone).date() <= first:
            return None
        span *= 4
