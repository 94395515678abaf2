"""The account audit trail: sign-ins, refusals, exports, role changes, data requests; what it
keeps (never secrets or ID numbers) and the admin's listing of one account."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.audit.services import record_event, redact
from lms.extensions import db
from tests.conftest import csrf_token


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def sign_out(client) -> None:
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/tai-khoan")})


def test_a_sign_in_is_logged_for_the_account(app, make_user, client, login):
    user_id = make_user(login="hoa@example.com")
    login("hoa@example.com")
    [entry] = entries(app, "auth.sign_in")
    assert (entry.actor_id, entry.subject_id, entry.actor_role) == (user_id, user_id, "learner")
    sign_out(client)
    assert [e.subject_id for e in entries(app, "auth.sign_out")] == [user_id]


def test_a_wrong_password_is_logged_without_the_password_and_unknown_logins_are_not(
    app, make_user, client
):
    user_id = make_user(login="hoa@example.com")
    token = csrf_token(client, "/dang-nhap")
    for login_name in ("hoa@example.com", "khong-co@example.com"):
        response = client.post(
            "/dang-nhap",
            data={"login": login_name, "password": "doan-sai-mat-khau", "csrf_token": token},
        )
        assert response.status_code == 200
    [entry] = entries(app, "auth.sign_in_failed")
    assert entry.subject_id == user_id and entry.actor_id is None
    assert "doan-sai" not in repr(entry.details) and entry.details == {}


def test_every_403_is_logged_with_the_path_and_nothing_else_is_committed(
    app, make_user, client, login
):
    learner = make_user(login="hoa@example.com")
    login("hoa@example.com")
    assert client.get("/quan-tri/nguoi-dung?q=bi-mat").status_code == 403
    [entry] = entries(app, "access.refused")
    assert entry.actor_id == learner and entry.subject_id == learner
    assert entry.details == {"method": "GET", "path": "/quan-tri/nguoi-dung"}  # no query string


def test_a_role_change_by_an_admin_is_logged_with_before_and_after(app, make_user, client, login):
    admin = make_user(role="admin", login="admin@example.com")
    target = make_user(login="hoa@example.com")
    login("admin@example.com")
    token = csrf_token(client, f"/quan-tri/nguoi-dung/{target}")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target}",
        data={
            "csrf_token": token,
            "full_name": "Người dùng 2",
            "role": "mentor",
            "learner_group": "citizen",
            "scope_level": "",
            "province_code": "01",
            "commune_code": "00070",
        },
    )
    assert response.status_code == 302
    [change] = entries(app, "account.role_changed")
    assert (change.actor_id, change.subject_id) == (admin, target)
    assert change.details["from_role"] == "learner" and change.details["to_role"] == "mentor"
    [disabled] = entries(app, "account.disabled")  # is_enabled was left unticked
    assert disabled.subject_id == target


def test_a_role_change_at_the_shell_is_logged_without_an_actor(app, make_user):
    target = make_user()
    with app.app_context():
        db.session.get(User, target).role = "teacher"
        db.session.commit()
    [change] = entries(app, "account.role_changed")
    assert change.actor_id is None and change.details["to_role"] == "teacher"


def test_an_officers_export_is_logged(app, make_user):
    from lms.reports.periods import parse_period
    from lms.reports.scope import commune_scope
    from lms.reports.services import export_figures

    officer = make_user(role="officer", scope_level="commune")
    with app.test_request_context():
        viewer = db.session.get(User, officer)
        export_figures(viewer, commune_scope("00070"), parse_period("2026-Q1"), "csv", via="web")
        db.session.commit()
    [entry] = entries(app, "report.export")
    assert entry.actor_id == officer and entry.subject_id == officer
    assert entry.details == {
        "scope": "commune:00070",
        "period": "2026-Q1",
        "format": "csv",
        "rows": 4,
        "via": "web",
    }


def test_registration_logs_the_account_and_each_consent(app, make_user):
    user_id = make_user()
    actions = [(e.action, e.subject_id) for e in entries(app)]
    assert ("account.created", user_id) in actions
    assert ("consent.given", user_id) in actions


def test_redact_drops_secret_keys_and_hides_id_and_phone_numbers_but_keeps_dates():
    details = {
        "password": "mat-khau",
        "national_id": "001090123456",
        "csrf_token": "abc",
        "note": "CCCD 001 090 123456, gọi 0912.345.678 ngày 2026-05-31",
        "nested": [{"token": "x", "period": "as_of=2026-05-31", "rows": 12}],
    }
    assert redact(details) == {
        "note": "CCCD [đã ẩn], gọi [đã ẩn] ngày 2026-05-31",
        "nested": [{"period": "as_of=2026-05-31", "rows": 12}],
    }


def test_the_audit_log_lines_carry_no_details(app, make_user, caplog):
    user_id = make_user()
    caplog.set_level(logging.INFO, logger="lms.audit")
    with app.app_context():
        record_event("data.export", user_id, user_id, note="079090123456", format="csv")
        db.session.commit()
    assert f"audit data.export actor={user_id} subject={user_id}" in caplog.text
    assert "079090123456" not in caplog.text and "csv" not in caplog.text


def test_an_admin_lists_what_happened_to_an_account(app, make_user, client, login):
    make_user(role="admin", login="admin@example.com")
    target = make_user(login="hoa@example.com", full_name="Lê Thị Hoa")
    login("hoa@example.com")
    client.get("/quan-tri/nguoi-dung")  # refused
    sign_out(client)
    login("admin@example.com")
    html = client.get(f"/quan-tri/nguoi-dung/{target}/nhat-ky").get_data(as_text=True)
    assert "Nhật ký tài khoản: Lê Thị Hoa" in html
    for label in ("Tạo tài khoản", "Đăng nhập", "Bị từ chối truy cập (403)", "Đăng xuất"):
        assert label in html
    only = client.get(f"/quan-tri/nguoi-dung/{target}/nhat-ky?action=access.refused")
    text = only.get_data(as_text=True)
    assert "path: /quan-tri/nguoi-dung" in text and "Đăng xuất</td>" not in text
    assert client.get("/quan-tri/nguoi-dung/999999/nhat-ky").status_code == 404
    assert "nhat-ky" in client.get(f"/quan-tri/nguoi-dung/{target}").get_data(as_text=True)


def test_only_admins_see_account_logs(app, make_user, client, login):
    target = make_user(login="hoa@example.com")
    make_user(role="officer", login="officer@example.com", scope_level="country")
    login("officer@example.com")
    assert client.get(f"/quan-tri/nguoi-dung/{target}/nhat-ky").status_code == 403


def test_purge_forgets_entries_older_than_the_retention(app, make_user):
    from lms.core.db import utcnow

    user_id = make_user()
    with app.app_context():
        old = record_event("auth.sign_in", user_id, user_id)
        old.created_at = utcnow() - timedelta(days=800)
        db.session.commit()
    before = len(entries(app))
    result = app.test_cli_runner().invoke(args=["audit", "purge"])
    assert result.exit_code == 0, result.output
    assert "Đã xoá 1 dòng" in result.output
    assert len(entries(app)) == before - 1
