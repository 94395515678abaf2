"""Forms of certificates: an admin's revocation and re-issue (each confirmed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.certificates.labels import REASON_LABELS
from lms.certificates.models import ADMIN_REASONS


class RevokeForm(FlaskForm):
    """Revoke a certificate for a reason, after ticking a confirmation."""

    reason = SelectField(
        _l("Lý do thu hồi"),
        choices=[SelectChoice(r, REASON_LABELS[r]) for r in ADMIN_REASONS],
        validators=[DataRequired()],
    )
    note = TextAreaField(
        _l("Ghi chú nội bộ (không hiện công khai)"),
        validators=[Optional(), Length(max=500)],
    )
    confirm = BooleanField(
        _l("Tôi xác nhận thu hồi chứng nhận này. Trang kiểm tra công khai sẽ hiện “đã thu hồi”."),
        validators=[DataRequired(_l("Hãy đánh dấu ô xác nhận để thu hồi."))],
    )


class ReissueForm(FlaskForm):
    """Re-issue a certificate under the holder's corrected name, after a confirmation."""

    confirm = BooleanField(
        _l("Tôi xác nhận cấp lại với họ tên hiện tại; mã cũ sẽ hiện “đã được cấp lại”."),
        validators=[DataRequired(_l("Hãy đánh dấu ô xác nhận để cấp lại."))],
    )
