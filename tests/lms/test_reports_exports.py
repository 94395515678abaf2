"""The export files open correctly: CSV (BOM, Vietnamese, formula-like names neutralised),
XLSX read back with openpyxl (Vietnamese headers, totals, percentage formats, one sheet per
group), JSON; the columns are DESIGN §6's, in order."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from lms.accounts.constants import GROUP_LABELS
from lms.reports.exports import COLUMNS, csv_export, json_export, xlsx_export
from lms.reports.figures import Counts, Figure
from lms.reports.periods import parse_period
from lms.reports.scope import Scope

PERIOD = parse_period("2026-Q2")
SCOPE = Scope("commune", "01", "00070")


def rows() -> list[Figure]:
    return [
        Figure(
            "00070",
            '=HYPERLINK("http://x")',
            "citizen",
            Counts(10, 4, 6, 3),
            40,
            Decimal("80.0"),
            "01",
        ),
        Figure("00070", "Xã Đắk Nông", "student", Counts(5, 2, 1, 1), None, Decimal("100.0"), "01"),
        Figure(
            "00070", "@SUM(A1)", "public_servant", Counts(2, 1, 2, 2), 8, Decimal("100.0"), "01"
        ),
        Figure("00070", "-Thôn Bản Phủ", "enterprise_worker", Counts(0, 0, 0, 0), 0, None, "01"),
    ]


def test_csv_has_bom_columns_in_order_and_neutralised_cells(app):
    with app.test_request_context():
        text = "".join(csv_export(PERIOD, rows()))
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(table[0]) == COLUMNS
    assert table[1] == [
        "2026-Q2",
        "01",
        "00070",
        '\'=HYPERLINK("http://x")',
        "citizen",
        "40",
        "10",
        "4",
        "6",
        "3",
        "7.5",
        "80.0",
        "72.5",
    ]
    assert (
        table[2][3] == "Xã Đắk Nông"
        and table[2][5] == ""
        and table[2][10] == ""
        and table[2][12] == ""
    )
    assert table[3][3] == "'@SUM(A1)" and table[3][10] == "25.0"
    assert (
        table[4][3] == "'-Thôn Bản Phủ" and table[4][10] == ""
    )  # a population of 0: no percentage


def test_xlsx_reads_back_with_vietnamese_headers_totals_and_formats(app):
    with app.test_request_context():
        content = xlsx_export(PERIOD, SCOPE, rows())
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Cán bộ, công chức, viên chức",
        "Học sinh, sinh viên",
        "Người lao động DN, HTX",
        "Người dân",
    ]
    sheet = book["Tổng hợp"]
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["Kỳ báo cáo", "Mã tỉnh", "Mã xã", "Tên xã/phường"]
    assert headers[10:] == [
        "Tỷ lệ đạt (% dân số)",
        "Chỉ tiêu (%)",
        "Còn thiếu so với chỉ tiêu (điểm %)",
    ]
    first = [c.value for c in sheet[4]]
    assert first[3] == '=HYPERLINK("http://x")' and sheet.cell(4, 4).data_type == "s"
    assert first[4] == str(GROUP_LABELS["citizen"]) and first[5] == 40
    assert abs(first[10] - 0.075) < 1e-9 and sheet.cell(4, 11).number_format == "0.0%"
    assert first[11] == 0.8 and sheet.cell(4, 12).number_format == "0.0%"
    assert first[12] == 72.5
    student = [c.value for c in sheet[5]]
    assert student[5] is None and student[10] is None  # unknown population: empty, never 0
    totals = [c.value for c in sheet[8]]
    assert totals[3] == "Tổng cộng" and totals[6:10] == [17, 7, 9, 6]
    assert totals[5] is None  # one population unknown: no total population, no total percentage
    assert sheet.cell(8, 7).font.bold
    citizens = book["Người dân"]
    assert [c.value for c in citizens[4]][3] == '=HYPERLINK("http://x")'
    assert [c.value for c in citizens[5]][3] == "Tổng cộng"
    assert [c.value for c in citizens[5]][9] == 3


def test_json_has_the_same_rows_and_totals(app):
    with app.test_request_context():
        document = json.loads(json_export(PERIOD, SCOPE, rows(), datetime(2026, 7, 1, tzinfo=UTC)))
    assert document["columns"] == list(COLUMNS)
    assert document["rows"][0]["commune_name"] == '=HYPERLINK("http://x")'
    assert document["rows"][0]["attainment_percent"] == 7.5
    assert (
        document["rows"][1]["population"] is None
        and document["rows"][1]["attainment_percent"] is None
    )
    assert document["totals"]["attained"] == 6 and document["totals"]["population"] is None
