"""Rules of officer statistics: populations, targets, villages and units, exports and their logs.

Every function takes the person acting (None: the operator at the server's shell) and checks
their scope first; nothing here commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.constants import GROUPS
from lms.accounts.models import User
from lms.core import places
from lms.core.csvfile import read_csv
from lms.core.db import utcnow
from lms.core.localities import UNIT_KINDS, VILLAGE_KINDS, Unit, Village
from lms.core.text import clean_line, search_key
from lms.extensions import db
from lms.reports import exports
from lms.reports.figures import commune_figures
from lms.reports.models import ExportLog, Population, TargetOverride
from lms.reports.periods import Period
from lms.reports.scope import Scope, actor_label, authorise, commune_scope


class ReportError(ValueError):
    """A rule of reports was broken; the message is for the person and translated."""


# --- Populations and targets ---------------------------------------------------------------------


def populations_of(commune_code: str, year: int) -> dict[str, int]:
    """Return the commune's population per group for a year (groups not entered are absent)."""
    return dict(
        db.session.execute(
            select(Population.learner_group, Population.population).where(
                Population.commune_code == commune_code, Population.year == year
            )
        ).all()
    )


def overrides_of(commune_code: str, year: int) -> dict[str, float]:
    """Return the commune's own targets per group for a year."""
    return dict(
        db.session.execute(
            select(TargetOverride.learner_group, TargetOverride.percent).where(
                TargetOverride.commune_code == commune_code, TargetOverride.year == year
            )
        ).all()
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ReportError(_("Năm phải từ 2000 đến 2100."))


def set_population(
    viewer: Any, commune_code: str, year: int, group: str, value: int | None
) -> None:
    """Set (or clear, with None) the population of a group in a commune for a year."""
    scope = commune_scope(commune_code)
    authorise(viewer, scope, "web")
    _check_year(year)
    if group not in GROUPS:
        raise ReportError(_("Nhóm đối tượng không hợp lệ."))
    if value is not None and value < 0:
        raise ReportError(_("Dân số không được âm."))
    row = db.session.scalar(
        select(Population).where(
            Population.commune_code == commune_code,
            Population.year == year,
            Population.learner_group == group,
        )
    )
    if value is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            Population(
                year=year,
                province_code=scope.province_code,
                commune_code=commune_code,
                learner_group=group,
                population=value,
                updated_by_id=getattr(viewer, "id", None),
            )
        )
    else:
        row.population = value
        row.updated_by_id = getattr(viewer, "id", None)
    db.session.flush()


def set_target(viewer: Any, commune_code: str, year: int, group: str, value: float | None) -> None:
    """Set (or clear, back to the default, with None) a commune's own target for a group and year."""
    scope = commune_scope(commune_code)
    authorise(viewer, scope, "web")
    _check_year(year)
    if group not in GROUPS:
        raise ReportError(_("Nhóm đối tượng không hợp lệ."))
    if value is not None and not 0 <= value <= 100:
        raise ReportError(_("Chỉ tiêu phải từ 0 đến 100 (%)."))
    row = db.session.scalar(
        select(TargetOverride).where(
            TargetOverride.commune_code == commune_code,
            TargetOverride.year == year,
            TargetOverride.learner_group == group,
        )
    )
    if value is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            TargetOverride(
                year=year,
                province_code=scope.province_code,
                commune_code=commune_code,
                learner_group=group,
                percent=value,
                updated_by_id=getattr(viewer, "id", None),
            )
        )
    else:
        row.percent = value
        row.updated_by_id = getattr(viewer, "id", None)
    db.session.flush()


IMPORT_COLUMNS = ("year", "commune_code", "learner_group", "population")


@dataclass
class ImportReport:
    """The outcome of a population import: saved rows, or the errors line by line."""

    saved: int = 0
    errors: list[str] = field(default_factory=list)


def _int(text: str) -> int | None:
    cleaned = text.replace(".", "").replace(",", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def import_populations(viewer: Any, text: str, path: str = "") -> ImportReport:
    """Check every row of a population CSV, then save all of them or none.

    Columns: year, commune_code, learner_group, population, and optionally target_percent.
    A row for a commune outside the viewer's scope refuses the whole file (ScopeRefused)."""
    report = ImportReport()
    try:
        rows = read_csv(text)
    except Exception:  # noqa: BLE001 - any parse failure is the file's fault
        report.errors.append(_("Không đọc được tệp CSV. Hãy lưu tệp dạng CSV UTF-8."))
        return report
    if not rows:
        report.errors.append(
            _("Tệp không có dòng số liệu nào (cần dòng tiêu đề và ít nhất một dòng).")
        )
        return report
    missing = [c for c in IMPORT_COLUMNS if c not in rows[0]]
    if missing:
        report.errors.append(
            _(
                "Thiếu cột: %(cols)s. Dòng đầu phải là: year,commune_code,learner_group,population"
                " (có thể thêm target_percent).",
                cols=", ".join(missing),
            )
        )
        return report
    parsed: list[tuple[int, str, str, int, float | None]] = []
    seen: dict[tuple[int, str, str], int] = {}
    scopes: list[Scope] = []
    for number, row in enumerate(rows, start=2):
        problems = []
        year = _int(row.get("year", ""))
        if year is None or not 2000 <= year <= 2100:
            problems.append(
                _(
                    "năm “%(v)s” không hợp lệ (cần 4 chữ số, từ 2000 đến 2100)",
                    v=row.get("year", ""),
                )
            )
        code = (
            row.get("commune_code", "").zfill(5)
            if row.get("commune_code", "").isdigit()
            else row.get("commune_code", "")
        )
        commune = places.commune(code)
        if commune is None:
            problems.append(
                _("mã xã “%(v)s” không có trong danh mục 2025", v=row.get("commune_code", ""))
            )
        group = row.get("learner_group", "")
        if group not in GROUPS:
            problems.append(
                _("nhóm “%(v)s” không hợp lệ (dùng: %(g)s)", v=group, g=", ".join(GROUPS))
            )
        population = _int(row.get("population", ""))
        if population is None:
            problems.append(
                _("dân số “%(v)s” phải là số nguyên không âm", v=row.get("population", ""))
            )
        target: float | None = None
        if row.get("target_percent"):
            try:
                target = float(row["target_percent"].replace(",", "."))
            except ValueError:
                target = -1
            if not 0 <= target <= 100:
                problems.append(_("chỉ tiêu “%(v)s” phải từ 0 đến 100", v=row["target_percent"]))
        if not problems and year is not None and commune is not None and population is not None:
            key = (year, commune.code, group)
            if key in seen:
                problems.append(_("trùng với dòng %(n)d", n=seen[key]))
            else:
                seen[key] = number
                parsed.append((year, commune.code, group, population, target))
                scopes.append(commune_scope(commune.code))
        if problems:
            report.errors.append(_("Dòng %(n)d: %(p)s.", n=number, p="; ".join(problems)))
    if scopes:
        authorise(viewer, sorted(set(scopes), key=lambda s: s.key), "web", path)
    if report.errors:
        return report
    for year, code, group, population, target in parsed:
        set_population(viewer, code, year, group, population)
        if target is not None:
            set_target(viewer, code, year, group, target)
        report.saved += 1
    return report


# --- Villages and units ------------------------------------------------------------------------


def add_place(viewer: Any, commune_code: str, what: str, name: str, kind: str) -> Village | Unit:
    """Add a village or a unit to a commune's list."""
    authorise(viewer, commune_scope(commune_code), "web")
    model, kinds = (Village, VILLAGE_KINDS) if what == "village" else (Unit, UNIT_KINDS)
    clean = clean_line(name)
    if not clean:
        raise ReportError(_("Hãy nhập tên."))
    if kind not in kinds:
        raise ReportError(_("Loại không hợp lệ."))
    key = search_key(clean)
    exists = db.session.scalar(
        select(model.id).where(model.commune_code == commune_code, model.name_key == key)
    )
    if exists is not None:
        raise ReportError(_("“%(name)s” đã có trong danh sách của xã.", name=clean))
    item = model(commune_code=commune_code, name=clean, name_key=key, kind=kind)
    db.session.add(item)
    db.session.flush()
    return item


def remove_place(viewer: Any, commune_code: str, what: str, place_id: int) -> str:
    """Remove a village or unit nobody lives or works in; returns its name."""
    authorise(viewer, commune_scope(commune_code), "web")
    model = Village if what == "village" else Unit
    item = db.session.get(model, place_id)
    if item is None or item.commune_code != commune_code:
        raise LookupError(place_id)
    column = User.village_id if what == "village" else User.unit_id
    used = db.session.scalar(select(func.count(User.id)).where(column == place_id)) or 0
    if used:
        raise ReportError(
            _("Còn %(n)d người khai báo “%(name)s”: không thể xoá.", n=used, name=item.name)
        )
    name = item.name
    db.session.delete(item)
    db.session.flush()
    return name


# --- Exports -------------------------------------------------------------------------------------


@dataclass
class ExportFile:
    """An export ready to send: its name, type and content."""

    filename: str
    mimetype: str
    rows: int
    content: bytes | None = None
    lines: Iterator[str] | None = None

    def bytes(self) -> bytes:
        if self.content is not None:
            return self.content
        return "".join(self.lines or []).encode()


def export_figures(
    viewer: Any,
    scope: Scope,
    period: Period,
    fmt: str,
    only: list[str] | None = None,
    via: str = "web",
    path: str = "",
) -> ExportFile:
    """Build an export of a scope's communes for a period, after checking scope; logs it."""
    wanted = [scope]
    for code in only or []:
        try:
            wanted.append(commune_scope(code))
        except LookupError:
            raise ReportError(_("Mã xã “%(c)s” không có trong danh mục.", c=code)) from None
    authorise(viewer, wanted, via, path)
    if fmt not in exports.FORMATS:
        raise ReportError(_("Định dạng phải là csv, xlsx hoặc json."))
    if only and any(not scope.contains(commune_scope(c)) for c in only):
        raise ReportError(_("Các xã được chọn phải thuộc phạm vi đang xem."))
    rows = commune_figures(scope, period, only)
    extra = community_tables(scope, period, only) if fmt != "csv" else []
    name = exports.filename_for(scope, period, fmt)
    if fmt == "csv":
        result = ExportFile(
            name, exports.MIMETYPES[fmt], len(rows), lines=exports.csv_export(period, rows)
        )
    elif fmt == "xlsx":
        result = ExportFile(
            name,
            exports.MIMETYPES[fmt],
            len(rows),
            exports.xlsx_export(period, scope, rows, extra),
        )
    else:
        content = exports.json_export(period, scope, rows, utcnow(), extra)
        result = ExportFile(name, exports.MIMETYPES[fmt], len(rows), content)
    db.session.add(
        ExportLog(
            user_id=getattr(viewer, "id", None),
            actor=actor_label(viewer)[:254],
            scope=(scope.key + (f"[{','.join(only)}]" if only else ""))[:40],
            period=period.label,
            format=fmt,
            rows=len(rows),
            via=via,
        )
    )
    db.session.flush()
    return result


def community_tables(scope: Scope, period: Period, only: list[str] | None = None) -> list[Any]:
    """Return the mentors' and households' tables of a scope (lms.community.figures)."""
    from lms.community.figures import export_tables

    return export_tables(scope, period, only)


def recent_exports(viewer: Any, limit: int = 20) -> list[ExportLog]:
    """Return the latest exports: an admin sees everyone's, an officer their own."""
    stmt = select(ExportLog).order_by(ExportLog.created_at.desc(), ExportLog.id.desc()).limit(limit)
    if getattr(viewer, "role", None) != "admin":
        stmt = stmt.where(ExportLog.user_id == getattr(viewer, "id", -1))
    return list(db.session.scalars(stmt))


def recent_refusals(viewer: Any, limit: int = 20) -> list[Any]:
    """Return the latest refusals: an admin sees everyone's, an officer their own."""
    from lms.reports.models import RefusalLog

    stmt = (
        select(RefusalLog).order_by(RefusalLog.created_at.desc(), RefusalLog.id.desc()).limit(limit)
    )
    if getattr(viewer, "role", None) != "admin":
        stmt = stmt.where(RefusalLog.user_id == getattr(viewer, "id", -1))
    return list(db.session.scalars(stmt))


# --- Dashboards -----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything one scope's dashboard shows for a period."""

    scope: Scope
    period: Period
    day: Any
    groups: list[Any]
    children: list[Any]
    ranking: list[Any]
    progress: list[Any]
    domains: list[Any]
    locals: list[Any]
    children_level: str
    mentors: list[Any] = field(default_factory=list)
    mentor_totals: list[Any] = field(default_factory=list)
    households: list[Any] = field(default_factory=list)

    @property
    def mentor_count(self) -> int:
        return sum(t.mentors for t in self.mentor_totals)

    @property
    def mentors_meeting_goal(self) -> int:
        return sum(t.meeting_goal for t in self.mentor_totals)


def dashboard(
    viewer: Any, scope: Scope, period: Period, path: str = "", via: str = "web"
) -> Dashboard:
    """Return a scope's figures for its dashboard, after checking the viewer may see them."""
    from lms.community import figures as community
    from lms.reports import figures
    from lms.reports.periods import local_today

    authorise(viewer, scope, via, path)
    today = local_today()
    children = figures.child_figures(scope, period, today)
    # A commune lists its mentors; above it, the dashboard adds them up per commune/province.
    totals_by = "commune" if scope.level in ("commune", "province") else "province"
    ranked = sorted(
        (c for c in children if c.attainment_percent is not None),
        key=lambda c: (-(c.attainment_percent or 0), c.place_name),
    )
    return Dashboard(
        scope=scope,
        period=period,
        day=period.figures_day(today),
        groups=figures.scope_figures(scope, period, today),
        children=sorted(children, key=lambda c: (-c.counts.attained, c.place_name)),
        ranking=ranked,
        progress=figures.progress(scope, period, 8, today),
        domains=figures.domain_figures(scope, period, today),
        locals=figures.local_figures(scope, period, today),
        children_level={"country": "province", "province": "commune"}.get(scope.level, ""),
        mentors=community.mentor_rows(scope, period) if scope.level == "commune" else [],
        mentor_totals=community.mentor_totals(scope, period, totals_by),
        households=community.household_lines(scope, period),
    )


def default_targets_for(year: int) -> dict[str, Any]:
    """Return the default target of each group for a year (groups.yaml)."""
    from lms.reports.figures import default_targets

    return default_targets(year)
