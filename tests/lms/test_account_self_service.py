"""A person changes their own password and corrects their own name (right to rectification):
the rules, the pages through the Flask client, and the certificates issued again."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.services import AccountError, change_password, correct_name
from lms.audit.models import AuditEntry
from lms.catalog.models import Course
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.lms.test_certificates import complete_course, live_certificates

NEW_PASSWORD = "mot-mat-khau-moi-dai"


def audit_actions(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_id == user_id)
            .order_by(AuditEntry.id)
        )
    )


def test_changing_the_password_needs_the_current_one_and_a_new_one(app, make_user):
    user_id = make_user()
    with app.test_request_context():
        user = db.session.get(User, user_id)
        with pytest.raises(AccountError) as wrong:
            change_password(user, "khong-phai-mat-khau", NEW_PASSWORD)
        assert wrong.value.field == "current_password"
        with pytest.raises(AccountError) as same:
            change_password(user, PASSWORD, PASSWORD)
        assert same.value.field == "new_password"
        with pytest.raises(AccountError) as short:
            change_password(user, PASSWORD, "ngan")
        assert short.value.field == "password"
        change_password(user, PASSWORD, NEW_PASSWORD)
        db.session.commit()
        assert "account.password_changed" in audit_actions(user_id)
        assert "auth.sign_in_failed" in audit_actions(user_id)


def test_the_password_page_signs_other_browsers_out_and_keeps_this_one(
    app, make_user, client, login
):
    make_user(login="hoa@example.com")
    login("hoa@example.com")
    other = app.test_client()
    token = csrf_token(other, "/dang-nhap")
    other.post(
        "/dang-nhap", data={"login": "hoa@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert other.get("/tai-khoan").status_code == 200

    token = csrf_token(client, "/tai-khoan/mat-khau")
    mismatch = client.post(
        "/tai-khoan/mat-khau",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "x",
        },
    )
    assert "Hai lần nhập mật khẩu mới không giống nhau." in mismatch.get_data(as_text=True)
    wrong = client.post(
        "/tai-khoan/mat-khau",
        data={
            "csrf_token": token,
            "current_password": "sai-mat-khau-roi",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    done = client.post(
        "/tai-khoan/mat-khau",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/tai-khoan")
    assert client.get("/tai-khoan").status_code == 200  # this browser is still signed in
    assert other.get("/tai-khoan").status_code == 302  # the other one was signed out
    fresh = app.test_client()
    token = csrf_token(fresh, "/dang-nhap")
    old = fresh.post(
        "/dang-nhap", data={"login": "hoa@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert old.status_code == 200  # the old password no longer works
    new = fresh.post(
        "/dang-nhap",
        data={"login": "hoa@example.com", "password": NEW_PASSWORD, "csrf_token": token},
    )
    assert new.status_code == 302


def test_the_pages_need_a_signed_in_person_and_a_csrf_token(app, make_user, client, login):
    assert client.get("/tai-khoan/mat-khau").status_code == 302
    assert client.get("/tai-khoan/ho-ten").status_code == 302
    make_user(login="an@example.com")
    login("an@example.com")
    response = client.post("/tai-khoan/ho-ten", data={"full_name": "Kẻ Giả Mạo"})
    assert response.status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(select(User.full_name).where(User.email == "an@example.com"))
            != "Kẻ Giả Mạo"
        )


def test_correcting_the_name_reissues_the_certificates_under_it(app, quiz_course, make_user):
    user_id = make_user(full_name="Nguyen Thi Hong Nhung")
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        db.session.commit()
        [old] = live_certificates(user_id)
        decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Hồng   Nhung ")
        assert correct_name(user, decomposed) is True
        db.session.commit()
        assert user.full_name == "Nguyễn Thị Hồng Nhung"
        [new] = live_certificates(user_id)
        assert new.holder_name == "Nguyễn Thị Hồng Nhung" and new.previous_id == old.id
        assert db.session.get(Certificate, old.id).status == "replaced"
        assert correct_name(user, "Nguyễn Thị Hồng Nhung") is False  # nothing to do
        assert live_certificates(user_id) == [new]
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_id == user_id, AuditEntry.action == "account.name_corrected"
            )
        ).all()
        assert len(entries) == 1 and "Nhung" not in str(entries[0].details)
        with pytest.raises(AccountError):
            correct_name(user, "   ")


def test_the_name_page_saves_the_corrected_name(app, make_user, client, login):
    make_user(login="binh@example.com", full_name="Tran Van Binh")
    login("binh@example.com")
    page = client.get("/tai-khoan/ho-ten").get_data(as_text=True)
    assert 'value="Tran Van Binh"' in page
    token = csrf_token(client, "/tai-khoan/ho-ten")
    empty = client.post("/tai-khoan/ho-ten", data={"csrf_token": token, "full_name": ""})
    assert "Hãy nhập họ và tên." in empty.get_data(as_text=True)
    saved = client.post(
        "/tai-khoan/ho-ten", data={"csrf_token": token, "full_name": "Trần Văn Bình"}
    )
    assert saved.status_code == 302
    account = client.get("/tai-khoan").get_data(as_text=True)
    assert "Trần Văn Bình" in account and "Đã lưu họ tên mới." in account
