"""The admin's account list and editor, and role checks on every admin view."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User, UserSession
from lms.extensions import db
from tests.conftest import csrf_token


def test_admin_pages_refuse_other_roles(make_user, client, login):
    assert client.get("/quan-tri/nguoi-dung").status_code == 302  # anonymous → sign in
    for n, role in enumerate(("learner", "teacher", "officer", "mentor"), start=1):
        extra = {"scope_level": "commune"} if role == "officer" else {}
        make_user(role=role, login=f"r{n}@example.com", **extra)
        login(f"r{n}@example.com")
        assert client.get("/quan-tri/nguoi-dung").status_code == 403, role
        assert client.get("/quan-tri/nguoi-dung/1").status_code == 403, role
        client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/tai-khoan")})


def test_admin_lists_and_searches_accounts_without_diacritics(make_user, client, login):
    make_user(role="admin", login="admin@example.com")
    make_user(full_name="Nguyễn Văn Đức", login="duc@example.com")
    make_user(full_name="Lê Thị Hoa", login="hoa@example.com")
    login("admin@example.com")
    html = client.get("/quan-tri/nguoi-dung?q=nguyen+van+duc").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html and "Lê Thị Hoa" not in html
    html = client.get("/quan-tri/nguoi-dung?role=admin").get_data(as_text=True)
    assert "admin@example.com" in html and "hoa@example.com" not in html


def test_admin_makes_a_commune_officer_and_the_person_is_signed_out(app, make_user, client, login):
    make_user(role="admin", login="admin@example.com")
    target = make_user(login="hoa@example.com")
    other = app.test_client()
    token = csrf_token(other, "/dang-nhap")
    other.post(
        "/dang-nhap",
        data={"login": "hoa@example.com", "password": "mat-khau-an-toan", "csrf_token": token},
    )
    assert other.get("/hoc-tap-cua-toi").status_code == 200
    login("admin@example.com")
    token = csrf_token(client, f"/quan-tri/nguoi-dung/{target}")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target}",
        data={
            "csrf_token": token,
            "full_name": "Lê Thị Hoa",
            "role": "officer",
            "learner_group": "",
            "scope_level": "commune",
            "province_code": "01",
            "commune_code": "00070",
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, target)
        assert (user.role, user.scope_level, user.commune_code) == ("officer", "commune", "00070")
        live = db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == target, UserSession.revoked_at.is_(None)
            )
        ).all()
        assert live == []
    assert other.get("/hoc-tap-cua-toi").status_code == 302


def test_admin_cannot_make_an_officer_without_a_place_in_scope(app, make_user, client, login):
    make_user(role="admin", login="admin@example.com")
    target = make_user(login="hoa@example.com")
    login("admin@example.com")
    token = csrf_token(client, f"/quan-tri/nguoi-dung/{target}")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target}",
        data={
            "csrf_token": token,
            "full_name": "Hoa",
            "role": "officer",
            "scope_level": "commune",
            "learner_group": "",
            "province_code": "01",
            "commune_code": "",
            "is_enabled": "y",
        },
    )
    assert response.status_code == 200
    assert "Phạm vi xã cần chọn xã/phường." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, target).role == "learner"


def test_unknown_account_is_404_for_admin(make_user, client, login):
    make_user(role="admin", login="admin@example.com")
    login("admin@example.com")
    assert client.get("/quan-tri/nguoi-dung/999999").status_code == 404
