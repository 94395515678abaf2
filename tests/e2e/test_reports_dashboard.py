"""Officer statistics in a real browser: axe-core (WCAG 2.1 A/AA) on every reports page, a phone
screen without sideways scrolling of the page, the drill-down, the village list filling the
registration form, and an export downloaded from the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from lms.extensions import db
from tests.e2e.test_accessibility import assert_no_axe_violations

PASSWORD = "mot-mat-khau-dai"
OWN = "00070"


@pytest.fixture
def province_officer(app, make_user) -> str:
    """A province officer of Hà Nội, with learners and populations to show."""
    make_user(
        role="officer",
        scope_level="province",
        commune_code=None,
        login="tinh.e2e@example.com",
        password=PASSWORD,
    )
    for n in range(3):
        make_user(login=f"hv{n}.e2e@example.com", learner_group="citizen" if n else "student")
    with app.app_context():
        for group, value in (
            ("citizen", 120),
            ("student", 40),
            ("public_servant", 10),
            ("enterprise_worker", 30),
        ):
            db.session.execute(
                text(
                    "INSERT INTO report_populations (year, province_code, commune_code, learner_group, population, updated_at) "
                    "VALUES (2026, '01', :c, :g, :p, CURRENT_TIMESTAMP)"
                ),
                {"c": OWN, "g": group, "p": value},
            )
        db.session.execute(
            text(
                "INSERT INTO villages (commune_code, name, name_key, kind, created_at) VALUES (:c, 'Tổ dân phố số 5', 'to dan pho so 5', 'to_dan_pho', CURRENT_TIMESTAMP)"
            ),
            {"c": OWN},
        )
        db.session.commit()
    return "tinh.e2e@example.com"


REPORT_PAGES = {
    "province": "/thong-ke/tinh/01?ky=2026",
    "commune": f"/thong-ke/xa/{OWN}?ky=2026",
    "commune-as-of": f"/thong-ke/xa/{OWN}?den_ngay=2026-06-30",
    "bad-period": f"/thong-ke/xa/{OWN}?ky=2026-Q9",
    "population": f"/thong-ke/xa/{OWN}/dan-so?nam=2026",
    "places": f"/thong-ke/xa/{OWN}/dia-ban",
    "import": "/thong-ke/dan-so/nhap",
    "logs": "/thong-ke/nhat-ky",
}


@pytest.mark.parametrize("path", REPORT_PAGES.values(), ids=REPORT_PAGES.keys())
def test_reports_pages_have_no_axe_violations_on_a_phone(
    page: Page, province_officer, sign_in, path
) -> None:
    sign_in(page, province_officer, PASSWORD)
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert_no_axe_violations(page)
    # Readable on a phone: wide tables scroll inside their box; the page itself does not.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{path} is {overflow}px wider than the phone"


def test_dashboard_charts_have_tables_and_drill_down(page: Page, province_officer, sign_in) -> None:
    sign_in(page, province_officer, PASSWORD)
    page.goto("/thong-ke/")
    expect(page).to_have_url(re.compile(r"/thong-ke/tinh/01"))
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    for index in range(charts.count()):
        labelled = charts.nth(index).get_attribute("aria-labelledby")
        assert labelled and all(page.locator(f"#{part}").count() == 1 for part in labelled.split())
    page.get_by_label("Kỳ báo cáo", exact=True).select_option("2026")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(r"ky=2026&den_ngay=$"))
    page.get_by_role("link", name="Phường Hoàn Kiếm").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Hoàn Kiếm")
    expect(page.get_by_role("table", name=re.compile("Kết quả theo nhóm"))).to_contain_text("120")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải Excel (XLSX)").click()
    assert info.value.suggested_filename == "thong-ke_commune-00070_2026.xlsx"
    assert_no_axe_violations(page)


def test_registration_lists_the_villages_of_the_chosen_commune(
    page: Page, province_officer
) -> None:
    page.goto("/dang-ky")
    page.get_by_label("Tỉnh/thành phố").select_option("01")
    commune = page.get_by_label("Xã/phường")
    expect(commune.locator(f"option[value='{OWN}']")).to_have_count(1)
    commune.select_option(OWN)
    village = page.get_by_label("Thôn, bản, tổ dân phố (không bắt buộc)")
    expect(village.locator("option", has_text="Tổ dân phố số 5")).to_have_count(1)
    assert_no_axe_violations(page)
