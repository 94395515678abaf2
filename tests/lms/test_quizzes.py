"""Taking quizzes: starting once, saving, deadlines, submitting once, review, teacher statistics."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.core.db import utcnow
from lms.core.signals import attempt_graded
from lms.extensions import db
from lms.learning.services import enrol
from lms.quizzes.models import QuizAttempt
from lms.quizzes.services import (
    QuizError,
    close_overdue_attempts,
    has_passed,
    quiz_of,
    save_answers,
    start_attempt,
    submit_attempt,
)
from tests.conftest import csrf_token
from tests.lms.quiz_fixtures import COURSE_SLUG, QUIZ_SLUG, SECRETS

RIGHT = {
    "sc": "opt-right",
    "mc": ["m-right-1", "m-right-2"],
    "tf": True,
    "sa": "một-một-ba-bí-mật",
    "nu": "6",
    "ma": {"0": "0", "1": "1"},
    "or": ["0", "1", "2", "3"],
}


def _setup(app, course_id, user_id):
    course = db.session.get(Course, course_id)
    user = db.session.get(User, user_id)
    enrol(user, course)
    quiz_row = course.current_version.quizzes[0]
    return user, course, quiz_row


def test_start_fixes_layout_tokens_and_policy_and_returns_the_open_attempt(
    app, quiz_course, make_user
):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        db.session.commit()
        assert sorted(attempt.layout["question_ids"]) == sorted(RIGHT)
        assert attempt.policy["max_attempts"] == 2 and attempt.policy["pass_percent"] == 60
        assert attempt.deadline_at - attempt.started_at == timedelta(minutes=5)
        assert set(attempt.tokens["sc"].values()) == {"opt-right", "opt-wrong", "opt-other"}
        assert not {"opt-right", "opt-wrong"} & set(attempt.tokens["sc"])  # tokens are not ids
        assert start_attempt(user, course, quiz_row).id == attempt.id


def test_full_marks_pass_and_a_finished_grade_survives_quiz_edits(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        assert save_answers(attempt, RIGHT).accepted
        submit_attempt(attempt)
        db.session.commit()
        assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
            7,
            7,
            100.0,
            True,
        )
        assert has_passed(user, course, QUIZ_SLUG)


def test_grading_uses_only_saved_answers_and_partial_credit(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        save_answers(attempt, {"sc": "opt-wrong", "mc": ["m-right-1"], "tf": True})
        submit_attempt(attempt)
        # 0 + 0.5 + 1 of 7 = 21.4 %
        assert attempt.score == pytest.approx(1.5)
        assert attempt.percent == 21.4 and attempt.passed is False


def test_attempt_limit_cannot_be_bypassed(app, quiz_course, make_user, client, login):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        for _ in range(2):
            submit_attempt(start_attempt(user, course, quiz_row))
        db.session.commit()
        with pytest.raises(QuizError):
            start_attempt(user, course, quiz_row)
        db.session.rollback()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    response = client.post(
        f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}/bat-dau", data={"csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/kiem-tra/{QUIZ_SLUG}"
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_answers_after_deadline_plus_grace_are_ignored_and_attempt_closed(
    app, quiz_course, make_user
):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        save_answers(attempt, {"sc": "opt-right"})
        attempt.deadline_at = utcnow() - timedelta(seconds=20)  # inside the 30 s grace
        assert save_answers(attempt, {"tf": True}).accepted
        attempt.deadline_at = utcnow() - timedelta(seconds=31)
        late = save_answers(attempt, {"mc": ["m-right-1", "m-right-2"]})
        assert not late.accepted and late.reason == "late"
        db.session.commit()
        # The learner never comes back: the sweep grades what was saved in time.
        assert close_overdue_attempts() == 1
        db.session.commit()
        db.session.refresh(attempt)
        assert attempt.status == "submitted" and attempt.closed_by == "deadline"
        assert attempt.score == 2


def test_submitting_twice_grades_once_and_signals_once(app, quiz_course, make_user):
    user_id = make_user()
    sent = []
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        save_answers(attempt, RIGHT)
        db.session.commit()
        with attempt_graded.connected_to(lambda sender, **kw: sent.append(sender.id)):
            first = submit_attempt(attempt)
            save_answers(attempt, {"sc": "opt-wrong"})  # ignored: closed
            second = submit_attempt(attempt)
        assert first.result == second.result and sent == [attempt.id]


def _concurrently(n, work):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_submissions_give_exactly_one_graded_result(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        save_answers(attempt, RIGHT)
        db.session.commit()
        attempt_id = attempt.id
    sent = []

    def submit():
        with app.test_request_context():
            mine = db.session.get(QuizAttempt, attempt_id)
            submit_attempt(mine)
            db.session.commit()
            return mine.submitted_at

    with attempt_graded.connected_to(lambda sender, **kw: sent.append(sender.id)):
        stamps = _concurrently(4, submit)
    assert len(set(stamps)) == 1
    assert sent == [attempt_id]


def test_concurrent_starts_give_one_attempt(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        _setup(app, quiz_course, user_id)
        db.session.commit()

    def start():
        with app.test_request_context():
            user = db.session.get(User, user_id)
            course = db.session.get(Course, quiz_course)
            attempt = start_attempt(user, course, course.current_version.quizzes[0])
            db.session.commit()
            return attempt.id

    ids = _concurrently(4, start)
    assert len(set(ids)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


# --- through the pages -------------------------------------------------------------------


def _enrolled_client(app, client, login, make_user):
    make_user()
    login("user1@example.com")
    token = csrf_token(client, f"/khoa-hoc/{COURSE_SLUG}")
    client.post(f"/khoa-hoc/{COURSE_SLUG}/dang-ky-hoc", data={"csrf_token": token})


def _form_answers(html: str, attempt: QuizAttempt) -> dict:
    """Build the form a learner would send with every answer right, from the page's tokens."""
    by_key = {
        qid: {key: token for token, key in tokens.items()} for qid, tokens in attempt.tokens.items()
    }
    data = {"present": [f"q-{q}" for q in RIGHT]}
    data["q-sc"] = by_key["sc"]["opt-right"]
    data["q-mc"] = [by_key["mc"]["m-right-1"], by_key["mc"]["m-right-2"]]
    data["q-tf"] = by_key["tf"]["true"]
    data["q-sa"] = "  Một-Một-Ba-Bí-Mật "
    data["q-nu"] = "6,0"
    data["q-ma-0"], data["q-ma-1"] = by_key["ma"]["0"], by_key["ma"]["1"]
    for position, key in enumerate(["0", "1", "2", "3"], start=1):
        data[f"q-or-{by_key['or'][key]}"] = str(position)
    for value in re.findall(r'value="([^"]+)"', html):
        assert value  # every value on the page is a token, checked by the leak test
    return data


def test_full_journey_through_pages_with_review(app, quiz_course, make_user, client, login):
    _enrolled_client(app, client, login, make_user)
    page = client.get(f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}").get_data(as_text=True)
    assert "Được làm tối đa 2 lần." in page and "5 phút" in page
    token = csrf_token(client, f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    started = client.post(
        f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}/bat-dau", data={"csrf_token": token}
    )
    take_url = started.headers["Location"]
    html = client.get(take_url).get_data(as_text=True)
    assert "Hết giờ lúc" in html and 'data-deadline="' in html
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        data = _form_answers(html, attempt)
    data["csrf_token"] = csrf_token(client, take_url)
    saved = client.post(f"{take_url}/luu", data=data, headers={"Accept": "application/json"})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    # No JavaScript: the submit button posts the whole form and grades it.
    done = client.post(f"{take_url}/nop", data=data)
    assert done.headers["Location"].endswith("/ket-qua")
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "100.0%" in result and "Đạt" in result
    assert "GIẢI-THÍCH-BÍ-MẬT-sc" in result  # the review shows explanations after submission
    # The same attempt cannot be taken again: its page now redirects to the result.
    assert client.get(take_url).headers["Location"].endswith("/ket-qua")


def test_no_answer_key_leaves_the_server_before_submission(
    app, quiz_course, make_user, client, login
):
    _enrolled_client(app, client, login, make_user)
    bodies = []
    quiz_url = f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}"
    bodies.append(client.get(quiz_url).get_data(as_text=True))
    token = csrf_token(client, quiz_url)
    started = client.post(f"{quiz_url}/bat-dau", data={"csrf_token": token})
    bodies.append(started.get_data(as_text=True))
    take_url = started.headers["Location"]
    html = client.get(take_url).get_data(as_text=True)
    bodies.append(html)
    with app.app_context():
        data = _form_answers(html, db.session.scalar(select(QuizAttempt)))
    data["csrf_token"] = csrf_token(client, take_url)
    bodies.append(
        client.post(f"{take_url}/luu", data=data, headers={"Accept": "application/json"}).get_data(
            as_text=True
        )
    )
    bodies.append(client.post(f"{take_url}/luu", data=data).get_data(as_text=True))
    bodies.append(client.get(take_url).get_data(as_text=True))
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body, secret
        assert "explanation" not in body.lower() and "feedback" not in body.lower()


def test_another_learners_attempt_is_forbidden(app, quiz_course, make_user, client, login):
    owner = make_user(login="owner@example.com")
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, owner)
        attempt_id = start_attempt(user, course, quiz_row).id
        db.session.commit()
    make_user(login="other@example.com")
    login("other@example.com")
    assert client.get(f"/lam-bai/{attempt_id}").status_code == 403
    assert client.get(f"/lam-bai/{attempt_id}/ket-qua").status_code == 403
    token = csrf_token(client, "/tai-khoan")
    assert client.post(f"/lam-bai/{attempt_id}/luu", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/lam-bai/{attempt_id}/nop", data={"csrf_token": token}).status_code == 403
    assert client.get("/lam-bai/999999").status_code == 404


def test_overdue_attempt_is_closed_when_the_learner_comes_back(
    app, quiz_course, make_user, client, login
):
    _enrolled_client(app, client, login, make_user)
    token = csrf_token(client, f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    take_url = client.post(
        f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}/bat-dau", data={"csrf_token": token}
    ).headers["Location"]
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        attempt.deadline_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(take_url)
    assert response.headers["Location"].endswith("/ket-qua")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nộp tự động khi hết giờ" in html


def test_quiz_needs_enrolment(app, quiz_course, make_user, client, login):
    make_user()
    login("user1@example.com")
    response = client.get(f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/khoa-hoc/{COURSE_SLUG}"
    )
    token = csrf_token(client, "/tai-khoan")
    assert (
        client.post(
            f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}/bat-dau", data={"csrf_token": token}
        ).status_code
        == 403
    )


def test_teacher_sees_item_analysis_and_exports_csv(app, quiz_course, make_user, client, login):
    for n in range(3):
        user_id = make_user(login=f"learner{n}@example.com")
        with app.test_request_context():
            user, course, quiz_row = _setup(app, quiz_course, user_id)
            attempt = start_attempt(user, course, quiz_row)
            save_answers(attempt, RIGHT if n else {"sc": "opt-wrong"})
            submit_attempt(attempt)
            db.session.commit()
            quiz_id = quiz_row.id
    teacher_id = make_user(role="teacher", login="teacher@example.com")
    login("teacher@example.com")
    # Only the courses a teacher authors are theirs to analyse.
    assert "Khoá thử bài kiểm tra" not in client.get("/giang-vien/kiem-tra").get_data(as_text=True)
    assert client.get(f"/giang-vien/kiem-tra/{quiz_id}").status_code == 403
    assert client.get(f"/giang-vien/kiem-tra/{quiz_id}/phan-tich.csv").status_code == 403
    with app.app_context():
        from lms.authoring.models import CourseAuthor

        db.session.add(CourseAuthor(course_id=quiz_course, user_id=teacher_id, role="coauthor"))
        db.session.commit()
    assert "Khoá thử bài kiểm tra" in client.get("/giang-vien/kiem-tra").get_data(as_text=True)
    html = client.get(f"/giang-vien/kiem-tra/{quiz_id}").get_data(as_text=True)
    assert "Số bài đã nộp" in html and "Biểu tượng nào dùng để gọi điện?" in html
    csv = client.get(f"/giang-vien/kiem-tra/{quiz_id}/phan-tich.csv")
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffma_cau,cau_hoi")
    row = next(line for line in text.splitlines() if line.startswith("sc,"))
    assert ",3,3,0.667," in row  # presented 3, answered 3, facility 2/3


def test_learners_cannot_see_quiz_statistics(app, quiz_course, make_user, client, login):
    make_user()
    login("user1@example.com")
    assert client.get("/giang-vien/kiem-tra").status_code == 403
    with app.app_context():
        quiz_id = db.session.get(Course, quiz_course).current_version.quizzes[0].id
    assert client.get(f"/giang-vien/kiem-tra/{quiz_id}/phan-tich.csv").status_code == 403


def test_cli_closes_overdue_attempts(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course, quiz_row = _setup(app, quiz_course, user_id)
        attempt = start_attempt(user, course, quiz_row)
        attempt.deadline_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0 and "1 bài" in result.output


def test_many_learners_submitting_at_once_are_all_graded(app, make_user):
    """Concurrent submissions update shared rollup rows; none may fail (a deadlock did)."""
    from assessments import AttemptLayout

    slug = "lam-quen-dien-thoai-thong-minh"
    prepared = []
    for n in range(6):
        user_id = make_user(login=f"song-song-{n}@example.com")
        with app.test_request_context():
            user = db.session.get(User, user_id)
            course = db.session.scalar(select(Course).where(Course.slug == slug))
            enrol(user, course)
            quiz_row = course.current_version.quizzes[0]
            attempt = start_attempt(user, course, quiz_row)
            quiz = quiz_of(quiz_row)
            layout = AttemptLayout.from_dict(attempt.layout)
            save_answers(
                attempt, {qid: quiz.question(qid).correct_response() for qid in layout.question_ids}
            )
            db.session.commit()
            prepared.append(attempt.id)
    ids = iter(prepared)
    lock = threading.Lock()

    def submit():
        with lock:
            attempt_id = next(ids)
        with app.test_request_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            submit_attempt(attempt)
            db.session.commit()
            return attempt.passed

    assert _concurrently(len(prepared), submit) == [True] * len(prepared)
