"""The learner's API: catalog, enrolling, lessons, progress, a whole quiz (no keys before the
end, answers saved, submitted once with Idempotency-Key, result and review), certificates; and
each refusal (401, 403, 404, 409, 422) as the web pages refuse it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.api.models import IdempotentRequest
from lms.api.services import request_fingerprint
from lms.catalog.models import Course
from lms.catalog.services import CatalogFilter, catalog_query
from lms.core.db import utcnow
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests.lms.api_helpers import EXAMPLE_COURSE, EXAMPLE_QUIZ, bearer, make_token
from tests.lms.quiz_fixtures import COURSE_SLUG, QUIZ_SLUG, SECRETS

BOTH = ["learning:read", "quizzes:take"]
QUIZ = f"/api/v1/courses/{COURSE_SLUG}/quizzes/{QUIZ_SLUG}"


@pytest.fixture
def learner(app, make_user):
    """A learner's id and token secret with both learner scopes."""
    user_id = make_user()
    return user_id, make_token(app, user_id, BOTH)


# --- catalog ----------------------------------------------------------------------------------


def test_catalog_pages_filters_and_diacritic_blind_search(app, client):
    with app.app_context():
        total = db.session.scalar(
            select(func.count()).select_from(catalog_query(CatalogFilter()).subquery())
        )
    first = client.get("/api/v1/courses?per_page=5").get_json()
    assert first["total"] == total and first["pages"] == -(-total // 5) and len(first["items"]) == 5
    assert first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).get_json()
    assert second["page"] == 2 and not {c["slug"] for c in first["items"]} & {
        c["slug"] for c in second["items"]
    }
    beyond = client.get(f"/api/v1/courses?page={first['pages'] + 1}&per_page=5").get_json()
    assert beyond["items"] == [] and beyond["links"]["next"] is None
    found = client.get("/api/v1/courses?q=dien thoai thong minh").get_json()["items"]
    assert EXAMPLE_COURSE in [c["slug"] for c in found]
    students = client.get("/api/v1/courses?group=student&per_page=100").get_json()["items"]
    assert students and all("student" in c["groups"] for c in students)
    level_one = client.get("/api/v1/courses?level=1&per_page=100").get_json()["items"]
    assert level_one and all(c["level"]["bac"] == 1 for c in level_one)
    for bad in ("page=0", "per_page=0", "level=9", "group=everyone", "level=x", "page="):
        response = client.get(f"/api/v1/courses?{bad}")
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "validation_error"


def test_a_course_with_its_lessons_and_the_filters(app, client):
    course = client.get(f"/api/v1/courses/{EXAMPLE_COURSE}").get_json()
    assert course["slug"] == EXAMPLE_COURSE and course["version"] >= 1
    assert course["lessons"][0]["slug"] == "bat-may-va-man-hinh-chinh"
    assert all(lesson["required"] for lesson in course["lessons"])
    assert course["quizzes"] == [
        {"slug": EXAMPLE_QUIZ, "title": course["quizzes"][0]["title"], "required": True}
    ]
    assert client.get("/api/v1/courses/khong-co").status_code == 404
    filters = client.get("/api/v1/catalog/filters").get_json()
    assert [g["code"] for g in filters["groups"]] == [
        "public_servant",
        "student",
        "enterprise_worker",
        "citizen",
    ]
    assert len(filters["levels"]) == 8 and filters["domains"][0]["competences"]


# --- learning ---------------------------------------------------------------------------------


def test_enrol_read_lessons_mark_them_done_and_follow_progress(app, client, learner):
    _user_id, secret = learner
    base = f"/api/v1/courses/{EXAMPLE_COURSE}"
    lesson = f"{base}/lessons/bat-may-va-man-hinh-chinh"
    refused = client.get(lesson, headers=bearer(secret))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_enrolled"
    assert client.post(f"{lesson}/completion", headers=bearer(secret)).status_code == 403
    assert client.get(f"{base}/progress", headers=bearer(secret)).get_json()["enrolled"] is False
    first = client.post(f"{base}/enrolment", headers=bearer(secret))
    again = client.post(f"{base}/enrolment", headers=bearer(secret))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["resume_lesson"] == "bat-may-va-man-hinh-chinh"
    read = client.get(lesson, headers=bearer(secret)).get_json()
    assert read["done"] is False and read["previous"] is None and read["next"]
    assert "<" in read["body_html"] and "<script" not in read["body_html"]
    done = client.post(f"{lesson}/completion", headers=bearer(secret))
    assert done.status_code == 201 and done.get_json()["done_lessons"] == [read["slug"]]
    assert client.post(f"{lesson}/completion", headers=bearer(secret)).status_code == 200
    progress = client.get(f"{base}/progress", headers=bearer(secret)).get_json()
    assert progress["done_required"] == 1 and progress["resume_lesson"] == read["next"]
    assert progress["quizzes"] == [{"slug": EXAMPLE_QUIZ, "passed": False}]
    mine = client.get("/api/v1/me/progress", headers=bearer(secret)).get_json()
    assert [p["course"]["slug"] for p in mine["items"]] == [EXAMPLE_COURSE]
    assert mine["program"]["group"] == "citizen" and mine["program"]["attained"] is False
    assert client.get(f"{base}/lessons/khong-co", headers=bearer(secret)).status_code == 404


def test_reading_needs_learning_read_and_writing_needs_quizzes_take(app, client, make_user):
    user_id = make_user()
    taker = make_token(app, user_id, ["quizzes:take"])
    reader = make_token(app, user_id, ["learning:read"])
    base = f"/api/v1/courses/{EXAMPLE_COURSE}"
    assert client.post(f"{base}/enrolment", headers=bearer(reader)).status_code == 403
    assert client.post(f"{base}/enrolment", headers=bearer(taker)).status_code == 201
    assert client.get("/api/v1/me/progress", headers=bearer(taker)).status_code == 403
    assert client.get("/api/v1/me/progress", headers=bearer(reader)).status_code == 200
    assert client.get("/api/v1/me/certificates", headers=bearer(taker)).status_code == 403
    assert client.get("/api/v1/me/progress").status_code == 401


# --- quizzes ----------------------------------------------------------------------------------

RIGHT_TEXT = {
    "sc": "Ống nghe",
    "mc": {"Giục chuyển tiền gấp", "Gửi đường link lạ"},
    "tf": "Đúng",
    "ma": {"Zalo": "Nhắn tin", "VNeID": "Định danh điện tử"},
    "or": ["Mở Cài đặt", "Chọn Wi-Fi", "Chọn tên mạng", "Nhập mật khẩu"],
}


def right_answers(attempt: dict) -> dict:
    """Return full-marks answers written in the attempt's tokens."""
    answers = {}
    for q in attempt["questions"]:
        value_of = {c["text"]: c["value"] for c in q["choices"]}
        if q["id"] in ("sc", "tf"):
            answers[q["id"]] = value_of[RIGHT_TEXT[q["id"]]]
        elif q["id"] == "mc":
            answers["mc"] = [value_of[t] for t in sorted(RIGHT_TEXT["mc"])]
        elif q["id"] == "ma":
            answers["ma"] = {
                left["key"]: value_of[RIGHT_TEXT["ma"][left["text"]]] for left in q["lefts"]
            }
        elif q["id"] == "or":
            answers["or"] = [value_of[t] for t in RIGHT_TEXT["or"]]
    answers["sa"] = "mot-mot-ba-bi-mat"
    answers["nu"] = "6"
    return answers


def start(client, secret: str):
    return client.post(f"{QUIZ}/attempts", headers=bearer(secret))


def test_a_whole_quiz_through_the_api(app, client, quiz_course, learner):
    _user_id, secret = learner
    refused = start(client, secret)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_enrolled"
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    created = start(client, secret)
    assert created.status_code == 201
    attempt = created.get_json()
    body = created.get_data(as_text=True)
    assert not [s for s in SECRETS if s in body and s != '"correct"'] and '"correct"' not in body
    assert json.loads(body)["status"] == "in_progress" and attempt["deadline_at"]
    assert start(client, secret).get_json()["id"] == attempt["id"]  # the open one again
    assert start(client, secret).status_code == 200

    answers = right_answers(attempt)
    half = {k: answers[k] for k in ("sc", "or", "ma")}
    url = f"/api/v1/attempts/{attempt['id']}"
    saved = client.patch(f"{url}/answers", headers=bearer(secret), json={"answers": half})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    shown = {
        q["id"]: q["answer"]
        for q in client.get(url, headers=bearer(secret)).get_json()["questions"]
    }
    assert shown["sc"] == half["sc"] and shown["or"] == half["or"] and shown["ma"] == half["ma"]
    assert shown["nu"] is None
    pending = client.get(f"{url}/result", headers=bearer(secret))
    assert pending.status_code == 409 and pending.get_json()["error"]["code"] == "attempt_open"

    key = {"Idempotency-Key": "3c1b7e1e-kiosk-01"}
    submitted = client.post(
        f"{url}/submission", headers={**bearer(secret), **key}, json={"answers": answers}
    )
    result = submitted.get_json()
    assert submitted.status_code == 200, result
    assert (result["percent"], result["passed"], result["status"]) == (100.0, True, "submitted")
    assert {r["question_id"] for r in result["review"]} == set(answers)
    assert any(r["explanation"] for r in result["review"])  # revealed only now
    replay = client.post(
        f"{url}/submission", headers={**bearer(secret), **key}, json={"answers": answers}
    )
    assert replay.get_data() == submitted.get_data() and replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    reused = client.post(f"{url}/submission", headers={**bearer(secret), **key}, json={})
    assert reused.status_code == 422
    assert reused.get_json()["error"]["code"] == "idempotency_key_reused"
    plain = client.post(f"{url}/submission", headers=bearer(secret), json={"answers": {}})
    assert plain.status_code == 200 and plain.get_json()["score"] == result["score"]
    late = client.patch(f"{url}/answers", headers=bearer(secret), json={"answers": half})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    assert client.get(f"{url}/result", headers=bearer(secret)).get_json()["score"] == 7
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
        assert db.session.scalar(select(QuizAttempt.percent)) == 100.0

    info = client.get(QUIZ, headers=bearer(secret)).get_json()
    assert info["passed"] is True and info["attempts_left"] == 1
    assert info["counted_attempt"] == attempt["id"] and info["max_attempts"] == 2
    progress = client.get(f"/api/v1/courses/{COURSE_SLUG}/progress", headers=bearer(secret))
    assert progress.get_json()["quizzes"] == [{"slug": QUIZ_SLUG, "passed": True}]


def test_wrong_answers_are_refused_naming_the_question(app, client, quiz_course, learner):
    _user_id, secret = learner
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    attempt = start(client, secret).get_json()
    ordering = next(q for q in attempt["questions"] if q["id"] == "or")
    url = f"/api/v1/attempts/{attempt['id']}/answers"
    for answers, field in [
        ({"khong-co": "x"}, "answers.khong-co"),
        ({"sc": "opt-right"}, "answers.sc"),  # an option id is not a token
        ({"mc": "not-a-list"}, "answers.mc"),
        ({"ma": {"9": None}}, "answers.ma"),
        ({"sa": ["list"]}, "answers.sa"),
        ({"or": [ordering["choices"][0]["value"]] * 2}, "answers.or"),  # twice
    ]:
        response = client.patch(url, headers=bearer(secret), json={"answers": answers})
        assert response.status_code == 422, answers
        assert field in response.get_json()["error"]["fields"], answers
    assert client.patch(url, headers=bearer(secret), json={"answers": []}).status_code == 422
    assert client.patch(url, headers=bearer(secret), json={}).status_code == 422
    broken = client.patch(
        url, headers={**bearer(secret), "Content-Type": "application/json"}, data="{"
    )
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "bad_request"
    cleared = client.patch(url, headers=bearer(secret), json={"answers": {"sc": None}})
    assert cleared.status_code == 200


def test_other_peoples_attempts_and_unknown_ones(app, client, quiz_course, learner, make_user):
    _user_id, secret = learner
    other = make_token(app, make_user(), BOTH)
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    attempt = start(client, secret).get_json()
    url = f"/api/v1/attempts/{attempt['id']}"
    for method, path in [
        ("get", url),
        ("get", f"{url}/result"),
        ("post", f"{url}/submission"),
    ]:
        response = getattr(client, method)(path, headers=bearer(other))
        assert response.status_code == 403, path
    foreign = client.patch(f"{url}/answers", headers=bearer(other), json={"answers": {}})
    assert foreign.status_code == 403
    assert client.get("/api/v1/attempts/999999", headers=bearer(secret)).status_code == 404
    huge = client.get(f"/api/v1/attempts/{2**70}", headers=bearer(secret))
    assert huge.status_code == 404  # not a server error
    assert client.get(f"{QUIZ}-khong-co", headers=bearer(secret)).status_code == 404


def test_the_attempt_limit_and_a_late_save(app, client, quiz_course, learner):
    _user_id, secret = learner
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    for _ in range(2):
        attempt = start(client, secret).get_json()
        client.post(f"/api/v1/attempts/{attempt['id']}/submission", headers=bearer(secret))
    third = start(client, secret)
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "attempt_limit"
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt["id"])
        row.status, row.deadline_at = "in_progress", utcnow() - timedelta(minutes=5)
        row.result = row.percent = row.score = row.passed = None
        db.session.commit()
    late = client.patch(
        f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer(secret), json={"answers": {}}
    )
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_late"


def test_an_idempotency_key_in_use_is_409(app, client, quiz_course, learner):
    user_id, secret = learner
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    attempt = start(client, secret).get_json()
    path = f"/api/v1/attempts/{attempt['id']}/submission"
    with app.app_context():
        db.session.add(
            IdempotentRequest(
                user_id=user_id, key="k-1", fingerprint=request_fingerprint("POST", path, None)
            )
        )
        db.session.commit()
    busy = client.post(path, headers={**bearer(secret), "Idempotency-Key": "k-1"})
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "idempotency_in_progress"
    assert int(busy.headers["Retry-After"]) >= 1
    bad = client.post(path, headers={**bearer(secret), "Idempotency-Key": "ä" * 3})
    assert bad.status_code == 422
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt["id"]).status == "in_progress"


# --- certificates -----------------------------------------------------------------------------


def test_my_certificates_and_their_public_check(app, client, quiz_course, learner):
    _user_id, secret = learner
    client.post(f"/api/v1/courses/{COURSE_SLUG}/enrolment", headers=bearer(secret))
    client.post(f"/api/v1/courses/{COURSE_SLUG}/lessons/bai-mot/completion", headers=bearer(secret))
    assert client.get("/api/v1/me/certificates", headers=bearer(secret)).get_json()["total"] == 0
    attempt = start(client, secret).get_json()
    client.post(
        f"/api/v1/attempts/{attempt['id']}/submission",
        headers=bearer(secret),
        json={"answers": right_answers(attempt)},
    )
    progress = client.get(f"/api/v1/courses/{COURSE_SLUG}/progress", headers=bearer(secret))
    assert progress.get_json()["completed"] is True
    mine = client.get("/api/v1/me/certificates", headers=bearer(secret)).get_json()
    assert mine["total"] == 1
    certificate = mine["items"][0]
    assert certificate["status"] == "valid" and certificate["kind"] == "course"
    public = client.get(f"/api/v1/certificates/{certificate['code']}")
    assert public.status_code == 200 and public.get_json() == certificate
    missing = client.get("/api/v1/certificates/KHONG-CO")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] in (
        "malformed",
        "mistyped",
        "not_found",
    )
    with app.app_context():
        assert db.session.scalar(select(Course.id).where(Course.slug == COURSE_SLUG))
