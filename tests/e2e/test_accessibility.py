"""Accessibility in a real browser: axe-core (WCAG 2.1 A/AA), keyboard use, and reflow at zoom."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PASSWORD = "mot-mat-khau-dai"
COURSE_SLUG = "lam-quen-dien-thoai-thong-minh"

_axe = Axe()


def _report(violations: list[dict]) -> str:
    """One block per rule: id, impact, what it means, then each failing element and the fix."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA rule(s) violated:"]
    for v in violations:
        lines.append(f"\n[{v['id']}] ({v.get('impact')}) {v['help']}\n    {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core on the page as it is now; fail with a readable list of violations."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n{_report(violations)}"


@pytest.fixture
def learner(make_user) -> str:
    """A learner's login (their password is PASSWORD)."""
    make_user(login="hoc.vien@example.com", password=PASSWORD, full_name="Trần Văn Bình")
    return "hoc.vien@example.com"


# --- Pages anyone can open ------------------------------------------------------------------

PUBLIC_PAGES = {
    "home": "/",
    "catalog": "/khoa-hoc",
    "catalog-search": "/khoa-hoc?q=dien+thoai",
    "catalog-page-2": "/khoa-hoc?page=2",
    "catalog-no-results": "/khoa-hoc?q=khong-co-khoa-nao-nhu-the",
    "course": f"/khoa-hoc/{COURSE_SLUG}",
    "register": "/dang-ky",
    "sign-in": "/dang-nhap",
    "not-found": "/trang-khong-ton-tai",
}


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_has_no_axe_violations(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == (404 if path == "/trang-khong-ton-tai" else 200)
    assert_no_axe_violations(page)


def test_catalog_search_results_have_no_axe_violations(page: Page) -> None:
    page.goto("/khoa-hoc")
    page.get_by_role("searchbox", name="Từ khoá").fill("dien thoai")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name="Làm quen với điện thoại thông minh")).to_be_visible()
    assert_no_axe_violations(page)


def test_register_with_errors_has_no_axe_violations(page: Page) -> None:
    page.goto("/dang-ky")
    page.get_by_label("Họ và tên", exact=True).fill("Lò Thị Mai")
    page.get_by_label("Mật khẩu", exact=True).fill("ngan")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page).to_have_url(re.compile(r"/dang-ky$"))
    expect(page.locator(".error").first).to_be_visible()
    # Each error is tied to its field for screen readers.
    password = page.get_by_label("Mật khẩu", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("ít nhất 8 ký tự"))
    assert_no_axe_violations(page)


def test_failed_sign_in_has_no_axe_violations(page: Page) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại hoặc email", exact=True).fill("khong.co@example.com")
    page.get_by_label("Mật khẩu", exact=True).fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


# --- Pages of a signed-in learner -----------------------------------------------------------


def test_lesson_page_has_no_axe_violations(page: Page, learner: str, sign_in) -> None:
    sign_in(page, learner, PASSWORD)
    page.goto(f"/khoa-hoc/{COURSE_SLUG}")
    page.get_by_role("button", name="Bắt đầu học").click()
    expect(page).to_have_url(re.compile(rf"/khoa-hoc/{COURSE_SLUG}/bai/"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Đã học xong, sang bài tiếp").click()
    expect(page).to_have_url(re.compile(r"/bai/"))
    assert_no_axe_violations(page)  # a lesson with the "previous" link and progress saved


@pytest.mark.parametrize(
    "path",
    [
        "/hoc-tap-cua-toi",
        "/tai-khoan",
        "/tai-khoan/mat-khau",
        "/tai-khoan/ho-ten",
        f"/khoa-hoc/{COURSE_SLUG}",
    ],
)
def test_learner_pages_have_no_axe_violations(page: Page, learner: str, sign_in, path: str) -> None:
    sign_in(page, learner, PASSWORD)
    if path == "/hoc-tap-cua-toi":  # with a course in progress, so progress bars show
        page.goto(f"/khoa-hoc/{COURSE_SLUG}")
        page.get_by_role("button", name="Bắt đầu học").click()
        page.get_by_role("button", name="Đã học xong, sang bài tiếp").click()
    page.goto(path)
    assert_no_axe_violations(page)


def test_admin_users_list_has_no_axe_violations(page: Page, make_user, sign_in) -> None:
    make_user(role="admin", login="quan.tri@example.com", password=PASSWORD)
    for n in range(3):
        make_user(login=f"nguoi.hoc{n}@example.com", full_name=f"Người học {n}")
    sign_in(page, "quan.tri@example.com", PASSWORD)
    page.goto("/quan-tri/nguoi-dung")
    expect(page.get_by_role("table")).to_be_visible()
    assert_no_axe_violations(page)


# --- Keyboard and zoom ----------------------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/khoa-hoc")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # it appears when focused, for sighted keyboard users
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#noi-dung$"))
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside the main content, not back at the header, with a visible
    # focus indicator (WCAG 2.4.7).
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.evaluate("e => e.closest('main') !== null"), focused.evaluate("e => e.outerHTML")
    outline = focused.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert not outline.startswith("none") and not outline.endswith(" 0px"), outline


@pytest.mark.parametrize("width", [640, 320], ids=["200-percent", "400-percent"])
@pytest.mark.parametrize("path", ["/khoa-hoc", "/khoa-hoc?q=dien+thoai"], ids=["all", "search"])
def test_catalog_reflows_when_zoomed(new_context, path: str, width: int) -> None:
    """A 1280 px wide screen zoomed to 200% is a 640 CSS px viewport, to 400% a 320 px one
    (WCAG 1.4.10 Reflow): the catalog must not scroll sideways."""
    page = new_context(
        viewport={"width": width, "height": 800}, device_scale_factor=1280 / width
    ).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.locator(".course-card").first).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 120))"""
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px: {wide}"
