"""A learner completes a course in a real browser and gets a certificate anyone can verify.

Complete a course → the certificate appears → its PDF downloads and renders (a page turned
into a PNG is not blank; the text layer has the name with its diacritics) → its QR code
decodes to the verify URL and its signed statement checks against the published key →
the verify page shows it valid → an admin revokes it → the verify page shows it revoked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect

from lms.catalog.importer import load_content
from lms.certificates.codes import read_code
from lms.certificates.signing import check_qr
from lms.extensions import db
from tests.conftest import PASSWORD

SLUG = "test-chung-nhan"
TITLE = "Khoá thử cấp chứng nhận"
NAME = "Nguyễn Thị Hồng Nhung"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TOOLS = ("pdftoppm", "pdftotext", "zbarimg")

COURSE_YAML = f"""\
title: {TITLE}
summary: Một bài học và một câu hỏi, để kiểm thử chứng nhận.
level: 1
groups: [citizen]
competences: ["0.1", "4.2"]
minutes: 5
completion:
  lessons: all
  quizzes: [kiem-tra]
"""

QUIZ_YAML = """\
title: Câu hỏi cuối khoá
pass_percent: 100
questions:
  - id: mat-khau
    type: true_false
    prompt: Không bao giờ đưa mã OTP cho người khác.
    answer: true
"""


@pytest.fixture
def certificate_course(app, scratch: Path) -> str:
    folder = scratch / SLUG
    folder.mkdir()
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (folder / "01-bai-hoc.md").write_text(
        "---\ntitle: Giữ an toàn mã OTP\n---\nMã OTP là của riêng bạn.\n", encoding="utf-8"
    )
    (folder / "kiem-tra.quiz.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    with app.app_context():
        load_content(folder)
        db.session.commit()
    return SLUG


def _no_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def test_a_completed_course_gives_a_certificate_that_verifies_then_is_revoked(
    certificate_course, make_user, new_context, sign_in, live_server, tmp_path
):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"install poppler-utils and zbar-tools (.ci/run does): {missing}"
    make_user(full_name=NAME, login="nhung@example.com", commune_code="00070")
    make_user(role="admin", login="quan.tri@example.com")
    learner = new_context(accept_downloads=True).new_page()
    sign_in(learner, "nhung@example.com", PASSWORD)

    # Complete the course: its lesson, then its quiz.
    learner.goto(f"/khoa-hoc/{SLUG}")
    learner.get_by_role("button", name="Bắt đầu học").click()
    learner.get_by_role("button", name="Đã học xong bài cuối").click()
    learner.goto(f"/khoa-hoc/{SLUG}/kiem-tra/kiem-tra")
    learner.get_by_role("button", name="Bắt đầu làm bài").click()
    learner.get_by_label("Đúng", exact=True).check()
    learner.get_by_role("button", name="Nộp bài").click()
    expect(learner.get_by_text("Đạt. Chúc mừng bạn!")).to_be_visible()

    # The certificate appears in "Chứng nhận của tôi".
    learner.get_by_role("link", name="Chứng nhận của tôi").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Chứng nhận của tôi")
    card = learner.locator(".cert-card", has_text=TITLE)
    expect(card).to_contain_text("Hợp lệ")
    code_text = card.locator(".cert-code").inner_text()
    reading, code = read_code(code_text)
    assert reading.value == "valid", code_text
    _no_violations(learner)

    # The PDF downloads and renders: a page as PNG is not blank, its text has the name.
    with learner.expect_download() as info:
        card.get_by_role("link", name=re.compile("Tải bản PDF")).click()
    download = info.value
    assert download.suggested_filename == f"chung-nhan-{code_text}.pdf"
    pdf = tmp_path / "chung-nhan.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    _run("pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page"))
    with Image.open(tmp_path / "page.png") as image:
        grey = image.convert("L")
        width, height = grey.size
        assert width > height  # A4 landscape
        histogram = grey.histogram()
        assert sum(histogram[:128]) > 0.01 * width * height, "the page is (nearly) blank"
        assert sum(1 for count in histogram if count) > 16  # text, colours, the QR code
    text = _run("pdftotext", "-layout", str(pdf), "-")
    assert NAME in text and TITLE in text and code_text in text

    # The QR code decodes to the verify URL, with a statement the published key signed.
    _run("pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "qr"))
    decoded = _run("zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")).strip()
    verify_url = f"{live_server}/verify/{code_text}"
    assert decoded.startswith(verify_url + "#"), decoded
    keys = learner.request.get("/api/v1/certificate-keys").json()["keys"]
    checked = check_qr(decoded, keys)
    assert checked is not None and checked.valid and checked.statement.name == NAME
    head, fragment = decoded.split("#")
    signature = fragment.rsplit(".", 1)[1]
    flipped = signature[:7] + ("B" if signature[7] != "B" else "C") + signature[8:]
    tampered = check_qr(f"{head}#{fragment.rsplit('.', 1)[0]}.{flipped}", keys)
    assert tampered is not None and not tampered.valid

    # Anyone opening the QR code's address sees the certificate valid, without signing in.
    anonymous = new_context().new_page()
    anonymous.goto(decoded)
    expect(anonymous.get_by_role("status")).to_contain_text("Chứng nhận hợp lệ")
    expect(anonymous.locator(".cert-holder")).to_have_text(NAME)
    expect(anonymous.get_by_role("heading", name="Kiểm tra khi không có mạng")).to_be_visible()
    _no_violations(anonymous)

    # An admin revokes it (reason: cheating), after confirming.
    admin = new_context().new_page()
    sign_in(admin, "quan.tri@example.com", PASSWORD)
    admin.goto("/chung-nhan/quan-ly")
    expect(admin.get_by_role("table")).to_contain_text(NAME)
    _no_violations(admin)
    admin.get_by_role("link", name=NAME, exact=True).click()
    expect(admin).to_have_url(re.compile(rf"/quan-tri/chung-nhan/{code_text}$"))
    _no_violations(admin)
    admin.get_by_label("Lý do thu hồi").select_option("cheating")
    admin.get_by_role("button", name="Thu hồi").click()
    expect(admin.get_by_text("Hãy đánh dấu ô xác nhận để thu hồi.")).to_be_visible()
    admin.get_by_label("Lý do thu hồi").select_option("cheating")
    admin.get_by_role("checkbox", name=re.compile("Tôi xác nhận thu hồi")).check()
    admin.get_by_role("button", name="Thu hồi").click()
    expect(admin.get_by_role("status").first).to_contain_text("Đã thu hồi chứng nhận")

    # The verify page now says revoked, with the date and the reason.
    anonymous.reload()
    status = anonymous.get_by_role("status")
    expect(status).to_contain_text("Chứng nhận đã bị thu hồi")
    expect(status).to_contain_text("Gian lận trong học tập hoặc kiểm tra")
    _no_violations(anonymous)
    learner.reload()
    expect(card).to_contain_text("Đã thu hồi")
    expect(card.get_by_role("link", name=re.compile("Tải bản PDF"))).to_have_count(0)
