"""Roles, learner groups and consent purposes: the fixed vocabularies of accounts."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

ROLES = ("learner", "teacher", "officer", "mentor", "admin")
ROLE_LABELS = {
    "learner": _l("Người học"),
    "teacher": _l("Giáo viên"),
    "officer": _l("Cán bộ quản lý"),
    "mentor": _l("Đại sứ số"),
    "admin": _l("Quản trị viên"),
}

# DESIGN §1 (Contract): the four learner groups.
GROUPS = ("public_servant", "student", "enterprise_worker", "citizen")
GROUP_LABELS = {
    "public_servant": _l("Cán bộ, công chức, viên chức và người lao động trong cơ quan nhà nước"),
    "student": _l("Học sinh, sinh viên"),
    "enterprise_worker": _l("Người lao động trong doanh nghiệp, hợp tác xã"),
    "citizen": _l("Người dân (người trưởng thành)"),
}

SCOPE_LEVELS = ("commune", "province", "country")
SCOPE_LABELS = {
    "commune": _l("Một xã/phường"),
    "province": _l("Một tỉnh/thành phố"),
    "country": _l("Toàn quốc"),
}


# Children's personal data: the platform asks for a parent's or guardian's consent, recorded
# with the person's own, for anyone who may be under 16 (docs/privacy.md).
GUARDIAN_AGE = 16
GUARDIAN_RELATIONS = ("father", "mother", "grandparent", "sibling", "other")
GUARDIAN_RELATION_LABELS = {
    "father": _l("Bố"),
    "mother": _l("Mẹ"),
    "grandparent": _l("Ông hoặc bà"),
    "sibling": _l("Anh hoặc chị (đã thành niên)"),
    "other": _l("Người giám hộ khác"),
}


@dataclass(frozen=True)
class ConsentPurpose:
    """One purpose a person may consent to, with the version of the text they saw."""

    code: str
    version: str
    required: bool
    text: object  # a lazy translatable string


CONSENT_PURPOSES = (
    ConsentPurpose(
        "account",
        "2026-01",
        True,
        _l(
            "Tôi đồng ý để nền tảng xử lý họ tên, số điện thoại hoặc email, năm sinh, nhóm đối tượng "
            "và nơi ở (tỉnh, xã, thôn) của tôi để tạo tài khoản, ghi nhận quá trình học, cấp chứng "
            "nhận, và để cơ quan quản lý thống kê số người đạt phổ cập kỹ năng số (chỉ số liệu tổng hợp)."
        ),
    ),
    ConsentPurpose(
        "mentor_support",
        "2026-01",
        False,
        _l(
            "Tôi đồng ý để Đại sứ số và Tổ công nghệ số cộng đồng ở xã tôi xem tiến độ học của tôi "
            "để hỗ trợ tôi."
        ),
    ),
    ConsentPurpose(
        "reminders",
        "2026-01",
        False,
        _l("Tôi muốn nhận nhắc nhở học tập qua số điện thoại hoặc email đã đăng ký."),
    ),
)
CONSENT_BY_CODE = {p.code: p for p in CONSENT_PURPOSES}
