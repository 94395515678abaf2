"""What teachers see of a quiz: attempts, score distribution and item analysis."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from assessments import ItemAnalysis, analyse_items
from lms.catalog.models import Course, CourseVersion
from lms.catalog.models import Quiz as QuizRow
from lms.extensions import db
from lms.quizzes.models import SUBMITTED, QuizAttempt
from lms.quizzes.services import quiz_of, result_of


@dataclass(frozen=True)
class QuizSummary:
    """A quiz of a course's current version with how many attempts it has had."""

    course: Course
    quiz: QuizRow
    submitted: int


def quiz_summaries(course_ids: Select[tuple[int]] | None = None) -> list[QuizSummary]:
    """Return the quizzes of the courses' current versions (of course_ids, if given), with
    their submitted attempts."""
    counts = dict(
        db.session.execute(
            select(QuizAttempt.quiz_id, func.count(QuizAttempt.id))
            .where(QuizAttempt.status == SUBMITTED)
            .group_by(QuizAttempt.quiz_id)
        ).all()
    )
    stmt = (
        select(Course, QuizRow)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .join(QuizRow, QuizRow.version_id == CourseVersion.id)
        .order_by(Course.title, QuizRow.slug)
    )
    if course_ids is not None:
        stmt = stmt.where(Course.id.in_(course_ids))
    rows = db.session.execute(stmt).all()
    return [QuizSummary(course, quiz, counts.get(quiz.id, 0)) for course, quiz in rows]


def item_analysis(quiz_row: QuizRow) -> ItemAnalysis:
    """Return the item analysis over every submitted attempt at this quiz version."""
    attempts = db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.quiz_id == quiz_row.id, QuizAttempt.status == SUBMITTED
        )
    )
    results = [r for r in (result_of(a) for a in attempts) if r is not None]
    return analyse_items(quiz_of(quiz_row), results)


FLAG_LABELS = {
    "nobody_correct": _l("Không ai làm đúng"),
    "everybody_correct": _l("Ai cũng làm đúng"),
    "negative_discrimination": _l("Độ phân biệt âm"),
    "few_responses": _l("Ít lượt trả lời"),
}
