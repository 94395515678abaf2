"""The completion rules, in one place.

A course is completed when the lessons its version requires are done and the quizzes it
requires are passed (the attempt that counts, best or last). A learner attains the
standard when every course of their group's program is completed; the attainment date is
the date the last of those courses was completed. Both are recomputed from the facts, so a
regraded quiz or a new course version gives the right answer again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course, LearnerGroup
from lms.completion.models import Attainment
from lms.core.db import utcnow
from lms.core.signals import (
    course_completed,
    course_completion_withdrawn,
    program_attained,
    program_attainment_withdrawn,
)
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.learning.services import done_lessons
from lms.quizzes.services import has_passed


def course_requirements_met(user: User, enrolment: Enrolment) -> bool:
    """Return whether the learner meets every requirement of their enrolment's version."""
    version = enrolment.version
    course = enrolment.course
    done = done_lessons(user, course)
    if not set(version.required_lessons) <= done:
        return False
    return all(has_passed(user, course, slug) for slug in version.required_quizzes)


def update_course_completion(user: User, course: Course, when: datetime | None = None) -> bool:
    """Record or withdraw the completion of a course; returns whether it is completed.

    Sends course_completed when a course becomes completed."""
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )
    if enrolment is None:
        return False
    met = course_requirements_met(user, enrolment)
    if met and enrolment.completed_at is None:
        enrolment.completed_at = when or utcnow()
        db.session.flush()
        course_completed.send(enrolment)
    elif not met and enrolment.completed_at is not None:
        enrolment.completed_at = None
        db.session.flush()
        course_completion_withdrawn.send(enrolment)
    update_attainment(user)
    return met


def completed_courses(user: User) -> dict[int, datetime]:
    """Return the learner's completed courses with their completion dates."""
    rows = db.session.execute(
        select(Enrolment.course_id, Enrolment.completed_at).where(
            Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None)
        )
    )
    return {course_id: completed_at for course_id, completed_at in rows}


def program_attainment_date(user: User, group: LearnerGroup) -> datetime | None:
    """Return when the learner completed the last course of the group's program, if all are."""
    if not group.program:
        return None
    completed = completed_courses(user)
    dates = [completed.get(item.course_id) for item in group.program]
    if any(d is None for d in dates):
        return None
    return max(d for d in dates if d is not None)


def update_attainment(user: User) -> Attainment | None:
    """Record or withdraw the learner's attainment for their group; sends program_attained."""
    if user.learner_group is None:
        return None
    group = db.session.get(LearnerGroup, user.learner_group)
    if group is None:
        return None
    attained_at = program_attainment_date(user, group)
    record = db.session.scalar(
        select(Attainment).where(Attainment.user_id == user.id, Attainment.group_code == group.code)
    )
    if attained_at is None:
        if record is not None:
            program_attainment_withdrawn.send(record)
            db.session.delete(record)
            db.session.flush()
        return None
    if record is None:
        record = Attainment(user_id=user.id, group_code=group.code, attained_at=attained_at)
        db.session.add(record)
        db.session.flush()
        program_attained.send(record)
    elif record.attained_at != attained_at:
        record.attained_at = attained_at
        db.session.flush()
    return record


def attainment_of(user: User) -> Attainment | None:
    """Return the learner's attainment for their current group."""
    if user.learner_group is None:
        return None
    return db.session.scalar(
        select(Attainment).where(
            Attainment.user_id == user.id, Attainment.group_code == user.learner_group
        )
    )
