"""Accounts and personal access tokens."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clubapp.models.club import Membership


class User(db.Model):
    """A person with an account: a club member, an officer, a network admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(120))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Paris")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    business_name: Mapped[str | None] = mapped_column(sa.String(120))
    category: Mapped[str | None] = mapped_column(sa.String(80))
    city: Mapped[str | None] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(255))
    bio: Mapped[str | None] = mapped_column(sa.String(1000))
    # Feed token = HMAC(SECRET_KEY, salt): the salt (128 random bits) is rotated to change the URL,
    # and only the token's plain SHA-256 digest is looked up, so the database alone yields no feed
    # URL and a URL keeps working whatever the key. When the key changes (a restore elsewhere), the
    # page shows the new key's token and the previous digest stays valid (services/feeds.py).
    feed_salt: Mapped[str | None] = mapped_column(sa.String(64))
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    feed_previous_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    # Bumped whenever one of the user's answers changes (promotion from a waitlist included).
    answers_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on logout, password change and deletion: every other session dies with it.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login protocol, written out so that the session id carries the version.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """The session identity: id and session version."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ApiToken(db.Model):
    """A personal access token for the JSON API; only its digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")
