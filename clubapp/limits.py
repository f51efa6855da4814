"""Rate limits shared by the web pages and the API (counted in Redis when ``REDIS_URL`` is set)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from clubapp.extensions import limiter


def signup_limit() -> str:
    """``SIGNUP_RATE_LIMIT``: each sign-up runs an argon2 hash, so an address may create only a few accounts."""
    return current_app.config["SIGNUP_RATE_LIMIT"]


def signup_limited() -> Callable[[Any], Any]:
    """The sign-up limit, one count for the web form and the API together."""
    return limiter.shared_limit(signup_limit, scope="signup", methods=["POST"])
