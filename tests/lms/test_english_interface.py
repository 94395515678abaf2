"""The English interface: pages render in English once chosen, and the catalog is complete."""

from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd%]")


def _in_english(client) -> None:
    token = csrf_token(client, "/")
    response = client.post("/ngon-ngu", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert response.status_code == 302


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_home_page_in_english(client):
    _in_english(client)
    page = _page(client, "/")
    assert '<html lang="en">' in page
    assert "<title>Home · Digital Literacy for All (Bình dân học vụ số)</title>" in page
    assert "Learn digital skills, one step at a time" in page
    assert "Programmes by learner group" in page
    assert "Register and learn for free" in page
    assert "Skip to main content" in page
    assert "Học kỹ năng số" not in page


def test_catalog_in_english(client):
    _in_english(client)
    page = _page(client, "/khoa-hoc")
    assert '<html lang="en">' in page
    assert "Filter courses" in page
    assert "Learner group" in page
    assert "Clear filters" in page
    assert re.search(r"\d+ courses? found\.", page)
    assert "Tìm thấy" not in page


def test_sign_in_page_in_english(client):
    _in_english(client)
    page = _page(client, "/dang-nhap")
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page
    assert "Phone number or email" in page
    assert "Password" in page
    assert "Don't have an account?" in page
    assert "Mật khẩu" not in page


def test_register_page_in_english(client):
    _in_english(client)
    page = _page(client, "/dang-ky")
    assert '<html lang="en">' in page
    assert "Create a learning account" in page
    assert "Which group do you belong to?" in page
    assert "— Choose a province/city —" in page
    assert "Consent to the processing of personal data" in page
    assert "I agree that the platform may process my full name" in page
    assert "(Required to create an account.)" in page
    assert "Tôi đồng ý" not in page
    assert "Tạo tài khoản" not in page


def test_vietnamese_stays_the_default(client):
    page = _page(client, "/")
    assert '<html lang="vi">' in page
    assert "Học kỹ năng số, từng bước một" in page


def test_english_catalog_has_no_empty_translation():
    """Read the committed catalog (no re-extraction: strings added since are not its concern)."""
    with EN_PO.open("rb") as f:
        catalog = read_po(f)
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") == "(n!=1)"
    untranslated, fuzzy, broken = [], [], []
    ids = 0
    for message in catalog:
        if not message.id:
            continue
        ids += 1
        msgids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.pluralizable and len(strings) != 2:
            untranslated.append(msgids[0])
        if not all(s and s.strip() for s in strings):
            untranslated.append(msgids[0])
        if message.fuzzy:
            fuzzy.append(msgids[0])
        wanted = sorted(PLACEHOLDER.findall(msgids[0]))
        if any(sorted(PLACEHOLDER.findall(s or "")) != wanted for s in strings):
            broken.append(msgids[0])
    assert ids > 0
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    assert not broken, broken
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert not problems, problems


def test_certificate_verify_form_in_english(client):
    _in_english(client)
    page = _page(client, "/verify")
    assert '<html lang="en">' in page
    assert "Verify a certificate" in page
    assert "Enter the code printed on the certificate to see whether it is valid." in page
    assert "Certificate code" in page
    assert "Checking without an internet connection" in page
    assert "Kiểm tra chứng nhận" not in page
    assert "Mã chứng nhận" not in page


def test_privacy_notice_in_english(client):
    _in_english(client)
    page = _page(client, "/quyen-rieng-tu")
    assert '<html lang="en">' in page
    assert "Your privacy and personal data" in page
    assert "1. What we record" in page
    assert "5. Your rights" in page
    assert "Luật Bảo vệ dữ liệu cá nhân" in page  # the law keeps its Vietnamese name
    assert "8. Citizen identity card number (CCCD)" in page
    assert "Chúng tôi ghi những gì" not in page
    assert "Quyền của bạn" not in page


def test_api_docs_page_in_english(client):
    _in_english(client)
    page = _page(client, "/api/v1/docs")
    assert '<html lang="en">' in page
    assert "API documentation" in page
    assert "OpenAPI 3.1 description (JSON)" in page
    assert "Public, no access token needed." in page
    assert "Requires an access token with the permission:" in page
    assert "Tài liệu API" not in page
    assert "Công khai, không cần mã truy cập." not in page
