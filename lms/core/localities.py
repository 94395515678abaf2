"""Places a commune defines itself: villages (thôn, bản, tổ dân phố) and units (agencies, schools, firms).

They sit beside the official map of lms.core.places so that accounts (where a learner lives and
works) and reports (figures per village and unit) can both use them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db

VILLAGE_KINDS = ("thon", "ban", "to_dan_pho", "ap", "khac")
VILLAGE_KIND_LABELS = {
    "thon": _l("Thôn"),
    "ban": _l("Bản"),
    "to_dan_pho": _l("Tổ dân phố"),
    "ap": _l("Ấp"),
    "khac": _l("Khác"),
}
UNIT_KINDS = ("agency", "school", "firm", "cooperative", "other")
UNIT_KIND_LABELS = {
    "agency": _l("Cơ quan nhà nước"),
    "school": _l("Trường học"),
    "firm": _l("Doanh nghiệp"),
    "cooperative": _l("Hợp tác xã"),
    "other": _l("Đơn vị khác"),
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Village(db.Model):  # type: ignore[name-defined,misc]
    """A thôn, bản or tổ dân phố of a commune, named by the commune's officers."""

    __tablename__ = "villages"
    __table_args__ = (
        UniqueConstraint("commune_code", "name_key"),
        CheckConstraint(_in("kind", VILLAGE_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="thon")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Unit(db.Model):  # type: ignore[name-defined,misc]
    """An agency, school, firm or cooperative of a commune where learners work or study."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("commune_code", "name_key"),
        CheckConstraint(_in("kind", UNIT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="agency")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def villages_of(commune_code: str | None) -> list[Village]:
    """Return the villages of a commune in Vietnamese alphabetical order."""
    if not commune_code:
        return []
    rows = db.session.scalars(select(Village).where(Village.commune_code == commune_code))
    return sorted(rows, key=lambda v: v.name_key)


def units_of(commune_code: str | None) -> list[Unit]:
    """Return the units of a commune in alphabetical order."""
    if not commune_code:
        return []
    rows = db.session.scalars(select(Unit).where(Unit.commune_code == commune_code))
    return sorted(rows, key=lambda u: u.name_key)
