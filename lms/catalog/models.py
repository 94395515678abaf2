"""The framework, the groups and their programs, and versioned courses with lessons and quizzes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import utcnow
from lms.extensions import db


class Domain(db.Model):  # type: ignore[name-defined,misc]
    """A competence domain of the framework (0–6)."""

    __tablename__ = "domains"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    competences: Mapped[list[Competence]] = relationship(
        back_populates="domain", order_by="Competence.position"
    )


class Competence(db.Model):  # type: ignore[name-defined,misc]
    """A competence of the framework, such as 4.2 "Bảo vệ dữ liệu cá nhân và quyền riêng tư"."""

    __tablename__ = "competences"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    domain_code: Mapped[str] = mapped_column(ForeignKey("domains.code"))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    domain: Mapped[Domain] = relationship(back_populates="competences")


class Level(db.Model):  # type: ignore[name-defined,misc]
    """One of the 8 bậc in 4 trình độ."""

    __tablename__ = "levels"

    bac: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name_vi: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))


class LearnerGroup(db.Model):  # type: ignore[name-defined,misc]
    """One of the four learner groups, with its program of courses and default targets."""

    __tablename__ = "learner_groups"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]

    program: Mapped[list[ProgramCourse]] = relationship(
        order_by="ProgramCourse.position", cascade="all, delete-orphan"
    )
    targets: Mapped[list[GroupTarget]] = relationship(cascade="all, delete-orphan")


class ProgramCourse(db.Model):  # type: ignore[name-defined,misc]
    """A course in a group's program: completing all of them is attaining the standard."""

    __tablename__ = "program_courses"

    group_code: Mapped[str] = mapped_column(ForeignKey("learner_groups.code"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    position: Mapped[int]

    course: Mapped[Course] = relationship()


class GroupTarget(db.Model):  # type: ignore[name-defined,misc]
    """A group's default target for a year, in percent of its population."""

    __tablename__ = "group_targets"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),)

    group_code: Mapped[str] = mapped_column(ForeignKey("learner_groups.code"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    percent: Mapped[float]


course_groups = Table(
    "course_groups",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("group_code", ForeignKey("learner_groups.code"), primary_key=True),
)

course_competences = Table(
    "course_competences",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("competence_code", ForeignKey("competences.code"), primary_key=True),
)


class Course(db.Model):  # type: ignore[name-defined,misc]
    """A course, known by its slug; its content lives in numbered versions."""

    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 8", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(ForeignKey("levels.bac"))
    minutes: Mapped[int] = mapped_column(default=0)
    search_key: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True, name="fk_courses_current_version")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    current_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    level_info: Mapped[Level] = relationship()
    groups: Mapped[list[LearnerGroup]] = relationship(secondary=course_groups)
    competences: Mapped[list[Competence]] = relationship(
        secondary=course_competences, order_by="Competence.code"
    )

    @property
    def cover(self) -> tuple[str, str] | None:
        """Return the current version's cover image as (URL, alt text), if it has one."""
        version = self.current_version
        path = version.manifest.get("cover") if version else None
        filename = version.media.get(path) if version and path else None
        if not filename:
            return None
        return f"/media/{filename}", str(version.manifest.get("cover_alt") or "")


class CourseVersion(db.Model):  # type: ignore[name-defined,misc]
    """A frozen state of a course's content; learners and attempts point at one."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    required_lessons: Mapped[list[str]] = mapped_column(JSON)
    required_quizzes: Mapped[list[str]] = mapped_column(JSON)
    media: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="version", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list[Quiz]] = relationship(
        back_populates="version", order_by="Quiz.slug", cascade="all, delete-orphan"
    )


class Lesson(db.Model):  # type: ignore[name-defined,misc]
    """A lesson of one course version; its slug is stable across versions."""

    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("version_id", "slug"),
        UniqueConstraint("version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")


class Quiz(db.Model):  # type: ignore[name-defined,misc]
    """A quiz of one course version, stored as its validated definition (assessments format)."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")


class MediaAsset(db.Model):  # type: ignore[name-defined,misc]
    """A media file stored once under instance/media by its SHA-256, served with a safe type."""

    __tablename__ = "media_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    extension: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def filename(self) -> str:
        return f"{self.sha256}.{self.extension}"
