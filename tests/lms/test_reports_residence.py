"""Villages and units picked from the commune's lists (registration, admin editor), a learner's
move recorded in the residence history and counted where they live at a period's end, and the
migration that carried free-text villages over."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from lms.accounts.models import User
from lms.core.localities import Unit, Village
from lms.extensions import db
from lms.reports.figures import commune_figures
from lms.reports.models import Placement
from lms.reports.periods import parse_period
from lms.reports.rollup import rebuild_rollup
from lms.reports.scope import commune_scope
from tests.conftest import csrf_token

OWN, OTHER = "00070", "00004"


def make_places(app) -> dict[str, int]:
    with app.app_context():
        items = {
            "village": Village(
                commune_code=OWN,
                name="Tổ dân phố số 5",
                name_key="to dan pho so 5",
                kind="to_dan_pho",
            ),
            "unit": Unit(
                commune_code=OWN,
                name="Trường THCS Hoàn Kiếm",
                name_key="truong thcs hoan kiem",
                kind="school",
            ),
            "other": Village(
                commune_code=OTHER, name="Thôn Khác", name_key="thon khac", kind="thon"
            ),
        }
        db.session.add_all(items.values())
        db.session.commit()
        return {k: v.id for k, v in items.items()}


def register(client, **fields):
    data = {
        "full_name": "Lê Văn Tám",
        "login": "0912 000 111",
        "password": "mot-mat-khau-dai",
        "birth_year": "1990",
        "learner_group": "citizen",
        "province_code": "01",
        "commune_code": OWN,
        "consent_account": "y",
        "submit": "Tạo tài khoản",
        **fields,
    }
    data["csrf_token"] = csrf_token(client, "/dang-ky")
    return client.post("/dang-ky", data=data)


def test_registration_picks_the_village_and_unit_from_the_commune_lists(app, client):
    ids = make_places(app)
    token = csrf_token(client, "/dang-ky")
    html = client.post(
        "/dang-ky",
        data={
            "csrf_token": token,
            "province_code": "01",
            "commune_code": OWN,
            "pick_province": "1",
        },
    ).get_data(as_text=True)
    assert "Tổ dân phố số 5" in html and "Trường THCS Hoàn Kiếm" in html and "Thôn Khác" not in html
    response = register(client, village_id=str(ids["other"]))
    assert response.status_code == 200  # not on this commune's list
    response = register(client, village_id=str(ids["village"]), unit_id=str(ids["unit"]))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.village_id, user.unit_id) == (ids["village"], ids["unit"])
        placement = db.session.scalar(select(Placement))
        assert (placement.commune_code, placement.village_id, placement.unit_id) == (
            OWN,
            ids["village"],
            ids["unit"],
        )
        today = parse_period(f"as_of={date.today()}")
        from lms.reports.figures import local_figures

        figures = {f.name: f.counts.registered for f in local_figures(commune_scope(OWN), today)}
        assert figures == {"Tổ dân phố số 5": 1, "Trường THCS Hoàn Kiếm": 1}


def test_local_places_endpoint(app, client):
    make_places(app)
    data = client.get(f"/thong-ke/dia-ban/{OWN}.json").get_json()
    assert [v["name"] for v in data["villages"]] == ["Tổ dân phố số 5"]
    assert [u["name"] for u in data["units"]] == ["Trường THCS Hoàn Kiếm"]
    assert client.get("/thong-ke/dia-ban/99999.json").status_code == 404


def test_a_learner_who_moves_is_counted_where_they_live_at_the_period_end(
    app, client, make_user, login
):
    ids = make_places(app)
    user_id = make_user(commune_code=OTHER, login="di.chuyen@example.com")
    with app.app_context():
        # Registered on 1 January 2026 in Ba Đình.
        db.session.execute(
            text("UPDATE users SET created_at = '2026-01-01 03:00:00' WHERE id = :u"),
            {"u": user_id},
        )
        db.session.execute(
            text(
                "UPDATE learner_placements SET started_at = '2026-01-01 03:00:00' WHERE user_id = :u"
            ),
            {"u": user_id},
        )
        rebuild_rollup(db.session.connection())
        db.session.commit()
    login("di.chuyen@example.com")
    token = csrf_token(client, "/tai-khoan/noi-song")
    response = client.post(
        "/tai-khoan/noi-song",
        data={
            "csrf_token": token,
            "province_code": "01",
            "commune_code": OWN,
            "village_id": str(ids["village"]),
            "unit_id": "",
        },
    )
    assert response.status_code == 302
    with app.test_request_context():
        placements = db.session.scalars(
            select(Placement).where(Placement.user_id == user_id).order_by(Placement.started_at)
        ).all()
        assert [p.commune_code for p in placements] == [OTHER, OWN]
        june = parse_period("as_of=2026-06-30")
        now = parse_period(f"as_of={date.today()}")
        registered = lambda commune, period: sum(  # noqa: E731
            f.counts.registered for f in commune_figures(commune_scope(commune), period)
        )
        assert (registered(OTHER, june), registered(OWN, june)) == (1, 0)
        assert (registered(OTHER, now), registered(OWN, now)) == (0, 1)
    assert "Đổi nơi sống" in client.get("/tai-khoan").get_data(as_text=True)
    response = client.post(
        "/tai-khoan/noi-song",
        data={
            "csrf_token": token,
            "province_code": "01",
            "commune_code": OWN,
            "village_id": str(ids["other"]),
        },
    )
    assert response.status_code == 200  # a village of another commune is refused


def test_only_learners_edit_their_residence(client, make_user, login):
    make_user(role="officer", scope_level="commune", login="cb@example.com")
    login("cb@example.com")
    assert client.get("/tai-khoan/noi-song").status_code == 403


def test_admin_editor_sets_village_and_unit(app, client, make_user, login):
    ids = make_places(app)
    make_user(role="admin", login="admin@example.com")
    user_id = make_user(login="hv@example.com")
    login("admin@example.com")
    url = f"/quan-tri/nguoi-dung/{user_id}"
    html = client.get(url).get_data(as_text=True)
    assert "Tổ dân phố số 5" in html
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "full_name": "Người Học",
            "role": "learner",
            "learner_group": "citizen",
            "scope_level": "",
            "province_code": "01",
            "commune_code": OWN,
            "village_id": str(ids["village"]),
            "unit_id": str(ids["unit"]),
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.village_id, user.unit_id) == (ids["village"], ids["unit"])


def test_migration_carries_free_text_villages_over(tmp_path):
    from flask_migrate import upgrade

    from lms import create_app
    from lms.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'm.sqlite3'}", tmp_path / "instance"))
    with app.app_context():
        upgrade(revision="d67b68f63138")
        for n, (commune, village) in enumerate(
            [
                (OWN, "Tổ dân phố số 5"),
                (OWN, "  tổ dân phố  số 5 "),
                (OWN, "Bản Phủ"),
                (OTHER, "Tổ dân phố số 5"),
                (OWN, ""),
            ],
            start=1,
        ):
            db.session.execute(
                text(
                    "INSERT INTO users (full_name, name_key, email, password_hash, role, learner_group, "
                    "province_code, commune_code, village, is_enabled, created_at) VALUES "
                    "('A', 'a', :e, 'x', 'learner', 'citizen', '01', :c, :v, 1, '2026-01-01')"
                ),
                {"e": f"m{n}@example.com", "c": commune, "v": village},
            )
        db.session.commit()
        upgrade(revision="78d7db960b23")
        villages = db.session.execute(
            text("SELECT commune_code, name, kind FROM villages ORDER BY id")
        ).all()
        assert villages == [
            (OWN, "Tổ dân phố số 5", "to_dan_pho"),
            (OWN, "Bản Phủ", "ban"),
            (OTHER, "Tổ dân phố số 5", "to_dan_pho"),
        ]
        pointed = db.session.execute(text("SELECT email, village_id FROM users ORDER BY id")).all()
        assert (
            pointed[0][1] == pointed[1][1]
            and pointed[2][1] != pointed[0][1]
            and pointed[3][1] != pointed[0][1]
        )
        assert pointed[4][1] is None
        assert db.session.scalar(text("SELECT COUNT(*) FROM learner_placements")) == 5
        db.session.remove()
        db.engine.dispose()
