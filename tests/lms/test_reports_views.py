"""Officer pages: dashboards, exports, populations, villages and units; a 403 (logged) for every
route asked about another scope by path, query, body or filter list; and the CLI."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.core.localities import Village
from lms.extensions import db
from lms.reports.models import ExportLog, Population, RefusalLog, TargetOverride
from tests.conftest import csrf_token

OWN, NEIGHBOUR, FAR = "00070", "00004", "26732"  # two communes of Hà Nội (01), one of TP.HCM (79)


@pytest.fixture
def commune_officer(make_user, login):
    make_user(role="officer", scope_level="commune", login="xa@example.com")
    login("xa@example.com")


@pytest.fixture
def province_officer(make_user, login):
    make_user(role="officer", scope_level="province", commune_code=None, login="tinh@example.com")
    login("tinh@example.com")


def refusals(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(RefusalLog.id)))


def village_in(app, commune: str) -> int:
    with app.app_context():
        village = Village(commune_code=commune, name="Thôn Đông", name_key="thon dong", kind="thon")
        db.session.add(village)
        db.session.commit()
        return village.id


def test_commune_officer_sees_own_commune(app, client, commune_officer, make_user):
    make_user(full_name="Người Học", login="hv@example.com")
    response = client.get("/thong-ke/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Phường Hoàn Kiếm" in html
    assert 'role="img"' in html and "<table" in html
    assert refusals(app) == 0


def test_every_route_refuses_another_scope_and_logs_it(app, client, commune_officer):
    foreign_village = village_in(app, NEIGHBOUR)
    token = csrf_token(client, f"/thong-ke/xa/{OWN}/dan-so")
    requests = [
        ("get", "/thong-ke/ca-nuoc", None),
        ("get", "/thong-ke/tinh/01", None),
        ("get", f"/thong-ke/xa/{NEIGHBOUR}", None),
        ("get", "/thong-ke/xuat?ky=2026-Q2&dinh_dang=csv", None),
        ("get", "/thong-ke/xuat?ky=2026-Q2&dinh_dang=csv&tinh=01", None),
        ("get", f"/thong-ke/xuat?ky=2026-Q2&dinh_dang=xlsx&xa={NEIGHBOUR}", None),
        (
            "get",
            f"/thong-ke/xuat?ky=2026-Q2&dinh_dang=json&xa={OWN}&chon={OWN}&chon={NEIGHBOUR}",
            None,
        ),
        ("get", f"/thong-ke/xa/{NEIGHBOUR}/dan-so", None),
        (
            "post",
            f"/thong-ke/xa/{NEIGHBOUR}/dan-so",
            {"csrf_token": token, "year": "2026", "population_citizen": "5"},
        ),
        ("get", f"/thong-ke/xa/{NEIGHBOUR}/dia-ban", None),
        (
            "post",
            f"/thong-ke/xa/{NEIGHBOUR}/dia-ban",
            {"csrf_token": token, "thon-name": "Thôn Mới", "thon-kind": "thon", "thon-submit": "1"},
        ),
        ("get", f"/thong-ke/xa/{NEIGHBOUR}/dia-ban/village/{foreign_village}/xoa", None),
        (
            "post",
            f"/thong-ke/xa/{NEIGHBOUR}/dia-ban/village/{foreign_village}/xoa",
            {"csrf_token": token},
        ),
    ]
    for number, (method, url, data) in enumerate(requests, start=1):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, url
        assert refusals(app) == number, url
    # A body naming another commune: the import refuses the whole file.
    body = (
        "year,commune_code,learner_group,population\n2026,00070,citizen,10\n2026,00004,citizen,10\n"
    )
    response = client.post(
        "/thong-ke/dan-so/nhap",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "dan-so.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Population.id))) == 0
        last = db.session.scalars(select(RefusalLog).order_by(RefusalLog.id.desc())).first()
        assert last.requested == "commune:00004" and last.allowed == "commune:00070"
        assert db.session.get(Village, foreign_village) is not None


def test_province_officer_drills_down_but_not_elsewhere(app, client, province_officer):
    assert client.get("/thong-ke/tinh/01").status_code == 200
    html = client.get(f"/thong-ke/xa/{OWN}").get_data(as_text=True)
    assert "Phường Hoàn Kiếm" in html and "/thong-ke/tinh/01" in html
    for url in (
        "/thong-ke/tinh/79",
        f"/thong-ke/xa/{FAR}",
        "/thong-ke/ca-nuoc",
        "/thong-ke/xuat?ky=2026&tinh=79",
    ):
        assert client.get(url).status_code == 403, url
    assert refusals(app) == 4


def test_other_roles_and_strangers_are_kept_out(app, client, make_user, login):
    assert client.get("/thong-ke/ca-nuoc").status_code == 302  # to the sign-in page
    make_user(login="hocvien@example.com")
    login("hocvien@example.com")
    for url in ("/thong-ke/", f"/thong-ke/xa/{OWN}", "/thong-ke/xuat?ky=2026", "/thong-ke/nhat-ky"):
        assert client.get(url).status_code == 403, url


def test_unknown_places_are_404(client, province_officer):
    assert client.get("/thong-ke/tinh/99").status_code == 404
    assert client.get("/thong-ke/xa/99999").status_code == 404


def test_bad_period_is_explained(client, commune_officer):
    html = client.get(f"/thong-ke/xa/{OWN}?ky=2026-Q9").get_data(as_text=True)
    assert "không hợp lệ" in html
    assert client.get(f"/thong-ke/xuat?ky=2026-Q9&xa={OWN}").status_code == 400


def test_population_form_saves_and_feeds_the_percentages(app, client, commune_officer, make_user):
    make_user(login="a@example.com")
    token = csrf_token(client, f"/thong-ke/xa/{OWN}/dan-so?nam=2026")
    response = client.post(
        f"/thong-ke/xa/{OWN}/dan-so?nam=2026",
        data={
            "csrf_token": token,
            "year": "2026",
            "population_citizen": "200",
            "target_citizen": "85",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Population.population)) == 200
        assert db.session.scalar(select(TargetOverride.percent)) == 85
    html = client.get(f"/thong-ke/xa/{OWN}?ky=2026").get_data(as_text=True)
    assert "85.0%" in html and "0.0%" in html
    response = client.post(
        f"/thong-ke/xa/{OWN}/dan-so?nam=2026",
        data={"csrf_token": token, "year": "2026", "population_citizen": "-3"},
    )
    assert response.status_code == 200 and "không được âm" in response.get_data(as_text=True)
    assert client.post(f"/thong-ke/xa/{OWN}/dan-so", data={"year": "2026"}).status_code == 400


def test_import_checks_every_row_in_vietnamese(app, client, province_officer):
    token = csrf_token(client, "/thong-ke/dan-so/nhap")
    body = (
        "\ufeffyear,commune_code,learner_group,population,target_percent\n"
        "2026,00070,citizen,1200,\n"
        "2026,70,student,abc,\n"
        "1890,00070,dan_toc,5,120\n"
        "2026,00070,citizen,5,\n"
    )
    response = client.post(
        "/thong-ke/dan-so/nhap",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "dan-so.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dòng 3: dân số “abc” phải là số nguyên không âm." in html
    assert "Dòng 4: năm “1890” không hợp lệ" in html and "nhóm “dan_toc” không hợp lệ" in html
    assert "chỉ tiêu “120” phải từ 0 đến 100" in html
    assert "Dòng 5: trùng với dòng 2." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Population.id))) == 0
    good = "year;commune_code;learner_group;population;target_percent\n2026;00070;citizen;1.200;90\n2026;00004;student;300;\n"
    response = client.post(
        "/thong-ke/dan-so/nhap",
        data={"csrf_token": token, "file": (io.BytesIO(good.encode("utf-8-sig")), "dan-so.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert sorted(
            db.session.execute(select(Population.commune_code, Population.population)).all()
        ) == [
            ("00004", 300),
            ("00070", 1200),
        ]
        assert db.session.scalar(select(TargetOverride.percent)) == 90


def test_villages_and_units_are_managed_with_confirmation(app, client, commune_officer, make_user):
    token = csrf_token(client, f"/thong-ke/xa/{OWN}/dia-ban")
    response = client.post(
        f"/thong-ke/xa/{OWN}/dia-ban",
        data={
            "csrf_token": token,
            "thon-name": "  Tổ dân phố số 5 ",
            "thon-kind": "to_dan_pho",
            "thon-submit": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/thong-ke/xa/{OWN}/dia-ban",
        data={
            "csrf_token": token,
            "thon-name": "to dan pho so 5",
            "thon-kind": "to_dan_pho",
            "thon-submit": "1",
        },
    )
    assert "đã có trong danh sách" in response.get_data(as_text=True)
    client.post(
        f"/thong-ke/xa/{OWN}/dia-ban",
        data={
            "csrf_token": token,
            "don-vi-name": "Trường THCS Hoàn Kiếm",
            "don-vi-kind": "school",
            "don-vi-submit": "1",
        },
    )
    html = client.get(f"/thong-ke/xa/{OWN}/dia-ban").get_data(as_text=True)
    assert "Tổ dân phố số 5" in html and "Trường THCS Hoàn Kiếm" in html
    with app.app_context():
        village_id = db.session.scalar(select(Village.id))
    make_user(login="o@example.com")
    with app.app_context():
        from lms.accounts.models import User

        user = db.session.scalar(select(User).where(User.email == "o@example.com"))
        user.village_id = village_id
        db.session.commit()
    url = f"/thong-ke/xa/{OWN}/dia-ban/village/{village_id}/xoa"
    assert "Xoá “Tổ dân phố số 5”?" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Còn 1 người khai báo" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "o@example.com"))
        user.village_id = None
        db.session.commit()
    client.post(url, data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Village, village_id) is None
    assert client.post(url, data={"csrf_token": token}).status_code == 404


def test_exports_download_and_are_logged(app, client, province_officer, make_user):
    make_user(login="a@example.com")
    response = client.get("/thong-ke/xuat?ky=2026-Q4&dinh_dang=csv&tinh=01")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith(
        "\ufeffperiod,province_code,commune_code,commune_name,learner_group,population,"
    )
    assert "2026-Q4,01,00070,Phường Hoàn Kiếm,citizen,,1,1,0,0,,100.0," in text
    assert len(text.strip().splitlines()) == 1 + 126 * 4
    response = client.get(f"/thong-ke/xuat?ky=2026-Q4&dinh_dang=xlsx&tinh=01&chon={OWN}")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames[0] == "Tổng hợp" and len(book.sheetnames) == 7
    assert book.sheetnames[5:] == ["Đại sứ số", "Gia đình số"]  # lms.community.figures
    response = client.get(f"/thong-ke/xuat?den_ngay=2026-12-31&dinh_dang=json&xa={OWN}")
    document = json.loads(response.get_data())
    assert document["period"] == "as_of=2026-12-31" and len(document["rows"]) == 4
    assert document["totals"]["registered"] == 1
    with app.app_context():
        logs = db.session.scalars(select(ExportLog).order_by(ExportLog.id)).all()
        assert [(log.scope, log.format, log.rows) for log in logs] == [
            ("province:01", "csv", 504),
            ("province:01[00070]", "xlsx", 4),
            ("commune:00070", "json", 4),
        ]
    html = client.get("/thong-ke/nhat-ky").get_data(as_text=True)
    assert "province:01[00070]" in html


def test_cli_export_and_its_scope(app, make_user, tmp_path):
    make_user(login="hv1@example.com")
    make_user(role="officer", scope_level="commune", login="cb@example.com")
    runner = app.test_cli_runner()
    out = tmp_path / "xa.csv"
    result = runner.invoke(
        args=[
            "stats",
            "export",
            "--period",
            "2026-Q4",
            "--format",
            "csv",
            "--commune",
            OWN,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        out.read_text(encoding="utf-8-sig")
        .splitlines()[1]
        .startswith("2026-Q4,01,00070,Phường Hoàn Kiếm,public_servant")
    )
    out = tmp_path / "tinh.xlsx"
    result = runner.invoke(
        args=[
            "stats",
            "export",
            "--period",
            "2026",
            "--format",
            "xlsx",
            "--province",
            "01",
            "--as",
            "cb@example.com",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 3 and not out.exists()
    assert refusals(app) == 1
    result = runner.invoke(
        args=["stats", "export", "--period", "2026-Q7", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 2 and "không hợp lệ" in result.output
    result = runner.invoke(
        args=[
            "stats",
            "export",
            "--period",
            "2026",
            "--format",
            "json",
            "--commune",
            "12345",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 1 and "không có trong danh mục" in result.output
    result = runner.invoke(
        args=[
            "stats",
            "export",
            "--period",
            "2026",
            "--format",
            "json",
            "--commune",
            OWN,
            "--as",
            "cb@example.com",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0 and json.loads(out.read_text())["scope"] == "commune:00070"
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0 and "1 người học" in result.output
