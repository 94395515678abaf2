"""The API token page and the API documentation in a real browser: creating a token shown
once, using it, revoking it after confirmation; no axe-core (WCAG 2.1 A/AA) violations."""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import assert_no_axe_violations

PASSWORD = "mot-mat-khau-dai"


def _me(base_url: str, token: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 - the local test server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_create_use_and_revoke_a_token(page: Page, make_user, sign_in, base_url: str) -> None:
    make_user(login="hoc.vien@example.com", password=PASSWORD)
    sign_in(page, "hoc.vien@example.com", PASSWORD)
    page.goto("/tai-khoan")
    page.get_by_role("link", name=re.compile("Mã truy cập API")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã truy cập API")
    assert_no_axe_violations(page)
    page.get_by_label("Tên gợi nhớ").fill("Máy ở nhà văn hoá")
    page.get_by_label(re.compile("Học thay tôi")).check()
    page.get_by_role("button", name="Tạo mã truy cập").click()
    secret = page.get_by_label("Mã truy cập", exact=True).input_value()
    assert secret.startswith("bdhv_")
    assert_no_axe_violations(page)
    assert _me(base_url, secret) == 200

    page.goto("/tai-khoan/ma-truy-cap")
    expect(page.get_by_label("Mã truy cập", exact=True)).to_have_count(0)  # shown once only
    assert secret not in page.content()
    page.get_by_role("link", name="Thu hồi mã “Máy ở nhà văn hoá”").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Thu hồi mã này").click()
    expect(page.get_by_text("Đã thu hồi mã “Máy ở nhà văn hoá”.")).to_be_visible()
    assert _me(base_url, secret) == 401


def test_api_docs_page_has_no_axe_violations(page: Page) -> None:
    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="GET /api/v1/stats/figures")).to_be_visible()
    assert_no_axe_violations(page)
