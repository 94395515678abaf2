"""Attainment of "đạt phổ cập kỹ năng số": a learner completed every course of their program."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class Attainment(db.Model):  # type: ignore[name-defined,misc]
    """A learner attained the standard of a group's program on a date (kept if they change group)."""

    __tablename__ = "attainments"
    __table_args__ = (
        UniqueConstraint("user_id", "group_code"),
        # A person's first attainment in one index step (lms.reports.rollup.first_counted_attainment).
        Index("ix_attainments_user_attained", "user_id", "attained_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_code: Mapped[str] = mapped_column(String(24), ForeignKey("learner_groups.code"))
    attained_at: Mapped[datetime] = mapped_column(index=True)
