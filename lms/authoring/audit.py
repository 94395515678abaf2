"""The audit trail: every change to a course, who made it and when."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from lms.accounts.models import User
from lms.authoring.access import require_editor
from lms.authoring.models import AuditEvent
from lms.catalog.models import Course
from lms.extensions import db

ACTION_LABELS = {
    "course.create": _l("Tạo khoá học"),
    "course.update": _l("Sửa thông tin khoá học"),
    "course.cover": _l("Đổi ảnh bìa"),
    "course.publish": _l("Xuất bản phiên bản mới"),
    "course.import": _l("Nhập gói nội dung"),
    "course.export": _l("Xuất gói nội dung"),
    "author.add": _l("Thêm đồng tác giả"),
    "author.remove": _l("Bỏ đồng tác giả"),
    "lesson.create": _l("Thêm bài học"),
    "lesson.update": _l("Sửa bài học"),
    "lesson.move": _l("Đổi thứ tự bài học"),
    "lesson.delete": _l("Xoá bài học"),
    "lesson.restore": _l("Khôi phục bài học từ lịch sử"),
    "lesson.media": _l("Sửa âm thanh, video, trình chiếu của bài"),
    "media.upload": _l("Tải tệp lên"),
    "media.delete": _l("Xoá tệp không dùng"),
    "quiz.create": _l("Thêm bài kiểm tra"),
    "quiz.update": _l("Sửa cài đặt bài kiểm tra"),
    "quiz.questions": _l("Sửa danh sách câu hỏi của bài kiểm tra"),
    "quiz.delete": _l("Xoá bài kiểm tra"),
    "question.create": _l("Thêm câu hỏi vào ngân hàng"),
    "question.update": _l("Sửa câu hỏi"),
    "question.delete": _l("Xoá câu hỏi"),
    "question.import": _l("Nhập câu hỏi"),
}


def record_event(
    actor: User, course: Course, action: str, target: str = "", **details: Any
) -> AuditEvent:
    """Record one change to a course."""
    event = AuditEvent(
        course_id=course.id,
        actor_id=actor.id,
        actor_name=actor.full_name,
        action=action,
        target=target[:200],
        details=details,
    )
    db.session.add(event)
    return event


def course_events_query(actor: User, course: Course) -> Select[tuple[AuditEvent]]:
    """Return a select() of a course's audit events, newest first (for its editors only)."""
    require_editor(actor, course)
    return (
        select(AuditEvent)
        .where(AuditEvent.course_id == course.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
