"""Operations: database backups."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def backup_database(url: str, target_dir: Path) -> Path:
    """Write a consistent copy of the database into target_dir and return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        destination = target_dir / f"lms-{stamp}.sqlite3"
        source = sqlite3.connect(parsed.database or "")
        with sqlite3.connect(destination) as copy:
            source.backup(copy)  # the online backup API: safe while the app is running
        source.close()
        return destination
    if parsed.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException(
                "Cần cài pg_dump (gói postgresql-client) để sao lưu PostgreSQL."
            )
        destination = target_dir / f"lms-{stamp}.dump"
        plain = parsed.set(drivername="postgresql")
        subprocess.run(  # noqa: S603 - no shell, arguments passed as a list
            [
                pg_dump,
                "--format=custom",
                f"--file={destination}",
                f"--dbname={plain.render_as_string(hide_password=False)}",
            ],
            check=True,
        )
        return destination
    raise click.ClickException(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {parsed.get_backend_name()}.")


@click.command("backup")
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục lưu bản sao (mặc định: instance/backups).",
)
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Back up the database (SQLite online backup, or pg_dump for PostgreSQL)."""
    folder = target or Path(current_app.config["INSTANCE_PATH"]) / "backups"
    path = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], folder)
    click.echo(f"Đã sao lưu vào {path}")
