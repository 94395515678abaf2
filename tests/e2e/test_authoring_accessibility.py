"""Every authoring page passes axe-core (WCAG 2.1 A/AA) on a laptop and on a tablet."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.authoring.models import BankQuestion
from lms.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_no_axe_violations
from tests.lms.authoring_helpers import ALL_TYPES, build_course

TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 820, "height": 1180}],
    ids=["laptop", "tablet"],
)
def test_every_authoring_page_has_no_axe_violations(
    app, make_user, new_context, sign_in, scratch, viewport
):
    teacher = make_user(role="teacher", login="co.giao@example.com", full_name="Cô Giáo")
    with app.test_request_context():
        course = build_course(
            db.session.get(User, teacher), "test-a11y-soan-bai", quiz_questions=ALL_TYPES
        )
        db.session.commit()
        base = f"/soan-bai/{course.id}"
        qids = db.session.scalars(
            select(BankQuestion.qid).where(BankQuestion.course_id == course.id)
        ).all()
    context = new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, "co.giao@example.com", PASSWORD)
    paths = [
        "/soan-bai",
        "/soan-bai/khoa-hoc-moi",
        "/soan-bai/nhap-goi",
        base,
        f"{base}/thong-tin",
        f"{base}/tac-gia",
        f"{base}/nhat-ky",
        f"{base}/xuat-ban",
        f"{base}/xem-truoc",
        f"{base}/bai-hoc/goi-dien",
        f"{base}/bai-hoc/goi-dien/lich-su",
        f"{base}/bai-hoc/goi-dien/lich-su/1",
        f"{base}/bai-hoc/goi-dien/xoa",
        f"{base}/xem-truoc/bai/goi-dien",
        f"{base}/ngan-hang",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa/xem-truoc",
        f"{base}/kiem-tra/kiem-tra-cuoi-khoa/xoa",
        f"{base}/cau-hoi/q1/xoa",
        f"{base}/tep",
    ]
    paths += [f"{base}/cau-hoi/{qid}" for qid in qids]
    paths += [f"{base}/cau-hoi/moi?type={t}" for t in TYPES]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
    # A refused form (errors shown) and a graded preview are pages too.
    page.goto(f"{base}/cau-hoi/moi?type=single_choice")
    page.locator("#prompt").fill("Câu hỏi chưa có đáp án đúng")
    page.locator("#opt-0-text").fill("Một")
    page.locator("#opt-1-text").fill("Hai")
    page.get_by_role("button", name="Lưu câu hỏi").click()
    assert "đúng một phương án đúng" in page.locator("[role=alert]").inner_text()
    assert_no_axe_violations(page)
    page.goto(f"{base}/kiem-tra/kiem-tra-cuoi-khoa/xem-truoc")
    page.get_by_role("button", name="Nộp bài làm thử").click()
    assert_no_axe_violations(page)
    context.close()
