"""Field rules the services enforce, written once: web forms, the API and the CLI all go through them.

Dates must lie in the window of core.bounds; single-line text refuses line breaks (a CR or LF in a
title or a link would break the mail headers and calendar lines built from it).
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from clubapp.core import bounds, wording
from clubapp.core.text import clean
from clubapp.services.errors import Invalid

LINE_BREAKS = ("\r", "\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85")


def window_message(low: date, high: date) -> str:
    """'Choose a date between … and ….' in the user's language."""
    locale = get_locale()
    return str(_l("Choose a date between %(low)s and %(high)s.",
                  low=wording.first_of_month(format_date(low, "medium"), locale),
                  high=wording.first_of_month(format_date(high, "medium"), locale)))


def day(value: Any, field: str, low: date = bounds.FIRST_DAY, high: date = bounds.LAST_DAY) -> date:
    """A date from a date, a datetime or ISO text, inside [low, high] and the app's window."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise Invalid(_l("Expected a date like 2026-11-26."), field=field) from None
    try:
        return bounds.check_day(value, low, high)
    except bounds.OutOfWindow as error:
        raise Invalid(window_message(error.low, error.high), field=field, code="out_of_range") from None


def instant(value: Any, field: str) -> datetime:
    """An aware instant (ISO text with its offset), in UTC, inside the app's window."""
    message = _l("Expected a date and time with its offset, like 2026-11-26T07:30:00+01:00.")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(message, field=field) from None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise Invalid(message, field=field)
    if not bounds.in_window(value.replace(tzinfo=None)):
        raise Invalid(window_message(bounds.FIRST_DAY, bounds.LAST_DAY), field=field, code="out_of_range")
    return value.astimezone(UTC)


def has_line_break(value: str) -> bool:
    return any(mark in value for mark in LINE_BREAKS)


def text(data: dict[str, Any], key: str, limit: int, *, required: bool = False, multiline: bool = False) -> str | None:
    """Stripped text of at most ``limit`` characters; single-line unless ``multiline``; None when empty."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Invalid(_l("Expected text."), field=key)
    value = clean(value)
    if required and not value:
        raise Invalid(_l("This field is required."), field=key)
    if value and len(value) > limit:
        raise Invalid(_l("At most %(n)d characters.", n=limit), field=key)
    if value and "\x00" in value:
        raise Invalid(_l("This text holds a character that is not allowed."), field=key)
    if value and not multiline and has_line_break(value):
        raise Invalid(_l("Write this on one line."), field=key)
    return value
