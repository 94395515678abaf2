"""Forms of mentoring and households."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange

from lms.accounts.forms import RegisterForm
from lms.community.services import MAX_MINUTES


class MentorRegisterForm(RegisterForm):
    """A mentor registers a person who is with them, with the person's consent given in person."""

    attested = BooleanField(
        _l(
            "Tôi xác nhận: người này có mặt, đã nghe đọc phiếu đồng ý, tự chọn các mục "
            "đồng ý ở trên và tự đặt mật khẩu."
        )
    )
    submit = SubmitField(_l("Đăng ký cho người này"))


class LinkRequestForm(FlaskForm):
    """A mentor asks to follow a learner who already has an account."""

    login = StringField(
        _l("Số điện thoại hoặc email của người học"),
        validators=[DataRequired(_l("Hãy nhập số điện thoại hoặc email.")), Length(max=254)],
        description=_l("Người học sẽ thấy đề nghị trong trang Tài khoản và tự quyết định."),
    )
    submit = SubmitField(_l("Gửi đề nghị kết nối"))


class ButtonForm(FlaskForm):
    """A form that is only a button (accept, decline, end, leave, new code): CSRF-protected."""


class SessionForm(FlaskForm):
    """A mentor records a guided session with one or more mentees."""

    learners = SelectMultipleField(_l("Người được hướng dẫn"), coerce=int, choices=[])
    held_on = DateField(
        _l("Ngày hướng dẫn"), validators=[DataRequired(_l("Hãy nhập ngày hướng dẫn."))]
    )
    topic = StringField(
        _l("Nội dung đã hướng dẫn"),
        validators=[DataRequired(_l("Hãy ghi nội dung đã hướng dẫn.")), Length(max=200)],
        description=_l("Ví dụ: cài VNeID, nhận biết tin nhắn lừa đảo."),
    )
    minutes = IntegerField(
        _l("Thời lượng (phút)"),
        validators=[
            DataRequired(_l("Hãy nhập số phút.")),
            NumberRange(
                min=1,
                max=MAX_MINUTES,
                message=_l("Thời lượng phải từ 1 đến %(n)d phút.", n=MAX_MINUTES),
            ),
        ],
    )
    submit = SubmitField(_l("Ghi buổi hướng dẫn"))


class HouseholdForm(FlaskForm):
    """A learner creates their household."""

    name = StringField(
        _l("Tên hộ gia đình"),
        validators=[DataRequired(_l("Hãy đặt tên cho hộ gia đình.")), Length(max=120)],
        description=_l("Ví dụ: Gia đình bà Lò Thị Mai, thôn Nà Sản."),
    )
    submit = SubmitField(_l("Tạo hộ gia đình"))


class JoinForm(FlaskForm):
    """A learner joins a household with the code a member gave them."""

    code = StringField(
        _l("Mã mời"),
        validators=[DataRequired(_l("Hãy nhập mã mời.")), Length(max=20)],
        description=_l("8 chữ và số, ví dụ 7KQ2-M9XD. Chữ hoa hay thường đều được."),
    )
    submit = SubmitField(_l("Vào hộ gia đình"))


class SetUpHouseholdForm(FlaskForm):
    """A mentor sets a household up with mentees who agreed to be in it together."""

    name = StringField(
        _l("Tên hộ gia đình"),
        validators=[DataRequired(_l("Hãy đặt tên cho hộ gia đình.")), Length(max=120)],
    )
    members = SelectMultipleField(_l("Thành viên"), coerce=int, choices=[])
    attested = BooleanField(
        _l("Tôi xác nhận những người được chọn đã đồng ý vào cùng một hộ gia đình.")
    )
    submit = SubmitField(_l("Lập hộ gia đình"))
