"""Completion follows learning news: a lesson done or a quiz graded may complete a course."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.completion.services import update_course_completion
from lms.core.signals import attempt_graded, lesson_completed
from lms.extensions import db


def _on_attempt_graded(attempt: Any, **_: Any) -> None:
    user = db.session.get(User, attempt.user_id)
    course = db.session.get(Course, attempt.course_id)
    if user is not None and course is not None:
        update_course_completion(user, course, when=attempt.submitted_at)


def _on_lesson_completed(enrolment: Any, **_: Any) -> None:
    user = db.session.get(User, enrolment.user_id)
    if user is not None:
        update_course_completion(user, enrolment.course)


def register(app: Flask) -> None:
    """Connect the listeners (weakly held signals need module-level functions)."""
    attempt_graded.connect(_on_attempt_graded)
    lesson_completed.connect(_on_lesson_completed)
