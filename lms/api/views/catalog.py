"""The catalog: courses with the web catalog's filters, a course with its lessons, the filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from lms.accounts.constants import GROUPS
from lms.api import serialise
from lms.api.errors import not_found
from lms.api.params import int_arg, page_args, page_of_select, paginated, str_arg
from lms.api.views import bp
from lms.catalog.models import Course
from lms.catalog.services import CatalogFilter, catalog_query, course_by_slug, filter_options


def published_course(slug: str) -> Course:
    """Return the published course with a current version, else 404."""
    course = course_by_slug(slug)
    if course is None or course.current_version is None:
        raise not_found()
    return course


@bp.get("/courses")
def courses() -> dict[str, Any]:
    """List published courses: ?q= (diacritics optional), group, domain, competence, level."""
    current = CatalogFilter(
        query=str_arg("q", 100),
        group=str_arg("group", 24, GROUPS, empty=False),
        domain=str_arg("domain", 8),
        competence=str_arg("competence", 8),
        level=int_arg("level", None, 1, 8),
    )
    page, per_page = page_args()
    stmt = catalog_query(current).options(
        joinedload(Course.level_info), selectinload(Course.groups), selectinload(Course.competences)
    )
    rows, total = page_of_select(stmt, page, per_page)
    extra = {
        "q": current.query,
        "group": current.group,
        "domain": current.domain,
        "competence": current.competence,
        "level": current.level,
    }
    return paginated([serialise.course_summary(c) for c in rows], total, page, per_page, extra)


@bp.get("/catalog/filters")
def catalog_filters() -> dict[str, Any]:
    """Return what the catalog can be filtered by: groups, domains with competences, levels."""
    options = filter_options()
    return {
        "groups": [
            {"code": g.code, "name": g.name_vi, "name_en": g.name_en} for g in options["groups"]
        ],
        "domains": [
            {
                "code": d.code,
                "name": d.name_vi,
                "name_en": d.name_en,
                "competences": [
                    {"code": c.code, "name": c.name_vi, "name_en": c.name_en} for c in d.competences
                ],
            }
            for d in options["domains"]
        ],
        "levels": [serialise.level(level) for level in options["levels"]],
    }


@bp.get("/courses/<slug>")
def course(slug: str) -> dict[str, Any]:
    """Return a course with the lessons and quizzes of its current version."""
    found = published_course(slug)
    assert found.current_version is not None
    return serialise.course_detail(found, found.current_version)
