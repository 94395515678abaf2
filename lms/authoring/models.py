"""Authorship, a course's editable draft, the question bank, lesson history and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course, MediaAsset
from lms.core.db import utcnow
from lms.extensions import db

OWNER = "owner"
COAUTHOR = "coauthor"


class CourseAuthor(db.Model):  # type: ignore[name-defined,misc]
    """A teacher who may edit a course: its owner (who manages co-authors) or a co-author."""

    __tablename__ = "course_authors"
    __table_args__ = (CheckConstraint("role IN ('owner', 'coauthor')", name="role"),)

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=COAUTHOR)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class CourseDraft(db.Model):  # type: ignore[name-defined,misc]
    """The editable state of a course; publishing it makes a new CourseVersion."""

    __tablename__ = "course_drafts"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 8", name="level"),)

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(default=1)
    minutes: Mapped[int] = mapped_column(default=0)  # 0: the sum of the lessons' minutes
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    competences: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_lessons: Mapped[Any] = mapped_column(JSON, default="all")  # "all" or slugs
    required_quizzes: Mapped[list[str]] = mapped_column(JSON, default=list)
    cover_file: Mapped[str | None] = mapped_column(String(120))
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    lessons: Mapped[list[DraftLesson]] = relationship(
        order_by="DraftLesson.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list[DraftQuiz]] = relationship(
        order_by="DraftQuiz.slug", cascade="all, delete-orphan"
    )
    files: Mapped[list[DraftMedia]] = relationship(
        order_by="DraftMedia.id", cascade="all, delete-orphan"
    )


class DraftLesson(db.Model):  # type: ignore[name-defined,misc]
    """A lesson of a draft; its slug is kept when published, so progress follows it."""

    __tablename__ = "draft_lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.course_id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    body_source: Mapped[str] = mapped_column(Text, default="")
    # Players after the text: [{file, kind, title, transcript}], files as "media/<name>".
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class DraftMedia(db.Model):  # type: ignore[name-defined,misc]
    """A file of a draft: its package path (chosen by the server) and the stored asset."""

    __tablename__ = "draft_media"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.course_id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(120))
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    original_name: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    asset: Mapped[MediaAsset] = relationship()


class BankQuestion(db.Model):  # type: ignore[name-defined,misc]
    """A question of a course's bank, in the quiz-file form of question_to_dict."""

    __tablename__ = "bank_questions"
    __table_args__ = (UniqueConstraint("course_id", "qid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.course_id", ondelete="CASCADE"), index=True
    )
    qid: Mapped[str] = mapped_column(String(80))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DraftQuiz(db.Model):  # type: ignore[name-defined,misc]
    """A quiz of a draft: settings of DESIGN §5 and the bank questions it draws from."""

    __tablename__ = "draft_quizzes"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.course_id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    items: Mapped[list[DraftQuizQuestion]] = relationship(
        order_by="DraftQuizQuestion.position", cascade="all, delete-orphan"
    )


class DraftQuizQuestion(db.Model):  # type: ignore[name-defined,misc]
    """A bank question in a quiz's pool, in order."""

    __tablename__ = "draft_quiz_questions"

    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("draft_quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("bank_questions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]

    question: Mapped[BankQuestion] = relationship()


class LessonRevision(db.Model):  # type: ignore[name-defined,misc]
    """A saved state of a lesson, kept so earlier versions can be seen and restored."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("course_id", "lesson_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_slug: Mapped[str] = mapped_column(String(80))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    body_source: Mapped[str] = mapped_column(Text)
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(200), default="")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_by_name: Mapped[str] = mapped_column(String(120), default="")


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """One change to a course: who, what, when (the name is kept if the account goes)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_course_at", "course_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
