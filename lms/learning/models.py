"""Enrolments and per-lesson progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalog.models import Course, CourseVersion
from lms.core.db import utcnow
from lms.extensions import db


class Enrolment(db.Model):  # type: ignore[name-defined,misc]
    """A learner taking a course, on one version of it."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_lesson_slug: Mapped[str | None] = mapped_column(String(80))
    completed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()


class LessonProgress(db.Model):  # type: ignore[name-defined,misc]
    """A lesson a learner has finished, keyed by the lesson's stable slug."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_slug: Mapped[str] = mapped_column(String(80))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
