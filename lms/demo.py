"""Demo accounts for `make run`, listed in the README."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.accounts.models import User
from lms.accounts.services import (
    NewAccount,
    create_account,
    find_user,
    parse_login,
    record_consents,
)
from lms.extensions import db

DEMO_PASSWORD = "hocvuso2026"  # noqa: S105 - a published demo password, for the local demo only
DEMO_PROVINCE, DEMO_COMMUNE = "01", "00070"
DEMO_ACCOUNTS = (
    NewAccount(
        "Nguyễn Thị Lan",
        "0912000001",
        DEMO_PASSWORD,
        "learner",
        "citizen",
        1968,
        DEMO_PROVINCE,
        DEMO_COMMUNE,
        "Tổ dân phố số 5",
    ),
    NewAccount(
        "Trần Văn Minh",
        "hocsinh@example.com",
        DEMO_PASSWORD,
        "learner",
        "student",
        2009,
        DEMO_PROVINCE,
        DEMO_COMMUNE,
    ),
    NewAccount(
        "Lê Thu Hà",
        "giaovien@example.com",
        DEMO_PASSWORD,
        "teacher",
        None,
        1985,
        DEMO_PROVINCE,
        DEMO_COMMUNE,
    ),
    NewAccount(
        "Phạm Quốc Bảo",
        "canbo.xa@example.com",
        DEMO_PASSWORD,
        "officer",
        None,
        1979,
        DEMO_PROVINCE,
        DEMO_COMMUNE,
        scope_level="commune",
    ),
    NewAccount(
        "Hoàng Thị Mai",
        "canbo.tinh@example.com",
        DEMO_PASSWORD,
        "officer",
        None,
        1975,
        DEMO_PROVINCE,
        None,
        scope_level="province",
    ),
    NewAccount(
        "Đỗ Văn Hùng",
        "0912000002",
        DEMO_PASSWORD,
        "mentor",
        None,
        1995,
        DEMO_PROVINCE,
        DEMO_COMMUNE,
    ),
    NewAccount(
        "Quản trị viên",
        "admin@example.com",
        DEMO_PASSWORD,
        "admin",
        None,
        None,
        DEMO_PROVINCE,
        None,
    ),
)


def ensure_demo_accounts() -> list[tuple[User, bool]]:
    """Create the demo accounts that do not exist yet; returns (user, created)."""
    result = []
    for account in DEMO_ACCOUNTS:
        login = parse_login(account.login)
        existing = find_user(login) if login else None
        if existing is not None:
            result.append((existing, False))
            continue
        user = create_account(account)
        record_consents(user, {"account"})
        result.append((user, True))
    return result


@click.group("demo", help="Dữ liệu minh hoạ cho bản chạy thử.")
def demo() -> None:
    """Demo data commands."""


@demo.command("accounts")
@with_appcontext
def demo_accounts() -> None:
    """Create the demo accounts (idempotent) and print them."""
    rows = ensure_demo_accounts()
    db.session.commit()
    click.echo(f"Tài khoản minh hoạ (mật khẩu chung: {DEMO_PASSWORD}):")
    for user, created in rows:
        click.echo(
            f"  {user.role:8} {user.login:24} {user.full_name}{'' if created else ' (đã có)'}"
        )
