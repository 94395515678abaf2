"""One line of the account audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """Who (actor) did what (action) to whose account (subject), when, with safe details.

    Named AuditEntry because authoring's AuditEvent (table audit_events) already records
    changes to courses. Details never hold passwords, tokens or ID numbers (see redact())."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_subject_at", "subject_id", "created_at"),
        Index("ix_audit_entries_actor_at", "actor_id", "created_at"),
        Index("ix_audit_entries_action_at", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
