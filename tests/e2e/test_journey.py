"""A new learner's first journey on a phone, in a real browser, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

COURSE_TITLE = "Làm quen với điện thoại thông minh"
COURSE_SLUG = "lam-quen-dien-thoai-thong-minh"
LEARNER_PASSWORD = "mot-mat-khau-dai"


def _required_lessons(app: Flask, slug: str) -> tuple[str, ...]:
    from lms.catalog.services import course_by_slug

    with app.app_context():
        course = course_by_slug(slug)
        assert course is not None, f"the shipped course {slug} is not loaded"
        return tuple(course.current_version.required_lessons)


def _fill_identity(page: Page, login: str) -> None:
    page.get_by_label("Họ và tên", exact=True).fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại hoặc email", exact=True).fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(LEARNER_PASSWORD)
    page.get_by_label("Năm sinh", exact=True).fill("1968")
    page.get_by_label("Bạn thuộc nhóm nào?", exact=True).select_option(label="Người dân (người trưởng thành)")


def _consent_boxes(page: Page):
    return page.get_by_role("checkbox")


def test_new_learner_registers_reads_a_lesson_and_signs_out(page: Page, app: Flask) -> None:
    required = _required_lessons(app, COURSE_SLUG)
    assert len(required) >= 2, "the journey needs a course with a next lesson"
    problems: list[str] = []  # script errors, CSP refusals, failed loads: none expected
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )

    # Register: the commune list follows the province without a reload.
    page.goto("/")
    page.get_by_role("link", name="Đăng ký học miễn phí").click()
    expect(page).to_have_url(re.compile(r"/dang-ky$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo tài khoản học")
    _fill_identity(page, "0912 345 678")
    commune = page.get_by_label("Xã/phường", exact=True)
    expect(commune.locator("option")).to_have_count(1)  # only "choose a province first"
    page.get_by_label("Tỉnh/thành phố", exact=True).select_option(label="Thành phố Hà Nội")
    expect(commune.get_by_role("option", name="Phường Ba Đình", exact=True)).to_be_attached()
    commune.select_option(label="Phường Ba Đình")
    boxes = _consent_boxes(page)
    expect(boxes).to_have_count(3)
    for n in range(3):
        expect(boxes.nth(n)).not_to_be_checked()  # consent is never pre-ticked
    page.get_by_role("checkbox", name=re.compile("để tạo tài khoản")).check()
    page.get_by_role("button", name="Tạo tài khoản").click()

    # Lands on "Học tập của tôi", signed in.
    expect(page).to_have_url(re.compile(r"/hoc-tap-cua-toi$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Học tập của tôi")
    expect(page.get_by_role("status")).to_contain_text("Chào mừng Nguyễn Thị Lan")
    expect(page.get_by_text("Bạn chưa đăng ký khoá học nào.")).to_be_visible()

    # The catalog: a search typed without diacritics finds the course.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Khoá học"
    ).click()
    expect(page).to_have_url(re.compile(r"/khoa-hoc$"))
    page.get_by_role("searchbox", name="Từ khoá").fill("dien thoai")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"/khoa-hoc\?.*q=dien\+thoai"))
    expect(page.locator(".result-count")).not_to_have_text("Tìm thấy 0 khoá học.")
    page.get_by_role("link", name=COURSE_TITLE).click()

    # The course page, then "Bắt đầu học" opens the first lesson.
    expect(page).to_have_url(re.compile(rf"/khoa-hoc/{COURSE_SLUG}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    page.get_by_role("button", name="Bắt đầu học").click()
    expect(page).to_have_url(re.compile(rf"/khoa-hoc/{COURSE_SLUG}/bai/{required[0]}$"))
    expect(page.locator(".lesson .meta")).to_contain_text(f"Bài 1 / {len(required)}")

    # The lesson's picture is shown and really loaded (not a broken image icon).
    image = page.locator(".lesson-body img").first
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    expect(image).to_have_attribute("alt", re.compile(r"\S"))
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") > 0, "the lesson image did not load"

    # "Đã học xong" goes on to the next lesson.
    page.get_by_role("button", name="Đã học xong, sang bài tiếp").click()
    expect(page).to_have_url(re.compile(rf"/khoa-hoc/{COURSE_SLUG}/bai/{required[1]}$"))
    expect(page.locator(".lesson .meta")).to_contain_text(f"Bài 2 / {len(required)}")

    # "Học tập của tôi" shows the progress: one lesson of the course done.
    percent = round(100 / len(required))
    page.get_by_role("link", name="Học tập của tôi").click()
    expect(page).to_have_url(re.compile(r"/hoc-tap-cua-toi$"))
    bar = page.get_by_role("progressbar", name=f"Tiến độ khoá {COURSE_TITLE}")
    expect(bar.first).to_have_attribute("value", str(percent))
    card = page.locator(".course-card", has=page.get_by_role("link", name=COURSE_TITLE))
    expect(card).to_contain_text(f"{percent}%")

    # Sign out; the private page is no longer reachable, by link or by going back.
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đăng xuất.")
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
    page.go_back()  # Playwright's chromium runs without the back/forward cache: this refetches
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=(%2F|/)hoc-tap-cua-toi$"))
    page.goto("/hoc-tap-cua-toi")
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=(%2F|/)hoc-tap-cua-toi$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_role("status")).to_contain_text("Vui lòng đăng nhập để tiếp tục.")
    assert not problems, "\n".join(problems)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_registration_works_without_javascript(page: Page) -> None:
    page.goto("/dang-ky")
    _fill_identity(page, "lan.nguyen@example.com")
    commune = page.get_by_label("Xã/phường", exact=True)
    page.get_by_label("Tỉnh/thành phố", exact=True).select_option(label="Thành phố Hà Nội")
    # Without script nothing fills the communes: the <noscript> button reloads the form.
    expect(commune.locator("option")).to_have_count(1)
    page.get_by_role("button", name="Hiện danh sách xã/phường").click()
    expect(page.get_by_label("Tỉnh/thành phố", exact=True)).to_have_value("01")
    expect(page.get_by_label("Họ và tên", exact=True)).to_have_value(
        "Nguyễn Thị Lan"
    )  # nothing retyped
    expect(page.locator(".error")).to_have_count(0)  # listing communes is not a failed submit
    commune.select_option(label="Phường Ba Đình")
    page.get_by_label("Mật khẩu", exact=True).fill(
        LEARNER_PASSWORD
    )  # browsers never refill passwords
    page.get_by_role("checkbox", name=re.compile("để tạo tài khoản")).check()
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page).to_have_url(re.compile(r"/hoc-tap-cua-toi$"))
    expect(page.get_by_role("status")).to_contain_text("Chào mừng Nguyễn Thị Lan")
