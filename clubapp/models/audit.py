"""The audit log: who did what to a club or an account, and when."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clubapp.extensions import db
from clubapp.models.base import UTCDateTime, utcnow
from clubapp.models.user import User


class AuditEntry(db.Model):
    """One officer or security action, with only the changed fields before and after.

    No names, no secrets: people are ids looked up when the log is shown, so an erased
    account (its ids SET NULL or no longer found) reads as a former member by itself.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_club_id_at", "club_id", "at"),
        sa.Index("ix_audit_entries_actor_id_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    club_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[str | None] = mapped_column(sa.String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    # passive_deletes: the database sets actor_id to NULL when the account is erased.
    actor: Mapped[User | None] = relationship(passive_deletes=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.target}>"
