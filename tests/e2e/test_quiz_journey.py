"""A learner takes a timed quiz on a phone: answers, loses the connection, submits, reviews."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.quizzes.models import AttemptAnswer
from tests.conftest import PASSWORD
from tests.lms.quiz_fixtures import COURSE_SLUG, QUIZ_SLUG

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _no_violations(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def _saved(app, question_id: str):
    with app.app_context():
        return db.session.scalar(select(AttemptAnswer.response).where(AttemptAnswer.question_id == question_id))


def test_quiz_journey_survives_a_lost_connection(app, quiz_course, make_user, new_context, sign_in):
    make_user(login="hoc.vien@example.com")
    context = new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "hoc.vien@example.com", PASSWORD)

    page.goto(f"/khoa-hoc/{COURSE_SLUG}")
    page.get_by_role("button", name="Bắt đầu học").click()
    page.goto(f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    _no_violations(page)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page).to_have_url(re.compile(r"/lam-bai/\d+$"))
    expect(page.get_by_role("timer")).to_contain_text("phút")
    expect(page.locator("form[data-autosave][data-ready]")).to_be_attached()
    _no_violations(page)

    status = page.locator("[data-save-status]")
    page.get_by_label("Ống nghe").check()
    expect(status).to_contain_text("Đã lưu lúc")
    assert _saved(app, "sc") == "opt-right"

    # The connection drops: the answer is kept on the phone and the learner is told.
    context.set_offline(True)
    question = page.locator("fieldset", has_text="Mật khẩu nên giữ bí mật.")
    question.get_by_label("Đúng", exact=True).check()
    expect(page.get_by_role("alert").filter(has_text="Mất kết nối mạng")).to_be_visible()
    expect(status).to_contain_text("đang được giữ trên máy")
    assert _saved(app, "tf") is None

    # The connection comes back: the kept answers are sent by themselves.
    context.set_offline(False)
    expect(status).to_contain_text("Đã lưu lúc", timeout=15_000)
    expect(page.get_by_role("alert").filter(has_text="Mất kết nối mạng")).to_be_hidden()
    assert _saved(app, "tf") is True

    page.get_by_label("Giục chuyển tiền gấp").check()
    page.get_by_label("Gửi đường link lạ").check()
    page.locator("fieldset", has_text="Công an").get_by_role("textbox").fill("một-một-ba-bí-mật")
    page.locator("fieldset", has_text="OTP").get_by_role("textbox").fill("6")
    page.get_by_label("Zalo").select_option(label="Nhắn tin")
    page.get_by_label("VNeID").select_option(label="Định danh điện tử")
    for position, item in enumerate(["Mở Cài đặt", "Chọn Wi-Fi", "Chọn tên mạng", "Nhập mật khẩu"], start=1):
        page.get_by_label(item, exact=True).select_option(str(position))
    page.get_by_role("button", name="Nộp bài").click()

    expect(page).to_have_url(re.compile(r"/ket-qua$"))
    expect(page.locator(".result-summary")).to_contain_text("100.0%")
    expect(page.locator(".result-summary")).to_contain_text("Đạt")
    expect(page.get_by_text("GIẢI-THÍCH-BÍ-MẬT-sc")).to_be_visible()
    _no_violations(page)
    assert errors == []
    context.close()


def test_answers_kept_offline_survive_closing_the_tab(app, quiz_course, make_user, new_context, sign_in):
    make_user(login="hoc.vien@example.com")
    context = new_context()
    page = context.new_page()
    sign_in(page, "hoc.vien@example.com", PASSWORD)
    page.goto(f"/khoa-hoc/{COURSE_SLUG}")
    page.get_by_role("button", name="Bắt đầu học").click()
    page.goto(f"/khoa-hoc/{COURSE_SLUG}/kiem-tra/{QUIZ_SLUG}")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page).to_have_url(re.compile(r"/lam-bai/\d+$"))
    # The quiz script must be loaded and listening before the connection drops.
    expect(page.locator("form[data-autosave][data-ready]")).to_be_attached()
    attempt_url = page.url
    context.set_offline(True)
    page.get_by_label("Ống nghe").check()
    expect(page.locator("[data-save-status]")).to_contain_text("đang được giữ trên máy")
    page.close()
    context.set_offline(False)
    # Coming back later on the same phone: the kept answer is restored and sent.
    page = context.new_page()
    page.goto(attempt_url)
    expect(page.get_by_label("Ống nghe")).to_be_checked()
    expect(page.locator("[data-save-status]")).to_contain_text("Đã lưu lúc")
    assert _saved(app, "sc") == "opt-right"
    context.close()
