"""Certificate pages through the Flask client: public checks, downloads, scope, revocation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.certificates.codes import ALPHABET, check_character, grouped
from lms.certificates.models import Certificate
from lms.certificates.services import certificates_of
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.test_certificates import NAME, complete_course

PRIVATE = ("@example.com", "1980", "00070", "user_id", "email", "phone", "birth")


@pytest.fixture
def holder(app, quiz_course, make_user):
    """A learner of Phường Hoàn Kiếm with one course certificate; returns (login, code)."""
    user_id = make_user(full_name=NAME, login="hoc.vien@example.com")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        complete_course(user, db.session.get(Course, quiz_course))
        db.session.commit()
        [certificate] = certificates_of(user)
        return "hoc.vien@example.com", certificate.code


def unknown_code() -> str:
    data = "7" * 27
    return data + check_character(data)


def test_the_verify_page_shows_a_valid_certificate_to_anyone(client, holder):
    _, code = holder
    response = client.get(f"/verify/{grouped(code)}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    assert "Chứng nhận hợp lệ" in html
    assert NAME in html and "Khoá thử bài kiểm tra" in html
    assert "Phường Hoàn Kiếm, Thành phố Hà Nội" in html
    assert "/api/v1/certificate-keys" in html and "Ed25519" in html
    assert 'name="robots" content="noindex"' in html
    for private in ("@example.com", "1980", "100%", "Người dùng"):
        assert private not in html


def test_a_code_typed_loosely_finds_the_certificate(client, holder):
    _, code = holder
    loose = code.lower().replace("0", "o").replace("1", "l")
    loose = " ".join(loose[i : i + 7] for i in range(0, 28, 7))
    response = client.get(f"/verify/{loose}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/verify/{grouped(code)}")
    response = client.get("/verify", query_string={"code": code})
    assert response.status_code == 302


def test_unknown_mistyped_and_malformed_codes_get_a_clear_not_found(client, holder):
    _, code = holder
    response = client.get(f"/verify/{grouped(unknown_code())}")
    assert response.status_code == 404
    assert "Không tìm thấy chứng nhận nào có mã này." in response.get_data(as_text=True)
    wrong = ALPHABET[(ALPHABET.index(code[3]) + 1) % 32]
    response = client.get(f"/verify/{code[:3]}{wrong}{code[4:]}")
    assert response.status_code == 404
    assert "gõ nhầm một ký tự" in response.get_data(as_text=True)
    response = client.get("/verify/khong-phai-ma")
    assert response.status_code == 404
    assert "không phải là một mã chứng nhận" in response.get_data(as_text=True)


def test_the_json_check_has_the_public_fields_only(client, holder):
    _, code = holder
    response = client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "valid" and data["holder_name"] == NAME
    assert data["code"] == grouped(code) and data["kind"] == "course"
    assert data["achievement"] == "Hoàn thành khoá học “Khoá thử bài kiểm tra”"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["achieved_on"])
    assert data["issuer"]["place"] == "Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert data["revoked_at"] is None and data["signature"]["alg"] == "Ed25519"
    assert data["verify_url"].endswith(f"/verify/{grouped(code)}")
    text = response.get_data(as_text=True)
    for private in ("@example.com", "1980", "00070", "user_id", "score", "email", "phone"):
        assert private not in text

    missing = client.get(f"/api/v1/certificates/{unknown_code()}")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert missing.get_json()["error"]["message"]
    malformed = client.get("/api/v1/certificates/abc")
    assert malformed.status_code == 404 and malformed.get_json()["error"]["code"] == "malformed"


def test_guessing_codes_is_rate_limited(client, holder):
    _, code = holder
    for _ in range(10):
        assert client.get(f"/api/v1/certificates/{unknown_code()}").status_code == 404
    assert client.get(f"/verify/{grouped(unknown_code())}").status_code == 429
    # The limit is per address and shared by the page and the API: a real code waits too.
    assert client.get(f"/api/v1/certificates/{code}").status_code == 429


def test_the_public_keys_are_published_with_their_ids(client, holder, app):
    _, code = holder
    data = client.get("/api/v1/certificate-keys").get_json()
    assert data["alg"] == "Ed25519"
    record = client.get(f"/api/v1/certificates/{code}").get_json()
    [key] = [k for k in data["keys"] if k["kid"] == record["signature"]["kid"]]
    assert key["status"] == "active" and key["jwk"]["crv"] == "Ed25519"
    assert len(key["public_key"]) == 43  # 32 bytes, base64url without padding


def test_my_certificates_lists_them_with_a_download(client, login, holder):
    login_name, code = holder
    assert client.get("/chung-nhan-cua-toi").status_code == 302  # sign in first
    login(login_name)
    html = client.get("/chung-nhan-cua-toi").get_data(as_text=True)
    assert "Chứng nhận của tôi" in html and "Khoá thử bài kiểm tra" in html
    assert f"/chung-nhan/{grouped(code)}.pdf" in html
    response = client.get(f"/chung-nhan/{grouped(code)}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]


def test_an_empty_list_says_so(client, login, make_user):
    make_user(login="moi@example.com")
    login("moi@example.com")
    assert "Bạn chưa có chứng nhận nào." in client.get("/chung-nhan-cua-toi").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "fields", "status"),
    [
        ("learner", {}, 403),
        ("officer", {"scope_level": "commune", "commune_code": "00070"}, 200),
        ("officer", {"scope_level": "commune", "commune_code": "00004"}, 403),
        ("officer", {"scope_level": "province", "province_code": "01", "commune_code": None}, 200),
        ("officer", {"scope_level": "province", "province_code": "79", "commune_code": None}, 403),
        ("mentor", {}, 403),
        ("admin", {}, 200),
    ],
)
def test_who_may_print_a_certificate(client, login, make_user, holder, role, fields, status):
    _, code = holder
    make_user(role=role, login="nguoi.xem@example.com", **fields)
    login("nguoi.xem@example.com")
    assert client.get(f"/chung-nhan/{code}.pdf").status_code == status


def test_officers_list_the_certificates_in_their_scope(client, login, make_user, holder):
    _, code = holder
    make_user(role="officer", scope_level="commune", commune_code="00070", login="xa@example.com")
    make_user(role="officer", scope_level="commune", commune_code="00004", login="xa2@example.com")
    make_user(login="hv2@example.com")
    login("xa@example.com")
    html = client.get("/chung-nhan/quan-ly").get_data(as_text=True)
    assert NAME in html and f"/chung-nhan/{grouped(code)}.pdf" in html
    assert "Phường Hoàn Kiếm" in html
    html = client.get("/chung-nhan/quan-ly", query_string={"q": "hong nhung"}).get_data(
        as_text=True
    )
    assert NAME in html
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/chung-nhan/quan-ly")})
    login("xa2@example.com")
    html = client.get("/chung-nhan/quan-ly").get_data(as_text=True)
    assert NAME not in html and "Chưa có chứng nhận nào trong phạm vi của bạn." in html
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/chung-nhan/quan-ly")})
    login("hv2@example.com")
    assert client.get("/chung-nhan/quan-ly").status_code == 403


def test_an_admin_revokes_with_a_reason_shown_on_the_verify_page(
    app, client, login, make_user, holder
):
    login_name, code = holder
    make_user(role="admin", login="quan.tri@example.com")
    page = f"/quan-tri/chung-nhan/{grouped(code)}"
    action = f"{page}/thu-hoi"
    assert client.get(page).status_code == 302  # to the sign-in page
    login("quan.tri@example.com")
    assert client.post(action, data={"reason": "cheating", "confirm": "y"}).status_code == 400
    token = csrf_token(client, page)
    unconfirmed = client.post(action, data={"reason": "cheating", "csrf_token": token})
    assert unconfirmed.status_code == 422
    assert "Hãy đánh dấu ô xác nhận để thu hồi." in unconfirmed.get_data(as_text=True)
    assert client.get(f"/api/v1/certificates/{code}").get_json()["status"] == "valid"
    done = client.post(
        action,
        data={"reason": "cheating", "note": "chép bài", "confirm": "y", "csrf_token": token},
    )
    assert done.status_code == 302
    html = client.get(f"/verify/{grouped(code)}").get_data(as_text=True)
    assert "Chứng nhận đã bị thu hồi" in html
    assert "Gian lận trong học tập hoặc kiểm tra" in html and "chép bài" not in html
    data = client.get(f"/api/v1/certificates/{code}").get_json()
    assert data["status"] == "revoked" and data["revocation_reason"] == "cheating"
    assert data["revoked_at"]
    # A revoked certificate can no longer be downloaded, even by its holder.
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, page)})
    login(login_name)
    assert client.get(f"/chung-nhan/{code}.pdf").status_code == 302
    assert "Đã thu hồi" in client.get("/chung-nhan-cua-toi").get_data(as_text=True)


def test_only_admins_revoke(client, login, make_user, holder):
    _, code = holder
    make_user(role="officer", scope_level="country", login="tw@example.com", commune_code=None)
    login("tw@example.com")
    token = csrf_token(client, "/chung-nhan/quan-ly")
    page = f"/quan-tri/chung-nhan/{grouped(code)}"
    assert client.get(page).status_code == 403
    response = client.post(
        f"{page}/thu-hoi", data={"reason": "error", "confirm": "y", "csrf_token": token}
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/certificates/{code}").get_json()["status"] == "valid"


def test_an_admin_reissues_after_a_name_correction(app, client, login, make_user, holder):
    _, code = holder
    make_user(role="admin", login="quan.tri@example.com")
    login("quan.tri@example.com")
    page = f"/quan-tri/chung-nhan/{grouped(code)}"
    assert "Cấp lại sau khi sửa họ tên" not in client.get(page).get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hoc.vien@example.com"))
        user.full_name = "Nguyễn Thị Hồng Nhung Anh"
        db.session.commit()
    token = csrf_token(client, page)
    assert "Cấp lại sau khi sửa họ tên" in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}/cap-lai", data={"confirm": "y", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Certificate).where(Certificate.previous_id.is_not(None)))
        new_code = new.code
    old = client.get(f"/api/v1/certificates/{code}").get_json()
    assert old["status"] == "replaced" and old["replaced_by"] == grouped(new_code)
    html = client.get(f"/verify/{grouped(code)}").get_data(as_text=True)
    assert "Chứng nhận đã được cấp lại" in html and grouped(new_code) in html
    html = client.get(f"/verify/{grouped(new_code)}").get_data(as_text=True)
    assert "Nguyễn Thị Hồng Nhung Anh" in html and "Lịch sử mã" in html and grouped(code) in html
