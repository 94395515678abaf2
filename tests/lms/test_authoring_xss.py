"""Teacher-written text is escaped or sanitised wherever it appears: pages, JSON, CSV, PDF.

This checks the HTML the server sends; tests/e2e/test_authoring_xss.py checks in a real
browser, with the CSP switched off, that none of it runs."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.authoring_xss import FORMULA, PAYLOADS, SLUG, build_xss_course, certificate_code

TEACHER, LEARNER = "co.giao@example.com", "hoc.vien@example.com"


class ActiveContent(HTMLParser):
    """Collect anything in a page that could run script or load a page of the attacker's."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/js/"):
            self.found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "base", "frame", "frameset", "math", "style"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in values:
            self.found.append(f"<meta {attrs}>")
        for name, value in attrs:
            text = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on") or name in ("srcdoc", "style"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "data") and text.startswith(
                ("javascript:", "data:text")
            ):
                self.found.append(f"<{tag} {name}={value}>")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.fixture
def xss_course(app, make_user, scratch):
    teacher_id = make_user(role="teacher", login=TEACHER, full_name="Cô Giáo")
    learner_id = make_user(login=LEARNER, full_name="Học Viên")
    with app.test_request_context():
        course = build_xss_course(
            db.session.get(User, teacher_id), db.session.get(User, learner_id)
        )
        db.session.commit()
        ids = {
            "course": course.id,
            "quiz": course.current_version.quizzes[0].id,
            "certificate": certificate_code(course.id, learner_id),
            "learner": learner_id,
        }
    return ids


def _teacher_pages(course_id: int) -> list[str]:
    base = f"/soan-bai/{course_id}"
    return [
        "/soan-bai",
        base,
        f"{base}/thong-tin",
        f"{base}/tac-gia",
        f"{base}/nhat-ky",
        f"{base}/xuat-ban",
        f"{base}/xem-truoc",
        f"{base}/bai-hoc/p1-img-src-x-onerror-window-xss-2-alert-2",
        f"{base}/bai-hoc/p1-img-src-x-onerror-window-xss-2-alert-2/lich-su",
        f"{base}/bai-hoc/p1-img-src-x-onerror-window-xss-2-alert-2/lich-su/1",
        f"{base}/xem-truoc/bai/p1-img-src-x-onerror-window-xss-2-alert-2",
        f"{base}/ngan-hang",
        f"{base}/cau-hoi/q1",
        f"{base}/cau-hoi/q2",
        f"{base}/cau-hoi/q3",
        f"{base}/cau-hoi/q1/xoa",
    ]


def test_teacher_pages_carry_no_active_content(app, client, login, xss_course):
    login(TEACHER)
    with app.app_context():
        course = db.session.get(Course, xss_course["course"])
        quiz_slug = course.current_version.quizzes[0].slug
        lesson_slug = course.current_version.lessons[0].slug
    base = f"/soan-bai/{xss_course['course']}"
    pages = [
        p.replace("p1-img-src-x-onerror-window-xss-2-alert-2", lesson_slug)
        for p in _teacher_pages(xss_course["course"])
    ]
    pages += [
        f"{base}/kiem-tra/{quiz_slug}",
        f"{base}/kiem-tra/{quiz_slug}/xem-truoc",
        "/giang-vien/kiem-tra",
        f"/giang-vien/kiem-tra/{xss_course['quiz']}",
    ]
    shown_literally = []
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert active_content(html) == [], path
        assert "49 Jinja" not in html, path  # template syntax in teachers' text is never run
        if "{{ 7*7 }} {% if 1 %}Jinja{% endif %}" in html:
            shown_literally.append(path)
    assert shown_literally  # the question editor shows it as typed


def test_learner_pages_carry_no_active_content(app, client, login, xss_course):
    login(LEARNER)
    with app.app_context():
        course = db.session.get(Course, xss_course["course"])
        version = course.current_version
        lessons = [lesson.slug for lesson in version.lessons]
        quiz_slug = version.quizzes[0].slug
        from lms.quizzes.models import QuizAttempt

        attempts = db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.course_id == course.id)
            .order_by(QuizAttempt.number)
        ).all()
        attempt_ids = [a.id for a in attempts]
    pages = [
        "/",
        "/khoa-hoc",
        "/khoa-hoc?q=P0",
        f"/khoa-hoc/{SLUG}",
        "/hoc-tap-cua-toi",
        "/chung-nhan-cua-toi",
    ]
    pages += [f"/khoa-hoc/{SLUG}/bai/{slug}" for slug in lessons]
    pages += [f"/khoa-hoc/{SLUG}/kiem-tra/{quiz_slug}"]
    pages += [
        f"/lam-bai/{attempt_ids[0]}/ket-qua",
        f"/lam-bai/{attempt_ids[1]}/ket-qua",
        f"/lam-bai/{attempt_ids[2]}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert active_content(html) == [], path
    review = client.get(f"/lam-bai/{attempt_ids[0]}/ket-qua").get_data(as_text=True)
    # The chosen option's feedback and the question's feedback are shown, as text.
    assert "P13 &lt;style&gt;" in review and "P15 &lt;body onload=" in review


def test_preview_json_is_sanitised_json(app, client, login, xss_course):
    login(TEACHER)
    base = f"/soan-bai/{xss_course['course']}"
    response = client.post(
        f"{base}/xem-truoc-markdown",
        data={"csrf_token": csrf_token(client, base), "body": "\n\n".join(PAYLOADS)},
        headers={"Accept": "application/json"},
    )
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert active_content(response.get_json()["html"]) == []


def test_certificate_json_and_pdf_show_the_title_as_text(app, client, login, xss_course):
    code = xss_course["certificate"]
    assert code, "completing the course issues a certificate"
    api = client.get(f"/api/v1/certificates/{code}")
    assert api.mimetype == "application/json" and api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.get_json()["title"].endswith(PAYLOADS[0])  # the text as typed; JSON is not HTML
    page = client.get(f"/verify/{code}", follow_redirects=True).get_data(as_text=True)
    assert active_content(page) == [] and "&lt;script&gt;window.__xss=1" in page
    login(LEARNER)
    pdf = client.get(f"/chung-nhan/{code}.pdf", buffered=True)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.get_data(), capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "<script>window.__xss=1" in flat  # printed as the characters the teacher typed


def test_quiz_statistics_csv_defuses_formulas(app, client, make_user, login, xss_course):
    login(TEACHER)
    response = client.get(f"/giang-vien/kiem-tra/{xss_course['quiz']}/phan-tich.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    prompts = [row[1] for row in rows[1:]]
    assert "'" + FORMULA in prompts  # the cell a spreadsheet would have run, neutralised
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
