"""Personal calendar feed tokens."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from flask import current_app

from clubapp.core.secrets import digest
from clubapp.extensions import db
from clubapp.models import User


def _token_from_salt(salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"feed:{salt}".encode(), hashlib.sha256).hexdigest()


def feed_token(user: User) -> str:
    """The user's current feed token, created on first use."""
    if not user.feed_salt:
        return rotate_feed_token(user)
    return _token_from_salt(user.feed_salt)


def rotate_feed_token(user: User) -> str:
    """A new feed token; the previous one stops working at once."""
    user.feed_salt = secrets.token_hex(16)
    token = _token_from_salt(user.feed_salt)
    user.feed_token_hash = digest(token)
    db.session.commit()
    return token


def user_for_feed_token(token: str) -> User | None:
    """The owner of a feed token, or None."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(sa.select(User).where(User.feed_token_hash == digest(token)))
