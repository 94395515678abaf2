"""Taking quizzes: the quiz page, an attempt, saving, submitting, the result and review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from assessments import AttemptLayout
from lms.catalog.models import Course
from lms.catalog.models import Quiz as QuizRow
from lms.catalog.services import course_by_slug
from lms.core.i18n import wants_json
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from lms.quizzes.presenting import read_answers, review_of, show_questions
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

bp = Blueprint("quizzes", __name__)


# How a refusal of the quiz rules (QuizError.code) is answered.
REFUSAL_STATUS = {"not_enrolled": 403, "not_yours": 403, "no_quiz": 404, "no_attempt": 404}


def _enrolled_quiz(slug: str, quiz_slug: str) -> tuple[Course, QuizRow]:
    course = course_by_slug(slug) or abort(404)
    try:
        return course, enrolled_quiz(current_user, course, quiz_slug)
    except QuizError as error:
        abort(REFUSAL_STATUS[error.code])


def _own_attempt(attempt_id: int) -> QuizAttempt:
    try:
        return own_attempt(current_user, attempt_id)
    except QuizError as error:
        abort(REFUSAL_STATUS[error.code])


@bp.route("/khoa-hoc/<slug>/kiem-tra/<quiz_slug>")
@login_required
def quiz_page(slug: str, quiz_slug: str) -> str | Response:
    """A quiz's rules and the learner's attempts so far."""
    course = course_by_slug(slug) or abort(404)
    try:
        quiz_row = enrolled_quiz(current_user, course, quiz_slug)
    except QuizError as error:
        if error.code != "not_enrolled":
            abort(REFUSAL_STATUS[error.code])
        flash(_("Hãy bấm “Bắt đầu học” để đăng ký khoá học trước."), "info")
        return redirect(url_for("catalog.course", slug=slug))
    close_overdue_attempts(user=current_user)
    db.session.commit()
    quiz = quiz_of(quiz_row)
    attempts = attempts_of(current_user, course, quiz_slug)
    open_attempt = next((a for a in attempts if a.is_open), None)
    counted = counted_attempt(attempts, quiz.policy.attempt_counts)
    left = max(0, quiz.policy.max_attempts - len(attempts)) if quiz.policy.max_attempts else None
    return render_template(
        "quizzes/quiz.html",
        course=course,
        quiz_row=quiz_row,
        quiz=quiz,
        attempts=attempts,
        open_attempt=open_attempt,
        counted=counted,
        attempts_left=left,
        form=FlaskForm(),
    )


@bp.route("/khoa-hoc/<slug>/kiem-tra/<quiz_slug>/bat-dau", methods=["POST"])
@login_required
def start(slug: str, quiz_slug: str) -> Response:
    """Start an attempt (or go back to the open one)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    course, quiz_row = _enrolled_quiz(slug, quiz_slug)
    try:
        attempt = start_attempt(current_user, course, quiz_row)
    except QuizError:
        db.session.rollback()
        flash(_("Bạn đã dùng hết số lần làm bài của bài kiểm tra này."), "error")
        return redirect(url_for("quizzes.quiz_page", slug=slug, quiz_slug=quiz_slug))
    db.session.commit()
    return redirect(url_for("quizzes.take", attempt_id=attempt.id))


@bp.route("/lam-bai/<int:attempt_id>")
@login_required
def take(attempt_id: int) -> str | Response:
    """Answer the questions of an open attempt."""
    attempt = _own_attempt(attempt_id)
    close_if_overdue(attempt)
    db.session.commit()
    if not attempt.is_open:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    quiz = quiz_of(attempt.quiz)
    questions = show_questions(
        quiz, AttemptLayout.from_dict(attempt.layout), attempt.tokens, saved_answers(attempt)
    )
    return render_template(
        "quizzes/take.html",
        attempt=attempt,
        course=db.session.get(Course, attempt.course_id),
        quiz=quiz,
        questions=questions,
        form=FlaskForm(),
    )


def _save_from_form(attempt: QuizAttempt):  # type: ignore[no-untyped-def]
    quiz = quiz_of(attempt.quiz)
    responses = read_answers(
        quiz, AttemptLayout.from_dict(attempt.layout), attempt.tokens, request.form
    )
    return save_answers(attempt, responses)


@bp.route("/lam-bai/<int:attempt_id>/luu", methods=["POST"])
@login_required
def save(attempt_id: int) -> Response:
    """Save answers: the button without JavaScript, or autosave with it (JSON)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    attempt = _own_attempt(attempt_id)
    outcome = _save_from_form(attempt)
    db.session.commit()
    if wants_json():
        status = 200 if outcome.accepted else 409
        return jsonify(
            saved=outcome.accepted,
            saved_at=outcome.saved_at.isoformat() if outcome.saved_at else None,
            reason=outcome.reason,
        ), status
    if outcome.accepted:
        flash(_("Đã lưu câu trả lời."), "success")
        return redirect(url_for("quizzes.take", attempt_id=attempt.id))
    flash(_("Bài làm đã đóng; câu trả lời gửi sau thời hạn không được tính."), "error")
    return redirect(url_for("quizzes.result", attempt_id=attempt.id))


@bp.route("/lam-bai/<int:attempt_id>/nop", methods=["POST"])
@login_required
def submit(attempt_id: int) -> Response:
    """Save what the form carries, then grade the attempt once."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    attempt = _own_attempt(attempt_id)
    if attempt.is_open:
        _save_from_form(attempt)
        submit_attempt(attempt, closed_by="learner")
    db.session.commit()
    return redirect(url_for("quizzes.result", attempt_id=attempt.id))


@bp.route("/lam-bai/<int:attempt_id>/ket-qua")
@login_required
def result(attempt_id: int) -> str | Response:
    """Score, pass or fail, and the review the quiz allows."""
    attempt = _own_attempt(attempt_id)
    close_if_overdue(attempt)
    db.session.commit()
    if attempt.is_open:
        return redirect(url_for("quizzes.take", attempt_id=attempt.id))
    quiz = quiz_of(attempt.quiz)
    review = review_of(quiz, attempt.policy, result_of(attempt), saved_answers(attempt))
    course = db.session.get(Course, attempt.course_id)
    return render_template(
        "quizzes/result.html", attempt=attempt, course=course, quiz=quiz, review=review
    )
