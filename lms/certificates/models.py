"""Certificates: a signed snapshot of what a learner achieved, known by an unguessable code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import utcnow
from lms.extensions import db

KINDS = ("course", "program")
# Why a certificate was revoked: by an admin (cheating, error) or by a regrade that
# withdrew the completion it stood for (regrade).
REVOCATION_REASONS = ("cheating", "error", "regrade")
ADMIN_REASONS = ("cheating", "error")

_LIVE = "revoked_at IS NULL AND superseded_at IS NULL"


class Certificate(db.Model):  # type: ignore[name-defined,misc]
    """One issued certificate. Its snapshot never changes; a correction issues a new one.

    At most one live (neither revoked nor superseded) certificate exists per learner and
    course, and per learner and program: the partial unique indexes make "exactly once"
    hold even when two requests complete the same course at the same moment."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("kind IN ('course', 'program')", name="kind"),
        CheckConstraint("course_id IS NULL OR group_code IS NULL", name="one_subject"),
        CheckConstraint(
            "revocation_reason IS NULL OR revocation_reason IN ('cheating', 'error', 'regrade')",
            name="reason",
        ),
        CheckConstraint("(revoked_at IS NULL) = (revocation_reason IS NULL)", name="revoked"),
        CheckConstraint(
            "score_percent IS NULL OR score_percent BETWEEN 0 AND 100", name="score_percent"
        ),
        Index(
            "uq_certificates_live_course",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text(f"kind = 'course' AND {_LIVE}"),
            postgresql_where=text(f"kind = 'course' AND {_LIVE}"),
        ),
        Index(
            "uq_certificates_live_program",
            "user_id",
            "group_code",
            unique=True,
            sqlite_where=text(f"kind = 'program' AND {_LIVE}"),
            postgresql_where=text(f"kind = 'program' AND {_LIVE}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(28), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The holder and the subject may go (account erased, course removed): the snapshot stays,
    # so a printed QR code keeps answering.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    group_code: Mapped[str | None] = mapped_column(String(24), ForeignKey("learner_groups.code"))

    holder_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    achievement: Mapped[str] = mapped_column(String(300))
    competences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    level: Mapped[int | None]
    level_name: Mapped[str] = mapped_column(String(80), default="")
    score_percent: Mapped[float | None]
    achieved_at: Mapped[datetime]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_place: Mapped[str] = mapped_column(String(300), default="")
    commune_code: Mapped[str | None] = mapped_column(String(5))

    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))

    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(String(16))
    revocation_note: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    superseded_at: Mapped[datetime | None]
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL"), unique=True
    )

    previous: Mapped[Certificate | None] = relationship(
        remote_side=[id], foreign_keys=[previous_id]
    )

    @property
    def is_live(self) -> bool:
        """Return whether this is the current, valid certificate."""
        return self.revoked_at is None and self.superseded_at is None

    @property
    def status(self) -> str:
        """Return valid, revoked or replaced (replaced by a corrected re-issue)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "replaced"
        return "valid"

    def __repr__(self) -> str:
        return f"<Certificate {self.code} {self.kind} {self.status}>"
