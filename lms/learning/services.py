"""Learning rules: enrolling, moving to a course's newest version, lesson progress."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion, Lesson
from lms.core.db import utcnow
from lms.core.signals import lesson_completed
from lms.extensions import db
from lms.learning.models import Enrolment, LessonProgress


def enrolment_for(user: User, course: Course) -> Enrolment | None:
    """Return the learner's enrolment in a course, moved to the newest version if unfinished."""
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )
    if enrolment is not None:
        follow_new_version(enrolment, course)
    return enrolment


def follow_new_version(enrolment: Enrolment, course: Course) -> None:
    """Move an unfinished enrolment to the course's current version.

    Progress is kept per lesson slug, so lessons that still exist stay done; quiz attempts
    keep the quiz version they started with. A completed enrolment stays on its version.
    """
    if enrolment.completed_at is None and course.current_version_id not in (
        None,
        enrolment.version_id,
    ):
        enrolment.version = course.current_version  # type: ignore[assignment]
        enrolment.version_id = course.current_version_id  # type: ignore[assignment]


def enrol(user: User, course: Course) -> Enrolment:
    """Enrol a learner in a course (once; enrolling again returns the same enrolment)."""
    enrolment = enrolment_for(user, course)
    if enrolment is None:
        assert course.current_version_id is not None
        enrolment = Enrolment(
            user_id=user.id, course_id=course.id, version_id=course.current_version_id
        )
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def done_lessons(user: User, course: Course) -> set[str]:
    """Return the slugs of the lessons of a course the learner has finished."""
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_slug).where(
                LessonProgress.user_id == user.id, LessonProgress.course_id == course.id
            )
        )
    )


def lesson_in(version: CourseVersion, slug: str) -> Lesson | None:
    """Return the lesson of a version with this slug."""
    return next((lesson for lesson in version.lessons if lesson.slug == slug), None)


class LearningError(Exception):
    """A learning rule refused an action; the code says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def enrolled_lesson(user: User, course: Course, lesson_slug: str) -> tuple[Enrolment, Lesson]:
    """Return the learner's enrolment and a lesson of its version, to read or mark done.

    LearningError("not_enrolled") if they are not enrolled, ("no_lesson") if the version they
    learn has no such lesson."""
    enrolment = enrolment_for(user, course)
    if enrolment is None:
        raise LearningError("not_enrolled")
    lesson = lesson_in(enrolment.version, lesson_slug)
    if lesson is None:
        raise LearningError("no_lesson")
    return enrolment, lesson


def open_lesson(enrolment: Enrolment, lesson: Lesson) -> None:
    """Remember the lesson the learner is on, to resume there."""
    enrolment.last_lesson_slug = lesson.slug


def complete_lesson(user: User, enrolment: Enrolment, lesson: Lesson) -> bool:
    """Record a finished lesson; returns False if it was already done."""
    exists = db.session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.user_id == user.id,
            LessonProgress.course_id == enrolment.course_id,
            LessonProgress.lesson_slug == lesson.slug,
        )
    )
    if exists is not None:
        return False
    db.session.add(
        LessonProgress(
            user_id=user.id,
            course_id=enrolment.course_id,
            lesson_slug=lesson.slug,
            completed_at=utcnow(),
        )
    )
    db.session.flush()
    lesson_completed.send(enrolment, lesson_slug=lesson.slug)
    return True


@dataclass(frozen=True)
class CourseProgress:
    """How far a learner is in a course."""

    course: Course
    enrolment: Enrolment | None
    done: frozenset[str]
    required: tuple[str, ...]

    @property
    def done_required(self) -> int:
        return len(self.done & set(self.required))

    @property
    def percent(self) -> int:
        return round(100 * self.done_required / len(self.required)) if self.required else 0

    @property
    def resume_slug(self) -> str | None:
        """Return the first required lesson not done yet (else the last one opened)."""
        for slug in self.required:
            if slug not in self.done:
                return slug
        return self.enrolment.last_lesson_slug if self.enrolment else None


def progress_in(user: User, course: Course) -> CourseProgress:
    """Return the learner's progress in one course."""
    enrolment = enrolment_for(user, course) if user.is_authenticated else None
    version = enrolment.version if enrolment else course.current_version
    required = tuple(version.required_lessons) if version else ()
    done = frozenset(done_lessons(user, course)) if enrolment else frozenset()
    return CourseProgress(course, enrolment, done, required)


def my_enrolments(user: User) -> list[CourseProgress]:
    """Return the learner's courses with their progress, most recent first."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at.desc())
    )
    done_by_course: dict[int, set[str]] = {}
    for course_id, slug in db.session.execute(
        select(LessonProgress.course_id, LessonProgress.lesson_slug).where(
            LessonProgress.user_id == user.id
        )
    ):
        done_by_course.setdefault(course_id, set()).add(slug)
    result = []
    for enrolment in enrolments:
        follow_new_version(enrolment, enrolment.course)
        result.append(
            CourseProgress(
                enrolment.course,
                enrolment,
                frozenset(done_by_course.get(enrolment.course_id, set())),
                tuple(enrolment.version.required_lessons),
            )
        )
    return result
