"""How certificate states and revocation reasons are named on pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REASON_LABELS = {
    "cheating": _l("Gian lận trong học tập hoặc kiểm tra"),
    "error": _l("Cấp nhầm hoặc thông tin sai"),
    "regrade": _l("Kết quả được chấm lại"),
}

STATUS_LABELS = {
    "valid": _l("Hợp lệ"),
    "revoked": _l("Đã thu hồi"),
    "replaced": _l("Đã được cấp lại"),
}

KIND_LABELS = {
    "course": _l("Hoàn thành khoá học"),
    "program": _l("Đạt phổ cập kỹ năng số"),
}

ERROR_MESSAGES = {
    "not_live": _l("Chứng nhận này đã bị thu hồi hoặc đã được cấp lại."),
    "same_name": _l(
        "Họ tên của người học chưa thay đổi: hãy sửa họ tên trong tài khoản trước khi cấp lại."
    ),
    "no_holder": _l("Tài khoản của người được cấp không còn."),
    "reason": _l("Lý do thu hồi không hợp lệ."),
}
