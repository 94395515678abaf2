"""Who may author what: admins every course, teachers the courses they author or co-author."""

from __future__ import annotations

from sqlalchemy import Select, select

from lms.accounts.models import User
from lms.authoring.models import OWNER, CourseAuthor
from lms.catalog.models import Course
from lms.extensions import db

AUTHOR_ROLES = ("teacher", "admin")


class AuthoringDenied(PermissionError):
    """The person may not do this to this course."""


def author_row(user: User, course: Course) -> CourseAuthor | None:
    """Return the user's authorship of a course, if any."""
    return db.session.get(CourseAuthor, (course.id, user.id))


def can_edit(user: User, course: Course) -> bool:
    """Return whether the user may edit the course (admin, or teacher who is one of its authors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_enabled:
        return False
    if user.role == "admin":
        return True
    return user.role == "teacher" and author_row(user, course) is not None


def require_author_role(user: User) -> None:
    """Refuse anyone who is neither a teacher nor an admin."""
    if not getattr(user, "is_authenticated", False) or user.role not in AUTHOR_ROLES:
        raise AuthoringDenied("role")


def require_editor(user: User, course: Course) -> None:
    """Refuse unless the user may edit the course."""
    if not can_edit(user, course):
        raise AuthoringDenied("course")


def require_owner(user: User, course: Course) -> None:
    """Refuse unless the user manages the course's authors (its owner, or an admin)."""
    require_editor(user, course)
    row = author_row(user, course)
    if user.role != "admin" and (row is None or row.role != OWNER):
        raise AuthoringDenied("owner")


def editable_courses_query(user: User) -> Select[tuple[Course]]:
    """Return a select() of the courses the user may edit, by title."""
    require_author_role(user)
    stmt = select(Course)
    if user.role != "admin":
        stmt = stmt.join(CourseAuthor, CourseAuthor.course_id == Course.id).where(
            CourseAuthor.user_id == user.id
        )
    return stmt.order_by(Course.title)
