"""The completion rules: course completion, program attainment, recomputation after a regrade."""

from __future__ import annotations

from sqlalchemy import select

from assessments import AttemptLayout
from lms.accounts.models import User
from lms.catalog.models import Course, LearnerGroup
from lms.completion.services import attainment_of, update_course_completion
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.learning.services import complete_lesson, enrol
from lms.quizzes.services import quiz_of, save_answers, start_attempt, submit_attempt


def finish_lessons(user: User, course: Course) -> None:
    enrolment = enrol(user, course)
    for lesson in enrolment.version.lessons:
        complete_lesson(user, enrolment, lesson)


def take_quiz(user: User, course: Course, right: bool = True):
    """Start and submit every required quiz, answering with the key (or leaving it blank)."""
    enrolment = enrol(user, course)
    attempts = []
    for quiz_row in enrolment.version.quizzes:
        attempt = start_attempt(user, course, quiz_row)
        quiz = quiz_of(quiz_row)
        layout = AttemptLayout.from_dict(attempt.layout)
        if right:
            save_answers(
                attempt, {qid: quiz.question(qid).correct_response() for qid in layout.question_ids}
            )
        attempts.append(submit_attempt(attempt))
    return attempts


def test_lessons_alone_do_not_complete_a_course_with_a_required_quiz(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        finish_lessons(user, course)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        assert enrolment.completed_at is None
        take_quiz(user, course, right=False)
        assert enrolment.completed_at is None
        attempt = take_quiz(user, course)[0]
        assert enrolment.completed_at == attempt.submitted_at


def test_quiz_passed_before_the_last_lesson_completes_at_the_last_lesson(
    app, quiz_course, make_user
):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        take_quiz(user, course)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        assert enrolment.completed_at is None
        finish_lessons(user, course)
        assert enrolment.completed_at is not None


def test_a_regrade_that_fails_the_quiz_withdraws_completion(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        finish_lessons(user, course)
        attempt = take_quiz(user, course)[0]
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        assert enrolment.completed_at is not None
        attempt.passed = False  # a teacher's regrade found the key was wrong
        assert update_course_completion(user, course) is False
        assert enrolment.completed_at is None


def test_completing_every_program_course_attains_the_standard(app, make_user):
    user_id = make_user(learner_group="citizen")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        program = db.session.get(LearnerGroup, "citizen").program
        assert 4 <= len(program) <= 6
        for item in program[:-1]:
            finish_lessons(user, item.course)
            take_quiz(user, item.course)
        assert attainment_of(user) is None
        last = program[-1].course
        finish_lessons(user, last)
        take_quiz(user, last)
        attainment = attainment_of(user)
        assert attainment is not None and attainment.group_code == "citizen"
        dates = db.session.scalars(
            select(Enrolment.completed_at).where(Enrolment.user_id == user_id)
        ).all()
        assert attainment.attained_at == max(dates)
        # A regrade that fails one program course withdraws the attainment.
        first = program[0].course
        from lms.quizzes.models import QuizAttempt

        for attempt in db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.course_id == first.id)
        ):
            attempt.passed = False
        update_course_completion(user, first)
        assert attainment_of(user) is None
