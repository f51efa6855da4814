"""Marshmallow schemas shared by the API modules: one source for validation and the OpenAPI document.

The limits declared here are the services' own (core.limits, core.bounds, services.checks): a request that
follows the document is never refused for a length, a line break or a date outside the app's window.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import fields, validate

from clubapp.core import bounds, limits
from clubapp.core.text import MAX_ID
from clubapp.core.timezones import all_timezones
from clubapp.services.checks import LINE_BREAKS


def _escaped(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


# Characters no text may hold (the API refuses NUL), and those a single line may not hold either.
_NEVER = _escaped("\x00")
_BREAKS = _escaped(LINE_BREAKS)
SINGLE_LINE = f"^[^{_BREAKS}{_NEVER}]*$"
SINGLE_LINE_NOT_BLANK = f"^[^{_BREAKS}{_NEVER}]*[^\\s{_NEVER}][^{_BREAKS}{_NEVER}]*$"
ANY_TEXT = f"^[^{_NEVER}]*$"
NOT_BLANK = f"^[^{_NEVER}]*[^\\s{_NEVER}][^{_NEVER}]*$"


def year_pattern(first: int, last: int) -> str:
    """A regular expression alternation matching the four-digit years first..last and no other."""
    parts, year = [], first
    while year <= last:
        size = next(size for size in (1000, 100, 10, 1) if year % size == 0 and year + size - 1 <= last)
        free = len(str(size)) - 1
        parts.append(str(year)[:4 - free] + "\\d" * free)
        year += size
    return "|".join(parts)


# Days 29 to 31 are left out of the pattern so that every string it generates is a real date; the
# server accepts them, of course (the pattern documents, the service decides).
DATE_PATTERN = (f"^({year_pattern(bounds.FIRST_DAY.year, bounds.LAST_DAY.year)})"
                "-(0[1-9]|1[0-2])-(0[1-9]|1\\d|2[0-8])$")


# A date and time with its offset inside the window (seconds and fractions optional).
INSTANT_PATTERN = (DATE_PATTERN[:-1] + "T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,6})?)?"
                   "(Z|[+-](0\\d|1[0-3]):[0-5]\\d)$")
# An object id in a body: digits, no more than an INTEGER column holds (core.text.as_id).
ID_PATTERN = f"^[1-9][0-9]{{0,{len(str(MAX_ID)) - 2}}}$"


class Body(ma.Schema):
    """A request body: unknown fields are ignored (posting ``role`` or ``club_id`` changes nothing)."""

    class Meta:
        unknown = ma.EXCLUDE


class Patch(Body):
    """A PATCH body: at least one field (an empty body changes nothing, and says so with a 422)."""

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            abort(422, message=_("Nothing to change: send at least one of the fields."), code="nothing_to_change")


class Out(ma.Schema):
    """A response body."""


def text(max_length: int, required: bool = False, *, multiline: bool = False, blank: bool | None = None,
         **kwargs: Any) -> fields.String:
    """A string field of bounded length: single-line unless ``multiline``; ``blank`` when not required."""
    blank = not required if blank is None else blank
    patterns = (ANY_TEXT, NOT_BLANK) if multiline else (SINGLE_LINE, SINGLE_LINE_NOT_BLANK)
    pattern = patterns[0] if blank else patterns[1]
    metadata = {"pattern": pattern, **kwargs.pop("metadata", {})}
    return fields.String(required=required, validate=validate.Length(max=max_length), metadata=metadata, **kwargs)


def email(required: bool = False, **kwargs: Any) -> fields.String:
    """An email address (checked by the services with email-validator)."""
    return fields.String(required=required, validate=validate.Length(max=limits.EMAIL),
                         metadata={"format": "email", "pattern": SINGLE_LINE_NOT_BLANK}, **kwargs)


def timezone(required: bool = False, **kwargs: Any) -> fields.String:
    """An IANA time zone name; the document lists the zones (the server also knows a few legacy aliases)."""
    metadata = {"enum": list(all_timezones()), **kwargs.pop("metadata", {})}
    return fields.String(required=required, validate=validate.Length(max=limits.TIMEZONE), metadata=metadata, **kwargs)


def window(first: date = bounds.FIRST_DAY, last: date = bounds.LAST_DAY) -> str:
    return f"Between {first.isoformat()} and {last.isoformat()}."


def day(required: bool = False, description: str = "", **kwargs: Any) -> fields.Date:
    """A date inside the app's window (core.bounds), documented with a pattern and ``x-minimum``/``x-maximum``."""
    metadata = {"pattern": DATE_PATTERN, "x-minimum": bounds.FIRST_DAY.isoformat(),
                "x-maximum": bounds.LAST_DAY.isoformat(),
                "description": " ".join(filter(None, [description, window()]))}
    return fields.Date(required=required, metadata=metadata, **kwargs)


class IdField(fields.Field):
    """Ids are opaque strings in JSON."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        return None if value is None else str(value)


class ErrorDetail(Out):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields")


class Error(Out):
    """The error format of every 4xx and 5xx answer."""

    error = fields.Nested(ErrorDetail)


class Amounts(fields.Field):
    """Money per currency, ``{"EUR": Decimal}``, as ``[{"currency": "EUR", "amount": "12500.50"}]``: amounts
    are decimal strings in their own currency, never added across currencies."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        metadata = {"type": "array", "items": {"type": "object", "properties": {
            "currency": {"type": "string", "description": "ISO 4217 code"},
            "amount": {"type": "string", "description": "A decimal number, e.g. 12500.50"}}}}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(dump_only=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        from clubapp.core import money

        return [{"currency": code, "amount": str(amount.quantize(money.CENT))}
                for code, amount in money.ordered(value or {})]
