"""Exports of the figures (DESIGN §6 contract): CSV, XLSX and JSON, the same rows in each."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from lms.accounts.constants import GROUP_LABELS, GROUPS
from lms.core.csvfile import csv_lines
from lms.reports.figures import Figure, totals_of
from lms.reports.periods import Period
from lms.reports.scope import Scope

# DESIGN §6 (Contract): the columns, in this order.
COLUMNS = (
    "period",
    "province_code",
    "commune_code",
    "commune_name",
    "learner_group",
    "population",
    "registered",
    "active_30d",
    "completed_any_course",
    "attained",
    "attainment_percent",
    "target_percent",
    "gap_percent",
)
FORMATS = ("csv", "xlsx", "json")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
SHEET_NAMES = {
    "public_servant": "Cán bộ, công chức, viên chức",
    "student": "Học sinh, sinh viên",
    "enterprise_worker": "Người lao động DN, HTX",
    "citizen": "Người dân",
}
PERCENT_COLUMNS = {"attainment_percent", "target_percent", "gap_percent"}


def vietnamese_headers() -> list[str]:
    """Return the XLSX headers, in the contract's order."""
    return [
        _("Kỳ báo cáo"),
        _("Mã tỉnh"),
        _("Mã xã"),
        _("Tên xã/phường"),
        _("Nhóm đối tượng"),
        _("Dân số"),
        _("Đã đăng ký"),
        _("Hoạt động trong 30 ngày"),
        _("Hoàn thành ít nhất một khoá"),
        _("Đạt phổ cập kỹ năng số"),
        _("Tỷ lệ đạt (% dân số)"),
        _("Chỉ tiêu (%)"),
        _("Còn thiếu so với chỉ tiêu (điểm %)"),
    ]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def row_values(period: Period, figure: Figure) -> list[object]:
    """Return one export row in the contract's order (None where a value is unknown)."""
    return [
        period.label,
        figure.province_code,
        figure.place_code,
        figure.place_name,
        figure.learner_group,
        figure.population,
        figure.counts.registered,
        figure.counts.active,
        figure.counts.completed,
        figure.counts.attained,
        _number(figure.attainment_percent),
        _number(figure.target_percent),
        _number(figure.gap_percent),
    ]


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def csv_export(period: Period, rows: list[Figure]) -> Iterator[str]:
    """Yield the CSV export: UTF-8 with BOM, formula-like cells neutralised."""
    return csv_lines(COLUMNS, ([_csv_cell(v) for v in row_values(period, r)] for r in rows))


@dataclass(frozen=True)
class ExtraTable:
    """A table another area adds to the exports: a sheet of the XLSX, a field of the JSON.

    The contract's rows and columns (COLUMNS) never change; the CSV holds them alone."""

    key: str
    sheet: str
    title: str
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]


def json_export(
    period: Period,
    scope: Scope,
    rows: list[Figure],
    generated_at: datetime,
    extra: list[ExtraTable] | None = None,
) -> bytes:
    """Return the JSON export: the same rows as objects, plus the totals (and extra tables)."""
    totals = totals_of(rows)
    document = {
        "period": period.label,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "scope": scope.key,
        "generated_at": generated_at.isoformat(),
        "columns": list(COLUMNS),
        "rows": [dict(zip(COLUMNS, row_values(period, r), strict=True)) for r in rows],
        "totals": {
            "population": totals.population,
            "registered": totals.counts.registered,
            "active_30d": totals.counts.active,
            "completed_any_course": totals.counts.completed,
            "attained": totals.counts.attained,
            "attainment_percent": _number(totals.attainment_percent),
            "target_percent": _number(totals.target_percent),
            "gap_percent": _number(totals.gap_percent),
        },
    }
    for table in extra or []:
        document[table.key] = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


@dataclass(frozen=True)
class _Formats:
    header: object
    text: object
    integer: object
    percent: object
    points: object
    total_text: object
    total_integer: object
    total_percent: object
    total_points: object
    title: object


def _formats(book: object) -> _Formats:
    add = book.add_format  # type: ignore[attr-defined]
    bold = {"bold": True, "top": 1}
    return _Formats(
        header=add(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F3F5F8", "border": 1}
        ),
        text=add({}),
        integer=add({"num_format": "#,##0"}),
        percent=add({"num_format": "0.0%"}),
        points=add({"num_format": "0.0"}),
        total_text=add(bold),
        total_integer=add({**bold, "num_format": "#,##0"}),
        total_percent=add({**bold, "num_format": "0.0%"}),
        total_points=add({**bold, "num_format": "0.0"}),
        title=add({"bold": True, "font_size": 13}),
    )


def _write_sheet(
    sheet: object, fmt: _Formats, title: str, period: Period, rows: list[Figure]
) -> None:
    write = sheet.write  # type: ignore[attr-defined]
    write(0, 0, title, fmt.title)
    headers = vietnamese_headers()
    for col, header in enumerate(headers):
        write(2, col, header, fmt.header)
    sheet.set_row(2, 45)  # type: ignore[attr-defined]
    sheet.freeze_panes(3, 0)  # type: ignore[attr-defined]
    widths = [10, 8, 8, 26, 24, 11, 11, 12, 13, 12, 12, 11, 14]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)  # type: ignore[attr-defined]
    line = 3
    for figure in rows:
        _write_row(write, fmt, line, period, figure, total=False)
        line += 1
    _write_row(write, fmt, line, period, totals_of(rows), total=True)


def _write_row(
    write: object, fmt: _Formats, line: int, period: Period, figure: Figure, total: bool
) -> None:
    values = row_values(period, figure)
    if total:
        values[:5] = [period.label, "", "", _("Tổng cộng"), ""]
    elif figure.learner_group in GROUP_LABELS:
        values[4] = str(GROUP_LABELS[figure.learner_group])
    for col, (name, value) in enumerate(zip(COLUMNS, values, strict=True)):
        if value is None or value == "":
            write(line, col, None, fmt.total_text if total else fmt.text)  # type: ignore[operator]
        elif name in ("attainment_percent", "target_percent"):
            write(line, col, float(value) / 100, fmt.total_percent if total else fmt.percent)  # type: ignore[operator,arg-type]
        elif name == "gap_percent":
            write(line, col, value, fmt.total_points if total else fmt.points)  # type: ignore[operator]
        elif isinstance(value, int):
            write(line, col, value, fmt.total_integer if total else fmt.integer)  # type: ignore[operator]
        else:
            # write_string: a name like "=CMD()" stays text, never a formula
            write_string = write.__self__.write_string  # type: ignore[attr-defined]
            write_string(line, col, str(value), fmt.total_text if total else fmt.text)


def _write_extra_sheet(sheet: object, fmt: _Formats, table: ExtraTable) -> None:
    write = sheet.write  # type: ignore[attr-defined]
    write(0, 0, table.title, fmt.title)
    for col, header in enumerate(table.headers):
        write(2, col, header, fmt.header)
        sheet.set_column(col, col, 14)  # type: ignore[attr-defined]
    sheet.set_row(2, 45)  # type: ignore[attr-defined]
    sheet.freeze_panes(3, 0)  # type: ignore[attr-defined]
    for line, row in enumerate(table.rows, start=3):
        for col, value in enumerate(row):
            if value is None:
                write(line, col, None, fmt.text)
            elif isinstance(value, bool):
                write(line, col, _("Có") if value else _("Không"), fmt.text)
            elif isinstance(value, int | float):
                write(line, col, value, fmt.integer if isinstance(value, int) else fmt.points)
            else:
                sheet.write_string(line, col, str(value), fmt.text)  # type: ignore[attr-defined]


def xlsx_export(
    period: Period, scope: Scope, rows: list[Figure], extra: list[ExtraTable] | None = None
) -> bytes:
    """Return the XLSX workbook: a summary sheet, then one sheet per group, each with totals,
    then one sheet per extra table."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = _formats(book)
    summary = book.add_worksheet(_("Tổng hợp"))
    _write_sheet(
        summary,
        fmt,
        _(
            "Kết quả phổ cập kỹ năng số: %(scope)s, kỳ %(period)s",
            scope=scope.name,
            period=period.label,
        ),
        period,
        rows,
    )
    for group in GROUPS:
        sheet = book.add_worksheet(SHEET_NAMES[group])
        _write_sheet(
            sheet,
            fmt,
            f"{GROUP_LABELS[group]}: {scope.name}, {period.label}",
            period,
            [r for r in rows if r.learner_group == group],
        )
    for table in extra or []:
        _write_extra_sheet(book.add_worksheet(table.sheet), fmt, table)
    book.set_properties({"title": f"Bình dân học vụ số {scope.key} {period.label}"})
    book.close()
    return buffer.getvalue()


def filename_for(scope: Scope, period: Period, fmt: str) -> str:
    """Return a download name such as thong-ke_province-01_2026-Q2.xlsx."""
    label = period.label.replace("=", "-")
    return f"thong-ke_{scope.key.replace(':', '-')}_{label}.{fmt}"
