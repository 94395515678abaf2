"""Officers' pages: dashboards per scope, exports, populations and targets, villages and units, logs.

Views parse input and call one service; every service checks the officer's scope, and a
refusal (logged by the service) becomes a 403 here."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.constants import GROUPS
from lms.core.errors import MESSAGES
from lms.core.localities import UNIT_KIND_LABELS, VILLAGE_KIND_LABELS, units_of, villages_of
from lms.core.security import roles_required
from lms.extensions import db
from lms.reports import services
from lms.reports.forms import ConfirmForm, ImportForm, PopulationForm, UnitForm, VillageForm
from lms.reports.periods import Period, PeriodError, current_quarter, local_today, parse_period
from lms.reports.scope import (
    COUNTRY,
    Scope,
    ScopeRefused,
    UnknownPlace,
    allowed_scope,
    commune_scope,
    province_scope,
)

bp = Blueprint("reports", __name__, url_prefix="/thong-ke")
OFFICERS = ("officer", "admin")


@bp.errorhandler(ScopeRefused)
def refused(error: ScopeRefused) -> tuple[str, int]:
    """Keep the refusal in the log, then answer 403."""
    db.session.commit()
    title, message = MESSAGES[403]
    return render_template("errors/error.html", code=403, title=title, message=message), 403


@bp.errorhandler(UnknownPlace)
def unknown_place(error: UnknownPlace) -> tuple[str, int]:
    db.session.rollback()
    title, message = MESSAGES[404]
    return render_template("errors/error.html", code=404, title=title, message=message), 404


def _period() -> tuple[Period, str | None]:
    """Return the period asked for (?ky=2026-Q2 or ?den_ngay=2026-05-31), else this quarter."""
    as_of = request.args.get("den_ngay", "").strip()
    text = f"as_of={as_of}" if as_of else request.args.get("ky", "").strip()
    if not text:
        return current_quarter(local_today()), None
    try:
        return parse_period(text), None
    except PeriodError as error:
        return current_quarter(local_today()), str(error)


def period_choices(today: date) -> list[tuple[str, str]]:
    """Return recent quarters, half-years and years for the period menu."""
    choices = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _step in range(8):
        choices.append((f"{year}-Q{quarter}", _("Quý %(q)d/%(y)d", q=quarter, y=year)))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for y in (today.year, today.year - 1):
        for half in (2, 1):
            if date(y, 1 if half == 1 else 7, 1) <= today:
                choices.append(
                    (
                        f"{y}-H{half}",
                        _(
                            "%(h)s năm %(y)d",
                            h=_("6 tháng đầu") if half == 1 else _("6 tháng cuối"),
                            y=y,
                        ),
                    )
                )
    for y in (today.year, today.year - 1, today.year - 2):
        choices.append((str(y), _("Cả năm %(y)d", y=y)))
    return choices


def _render_dashboard(scope: Scope) -> str:
    period, error = _period()
    data = services.dashboard(current_user, scope, period, request.full_path)
    return render_template(
        "reports/dashboard.html",
        data=data,
        period_error=error,
        choices=period_choices(local_today()),
        allowed=allowed_scope(current_user),
        groups=GROUPS,
        village_kinds=VILLAGE_KIND_LABELS,
        unit_kinds=UNIT_KIND_LABELS,
    )


@bp.route("/")
@roles_required(*OFFICERS)
def index() -> Response:
    """Open the dashboard of the officer's own scope."""
    scope = allowed_scope(current_user)
    if scope is None:
        abort(403)
    args = request.args.to_dict()
    if scope.level == "commune":
        return redirect(url_for("reports.commune", commune_code=scope.commune_code, **args))
    if scope.level == "province":
        return redirect(url_for("reports.province", province_code=scope.province_code, **args))
    return redirect(url_for("reports.country", **args))


@bp.route("/ca-nuoc")
@roles_required(*OFFICERS)
def country() -> str:
    """The whole country's dashboard, with the provinces ranked."""
    return _render_dashboard(COUNTRY)


@bp.route("/tinh/<province_code>")
@roles_required(*OFFICERS)
def province(province_code: str) -> str:
    """A province's dashboard, with its communes ranked."""
    return _render_dashboard(province_scope(province_code))


@bp.route("/xa/<commune_code>")
@roles_required(*OFFICERS)
def commune(commune_code: str) -> str:
    """A commune's dashboard, with its villages and units."""
    return _render_dashboard(commune_scope(commune_code))


def _scope_from_args(args: Any) -> Scope:
    if args.get("xa"):
        return commune_scope(args["xa"])
    if args.get("tinh"):
        return province_scope(args["tinh"])
    return COUNTRY


@bp.route("/xuat")
@roles_required(*OFFICERS)
def export() -> Response:
    """Download a scope's figures for a period as CSV, XLSX or JSON (?chon=... narrows communes)."""
    scope = _scope_from_args(request.args)
    period, error = _period()
    if error or not (request.args.get("ky") or request.args.get("den_ngay")):
        abort(400)
    fmt = request.args.get("dinh_dang", "csv")
    only = [c for c in request.args.getlist("chon") if c]
    try:
        result = services.export_figures(
            current_user, scope, period, fmt, only or None, "web", request.full_path
        )
    except services.ReportError:
        db.session.rollback()
        abort(400)
    db.session.commit()
    headers = {"Content-Disposition": f'attachment; filename="{result.filename}"'}
    if result.lines is not None:
        return Response(
            stream_with_context(line.encode() for line in result.lines),
            mimetype=result.mimetype,
            headers=headers,
        )
    return Response(result.content, mimetype=result.mimetype, headers=headers)


@bp.route("/xa/<commune_code>/dan-so", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def population(commune_code: str) -> str | Response:
    """Enter a commune's population per group for a year and its own targets."""
    scope = commune_scope(commune_code)
    services.authorise(current_user, scope, "web", request.full_path)
    year = request.args.get("nam", type=int) or local_today().year
    form = PopulationForm()
    if request.method == "GET":
        form.year.data = year
        pops = services.populations_of(commune_code, year)
        targets = services.overrides_of(commune_code, year)
        for group in GROUPS:
            getattr(form, f"population_{group}").data = pops.get(group)
            getattr(form, f"target_{group}").data = targets.get(group)
    elif form.validate_on_submit():
        year = form.year.data or year
        try:
            for group in GROUPS:
                services.set_population(
                    current_user,
                    commune_code,
                    year,
                    group,
                    getattr(form, f"population_{group}").data,
                )
                target = getattr(form, f"target_{group}").data
                services.set_target(
                    current_user,
                    commune_code,
                    year,
                    group,
                    float(target) if target is not None else None,
                )
        except services.ReportError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu dân số và chỉ tiêu năm %(y)d.", y=year), "success")
            return redirect(url_for("reports.commune", commune_code=commune_code, ky=str(year)))
    defaults = services.default_targets_for(form.year.data or year)
    return render_template(
        "reports/population.html", form=form, scope=scope, groups=GROUPS, defaults=defaults
    )


@bp.route("/dan-so/nhap", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_populations() -> str | Response:
    """Import populations (and targets) for many communes from a CSV file."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [
                _("Tệp không phải UTF-8. Trong Excel hãy chọn Lưu dưới dạng “CSV UTF-8”.")
            ]
        else:
            report = services.import_populations(current_user, text, request.full_path)
            if report.errors:
                db.session.rollback()
            else:
                db.session.commit()
                flash(_("Đã nhập %(n)d dòng dân số.", n=report.saved), "success")
                return redirect(url_for("reports.index"))
    return render_template(
        "reports/import.html", form=form, report=report, allowed=allowed_scope(current_user)
    )


@bp.route("/xa/<commune_code>/dia-ban", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def places(commune_code: str) -> str | Response:
    """The commune's villages and units: list and add."""
    scope = commune_scope(commune_code)
    services.authorise(current_user, scope, "web", request.full_path)
    village_form = VillageForm(prefix="thon")
    unit_form = UnitForm(prefix="don-vi")
    for what, form in (("village", village_form), ("unit", unit_form)):
        if form.submit.data and form.validate_on_submit():
            try:
                item = services.add_place(
                    current_user, commune_code, what, form.name.data or "", form.kind.data
                )
            except services.ReportError as error:
                db.session.rollback()
                form.name.errors = [*form.name.errors, str(error)]
            else:
                db.session.commit()
                flash(_("Đã thêm “%(name)s”.", name=item.name), "success")
                return redirect(url_for("reports.places", commune_code=commune_code))
    return render_template(
        "reports/places.html",
        scope=scope,
        villages=villages_of(commune_code),
        units=units_of(commune_code),
        village_form=village_form,
        unit_form=unit_form,
        village_kinds=VILLAGE_KIND_LABELS,
        unit_kinds=UNIT_KIND_LABELS,
    )


@bp.route(
    "/xa/<commune_code>/dia-ban/<any(village, unit):what>/<int:place_id>/xoa",
    methods=["GET", "POST"],
)
@roles_required(*OFFICERS)
def remove_place(commune_code: str, what: str, place_id: int) -> str | Response:
    """Ask, then remove a village or unit nobody has chosen."""
    scope = commune_scope(commune_code)
    services.authorise(current_user, scope, "web", request.full_path)
    items = villages_of(commune_code) if what == "village" else units_of(commune_code)
    item = next((i for i in items if i.id == place_id), None) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            name = services.remove_place(current_user, commune_code, what, place_id)
        except services.ReportError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Đã xoá “%(name)s”.", name=name), "success")
        return redirect(url_for("reports.places", commune_code=commune_code))
    return render_template(
        "reports/remove_place.html", scope=scope, item=item, what=what, form=form
    )


@bp.route("/nhat-ky")
@roles_required(*OFFICERS)
def logs() -> str:
    """Recent exports and refused requests (an admin sees everyone's)."""
    return render_template(
        "reports/logs.html",
        exports=services.recent_exports(current_user),
        refusals=services.recent_refusals(current_user),
    )


@bp.route("/dia-ban/<commune_code>.json")
def local_places(commune_code: str) -> Response:
    """Return a commune's villages and units, for the forms' progressive enhancement."""
    commune_scope(commune_code)
    return jsonify(
        villages=[{"id": v.id, "name": v.name} for v in villages_of(commune_code)],
        units=[{"id": u.id, "name": u.name} for u in units_of(commune_code)],
    )
