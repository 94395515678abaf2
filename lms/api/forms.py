"""Forms of the token page: creating a token (name and scopes) and confirming a revocation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from lms.api.services import MAX_NAME, SCOPE_LABELS, SCOPES


def scope_field(scope: str) -> str:
    """Return the form field name of a scope ("learning:read" -> "scope_learning_read")."""
    return "scope_" + scope.replace(":", "_")


class TokenForm(FlaskForm):
    """Name a new token and tick what it may do."""

    name = StringField(
        _l("Tên gợi nhớ"),
        description=_l("Ví dụ: “Ứng dụng trên điện thoại”, “Bảng số liệu của tỉnh”."),
        validators=[DataRequired(_l("Hãy đặt tên cho mã truy cập.")), Length(max=MAX_NAME)],
    )
    submit = SubmitField(_l("Tạo mã truy cập"))

    def chosen_scopes(self) -> list[str]:
        return [s for s in SCOPES if getattr(self, scope_field(s)).data]


for _scope in SCOPES:
    setattr(TokenForm, scope_field(_scope), BooleanField(SCOPE_LABELS[_scope], default=False))


class RevokeTokenForm(FlaskForm):
    """Confirm revoking a token: programs using it stop working at once."""

    submit = SubmitField(_l("Thu hồi mã này"))
