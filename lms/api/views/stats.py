"""Officers' figures: the dashboard's figures as JSON, and the exports (CSV, XLSX, JSON).

Both call the reports services, which check the token owner's commune or province scope and
log a refusal; nothing is computed here."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_babel import gettext as _

from lms.api import serialise
from lms.api.auth import api_user, requires
from lms.api.errors import ApiError, validation_error
from lms.api.params import str_arg
from lms.api.views import bp
from lms.extensions import db
from lms.reports import services
from lms.reports.exports import FORMATS
from lms.reports.periods import Period, PeriodError, current_quarter, local_today, parse_period
from lms.reports.scope import (
    Scope,
    ScopeRefused,
    UnknownPlace,
    allowed_scope,
    commune_scope,
    province_scope,
)

VIA = "api"


def _period() -> Period:
    """Return ?period=2026-Q2 | 2026-H1 | 2026, or ?as_of=2026-05-31; this quarter by default."""
    label = str_arg("period", 24, empty=False)
    as_of = str_arg("as_of", 10, empty=False)
    if label and as_of:
        raise validation_error(
            _("Chỉ dùng một trong hai tham số period hoặc as_of."), {"as_of": _("bỏ bớt")}
        )
    if not label and not as_of:
        return current_quarter(local_today())
    try:
        return parse_period(label or f"as_of={as_of}")
    except PeriodError as error:
        raise validation_error(str(error), {"as_of" if as_of else "period": str(error)}) from None


def _scope() -> Scope:
    """Return ?commune= or ?province= (both: the commune must lie in the province), else the
    widest scope the token's owner may see."""
    commune = str_arg("commune", 5, empty=False)
    province = str_arg("province", 2, empty=False)
    try:
        if commune:
            scope = commune_scope(commune)
            if province and province != scope.province_code:
                raise validation_error(
                    _("Xã/phường không thuộc tỉnh đã chọn."), {"commune": _("không thuộc tỉnh")}
                )
            return scope
        if province:
            return province_scope(province)
    except UnknownPlace as error:
        raise ApiError(
            404,
            "unknown_place",
            _("Mã địa bàn %(c)s không có trong danh mục năm 2025.", c=str(error)),
        ) from None
    scope = allowed_scope(api_user())
    if scope is None:  # the stats:read scope is only effective for those who have one
        raise ApiError(403, "scope_refused", _("Tài khoản không được xem số liệu."))
    return scope


def _refused() -> ApiError:
    db.session.commit()  # the refusal stays in the log
    return ApiError(
        403,
        "scope_refused",
        _("Số liệu này nằm ngoài phạm vi quản lý của tài khoản (đã ghi nhận yêu cầu)."),
    )


def _place(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "id": item.place_id,
        "name": item.name,
        "registered": item.counts.registered,
        "active_30d": item.counts.active,
        "completed_any_course": item.counts.completed,
        "attained": item.counts.attained,
    }


@bp.get("/stats/figures")
@requires("stats:read")
def figures() -> dict[str, Any]:
    """Return a scope's dashboard for a period: per group, the places one level down, trend."""
    period, scope = _period(), _scope()
    try:
        data = services.dashboard(api_user(), scope, period, request.full_path, via=VIA)
    except ScopeRefused:
        raise _refused() from None
    return {
        "period": {
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
        },
        "day": data.day.isoformat(),
        "scope": {
            "key": scope.key,
            "level": scope.level,
            "province_code": scope.province_code,
            "commune_code": scope.commune_code,
            "name": scope.name,
        },
        "groups": [serialise.figure(f) for f in data.groups],
        "children_level": data.children_level or None,
        "children": [serialise.figure(f) for f in data.children],
        "progress": [
            {
                "day": p.day.isoformat(),
                "registered": p.registered,
                "attained": p.attained,
                "attainment_percent": serialise.number(p.attainment_percent),
            }
            for p in data.progress
        ],
        "domains": [
            {
                "code": d.code,
                "name": d.name,
                "percent": serialise.number(d.percent),
                "answers": d.answers,
            }
            for d in data.domains
        ],
        "places": [_place(item) for item in data.locals],
    }


@bp.get("/stats/export")
@requires("stats:read")
def export() -> Response:
    """Download every commune's figures in scope for a period: ?format=csv|xlsx|json."""
    fmt = str_arg("format", 4, FORMATS, empty=False) or "json"
    period, scope = _period(), _scope()
    try:
        result = services.export_figures(
            api_user(), scope, period, fmt, via=VIA, path=request.full_path
        )
    except ScopeRefused:
        raise _refused() from None
    except services.ReportError as error:
        db.session.rollback()
        raise validation_error(str(error)) from None
    db.session.commit()
    response = Response(result.bytes(), mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
