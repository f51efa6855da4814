"""The calendar window the whole app computes with, and the other limits on stored schedules.

Plain values, no Flask. Every date the app accepts (series starts, UNTIL, closures, moves, report
and list periods, meeting ids) lies in [FIRST_DAY, LAST_DAY]: far enough for any club, and far
from the edges where Python's dates and the time zone database stop working (year 1, year 9999).
Expansion cost never depends on these bounds: core.recurrence expands only near the window asked
for. The services check input with ``check_day``; ``flask doctor`` finds rows stored before.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2199, 12, 31)
SERIES_START_YEARS_BACK = 2   # a new series may record at most two years of a club's past
SERIES_START_YEARS_AHEAD = 10
CLOSURE_MAX_DAYS = 366        # a closure is a holiday; a longer pause ends the series
MAX_SERIES_PER_CLUB = 100     # every series of a club is read for its schedule and feeds
PERIOD_MAX_DAYS = 5 * 366     # reports and lists cover at most five years at once


class OutOfWindow(ValueError):
    """A date outside what the app computes with; ``low`` and ``high`` are the accepted range."""

    def __init__(self, day: date, low: date, high: date) -> None:
        super().__init__(f"{day} is outside {low} to {high}")
        self.day, self.low, self.high = day, low, high


def in_window(day: date) -> bool:
    """True when ``day`` (or a datetime's date) lies in the app's window."""
    if isinstance(day, datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def check_day(day: date, low: date = FIRST_DAY, high: date = LAST_DAY) -> date:
    """``day`` itself when it lies in [low, high] (clipped to the app's window), else OutOfWindow."""
    low, high = max(low, FIRST_DAY), min(high, LAST_DAY)
    if isinstance(day, datetime):
        day = day.date()
    if not low <= day <= high:
        raise OutOfWindow(day, low, high)
    return day


def series_start_range(today: date) -> tuple[date, date]:
    """Where a new series may start, seen from ``today``."""
    back = _years(today, -SERIES_START_YEARS_BACK)
    ahead = _years(today, SERIES_START_YEARS_AHEAD)
    return back, ahead


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return (day - timedelta(days=1)).replace(year=day.year + years)
