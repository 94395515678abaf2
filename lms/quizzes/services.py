"""Quiz rules: starting once, saving before the deadline, submitting once, counting the best."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from assessments import (
    AttemptLayout,
    AttemptResult,
    Quiz,
    build_layout,
    grade_attempt,
    parse_quiz,
    quiz_to_dict,
)
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.models import Quiz as QuizRow
from lms.core.db import utcnow
from lms.core.signals import attempt_graded
from lms.extensions import db
from lms.learning.services import enrolment_for
from lms.quizzes.models import OPEN, SUBMITTED, AttemptAnswer, QuizAttempt
from lms.quizzes.presenting import make_tokens

GRACE = timedelta(seconds=30)


class QuizError(Exception):
    """A quiz rule refused an action; the code says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def enrolled_quiz(user: User, course: Course, quiz_slug: str) -> QuizRow:
    """Return a quiz of the version the learner is enrolled on.

    QuizError("not_enrolled") if they are not enrolled, ("no_quiz") if it has no such quiz."""
    enrolment = enrolment_for(user, course)
    if enrolment is None:
        raise QuizError("not_enrolled")
    found = next((q for q in enrolment.version.quizzes if q.slug == quiz_slug), None)
    if found is None:
        raise QuizError("no_quiz")
    return found


def own_attempt(user: User, attempt_id: int) -> QuizAttempt:
    """Return one of the learner's attempts: QuizError("no_attempt") or ("not_yours") otherwise."""
    # An id past the database's integer range names no attempt (and must not reach the driver).
    attempt = db.session.get(QuizAttempt, attempt_id) if 0 < attempt_id < 2**31 else None
    if attempt is None:
        raise QuizError("no_attempt")
    if attempt.user_id != user.id:
        raise QuizError("not_yours")
    return attempt


def quiz_of(row: QuizRow) -> Quiz:
    """Return the engine's quiz for a stored quiz (its definition never changes).

    Parsed once per loaded row: a submission reads the form and grades with the same quiz,
    and the engine's quiz is immutable. The row lives as long as its session (a request)."""
    cached = row.__dict__.get("_engine_quiz")
    if cached is None:
        cached = row.__dict__["_engine_quiz"] = parse_quiz(row.definition, row.slug)
    return cached


def attempts_of(user: User, course: Course, quiz_slug: str) -> list[QuizAttempt]:
    """Return a learner's attempts at a quiz (across course versions), oldest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.course_id == course.id,
                QuizAttempt.quiz_slug == quiz_slug,
            )
            .order_by(QuizAttempt.number)
        )
    )


def is_overdue(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Return whether an open attempt is past its deadline and the grace period."""
    return (
        attempt.is_open
        and attempt.deadline_at is not None
        and (now or utcnow()) > attempt.deadline_at + GRACE
    )


def close_if_overdue(attempt: QuizAttempt) -> None:
    """Grade an open attempt whose time is up, on what was saved in time."""
    if is_overdue(attempt):
        submit_attempt(attempt, closed_by="deadline")


def start_attempt(user: User, course: Course, quiz_row: QuizRow) -> QuizAttempt:
    """Return the learner's open attempt, or start one if the attempt limit allows.

    Two starts racing give one attempt: a unique index allows one open attempt per quiz."""
    attempts = attempts_of(user, course, quiz_row.slug)
    for attempt in attempts:
        close_if_overdue(attempt)
        if attempt.is_open:
            return attempt
    quiz = quiz_of(quiz_row)
    if quiz.policy.max_attempts and len(attempts) >= quiz.policy.max_attempts:
        raise QuizError("attempt_limit")
    layout = build_layout(quiz, random.SystemRandom())
    now = utcnow()
    attempt = QuizAttempt(
        user_id=user.id,
        course_id=course.id,
        quiz_id=quiz_row.id,
        quiz_slug=quiz_row.slug,
        number=len(attempts) + 1,
        layout=layout.to_dict(),
        tokens=make_tokens(quiz, layout),
        policy=policy_of(quiz),
        status=OPEN,
        started_at=now,
        deadline_at=now + timedelta(minutes=quiz.policy.time_limit_minutes)
        if quiz.policy.time_limit_minutes
        else None,
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request started (or numbered) an attempt at the same moment: use that one.
        # Nothing else is pending at the start of an attempt, so rolling back loses nothing.
        db.session.rollback()
        current = next((a for a in attempts_of(user, course, quiz_row.slug) if a.is_open), None)
        if current is None:
            raise QuizError("attempt_limit") from None
        return current
    return attempt


def policy_of(quiz: Quiz) -> dict[str, Any]:
    """Return the quiz's settings in quiz-file form, to snapshot on an attempt."""
    return {k: v for k, v in quiz_to_dict(quiz).items() if k not in ("title", "questions")}


def saved_answers(attempt: QuizAttempt) -> dict[str, Any]:
    """Return the attempt's saved responses by question id."""
    return {
        answer.question_id: answer.response
        for answer in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }


@dataclass(frozen=True)
class SaveOutcome:
    """What became of answers sent by the learner."""

    accepted: bool
    saved_at: datetime | None
    reason: str = ""


def save_answers(attempt: QuizAttempt, responses: dict[str, Any]) -> SaveOutcome:
    """Save responses to an open attempt; late ones (after deadline + 30 s) are ignored."""
    try:
        return _save_answers(attempt, responses)
    except IntegrityError:
        # The same question was first saved twice at once (autosave and a button press):
        # the other write is in; write over it.
        db.session.rollback()
        return _save_answers(attempt, responses)


def _save_answers(attempt: QuizAttempt, responses: dict[str, Any]) -> SaveOutcome:
    now = utcnow()
    if not attempt.is_open:
        return SaveOutcome(False, None, "closed")
    if is_overdue(attempt, now):
        return SaveOutcome(False, None, "late")
    layout = AttemptLayout.from_dict(attempt.layout)
    existing = {
        answer.question_id: answer
        for answer in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    for question_id, response in responses.items():
        if question_id not in layout.question_ids:
            continue
        answer = existing.get(question_id)
        if answer is None:
            db.session.add(
                AttemptAnswer(
                    attempt_id=attempt.id,
                    question_id=question_id,
                    response=response,
                    saved_at=now,
                )
            )
        else:
            answer.response, answer.saved_at = response, now
    db.session.flush()
    return SaveOutcome(True, now)


def submit_attempt(attempt: QuizAttempt, closed_by: str = "learner") -> QuizAttempt:
    """Close and grade an attempt exactly once; later or concurrent calls return that grade.

    The status changes with a conditional UPDATE, so of two racing submissions only one
    grades. Answers are those saved before the deadline plus the grace period."""
    now = utcnow()
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == OPEN)
        .values(status=SUBMITTED, submitted_at=now, closed_by=closed_by)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return attempt
    quiz = quiz_of(attempt.quiz)
    layout = AttemptLayout.from_dict(attempt.layout)
    result = grade_attempt(quiz, layout.question_ids, saved_answers(attempt))
    attempt.score, attempt.max_score = result.score, result.max_score
    attempt.percent, attempt.passed = result.percent, result.passed
    attempt.result = result.to_dict()
    db.session.flush()
    attempt_graded.send(attempt)
    return attempt


def result_of(attempt: QuizAttempt) -> AttemptResult | None:
    """Return the stored grade of a submitted attempt."""
    return AttemptResult.from_dict(attempt.result) if attempt.result else None


def close_overdue_attempts(now: datetime | None = None, user: User | None = None) -> int:
    """Grade every open attempt past its deadline (also for learners who never came back)."""
    moment = now or utcnow()
    stmt = select(QuizAttempt).where(
        QuizAttempt.status == OPEN,
        QuizAttempt.deadline_at.is_not(None),
        QuizAttempt.deadline_at < moment - GRACE,
    )
    if user is not None:
        stmt = stmt.where(QuizAttempt.user_id == user.id)
    closed = 0
    for attempt in db.session.scalars(stmt).all():
        submit_attempt(attempt, closed_by="deadline")
        closed += 1
    return closed


def counted_attempt(attempts: list[QuizAttempt], counts: str) -> QuizAttempt | None:
    """Return the attempt that counts: the best (default) or the last submitted one."""
    graded = [a for a in attempts if a.status == SUBMITTED and a.percent is not None]
    if not graded:
        return None
    if counts == "last":
        return graded[-1]
    return max(graded, key=lambda a: (a.percent, -a.number))


def has_passed(user: User, course: Course, quiz_slug: str) -> bool:
    """Return whether the attempt that counts for this quiz is a pass."""
    attempts = attempts_of(user, course, quiz_slug)
    if not attempts:
        return False
    counts = attempts[-1].policy.get("attempt_counts", "best")
    counted = counted_attempt(attempts, counts)
    return bool(counted and counted.passed)
