"""Finding courses: filters by group, domain, competence and level, and diacritic-blind search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from lms.catalog.models import (
    Competence,
    Course,
    Domain,
    LearnerGroup,
    Level,
    ProgramCourse,
    course_competences,
    course_groups,
)
from lms.core.text import search_key
from lms.extensions import db


@dataclass(frozen=True)
class CatalogFilter:
    """What a learner filters the catalog by; empty fields filter nothing."""

    query: str = ""
    group: str = ""
    domain: str = ""
    competence: str = ""
    level: int | None = None


def catalog_query(f: CatalogFilter) -> Select[tuple[Course]]:
    """Return a select() of published courses matching the filter, in title order."""
    stmt = select(Course).where(
        Course.is_published.is_(True), Course.current_version_id.is_not(None)
    )
    if f.query:
        for word in search_key(f.query).split():
            stmt = stmt.where(Course.search_key.contains(word, autoescape=True))
    if f.group:
        stmt = stmt.where(
            Course.id.in_(
                select(course_groups.c.course_id).where(course_groups.c.group_code == f.group)
            )
        )
    if f.competence:
        stmt = stmt.where(
            Course.id.in_(
                select(course_competences.c.course_id).where(
                    course_competences.c.competence_code == f.competence
                )
            )
        )
    elif f.domain:
        stmt = stmt.where(
            Course.id.in_(
                select(course_competences.c.course_id)
                .join(Competence, Competence.code == course_competences.c.competence_code)
                .where(Competence.domain_code == f.domain)
            )
        )
    if f.level:
        stmt = stmt.where(Course.level == f.level)
    return stmt.order_by(Course.level, Course.title)


def filter_options() -> dict[str, list]:  # type: ignore[type-arg]
    """Return the groups, domains (with competences) and levels the catalog can filter by."""
    return {
        "groups": list(db.session.scalars(select(LearnerGroup).order_by(LearnerGroup.position))),
        "domains": list(
            db.session.scalars(
                select(Domain).options(selectinload(Domain.competences)).order_by(Domain.position)
            )
        ),
        "levels": list(db.session.scalars(select(Level).order_by(Level.bac))),
    }


def course_by_slug(slug: str) -> Course | None:
    """Return the published course with this slug."""
    return db.session.scalar(
        select(Course).where(Course.slug == slug, Course.is_published.is_(True))
    )


def group_program(group_code: str | None) -> LearnerGroup | None:
    """Return a group with its program loaded."""
    return db.session.get(LearnerGroup, group_code) if group_code else None


def programs() -> list[LearnerGroup]:
    """Return every group with its program, in the framework's order."""
    return list(
        db.session.scalars(
            select(LearnerGroup)
            .options(selectinload(LearnerGroup.program).selectinload(ProgramCourse.course))
            .order_by(LearnerGroup.position)
        )
    )
