"""Quiz attempts and their saved answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalog.models import Quiz
from lms.core.db import utcnow
from lms.extensions import db

OPEN = "in_progress"
SUBMITTED = "submitted"


class QuizAttempt(db.Model):  # type: ignore[name-defined,misc]
    """One try at a quiz: its drawn order, tokens and policy are fixed when it starts."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "quiz_slug", "number"),
        # At most one open attempt per learner and quiz, whatever races happen.
        Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "course_id",
            "quiz_slug",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status"),
        CheckConstraint("number >= 1", name="number"),
        Index("ix_quiz_attempts_quiz_status", "quiz_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    quiz_slug: Mapped[str] = mapped_column(String(80))
    number: Mapped[int]
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    tokens: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    quiz: Mapped[Quiz] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class AttemptAnswer(db.Model):  # type: ignore[name-defined,misc]
    """The latest saved response to one question of an attempt, in the engine's shape."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
