"""In a real browser, with the site's CSP switched off, no teacher-written payload runs.

The course of tests/lms/authoring_xss.py puts a script payload in every text a teacher writes.
Each page is opened with a dialog handler and a window flag the payloads would set; the CSP is
bypassed so that escaping and sanitising alone are what is tested."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD
from tests.lms.authoring_xss import PAYLOADS, SLUG, build_xss_course, certificate_code

LAPTOP = {"width": 1280, "height": 800}
ACTIVE_IN_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'data'].includes(a.name)
          && /^\\s*(javascript|data:text)/i.test(a.value)) found.push(el.tagName + ' ' + a.name);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) found.push(el.tagName);
    if (el.tagName === 'SCRIPT' && !(el.getAttribute('src') || '').startsWith('/static/js/')) found.push('SCRIPT');
  }
  return found;
}"""


@pytest.fixture
def xss_ids(app, make_user, scratch):
    teacher = make_user(role="teacher", login="co.giao@example.com", full_name="Cô Giáo")
    learner = make_user(login="hoc.vien@example.com", full_name="Học Viên")
    with app.test_request_context():
        course = build_xss_course(db.session.get(User, teacher), db.session.get(User, learner))
        db.session.commit()
        version = course.current_version
        attempts = db.session.scalars(
            select(QuizAttempt.id)
            .where(QuizAttempt.course_id == course.id)
            .order_by(QuizAttempt.number)
        ).all()
        return {
            "course": course.id,
            "lessons": [lesson.slug for lesson in version.lessons],
            "quiz": version.quizzes[0].slug,
            "quiz_id": version.quizzes[0].id,
            "attempts": attempts,
            "certificate": certificate_code(course.id, learner),
        }


def _visit_all(page: Page, paths: list[str]) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        # Leaving the lesson editor with unsaved text asks first (the editor's own dialog):
        # accepted. Any other dialog would be a payload running.
        if dialog.type == "beforeunload":
            dialog.accept()
            return
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # let autofocus, ontoggle and refresh payloads fire if they could
        assert page.evaluate("() => window.__xss === undefined"), path
        assert page.evaluate(ACTIVE_IN_DOM) == [], path
        assert dialogs == [], path


def test_no_payload_runs_for_the_teacher(new_context, sign_in, xss_ids):
    context = new_context(viewport=LAPTOP, bypass_csp=True)
    page = context.new_page()
    sign_in(page, "co.giao@example.com", PASSWORD, expect_path="/hoc-tap-cua-toi")
    base = f"/soan-bai/{xss_ids['course']}"
    lesson = xss_ids["lessons"][0]
    _visit_all(
        page,
        [
            "/soan-bai",
            base,
            f"{base}/thong-tin",
            f"{base}/nhat-ky",
            f"{base}/xuat-ban",
            f"{base}/xem-truoc",
            f"{base}/bai-hoc/{lesson}",
            f"{base}/bai-hoc/{lesson}/lich-su",
            f"{base}/bai-hoc/{lesson}/lich-su/1",
            f"{base}/xem-truoc/bai/{lesson}",
            f"{base}/ngan-hang",
            f"{base}/kiem-tra/{xss_ids['quiz']}",
            f"{base}/kiem-tra/{xss_ids['quiz']}/xem-truoc",
            f"{base}/cau-hoi/q1",
            f"{base}/cau-hoi/q2",
            f"{base}/cau-hoi/q3",
            f"{base}/cau-hoi/q5",
            "/giang-vien/kiem-tra",
            f"/giang-vien/kiem-tra/{xss_ids['quiz_id']}",
        ],
    )
    # The live preview puts the server's sanitised HTML into the page: nothing runs there either.
    page.goto(f"{base}/bai-hoc/{lesson}")
    page.get_by_label("Nội dung (Markdown)").fill("\n\n".join(PAYLOADS) + "\n\n**đã cập nhật**")
    expect(page.locator("[data-preview] strong").last).to_have_text("đã cập nhật")
    assert page.evaluate("() => window.__xss === undefined")
    assert page.evaluate(ACTIVE_IN_DOM) == []
    # The quiz preview, submitted, shows feedback and explanations: still nothing runs.
    page.goto(f"{base}/kiem-tra/{xss_ids['quiz']}/xem-truoc")
    page.get_by_role("button", name="Nộp bài làm thử").click()
    expect(page.get_by_text("Kết quả làm thử")).to_be_visible()
    assert page.evaluate("() => window.__xss === undefined")
    assert page.evaluate(ACTIVE_IN_DOM) == []
    context.close()


def test_no_payload_runs_for_the_learner(new_context, sign_in, xss_ids):
    context = new_context(bypass_csp=True)
    page = context.new_page()
    sign_in(page, "hoc.vien@example.com", PASSWORD)
    first, second, open_attempt = xss_ids["attempts"]
    paths = ["/", "/khoa-hoc", f"/khoa-hoc/{SLUG}", "/hoc-tap-cua-toi", "/chung-nhan-cua-toi"]
    paths += [f"/khoa-hoc/{SLUG}/bai/{slug}" for slug in xss_ids["lessons"]]
    paths += [f"/khoa-hoc/{SLUG}/kiem-tra/{xss_ids['quiz']}", f"/lam-bai/{open_attempt}"]
    paths += [f"/lam-bai/{first}/ket-qua", f"/lam-bai/{second}/ket-qua"]
    if xss_ids["certificate"]:
        paths.append(f"/verify/{xss_ids['certificate']}")
    _visit_all(page, paths)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context.close()
