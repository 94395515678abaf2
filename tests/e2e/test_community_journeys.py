"""Community and data rights in a real browser, with axe-core (WCAG 2.1 A/AA) on every page.

A mentor registers a person in person and prints the consent sheet, follows them and records a
guided session; a learner accepts a mentor and ends the link; relatives build a household with a
code typed sloppily; a learner reads the notice, withdraws a consent, saves a CCCD number,
downloads their data and erases it; an officer sees the community's figures; an admin reads an
account's log.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lms.community.models import HouseholdInvite
from lms.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import assert_no_axe_violations

CCCD = "079168654321"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_a_mentor_registers_a_person_prints_the_sheet_and_records_a_session(
    page: Page, make_user, sign_in
) -> None:
    make_user(role="mentor", login="son@example.com", full_name="Hà Văn Sơn", password=PASSWORD)
    sign_in(page, "son@example.com", PASSWORD)
    page.get_by_role("link", name="Đại sứ số", exact=True).click()
    expect(page.get_by_role("heading", name="Đại sứ số: những người tôi hỗ trợ")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Đăng ký cho người mới").click()
    assert_no_axe_violations(page)
    page.get_by_label("Họ và tên", exact=True).fill("Lò Thị Mai")
    page.get_by_label("Số điện thoại hoặc email", exact=True).fill("0912 000 001")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-cua-mai")
    page.get_by_label("Năm sinh", exact=True).fill("1968")
    page.get_by_label("Bạn thuộc nhóm nào?").select_option("citizen")
    page.get_by_label(re.compile("^Tôi đồng ý để nền tảng xử lý")).check()
    page.get_by_label(re.compile("^Tôi đồng ý để Đại sứ số")).check()
    page.get_by_role("button", name="Đăng ký cho người này").click()
    # Without the attestation the form comes back, errors tied to their field.
    attested = page.get_by_label(re.compile("^Tôi xác nhận: người này có mặt"))
    expect(attested).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-cua-mai")
    page.get_by_label(re.compile("^Tôi đồng ý để nền tảng xử lý")).check()
    page.get_by_label(re.compile("^Tôi đồng ý để Đại sứ số")).check()
    attested.check()
    page.get_by_role("button", name="Đăng ký cho người này").click()

    expect(page).to_have_url(re.compile(r"/dai-su-so/nguoi-hoc/\d+/phieu-dong-y$"))
    expect(page.get_by_role("heading", name="PHIẾU ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN")).to_be_visible()
    expect(page.get_by_role("button", name="In phiếu")).to_be_visible()  # shown by JavaScript
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="In phiếu")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Lò Thị Mai").click()
    expect(page.get_by_role("heading", name="Lò Thị Mai")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/dai-su-so/buoi-huong-dan")
    page.get_by_label("Lò Thị Mai").check()
    page.get_by_label("Ngày hướng dẫn").fill("2026-01-15")
    page.get_by_label("Nội dung đã hướng dẫn").fill("Cài VNeID và đăng nhập")
    page.get_by_label("Thời lượng (phút)").fill("45")
    page.get_by_role("button", name="Ghi buổi hướng dẫn").click()
    expect(page.get_by_role("cell", name="Cài VNeID và đăng nhập")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/dai-su-so/gia-dinh")
    page.get_by_label("Tên hộ gia đình").fill("Gia đình bà Mai")
    page.get_by_label("Lò Thị Mai").check()
    page.get_by_label(re.compile("^Tôi xác nhận những người được chọn")).check()
    page.get_by_role("button", name="Lập hộ gia đình").click()
    expect(page.get_by_role("heading", name="Gia đình bà Mai")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_learner_accepts_a_mentor_then_ends_the_link(page: Page, make_user, sign_in) -> None:
    make_user(login="hoa@example.com", full_name="Lê Thị Hoa", password=PASSWORD)
    make_user(role="mentor", login="son@example.com", full_name="Hà Văn Sơn", password=PASSWORD)
    sign_in(page, "son@example.com", PASSWORD)
    page.goto("/dai-su-so/ket-noi")
    assert_no_axe_violations(page)
    page.get_by_label("Số điện thoại hoặc email của người học").fill("hoa@example.com")
    page.get_by_role("button", name="Gửi đề nghị kết nối").click()
    expect(page.get_by_text("người đó sẽ thấy đề nghị kết nối")).to_be_visible()
    _sign_out(page)

    sign_in(page, "hoa@example.com", PASSWORD)
    page.goto("/tai-khoan")
    page.get_by_role("link", name="Đại sứ số của tôi").click()
    expect(page.get_by_text("Hà Văn Sơn (Đại sứ số) muốn kết nối")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Đồng ý kết nối – Hà Văn Sơn").click()
    expect(page.get_by_role("button", name="Kết thúc kết nối – Hà Văn Sơn")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Kết thúc kết nối – Hà Văn Sơn").click()
    expect(page.get_by_role("heading", name="Đã kết thúc")).to_be_visible()
    assert_no_axe_violations(page)


def test_relatives_build_a_household_with_a_sloppily_typed_code(
    app, page: Page, make_user, sign_in
) -> None:
    make_user(login="mai@example.com", full_name="Lò Thị Mai", password=PASSWORD)
    make_user(login="pao@example.com", full_name="Lò Văn Páo", password=PASSWORD)
    sign_in(page, "mai@example.com", PASSWORD)
    page.goto("/gia-dinh")
    assert_no_axe_violations(page)
    page.get_by_label("Tên hộ gia đình").fill("Gia đình bà Mai")
    page.get_by_role("button", name="Tạo hộ gia đình").click()
    page.get_by_role("button", name="Tạo mã mời mới").click()
    code = page.locator(".invite-code").first.inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert_no_axe_violations(page)
    with app.app_context():
        assert db.session.scalar(db.select(HouseholdInvite.code)) == code.replace("-", "")
    _sign_out(page)

    sign_in(page, "pao@example.com", PASSWORD)
    page.goto("/gia-dinh")
    field = page.get_by_label("Mã mời")
    field.fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Vào hộ gia đình").click()
    expect(page.get_by_label("Mã mời")).to_have_accessible_description(
        re.compile("gõ nhầm|Không có mã")
    )
    assert_no_axe_violations(page)
    page.get_by_label("Mã mời").fill(" " + code.lower().replace("-", " ") + " ")
    page.get_by_role("button", name="Vào hộ gia đình").click()
    expect(page.get_by_role("heading", name="Gia đình bà Mai")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Lò Văn Páo")).to_be_visible()
    page.get_by_role("link", name="Rời hộ gia đình này").click()
    assert_no_axe_violations(page)


def test_a_learner_exercises_their_rights_then_erases_their_data(
    page: Page, make_user, sign_in
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Quyền riêng tư").click()
    expect(
        page.get_by_role("heading", name="Quyền riêng tư và dữ liệu cá nhân của bạn")
    ).to_be_visible()
    assert_no_axe_violations(page)

    make_user(
        login="lan@example.com", full_name="Nguyễn Thị Lan", password=PASSWORD, birth_year=1968
    )
    sign_in(page, "lan@example.com", PASSWORD)
    page.goto("/tai-khoan")
    page.get_by_role("button", name=re.compile(r"^Đồng ý\W+Tôi muốn nhận nhắc nhở")).click()
    expect(
        page.get_by_role("button", name=re.compile(r"^Rút lại sự đồng ý\W+Tôi muốn nhận nhắc nhở"))
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role(
        "button", name=re.compile(r"^Rút lại sự đồng ý\W+Tôi muốn nhận nhắc nhở")
    ).click()
    expect(page.get_by_text("Đã rút lại sự đồng ý.")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Dữ liệu của tôi")).click()
    page.get_by_role("textbox", name=re.compile("^Số căn cước công dân")).fill("079 168 654321")
    page.get_by_role("button", name="Lưu số CCCD").click()
    expect(page.get_by_text("•••••••••321")).to_be_visible()
    assert CCCD not in page.content()
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải về tệp JSON").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["full_name"] == "Nguyễn Thị Lan"
    assert data["profile"]["national_id"] == "•••••••••321"

    page.get_by_role("link", name="Tìm hiểu và yêu cầu xoá").click()
    assert_no_axe_violations(page)
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_label(re.compile("^Tôi hiểu: sau khi xoá")).check()
    page.get_by_role("button", name="Xoá dữ liệu cá nhân của tôi").click()
    expect(page.get_by_text("Dữ liệu cá nhân của bạn đã được xoá")).to_be_visible()
    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại hoặc email", exact=True).fill("lan@example.com")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("không đúng")


def test_the_officer_sees_the_community_figures_and_the_admin_an_accounts_log(
    page: Page, make_user, sign_in
) -> None:
    make_user(role="mentor", login="son@example.com", full_name="Hà Văn Sơn", password=PASSWORD)
    make_user(role="officer", login="xa@example.com", scope_level="commune", password=PASSWORD)
    make_user(role="admin", login="quan.tri@example.com", password=PASSWORD)
    target = make_user(login="hoa@example.com", full_name="Lê Thị Hoa", password=PASSWORD)
    sign_in(page, "xa@example.com", PASSWORD)
    page.goto("/thong-ke/xa/00070")
    expect(page.get_by_role("heading", name="Đại sứ số và số người đã hỗ trợ")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Hà Văn Sơn")).to_be_visible()
    assert_no_axe_violations(page)
    _sign_out(page)

    sign_in(page, "quan.tri@example.com", PASSWORD)
    page.goto(f"/quan-tri/nguoi-dung/{target}")
    page.get_by_role("link", name=re.compile("^Xem nhật ký tài khoản")).click()
    expect(page.get_by_role("heading", name="Nhật ký tài khoản: Lê Thị Hoa")).to_be_visible()
    expect(page.get_by_role("cell", name="Tạo tài khoản")).to_be_visible()
    assert_no_axe_violations(page)
