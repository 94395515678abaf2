"""`lms audit purge`: forget audit entries older than the retention the privacy notice states."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete

from lms.extensions import db

RETENTION_DAYS = 730  # 24 months, as the privacy notice says

audit = click.Group("audit", help="Nhật ký an toàn của tài khoản.")


@audit.command("purge")
@click.option(
    "--days",
    type=click.IntRange(30, 36500),
    default=RETENTION_DAYS,
    show_default=True,
    help="Xoá các dòng nhật ký cũ hơn số ngày này.",
)
@with_appcontext
def purge(days: int) -> None:
    """Delete audit entries older than DAYS (run from cron, e.g. daily)."""
    from lms.audit.models import AuditEntry
    from lms.core.db import utcnow

    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
    db.session.commit()
    click.echo(f"Đã xoá {result.rowcount} dòng nhật ký cũ hơn {days} ngày.")
