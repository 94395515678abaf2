"""Taking a quiz: its rules, starting an attempt, saving answers, submitting once, the result.

The questions travel as the web page shows them (lms.quizzes.presenting): choices as random
per-attempt tokens, no option ids, keys, feedback or explanations before submission."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

from assessments import AttemptLayout
from lms.api import serialise
from lms.api.answers import read_json_answers
from lms.api.auth import api_user, requires
from lms.api.errors import ApiError, not_found
from lms.api.idempotency import idempotent
from lms.api.params import json_body
from lms.api.views import bp
from lms.api.views.catalog import published_course
from lms.api.views.learning import not_enrolled
from lms.catalog.models import Course
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from lms.quizzes.presenting import review_of, show_questions
from lms.quizzes.services import (
    QuizError,
    attempts_of,
    close_if_overdue,
    close_overdue_attempts,
    counted_attempt,
    enrolled_quiz,
    own_attempt,
    quiz_of,
    result_of,
    save_answers,
    saved_answers,
    start_attempt,
    submit_attempt,
)

READ = ("learning:read", "quizzes:take")


def quiz_refusal(error: QuizError) -> ApiError:
    """Answer a refusal of the quiz rules the way the web pages do (403 or 404)."""
    if error.code == "not_enrolled":
        return not_enrolled()
    if error.code == "not_yours":
        return ApiError(403, "forbidden", _("Bài làm này không phải của bạn."))
    if error.code == "attempt_limit":
        return ApiError(
            409, "attempt_limit", _("Bạn đã dùng hết số lần làm bài của bài kiểm tra này.")
        )
    if error.code == "no_quiz":
        return not_found(_("Khoá học không có bài kiểm tra này."))
    return not_found(_("Không có bài làm này."))


def _attempt(attempt_id: int) -> QuizAttempt:
    try:
        return own_attempt(api_user(), attempt_id)
    except QuizError as error:
        raise quiz_refusal(error) from None


def _course_slug(attempt: QuizAttempt) -> str:
    course = db.session.get(Course, attempt.course_id)
    return course.slug if course else ""


def attempt_view(attempt: QuizAttempt) -> dict[str, Any]:
    """Return an attempt with its questions while it is open."""
    result = serialise.attempt_summary(attempt, _course_slug(attempt))
    if attempt.is_open:
        quiz = quiz_of(attempt.quiz)
        shown = show_questions(
            quiz, AttemptLayout.from_dict(attempt.layout), attempt.tokens, saved_answers(attempt)
        )
        result["questions"] = [serialise.question(q) for q in shown]
    return result


def result_view(attempt: QuizAttempt) -> dict[str, Any]:
    """Return a submitted attempt's grade, and its review when the quiz allows one."""
    quiz = quiz_of(attempt.quiz)
    review = review_of(quiz, attempt.policy, result_of(attempt), saved_answers(attempt))
    return {
        **serialise.attempt_summary(attempt, _course_slug(attempt)),
        "review_allowed": attempt.policy.get("review", "full") == "full",
        "review": [serialise.review_item(item) for item in review],
    }


@bp.get("/courses/<slug>/quizzes/<quiz_slug>")
@requires(*READ)
def quiz(slug: str, quiz_slug: str) -> dict[str, Any]:
    """Return a quiz's rules and the learner's attempts at it."""
    course = published_course(slug)
    user = api_user()
    try:
        quiz_row = enrolled_quiz(user, course, quiz_slug)
    except QuizError as error:
        raise quiz_refusal(error) from None
    close_overdue_attempts(user=user)
    db.session.commit()
    engine_quiz = quiz_of(quiz_row)
    policy = engine_quiz.policy
    attempts = attempts_of(user, course, quiz_slug)
    counted = counted_attempt(attempts, policy.attempt_counts)
    left = max(0, policy.max_attempts - len(attempts)) if policy.max_attempts else None
    open_attempt = next((a for a in attempts if a.is_open), None)
    return {
        "slug": quiz_row.slug,
        "title": quiz_row.title,
        "course": course.slug,
        "questions": policy.draw or len(engine_quiz.questions),
        "pass_percent": policy.pass_percent,
        "max_attempts": policy.max_attempts,
        "time_limit_minutes": policy.time_limit_minutes,
        "attempt_counts": policy.attempt_counts,
        "review": policy.review,
        "attempts_left": left,
        "open_attempt": open_attempt.id if open_attempt else None,
        "counted_attempt": counted.id if counted else None,
        "passed": bool(counted and counted.passed),
        "attempts": [serialise.attempt_summary(a, course.slug) for a in attempts],
    }


@bp.post("/courses/<slug>/quizzes/<quiz_slug>/attempts")
@requires("quizzes:take")
@idempotent
def start(slug: str, quiz_slug: str) -> tuple[Response, int]:
    """Start an attempt (201), or return the open one (200)."""
    course = published_course(slug)
    user = api_user()
    try:
        quiz_row = enrolled_quiz(user, course, quiz_slug)
        already_open = {a.id for a in attempts_of(user, course, quiz_slug) if a.is_open}
        attempt = start_attempt(user, course, quiz_row)
    except QuizError as error:
        db.session.rollback()
        raise quiz_refusal(error) from None
    db.session.commit()
    return jsonify(attempt_view(attempt)), 200 if attempt.id in already_open else 201


@bp.get("/attempts/<int:attempt_id>")
@requires(*READ)
def attempt(attempt_id: int) -> dict[str, Any]:
    """Return one of the learner's attempts: its questions (no keys) and saved answers."""
    found = _attempt(attempt_id)
    close_if_overdue(found)
    db.session.commit()
    return attempt_view(found)


def _answers_of(found: QuizAttempt, body: dict[str, Any]) -> dict[str, Any]:
    quiz = quiz_of(found.quiz)
    return read_json_answers(
        quiz, AttemptLayout.from_dict(found.layout), found.tokens, body.get("answers")
    )


@bp.patch("/attempts/<int:attempt_id>/answers")
@requires("quizzes:take")
def save(attempt_id: int) -> dict[str, Any]:
    """Save answers to an open attempt (those not sent are kept); late or closed: 409."""
    found = _attempt(attempt_id)
    body = json_body()
    if "answers" not in body:
        raise ApiError(
            422, "validation_error", _("Cần trường “answers”."), fields={"answers": _("bắt buộc")}
        )
    if not found.is_open:
        raise ApiError(409, "attempt_closed", _("Bài làm đã nộp: không lưu thêm được."))
    outcome = save_answers(found, _answers_of(found, body))
    db.session.commit()
    if not outcome.accepted:
        raise ApiError(
            409,
            "attempt_closed" if outcome.reason == "closed" else "attempt_late",
            _("Đã hết giờ làm bài: câu trả lời gửi sau thời hạn không được tính."),
        )
    return {"saved": True, "saved_at": serialise.moment(outcome.saved_at)}


@bp.post("/attempts/<int:attempt_id>/submission")
@requires("quizzes:take")
@idempotent
def submit(attempt_id: int) -> dict[str, Any]:
    """Save the answers sent (if any) and grade the attempt once; again: the same result."""
    found = _attempt(attempt_id)
    body = json_body(required=False)
    if found.is_open:
        if body.get("answers") is not None:
            save_answers(found, _answers_of(found, body))
        submit_attempt(found, closed_by="learner")
    db.session.commit()
    return result_view(found)


@bp.get("/attempts/<int:attempt_id>/result")
@requires(*READ)
def attempt_result(attempt_id: int) -> dict[str, Any]:
    """Return the grade of a submitted attempt and the review the quiz allows; open: 409."""
    found = _attempt(attempt_id)
    close_if_overdue(found)
    db.session.commit()
    if found.is_open:
        raise ApiError(409, "attempt_open", _("Bài làm chưa nộp nên chưa có kết quả."))
    return result_view(found)
