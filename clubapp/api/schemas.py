"""Marshmallow schemas shared by the API modules: one source for validation and the OpenAPI document."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class Body(ma.Schema):
    """A request body: unknown fields are ignored (posting ``role`` or ``club_id`` changes nothing)."""

    class Meta:
        unknown = ma.EXCLUDE


class Out(ma.Schema):
    """A response body."""


def text(max_length: int, required: bool = False, **kwargs) -> fields.String:  # type: ignore[no-untyped-def]
    """A string field of bounded length."""
    return fields.String(required=required, validate=validate.Length(max=max_length), **kwargs)


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
