"""The lms command: users create, content load/export, db backup."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db


def test_users_create_any_role_with_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "0912 000 111",
            "--role",
            "officer",
            "--commune",
            "00070",
            "--password-stdin",
        ],
        input="mot-mat-khau-dai\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.phone == "+84912000111"))
        assert (user.role, user.scope_level, user.province_code) == ("officer", "commune", "01")


def test_users_create_prints_a_generated_password_and_refuses_duplicates(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "create", "teacher@example.com", "--role", "teacher"])
    assert first.exit_code == 0 and "Mật khẩu:" in first.output
    again = runner.invoke(args=["users", "create", "TEACHER@example.com", "--role", "teacher"])
    assert again.exit_code != 0
    assert "đã có tài khoản" in again.output


def test_users_create_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@example.com", "--role", "king"]
    )
    assert result.exit_code != 0


def test_db_backup_writes_a_copy(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["db", "backup", "--to", str(tmp_path)])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert result.exit_code == 0, result.output
        assert list(tmp_path.iterdir())
