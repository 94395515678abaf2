"""Officers' figures through the API: the reports services' own figures and exports (the same
as the dashboard and its downloads), scope refusals logged as coming from the API."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.accounts.models import User
from lms.api import serialise
from lms.extensions import db
from lms.reports import services
from lms.reports.exports import COLUMNS
from lms.reports.models import ExportLog, RefusalLog
from lms.reports.periods import parse_period
from lms.reports.scope import commune_scope
from tests.conftest import csrf_token
from tests.lms.api_helpers import bearer, make_token

OWN, NEIGHBOUR = "00070", "00004"  # two communes of Hà Nội (01)


@pytest.fixture
def officer(app, make_user):
    """A commune officer of 00070 with a stats:read token, and three learners there."""
    for _ in range(3):
        make_user()
    make_user(commune_code=NEIGHBOUR)
    user_id = make_user(role="officer", scope_level="commune", login="xa@example.com")
    return user_id, make_token(app, user_id, ["stats:read"])


def test_figures_are_the_dashboards(app, client, officer):
    user_id, secret = officer
    response = client.get("/api/v1/stats/figures?period=2026-Q4", headers=bearer(secret))
    assert response.status_code == 200
    data = response.get_json()
    assert data["scope"]["key"] == f"commune:{OWN}" and data["period"]["label"] == "2026-Q4"
    with app.test_request_context():
        dashboard = services.dashboard(
            db.session.get(User, user_id), commune_scope(OWN), parse_period("2026-Q4")
        )
        assert data["groups"] == [serialise.figure(f) for f in dashboard.groups]
        assert data["children"] == [serialise.figure(f) for f in dashboard.children]
    total = next(g for g in data["groups"] if g["learner_group"] == "total")
    assert total["registered"] == 3  # the neighbour's learner is not here
    citizen = next(g for g in data["groups"] if g["learner_group"] == "citizen")
    assert citizen["population"] is None and citizen["attainment_percent"] is None


def test_exports_are_the_dashboards_downloads(app, client, officer):
    _user_id, secret = officer
    api = client.get("/api/v1/stats/export?period=2026-Q4&format=csv", headers=bearer(secret))
    assert api.status_code == 200 and api.mimetype == "text/csv"
    assert api.headers["Content-Disposition"] == (
        f'attachment; filename="thong-ke_commune-{OWN}_2026-Q4.csv"'
    )
    lines = api.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 1 + 4
    web = app.test_client()  # the same officer, signed in on the web
    token = csrf_token(web, "/dang-nhap")
    web.post(
        "/dang-nhap",
        data={"login": "xa@example.com", "password": "mat-khau-an-toan", "csrf_token": token},
    )
    page = web.get(f"/thong-ke/xuat?ky=2026-Q4&dinh_dang=csv&xa={OWN}")
    assert page.status_code == 200 and page.get_data() == api.get_data()

    xlsx = client.get("/api/v1/stats/export?period=2026-Q4&format=xlsx", headers=bearer(secret))
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames[0] == "Tổng hợp" and book["Tổng hợp"]["A3"].value == "Kỳ báo cáo"
    document = json.loads(
        client.get("/api/v1/stats/export?as_of=2026-12-31", headers=bearer(secret)).get_data()
    )
    assert document["columns"] == list(COLUMNS) and document["period"] == "as_of=2026-12-31"
    assert document["totals"]["registered"] == 3
    with app.app_context():
        logs = db.session.scalars(select(ExportLog).order_by(ExportLog.id)).all()
        assert [(log.via, log.format) for log in logs] == [
            ("api", "csv"),
            ("web", "csv"),
            ("api", "xlsx"),
            ("api", "json"),
        ]


def test_another_place_is_refused_and_logged(app, client, officer):
    _user_id, secret = officer
    for path in (
        f"/api/v1/stats/figures?commune={NEIGHBOUR}",
        "/api/v1/stats/figures?province=01",
        "/api/v1/stats/export?format=csv&province=79",
    ):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "scope_refused"
    with app.app_context():
        logged = db.session.scalars(select(RefusalLog).order_by(RefusalLog.id)).all()
        assert [(r.requested, r.via) for r in logged] == [
            (f"commune:{NEIGHBOUR}", "api"),
            ("province:01", "api"),
            ("province:79", "api"),
        ]


def test_bad_periods_and_places(app, client, officer):
    _user_id, secret = officer
    for query, status, code in [
        ("period=2026-Q5", 422, "validation_error"),
        ("period=2026&as_of=2026-05-31", 422, "validation_error"),
        ("as_of=2026-02-30", 422, "validation_error"),
        ("commune=99999", 404, "unknown_place"),
        ("province=01&commune=26732", 422, "validation_error"),
        ("format=pdf", 422, "validation_error"),
    ]:
        path = "/api/v1/stats/export" if "format" in query else "/api/v1/stats/figures"
        response = client.get(f"{path}?{query}", headers=bearer(secret))
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), query


def test_stats_need_the_scope_and_a_place_to_see(app, client, make_user):
    officer_id = make_user(role="officer", scope_level="province", commune_code=None)
    learning_only = make_token(app, officer_id, ["learning:read"])
    response = client.get("/api/v1/stats/figures", headers=bearer(learning_only))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/stats/export").status_code == 401
    province = make_token(app, officer_id, ["stats:read"])
    data = client.get("/api/v1/stats/figures", headers=bearer(province)).get_json()
    assert data["scope"]["key"] == "province:01" and data["children_level"] == "commune"
