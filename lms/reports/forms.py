"""Forms of officer statistics: period choice, populations and targets, import, villages and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.accounts.constants import GROUP_LABELS, GROUPS
from lms.accounts.forms import options
from lms.core.localities import UNIT_KIND_LABELS, UNIT_KINDS, VILLAGE_KIND_LABELS, VILLAGE_KINDS


class PopulationForm(FlaskForm):
    """A commune's population per group for a year, and its own targets (empty: the default)."""

    year = IntegerField(
        _l("Năm"),
        validators=[
            DataRequired(_l("Hãy nhập năm.")),
            NumberRange(2000, 2100, _l("Năm phải từ 2000 đến 2100.")),
        ],
    )
    submit = SubmitField(_l("Lưu dân số và chỉ tiêu"))


for _group in GROUPS:
    setattr(
        PopulationForm,
        f"population_{_group}",
        IntegerField(
            _l("Dân số: %(g)s", g=GROUP_LABELS[_group]),
            validators=[Optional(), NumberRange(min=0, message=_l("Dân số không được âm."))],
        ),
    )
    setattr(
        PopulationForm,
        f"target_{_group}",
        DecimalField(
            _l("Chỉ tiêu riêng của xã (%%): %(g)s", g=GROUP_LABELS[_group]),
            places=1,
            validators=[Optional(), NumberRange(0, 100, _l("Chỉ tiêu phải từ 0 đến 100."))],
            description=_l("Bỏ trống để dùng chỉ tiêu chung."),
        ),
    )


class ImportForm(FlaskForm):
    """A CSV of populations for many communes."""

    file = FileField(
        _l("Tệp CSV dân số"),
        validators=[FileRequired(_l("Hãy chọn tệp CSV."))],
        description=_l(
            "Dòng đầu: year,commune_code,learner_group,population (có thể thêm target_percent). "
            "Lưu từ Excel bằng “CSV UTF-8”."
        ),
    )
    submit = SubmitField(_l("Kiểm tra và nhập"))


class VillageForm(FlaskForm):
    """Add a village (thôn, bản, tổ dân phố) to the commune's list."""

    name = StringField(
        _l("Tên thôn, bản, tổ dân phố"),
        validators=[DataRequired(_l("Hãy nhập tên.")), Length(max=120)],
    )
    kind = SelectField(
        _l("Loại"), choices=options([(k, VILLAGE_KIND_LABELS[k]) for k in VILLAGE_KINDS])
    )
    submit = SubmitField(_l("Thêm thôn, bản, tổ dân phố"))


class UnitForm(FlaskForm):
    """Add a unit (agency, school, firm, cooperative) to the commune's list."""

    name = StringField(
        _l("Tên cơ quan, trường học, doanh nghiệp"),
        validators=[DataRequired(_l("Hãy nhập tên.")), Length(max=200)],
    )
    kind = SelectField(
        _l("Loại đơn vị"), choices=options([(k, UNIT_KIND_LABELS[k]) for k in UNIT_KINDS])
    )
    submit = SubmitField(_l("Thêm đơn vị"))


class ConfirmForm(FlaskForm):
    """Confirm a removal."""

    submit = SubmitField(_l("Xoá"))
