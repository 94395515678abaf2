"""`lms privacy rotate-key`: re-encrypt every stored ID number with a new key."""

from __future__ import annotations

import os

import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db

privacy = click.Group("privacy", help="Dữ liệu cá nhân: khoá mã hoá số CCCD.")


@privacy.command("rotate-key")
@with_appcontext
def rotate_key() -> None:
    """Re-encrypt every CCCD number with the newest key.

    With LMS_NATIONAL_ID_KEYS set: put the new key first (keep the old ones after it), run
    this, then remove the old keys from the variable. Without it: a new key is generated into
    instance/national_id_keys, every number re-encrypted, and the old keys dropped."""
    from lms.privacy.keys import ENV_VAR, forget_keyring, keyring, write_key_file
    from lms.privacy.services import rotate_national_id_keys

    forget_keyring()
    ring = keyring()
    if os.environ.get(ENV_VAR, "").strip():
        count = rotate_national_id_keys()
        db.session.commit()
        click.echo(
            f"Đã mã hoá lại {count} số CCCD bằng khoá đầu tiên của {ENV_VAR}. "
            "Giờ có thể bỏ các khoá cũ khỏi biến môi trường."
        )
        return
    new = Fernet.generate_key()
    # Both keys stay in the file until every number is re-encrypted and committed.
    write_key_file(current_app.instance_path, (new, *ring.keys))
    forget_keyring()
    count = rotate_national_id_keys()
    db.session.commit()
    write_key_file(current_app.instance_path, (new,))
    forget_keyring()
    click.echo(f"Đã tạo khoá mới và mã hoá lại {count} số CCCD; khoá cũ đã được xoá.")
