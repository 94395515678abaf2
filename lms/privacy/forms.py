"""Forms of data rights: consent per purpose, the ID number, downloads and erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from lms.accounts.constants import CONSENT_BY_CODE


class ConsentForm(FlaskForm):
    """Give or withdraw consent to one purpose, with one button."""

    purpose = HiddenField(validators=[AnyOf(list(CONSENT_BY_CODE))])
    action = HiddenField(validators=[AnyOf(["give", "withdraw"])])


class NationalIdForm(FlaskForm):
    """Add or change the optional CCCD number."""

    national_id = StringField(
        _l("Số căn cước công dân (CCCD, không bắt buộc)"),
        validators=[DataRequired(_l("Hãy nhập 12 chữ số của CCCD.")), Length(max=20)],
        description=_l(
            "12 chữ số in trên thẻ căn cước. Số được mã hoá khi lưu và chỉ hiện 3 số cuối."
        ),
    )
    submit = SubmitField(_l("Lưu số CCCD"))


class RemoveNationalIdForm(FlaskForm):
    """Delete the stored CCCD number."""

    submit = SubmitField(_l("Xoá số CCCD đã lưu"))


class DownloadForm(FlaskForm):
    """Download all one's data (a POST, so the request is logged and protected by CSRF)."""

    fmt = HiddenField(validators=[AnyOf(["json", "csv"])])


class EraseForm(FlaskForm):
    """Confirm erasure with one's password and a tick."""

    password = PasswordField(
        _l("Mật khẩu của bạn"), validators=[DataRequired(_l("Hãy nhập mật khẩu để xác nhận."))]
    )
    confirm = BooleanField(
        _l("Tôi hiểu: sau khi xoá, tôi không đăng nhập lại được và không khôi phục được dữ liệu."),
        validators=[DataRequired(_l("Hãy đánh dấu ô xác nhận."))],
    )
    submit = SubmitField(_l("Xoá dữ liệu cá nhân của tôi"))
