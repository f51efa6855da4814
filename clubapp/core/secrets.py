"""Random tokens and their stored digests.

Tokens (API, invitations, feeds) carry at least 256 bits from ``secrets``; only their
SHA-256 digest is stored, so a database leak gives no usable token.
"""
from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh URL-safe token of 256 random bits, with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The hex SHA-256 digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
