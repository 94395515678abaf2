"""The `lms` command: Flask's commands plus the platform's own groups."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from lms.accounts.constants import GROUPS, ROLES, SCOPE_LEVELS
from lms.core import places
from lms.core.yamlfile import ContentError
from lms.extensions import db


def _create_app() -> Flask:
    from lms import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Nền tảng Bình dân học vụ số: lệnh quản trị."""


content = click.Group("content", help="Nạp và xuất gói nội dung (khung năng lực, khoá học).")
users = click.Group("users", help="Quản lý tài khoản.")
quizzes = click.Group("quizzes", help="Bài kiểm tra.")


@quizzes.command("close-overdue")
@with_appcontext
def quizzes_close_overdue() -> None:
    """Grade every attempt past its deadline (run from cron, e.g. every 5 minutes)."""
    from lms.quizzes.services import close_overdue_attempts

    closed = close_overdue_attempts()
    db.session.commit()
    click.echo(f"Đã đóng và chấm {closed} bài làm quá hạn.")


@content.command("load")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def content_load(path: Path) -> None:
    """Load the framework and course packages under PATH (idempotent)."""
    from lms.catalog.importer import load_content

    try:
        report = load_content(path)
    except ContentError as error:
        db.session.rollback()
        raise click.ClickException(f"Lỗi nội dung: {error}") from error
    db.session.commit()
    for warning in report.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    click.echo(
        f"Khoá học mới: {len(report.created)}, phiên bản mới: {len(report.updated)}, "
        f"không đổi: {len(report.unchanged)}."
    )


@content.command("export")
@click.argument("slug")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_export(slug: str, path: Path) -> None:
    """Write the course SLUG back as a content package under PATH/SLUG."""
    from lms.catalog.importer import export_course

    try:
        folder = export_course(slug, path)
    except LookupError as error:
        raise click.ClickException(f"Không có khoá học '{slug}'.") from error
    click.echo(f"Đã xuất khoá học vào {folder}")


@users.command("create")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--name", "full_name", default=None, help="Họ và tên (mặc định: LOGIN).")
@click.option("--group", "learner_group", type=click.Choice(GROUPS), default=None)
@click.option("--commune", "commune_code", default=None, help="Mã xã/phường (5 chữ số).")
@click.option(
    "--province",
    "province_code",
    default=None,
    help="Mã tỉnh (2 chữ số); suy ra từ xã nếu bỏ trống.",
)
@click.option(
    "--scope",
    "scope_level",
    type=click.Choice(SCOPE_LEVELS),
    default=None,
    help="Phạm vi của cán bộ.",
)
@click.option("--birth-year", type=int, default=None)
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
@with_appcontext
def users_create(
    login: str,
    role: str,
    full_name: str | None,
    learner_group: str | None,
    commune_code: str | None,
    province_code: str | None,
    scope_level: str | None,
    birth_year: int | None,
    password_stdin: bool,
) -> None:
    """Create an account with any role; prints a generated password unless one is given."""
    from lms.accounts.services import AccountError, NewAccount, create_account, record_consents

    if commune_code and not province_code:
        commune = places.commune(commune_code)
        province_code = commune.province_code if commune else None
    if role == "officer" and scope_level is None:
        scope_level = "commune" if commune_code else "province" if province_code else "country"
    if role == "learner" and learner_group is None:
        learner_group = "citizen"
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(9)
    try:
        user = create_account(
            NewAccount(
                full_name=full_name or login,
                login=login,
                password=password,
                role=role,
                learner_group=learner_group,
                birth_year=birth_year,
                province_code=province_code,
                commune_code=commune_code,
                scope_level=scope_level,
            )
        )
        record_consents(user, {"account"})
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.login} ({role}).")
    if not password_stdin:
        click.echo(f"Mật khẩu: {password}")


def register(app: Flask) -> None:
    """Attach the command groups to the app (so `flask` and `lms` both have them)."""
    from lms.api.cli import tokens
    from lms.audit.cli import audit
    from lms.certificates.cli import certificates
    from lms.demo import demo
    from lms.maintenance import backup_command
    from lms.privacy.cli import privacy
    from lms.reports.cli import demo_generate, stats

    app.cli.add_command(content)
    app.cli.add_command(users)
    app.cli.add_command(quizzes)
    app.cli.add_command(demo)
    app.cli.add_command(certificates)
    app.cli.add_command(audit)
    app.cli.add_command(privacy)
    app.cli.add_command(stats)
    app.cli.add_command(tokens)
    demo.add_command(demo_generate)
    from flask_migrate.cli import db as migrate_db

    migrate_db.add_command(backup_command)
