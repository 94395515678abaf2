"""Record and list audit entries; nothing secret and no ID number ever goes into one."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.extensions import db

log = logging.getLogger("lms.audit")

ACTION_LABELS = {
    "auth.sign_in": _l("Đăng nhập"),
    "auth.sign_in_failed": _l("Đăng nhập không thành công"),
    "auth.sign_out": _l("Đăng xuất"),
    "access.refused": _l("Bị từ chối truy cập (403)"),
    "report.export": _l("Xuất số liệu thống kê"),
    "account.created": _l("Tạo tài khoản"),
    "account.role_changed": _l("Đổi vai trò hoặc phạm vi"),
    "account.disabled": _l("Khoá tài khoản"),
    "account.enabled": _l("Mở khoá tài khoản"),
    "account.password_changed": _l("Đổi mật khẩu"),
    "account.name_corrected": _l("Sửa họ tên"),
    "consent.given": _l("Đồng ý xử lý dữ liệu"),
    "consent.withdrawn": _l("Rút lại sự đồng ý"),
    "data.export": _l("Tải về dữ liệu cá nhân"),
    "data.erased": _l("Xoá dữ liệu cá nhân (ẩn danh hoá tài khoản)"),
    "national_id.set": _l("Lưu số CCCD"),
    "national_id.removed": _l("Xoá số CCCD"),
    "mentor.registered": _l("Đại sứ số đăng ký hộ"),
    "mentor.link_requested": _l("Đại sứ số đề nghị kết nối"),
    "mentor.link_accepted": _l("Chấp nhận kết nối với Đại sứ số"),
    "mentor.link_declined": _l("Từ chối kết nối với Đại sứ số"),
    "mentor.link_ended": _l("Kết thúc kết nối với Đại sứ số"),
    "household.joined": _l("Vào hộ gia đình"),
    "household.left": _l("Rời hộ gia đình"),
}

# Keys whose values are never kept, whatever they hold.
SECRET_KEYS = ("password", "token", "secret", "national_id", "cccd", "csrf", "key")
# A run of digits possibly split by spaces, dots or dashes: an ID or phone number if 9 or more.
_DIGIT_RUN = re.compile(r"\d[\d .\-]*\d")
REDACTED = "[đã ẩn]"


def _redact_text(text: str) -> str:
    def hide(match: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in match.group())
        return REDACTED if digits >= 9 else match.group()

    return _DIGIT_RUN.sub(hide, text)


def redact(value: Any) -> Any:
    """Return details safe to keep: secret keys dropped, long digit runs (ID, phone) hidden."""
    if isinstance(value, dict):
        return {
            str(k): redact(v)
            for k, v in value.items()
            if not any(word in str(k).lower() for word in SECRET_KEYS)
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _redact_text(value)[:500]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return _redact_text(str(value))[:500]


def _id(person: User | int | None) -> int | None:
    return person if isinstance(person, int) or person is None else person.id


def make_entry(
    action: str,
    actor: User | int | None = None,
    subject: User | int | None = None,
    actor_role: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Return an audit entry (not yet added to a session), its details redacted, and log it."""
    role = actor_role if actor_role is not None else getattr(actor, "role", "")
    entry = AuditEntry(
        actor_id=_id(actor),
        actor_role=(role or "")[:16],
        subject_id=_id(subject),
        action=action[:40],
        details=redact(details),
    )
    # Only the action and account numbers reach the log: never details, names or ID numbers.
    log.info("audit %s actor=%s subject=%s", action, entry.actor_id or "-", entry.subject_id or "-")
    return entry


def record_event(
    action: str, actor: User | int | None = None, subject: User | int | None = None, **details: Any
) -> AuditEntry:
    """Add one audit entry to the session (flushed with the rest of the transaction)."""
    entry = make_entry(action, actor, subject, **details)
    db.session.add(entry)
    return entry


def events_about(user_id: int, action: str | None = None) -> Select[tuple[AuditEntry]]:
    """Return a select() of what happened to an account or what it did, newest first."""
    stmt = (
        select(AuditEntry)
        .where(or_(AuditEntry.subject_id == user_id, AuditEntry.actor_id == user_id))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt


def events_of(user_id: int) -> list[AuditEntry]:
    """Return the entries about an account (for the person's own data download), oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_id == user_id)
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )


def people_named(ids: set[int]) -> dict[int, User]:
    """Return the accounts with these ids, to name actors and subjects in a listing."""
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
