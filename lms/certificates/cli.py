"""`lms certificates ...`: signing keys, issuing what is missing, revoking and re-issuing."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from lms.extensions import db

certificates = click.Group("certificates", help="Chứng nhận: khoá ký, cấp bù, thu hồi, cấp lại.")


@certificates.command("keys")
@with_appcontext
def keys_command() -> None:
    """List the signing keys (the active one signs new certificates)."""
    from lms.certificates.services import keyring

    ring = keyring()
    ring.active_key_id()
    for entry in ring.published():
        state = "đang dùng" if entry["status"] == "active" else f"ngừng ký từ {entry['retired_at']}"
        click.echo(f"{entry['kid']}  {entry['created_at']}  {state}  {entry['public_key']}")


@certificates.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Make a new signing key; old keys stay published and valid for what they signed."""
    from lms.certificates.services import keyring

    kid = keyring().rotate()
    click.echo(f"Khoá ký mới: {kid}. Các khoá cũ vẫn được công bố để kiểm tra chứng nhận cũ.")


@certificates.command("issue-missing")
@with_appcontext
def issue_missing_command() -> None:
    """Issue certificates for completions and attainments that have none (after an upgrade)."""
    from lms.certificates.services import issue_missing_certificates

    issued = issue_missing_certificates()
    db.session.commit()
    click.echo(f"Đã cấp {issued} chứng nhận còn thiếu.")


def _find(code: str):  # type: ignore[no-untyped-def]
    from lms.certificates.services import look_up_certificate

    certificate = look_up_certificate(code).certificate
    if certificate is None:
        raise click.ClickException(f"Không có chứng nhận mã {code}.")
    return certificate


@certificates.command("revoke")
@click.argument("code")
@click.option("--reason", type=click.Choice(("cheating", "error")), required=True)
@click.option("--note", default="", help="Ghi chú nội bộ (không hiện công khai).")
@with_appcontext
def revoke_command(code: str, reason: str, note: str) -> None:
    """Revoke the certificate CODE for a reason."""
    from lms.certificates.services import CertificateError, revoke_certificate

    certificate = _find(code)
    try:
        revoke_certificate(certificate, reason, note)
    except CertificateError as error:
        db.session.rollback()
        raise click.ClickException("Chứng nhận này đã bị thu hồi hoặc đã được cấp lại.") from error
    db.session.commit()
    click.echo(f"Đã thu hồi chứng nhận {code}.")


@certificates.command("reissue")
@click.argument("code")
@with_appcontext
def reissue_command(code: str) -> None:
    """Re-issue the certificate CODE under its holder's corrected name (a new code)."""
    from lms.certificates.codes import grouped
    from lms.certificates.labels import ERROR_MESSAGES
    from lms.certificates.services import CertificateError, reissue_certificate

    certificate = _find(code)
    try:
        new = reissue_certificate(certificate)
    except CertificateError as error:
        db.session.rollback()
        raise click.ClickException(str(ERROR_MESSAGES[error.code])) from error
    db.session.commit()
    click.echo(f"Đã cấp lại: mã mới {grouped(new.code)} thay cho {grouped(certificate.code)}.")


@certificates.command("render-speed")
@click.option("--count", default=50, show_default=True, help="Số lần vẽ.")
@with_appcontext
def render_speed_command(count: int) -> None:
    """Draw a sample certificate COUNT times (no cache) and print certificates per second.

    The sample is never saved and is signed with a throwaway key, so it can never verify as
    a real certificate; its course is the first of the catalog, drawn with real text."""
    from lms.certificates.pdf import public_base_url, render_certificate
    from lms.certificates.services import sample_certificate

    certificate = sample_certificate()
    base = public_base_url()
    render_certificate(certificate, base)  # fonts loaded once, as in a running server
    start = time.perf_counter()
    for _ in range(count):
        size = len(render_certificate(certificate, base))
    elapsed = time.perf_counter() - start
    click.echo(
        f"{count / elapsed:.1f} chứng nhận/giây ({1000 * elapsed / count:.1f} ms mỗi bản, {size} byte)"
    )
