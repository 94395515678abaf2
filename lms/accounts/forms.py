"""Forms of accounts: register, sign in, admin edits."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from lms.accounts.constants import (
    CONSENT_PURPOSES,
    GROUP_LABELS,
    GROUPS,
    GUARDIAN_RELATION_LABELS,
    GUARDIAN_RELATIONS,
    ROLE_LABELS,
    ROLES,
    SCOPE_LABELS,
    SCOPE_LEVELS,
)
from lms.accounts.passwords import MIN_PASSWORD_LENGTH
from lms.accounts.services import Guardian
from lms.core import places
from lms.core.localities import units_of, villages_of


def options(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    """Return select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


def province_choices() -> list[SelectChoice]:
    """Return the select choices for provinces."""
    return options(
        [("", _l("— Chọn tỉnh/thành phố —"))] + [(p.code, p.name) for p in places.provinces()]
    )


def commune_choices(province_code: str | None) -> list[SelectChoice]:
    """Return the select choices for the communes of a province."""
    if not province_code:
        return options([("", _l("— Chọn tỉnh/thành phố trước —"))])
    return options(
        [("", _l("— Chọn xã/phường —"))]
        + [(c.code, c.name) for c in places.communes(province_code)]
    )


def local_choices(commune_code: str | None) -> tuple[list[SelectChoice], list[SelectChoice]]:
    """Return the select choices for the villages and the units a commune has defined."""
    if not commune_code:
        first = _l("— Chọn xã/phường trước —")
        return options([("", first)]), options([("", first)])
    villages = [(str(v.id), v.name) for v in villages_of(commune_code)]
    units = [(str(u.id), u.name) for u in units_of(commune_code)]
    return (
        options([("", _l("— Không chọn —"))] + villages),  # type: ignore[operator]
        options([("", _l("— Không chọn —"))] + units),  # type: ignore[operator]
    )


def chosen_id(value: str | None) -> int | None:
    """Return the id picked in a village or unit select, or None."""
    return int(value) if value and value.isdigit() else None


class PlaceFieldsMixin:
    """Province then commune, the commune list following the chosen province; then the
    commune's own villages and units, when the form has those fields.

    Without JavaScript the lists cannot follow a choice by themselves: the two buttons send
    the form back to be shown again with the next list filled in, saving nothing."""

    pick_province = SubmitField(_l("Hiện danh sách xã/phường"))
    pick_commune = SubmitField(_l("Hiện danh sách thôn và đơn vị"))

    @property
    def picking_place(self) -> bool:
        """Return whether one of the no-JavaScript buttons was pressed (show again, not save)."""
        return bool(self.pick_province.data or self.pick_commune.data)  # type: ignore[attr-defined]

    def fill_place_choices(self) -> None:
        self.province_code.choices = province_choices()  # type: ignore[attr-defined]
        self.commune_code.choices = commune_choices(self.province_code.data)  # type: ignore[attr-defined]
        if hasattr(self, "village_id"):
            commune = self.commune_code.data  # type: ignore[attr-defined]
            known = {c.value for c in self.commune_code.choices}  # type: ignore[attr-defined]
            villages, units = local_choices(commune if commune in known else None)
            self.village_id.choices = villages
            self.unit_id.choices = units  # type: ignore[attr-defined]


def chosen_password_field(label: Any, missing: Any) -> PasswordField:
    """A password the person chooses: the same length rule and advice on every form."""
    return PasswordField(
        label,
        validators=[
            DataRequired(missing),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l(
            "Ít nhất %(n)d ký tự. Đừng dùng ngày sinh hay số điện thoại.", n=MIN_PASSWORD_LENGTH
        ),
    )


class RegisterForm(PlaceFieldsMixin, FlaskForm):
    """A learner opens an account."""

    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=120)]
    )
    login = StringField(
        _l("Số điện thoại hoặc email"),
        validators=[DataRequired(_l("Hãy nhập số điện thoại hoặc email.")), Length(max=254)],
        description=_l("Ví dụ: 0912 345 678 hoặc ten@example.com"),
    )
    password = chosen_password_field(_l("Mật khẩu"), _l("Hãy đặt mật khẩu."))
    birth_year = IntegerField(
        _l("Năm sinh"),
        validators=[
            DataRequired(_l("Hãy nhập năm sinh (4 chữ số).")),
            NumberRange(min=1900, max=date.today().year, message=_l("Năm sinh không hợp lệ.")),
        ],
    )
    learner_group = SelectField(
        _l("Bạn thuộc nhóm nào?"),
        choices=options([("", _l("— Chọn nhóm —"))] + [(g, GROUP_LABELS[g]) for g in GROUPS]),
        validators=[DataRequired(_l("Hãy chọn nhóm đối tượng."))],
    )
    province_code = SelectField(
        _l("Tỉnh/thành phố"), validators=[DataRequired(_l("Hãy chọn tỉnh/thành phố."))]
    )
    commune_code = SelectField(
        _l("Xã/phường"), validators=[DataRequired(_l("Hãy chọn xã/phường."))], validate_choice=True
    )
    village_id = SelectField(
        _l("Thôn, bản, tổ dân phố (không bắt buộc)"), default="", validate_choice=True
    )
    unit_id = SelectField(
        _l("Nơi làm việc hoặc trường học (không bắt buộc)"), default="", validate_choice=True
    )
    national_id = StringField(
        _l("Số căn cước công dân (CCCD, không bắt buộc)"),
        validators=[Length(max=20)],
        description=_l("12 chữ số. Được mã hoá khi lưu, chỉ hiện 3 số cuối. Có thể bỏ trống."),
    )
    guardian_name = StringField(
        _l("Họ tên cha, mẹ hoặc người giám hộ"),
        validators=[Length(max=120)],
        description=_l("Bắt buộc nếu người học có thể chưa đủ 16 tuổi; người lớn bỏ trống."),
    )
    guardian_relation = SelectField(
        _l("Quan hệ với người học"),
        default="",
        choices=options(
            [("", _l("— Chọn —"))] + [(r, GUARDIAN_RELATION_LABELS[r]) for r in GUARDIAN_RELATIONS]
        ),
    )
    submit = SubmitField(_l("Tạo tài khoản"))


def guardian_of(form: RegisterForm) -> Guardian | None:
    """Return the guardian typed into a registration form, if any."""
    name, relation = form.guardian_name.data or "", form.guardian_relation.data or ""
    return Guardian(name, relation) if (name.strip() or relation) else None


# One unticked box per consent purpose (added to the class so each has its own field).
for _purpose in CONSENT_PURPOSES:
    setattr(RegisterForm, f"consent_{_purpose.code}", BooleanField(_purpose.text, default=False))


class LoginForm(FlaskForm):
    """Sign in with phone number or e-mail."""

    login = StringField(
        _l("Số điện thoại hoặc email"),
        validators=[DataRequired(_l("Hãy nhập số điện thoại hoặc email."))],
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])
    submit = SubmitField(_l("Đăng nhập"))


class LogoutForm(FlaskForm):
    """Sign out (a POST with a CSRF token, so no link can sign anyone out)."""

    submit = SubmitField(_l("Đăng xuất"))


class AdminUserForm(PlaceFieldsMixin, FlaskForm):
    """An admin edits an account's name, role, group, place and scope."""

    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=120)]
    )
    role = SelectField(_l("Vai trò"), choices=options([(r, ROLE_LABELS[r]) for r in ROLES]))
    learner_group = SelectField(
        _l("Nhóm đối tượng"),
        choices=options([("", _l("— Không —"))] + [(g, GROUP_LABELS[g]) for g in GROUPS]),
    )
    scope_level = SelectField(
        _l("Phạm vi quản lý (cán bộ)"),
        choices=options([("", _l("— Không —"))] + [(s, SCOPE_LABELS[s]) for s in SCOPE_LEVELS]),
    )
    province_code = SelectField(_l("Tỉnh/thành phố"), validate_choice=True)
    commune_code = SelectField(_l("Xã/phường"), validate_choice=True)
    village_id = SelectField(_l("Thôn, bản, tổ dân phố"), default="", validate_choice=True)
    unit_id = SelectField(_l("Nơi làm việc hoặc trường học"), default="", validate_choice=True)
    is_enabled = BooleanField(_l("Tài khoản đang hoạt động"))
    submit = SubmitField(_l("Lưu thay đổi"))


class ProfilePlaceForm(PlaceFieldsMixin, FlaskForm):
    """A learner says where they now live, and where they work or study."""

    province_code = SelectField(
        _l("Tỉnh/thành phố"), validators=[DataRequired(_l("Hãy chọn tỉnh/thành phố."))]
    )
    commune_code = SelectField(
        _l("Xã/phường"), validators=[DataRequired(_l("Hãy chọn xã/phường."))], validate_choice=True
    )
    village_id = SelectField(
        _l("Thôn, bản, tổ dân phố (không bắt buộc)"), default="", validate_choice=True
    )
    unit_id = SelectField(
        _l("Nơi làm việc hoặc trường học (không bắt buộc)"), default="", validate_choice=True
    )
    submit = SubmitField(_l("Lưu nơi sống"))


class PasswordChangeForm(FlaskForm):
    """The person changes their password, proving they know the current one."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Hãy nhập mật khẩu hiện tại."))]
    )
    new_password = chosen_password_field(_l("Mật khẩu mới"), _l("Hãy đặt mật khẩu mới."))
    confirm_password = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Hãy nhập lại mật khẩu mới.")),
            EqualTo("new_password", message=_l("Hai lần nhập mật khẩu mới không giống nhau.")),
        ],
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class NameForm(FlaskForm):
    """The person corrects their name as it should appear on certificates."""

    full_name = StringField(
        _l("Họ và tên"),
        validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=120)],
        description=_l("Viết đầy đủ, có dấu, như trên giấy tờ tuỳ thân."),
    )
    submit = SubmitField(_l("Lưu họ tên"))


class LanguageForm(FlaskForm):
    """Switch the interface language."""

    lang = SelectField(choices=options([("vi", "Tiếng Việt"), ("en", "English")]))
    submit = SubmitField(_l("Đổi"))
