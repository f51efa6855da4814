"""Errors a use case raises; the web shows them as messages, the API as JSON errors."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused use case, with an HTTP-like status, a machine code and a human message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    @property
    def fields(self) -> dict[str, list[str]]:
        """Field -> messages, as the API error format wants them."""
        return {self.field: [str(self.message)]} if self.field else {}


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Invalid(ServiceError):
    status = 422
    code = "validation_error"


class Unauthorised(ServiceError):
    status = 401
    code = "unauthorized"
