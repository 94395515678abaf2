"""`lms tokens ...`: personal access tokens from the server's shell (DESIGN §6)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.api.services import SCOPES
from lms.extensions import db

tokens = click.Group("tokens", help="Mã truy cập API (personal access tokens).")


def _user(login_text: str):  # type: ignore[no-untyped-def]
    from lms.accounts.services import find_user, parse_login

    login = parse_login(login_text)
    user = find_user(login) if login else None
    if user is None:
        raise click.ClickException(f"Không có tài khoản {login_text}.")
    return user


@tokens.command("create")
@click.argument("login")
@click.option("--name", default="Dòng lệnh", show_default=True, help="Tên gợi nhớ của mã.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help="Quyền của mã (lặp lại để có nhiều quyền); mặc định: mọi quyền vai trò cho phép.",
)
@with_appcontext
def tokens_create(login: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create a token for EMAIL_OR_PHONE and print it once (alone on standard output)."""
    from lms.api.services import TokenError, allowed_scopes, create_token

    user = _user(login)
    try:
        token, secret = create_token(user, name, list(scopes) or list(allowed_scopes(user)))
    except TokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Đã tạo mã #{token.id} “{token.name}” cho {user.login}, quyền: {token.scopes}. "
        "Mã chỉ hiện một lần, hãy lưu lại:",
        err=True,
    )
    click.echo(secret)


@tokens.command("list")
@click.argument("login")
@with_appcontext
def tokens_list(login: str) -> None:
    """List the tokens of EMAIL_OR_PHONE (never their secrets)."""
    from lms.api.services import tokens_of

    for token in tokens_of(_user(login)):
        state = f"thu hồi {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "đang dùng"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "chưa dùng"
        click.echo(f"#{token.id}\t…{token.hint}\t{token.name}\t{token.scopes}\t{used}\t{state}")


@tokens.command("revoke")
@click.argument("login")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke(login: str, token_id: int) -> None:
    """Revoke the token TOKEN_ID of EMAIL_OR_PHONE."""
    from lms.api.services import own_token, revoke_token

    try:
        token = own_token(_user(login), token_id)
    except LookupError as error:
        raise click.ClickException(f"{login} không có mã #{token_id}.") from error
    changed = revoke_token(token)
    db.session.commit()
    click.echo(
        f"Đã thu hồi mã #{token.id}." if changed else f"Mã #{token.id} đã bị thu hồi trước đó."
    )
