"""Certificates follow completion news: issued when a course or program is achieved,
revoked (reason "regrade") when a regrade withdraws it, issued again when the holder
corrects their name."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lms.certificates.services import (
    issue_course_certificate,
    issue_program_certificate,
    reissue_under_corrected_name,
    withdraw_course_certificate,
    withdraw_program_certificate,
)
from lms.core.signals import (
    course_completed,
    course_completion_withdrawn,
    name_corrected,
    program_attained,
    program_attainment_withdrawn,
)


def _on_course_completed(enrolment: Any, **_: Any) -> None:
    issue_course_certificate(enrolment)


def _on_program_attained(attainment: Any, **_: Any) -> None:
    issue_program_certificate(attainment)


def _on_course_completion_withdrawn(enrolment: Any, **_: Any) -> None:
    withdraw_course_certificate(enrolment)


def _on_program_attainment_withdrawn(attainment: Any, **_: Any) -> None:
    withdraw_program_certificate(attainment)


def _on_name_corrected(user: Any, **_: Any) -> None:
    reissue_under_corrected_name(user)


def register(app: Flask) -> None:
    """Connect the listeners (weakly held signals need module-level functions)."""
    course_completed.connect(_on_course_completed)
    program_attained.connect(_on_program_attained)
    course_completion_withdrawn.connect(_on_course_completion_withdrawn)
    program_attainment_withdrawn.connect(_on_program_attainment_withdrawn)
    name_corrected.connect(_on_name_corrected)
