"""The learner: who the token is, enrolling, progress, lessons, certificates."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

from lms.api import serialise
from lms.api.auth import api_user, current_token, requires
from lms.api.errors import ApiError, not_found
from lms.api.params import page_args, page_of_list, paginated
from lms.api.services import SCOPES, effective_scopes
from lms.api.views import bp
from lms.api.views.catalog import published_course
from lms.catalog.models import Course
from lms.catalog.services import group_program
from lms.certificates.pdf import verify_url
from lms.certificates.services import certificates_of, public_record
from lms.completion.services import attainment_of
from lms.extensions import db
from lms.learning.services import (
    LearningError,
    complete_lesson,
    enrol,
    enrolled_lesson,
    enrolment_for,
    my_enrolments,
    open_lesson,
    progress_in,
)
from lms.quizzes.services import has_passed

NOT_ENROLLED = "not_enrolled"


def not_enrolled() -> ApiError:
    return ApiError(
        403, NOT_ENROLLED, _("Bạn chưa đăng ký khoá học này: hãy đăng ký (enrolment) trước.")
    )


def learning_refusal(error: LearningError) -> ApiError:
    if error.code == "no_lesson":
        return not_found(_("Khoá học không có bài học này."))
    return not_enrolled()


@bp.get("/me")
@requires(*SCOPES)
def me() -> dict[str, Any]:
    """Return the token's owner and what the token may do."""
    user, token = api_user(), current_token()
    assert token is not None
    return {
        "id": user.id,
        "full_name": user.full_name,
        "role": user.role,
        "learner_group": user.learner_group,
        "province_code": user.province_code,
        "commune_code": user.commune_code,
        "scope_level": user.scope_level,
        "token": {
            "name": token.name,
            "scopes": sorted(effective_scopes(token)),
            "created_at": serialise.moment(token.created_at),
        },
    }


def _passed(course: Course, item: Any) -> dict[str, bool]:
    version = item.enrolment.version if item.enrolment else course.current_version
    slugs = [q.slug for q in version.quizzes] if version else []
    user = api_user()
    return {slug: has_passed(user, course, slug) for slug in slugs}


@bp.get("/me/progress")
@requires("learning:read")
def my_progress() -> dict[str, Any]:
    """Return the learner's courses with progress, and whether they attained their program."""
    user = api_user()
    page, per_page = page_args()
    enrolled = my_enrolments(user)
    attainment = attainment_of(user)
    group = group_program(user.learner_group)
    db.session.commit()  # an enrolment may have moved to the newest version
    items, total = page_of_list(enrolled, page, per_page)
    result = paginated([serialise.progress(p) for p in items], total, page, per_page, {})
    result["program"] = (
        {
            "group": group.code,
            "courses": [item.course.slug for item in group.program],
            "attained": attainment is not None,
            "attained_at": serialise.moment(attainment.attained_at) if attainment else None,
        }
        if group is not None
        else None
    )
    return result


@bp.get("/courses/<slug>/progress")
@requires("learning:read")
def course_progress(slug: str) -> dict[str, Any]:
    """Return the learner's progress in one course, with its quizzes passed or not."""
    course = published_course(slug)
    item = progress_in(api_user(), course)
    result = serialise.progress(item, _passed(course, item))
    db.session.commit()
    return result


@bp.post("/courses/<slug>/enrolment")
@requires("quizzes:take")
def enrol_course(slug: str) -> tuple[Response, int]:
    """Enrol in a course (201), or return the existing enrolment (200)."""
    course = published_course(slug)
    user = api_user()
    existed = enrolment_for(user, course) is not None
    enrol(user, course)
    item = progress_in(user, course)
    result = serialise.progress(item, _passed(course, item))
    db.session.commit()
    return jsonify(result), 200 if existed else 201


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@requires("learning:read")
def lesson(slug: str, lesson_slug: str) -> dict[str, Any]:
    """Return a lesson of the version the learner is enrolled on (its sanitised HTML, media)."""
    course = published_course(slug)
    user = api_user()
    try:
        enrolment, current = enrolled_lesson(user, course, lesson_slug)
    except LearningError as error:
        raise learning_refusal(error) from None
    open_lesson(enrolment, current)
    item = progress_in(user, course)
    db.session.commit()
    lessons = enrolment.version.lessons
    index = lessons.index(current)
    return {
        **serialise.lesson_item(enrolment.version, current),
        "body_html": current.body_html,
        "media": [
            {
                "kind": m.get("kind"),
                "title": m.get("title"),
                "transcript": m.get("transcript"),
                "url": m.get("url"),
                "content_type": m.get("content_type"),
                "size": m.get("size"),
            }
            for m in current.media
        ],
        "done": current.slug in item.done,
        "previous": lessons[index - 1].slug if index > 0 else None,
        "next": lessons[index + 1].slug if index + 1 < len(lessons) else None,
    }


@bp.post("/courses/<slug>/lessons/<lesson_slug>/completion")
@requires("quizzes:take")
def complete(slug: str, lesson_slug: str) -> tuple[Response, int]:
    """Mark a lesson done (201), or say it already was (200); returns the course progress."""
    course = published_course(slug)
    user = api_user()
    try:
        enrolment, current = enrolled_lesson(user, course, lesson_slug)
    except LearningError as error:
        raise learning_refusal(error) from None
    created = complete_lesson(user, enrolment, current)
    item = progress_in(user, course)
    result = serialise.progress(item, _passed(course, item))
    db.session.commit()
    return jsonify(result), 201 if created else 200


@bp.get("/me/certificates")
@requires("learning:read")
def my_certificates() -> dict[str, Any]:
    """Return the learner's certificates (replaced ones left out), as the public check shows them."""
    page, per_page = page_args()
    items, total = page_of_list(certificates_of(api_user()), page, per_page)
    return paginated(
        [public_record(c, verify_url(c.code)) for c in items], total, page, per_page, {}
    )
