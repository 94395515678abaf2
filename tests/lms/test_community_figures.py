"""Officers' figures of the community: a mentor registers three people, one completes the
program, and the dashboard and the exports show the mentor and the households correctly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from lms.accounts.models import User
from lms.extensions import db
from lms.reports.exports import COLUMNS
from lms.reports.periods import local_today, parse_period
from lms.reports.scope import ScopeRefused, commune_scope
from tests.conftest import csrf_token
from tests.lms.community_helpers import complete_program, mentor_registers, switch_to, user_by_login

COMMUNE = "00070"  # Phường Hoàn Kiếm, Hà Nội
OTHER = "00004"  # Phường Ba Đình


@pytest.fixture
def community(app, make_user, client, login):
    """Mentor Sơn registers Mai, Páo and Dính; Mai completes her program; Sơn sets up the
    household of Mai and Páo in Thôn Nà Sản; Dính creates her own household."""
    from lms.reports.services import add_place

    with app.app_context():
        village = add_place(None, COMMUNE, "village", "Thôn Nà Sản", "thon").id
        db.session.commit()
    make_user(role="mentor", login="son@example.com", full_name="Hà Văn Sơn")
    make_user(role="mentor", login="tuan@example.com", full_name="Đỗ Minh Tuấn", commune_code=OTHER)
    login("son@example.com")
    for n, name in enumerate(("Lò Thị Mai", "Lò Văn Páo", "Vàng Thị Dính"), start=1):
        extra = {"village_id": str(village)} if n < 3 else {}
        response = mentor_registers(client, full_name=name, login=f"091200000{n}", **extra)
        assert response.status_code == 302
    mai, pao, dinh = (user_by_login(app, phone=f"+8491200000{n}") for n in (1, 2, 3))
    complete_program(app, mai.id)
    token = csrf_token(client, "/dai-su-so/gia-dinh")
    response = client.post(
        "/dai-su-so/gia-dinh",
        data={
            "name": "Gia đình bà Mai",
            "members": [mai.id, pao.id],
            "attested": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    token = csrf_token(client, "/dai-su-so/buoi-huong-dan")
    client.post(
        "/dai-su-so/buoi-huong-dan",
        data={
            "learners": [mai.id, pao.id],
            "held_on": local_today().isoformat(),
            "topic": "Cài VNeID",
            "minutes": "40",
            "csrf_token": token,
        },
    )
    switch_to(client, login, "0912000003", "mat-khau-cua-mai")
    token = csrf_token(client, "/gia-dinh")
    client.post("/gia-dinh/tao", data={"name": "Nhà chị Dính", "csrf_token": token})
    make_user(role="officer", login="officer@example.com", scope_level="commune")
    switch_to(client, login, "officer@example.com")
    return {"mai": mai.id, "pao": pao.id, "dinh": dinh.id, "village": village}


def test_the_services_count_the_mentor_and_the_households(app, community, make_user):
    from lms.community.figures import household_figures, mentor_figures

    year = parse_period(str(local_today().year))
    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@example.com"))
        [son] = mentor_figures(officer, commune_scope(COMMUNE), year)
        assert (son.name, son.helped, son.attained, son.active, son.sessions, son.minutes) == (
            "Hà Văn Sơn",
            3,
            1,
            3,
            2,
            80,
        )
        assert son.meets_goal is False
        lines = household_figures(officer, commune_scope(COMMUNE), year)
        assert [
            (h.level, h.village_name, h.households, h.with_attained, h.members) for h in lines
        ] == [
            ("commune", "", 2, 1, 3),
            ("village", "Thôn Nà Sản", 1, 1, 2),
        ]
        assert lines[0].percent == 50.0
        # A period that ended before any of it counts nothing.
        past = parse_period("2025")
        [before] = mentor_figures(officer, commune_scope(COMMUNE), past)
        assert (before.helped, before.attained, before.sessions) == (0, 0, 0)
        assert household_figures(officer, commune_scope(COMMUNE), past) == []
        # Another commune's officer may not look.
        with pytest.raises(ScopeRefused):
            mentor_figures(officer, commune_scope(OTHER), year)
        with pytest.raises(ScopeRefused):
            household_figures(officer, commune_scope(OTHER), year)


def test_the_dashboard_shows_the_mentor_and_the_households(app, community, client):
    year = str(local_today().year)
    html = client.get(f"/thong-ke/xa/{COMMUNE}?ky={year}").get_data(as_text=True)
    assert "Đại sứ số và số người đã hỗ trợ" in html
    mentors = html[html.index('id="dai-su-so"') : html.index('id="gia-dinh-so"')]
    assert "Hà Văn Sơn" in mentors and "Đỗ Minh Tuấn" not in mentors
    assert "<td>3</td>" in mentors and "<td>1</td>" in mentors and "<td>80</td>" in mentors
    assert "0/1 Đại sứ số đã hỗ trợ từ 5 người trở lên." in mentors
    households = html[html.index('id="gia-dinh-so"') :]
    assert "Thôn Nà Sản" in households and "50%" in households
    assert "Lò Thị Mai" not in html  # no learner is named on an officer's dashboard
    assert client.get(f"/thong-ke/xa/{OTHER}?ky={year}").status_code == 403


def test_the_exports_carry_extra_sheets_and_fields_and_keep_the_contract_columns(
    app, community, client
):
    year = str(local_today().year)
    base = f"/thong-ke/xuat?xa={COMMUNE}&ky={year}&dinh_dang="

    body = client.get(base + "csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == COLUMNS and "Hà Văn Sơn" not in body

    data = json.loads(client.get(base + "json").get_data(as_text=True))
    assert data["columns"] == list(COLUMNS)
    assert data["mentors"] == [
        {
            "period": year,
            "province_code": "01",
            "commune_code": COMMUNE,
            "commune_name": "Phường Hoàn Kiếm",
            "mentor_id": data["mentors"][0]["mentor_id"],
            "mentor_name": "Hà Văn Sơn",
            "people_helped": 3,
            "people_attained": 1,
            "active_links": 3,
            "guided_sessions": 2,
            "guided_minutes": 80,
            "meets_goal_of_5": False,
        }
    ]
    assert [
        (h["level"], h["households"], h["households_with_attained_member"])
        for h in data["households"]
    ] == [
        ("commune", 2, 1),
        ("village", 1, 1),
    ]
    citizens = [r for r in data["rows"] if r["learner_group"] == "citizen"]
    assert citizens[0]["registered"] == 3 and citizens[0]["attained"] == 1

    book = load_workbook(io.BytesIO(client.get(base + "xlsx").get_data()))
    assert book.sheetnames[:5] == [
        "Tổng hợp",
        "Cán bộ, công chức, viên chức",
        "Học sinh, sinh viên",
        "Người lao động DN, HTX",
        "Người dân",
    ]
    assert book.sheetnames[5:] == ["Đại sứ số", "Gia đình số"]
    mentors = book["Đại sứ số"]
    assert mentors.cell(3, 6).value == "Họ tên Đại sứ số"
    assert [c.value for c in mentors[4]][5:12] == ["Hà Văn Sơn", 3, 1, 3, 2, 80, "Không"]
    households = book["Gia đình số"]
    assert [c.value for c in households[4]][4:11] == ["commune", None, None, 2, 1, 50.0, 3]
    assert [c.value for c in households[5]][6] == "Thôn Nà Sản"


def test_a_province_officer_sees_every_commune_of_the_province(
    app, community, make_user, client, login
):
    make_user(role="officer", login="tinh@example.com", scope_level="province")
    switch_to(client, login, "tinh@example.com")
    year = str(local_today().year)
    data = json.loads(
        client.get(f"/thong-ke/xuat?tinh=01&ky={year}&dinh_dang=json").get_data(as_text=True)
    )
    assert [m["mentor_name"] for m in data["mentors"]] == ["Hà Văn Sơn", "Đỗ Minh Tuấn"]
    only = json.loads(
        client.get(f"/thong-ke/xuat?tinh=01&ky={year}&dinh_dang=json&chon={OTHER}").get_data(
            as_text=True
        )
    )
    assert [m["mentor_name"] for m in only["mentors"]] == ["Đỗ Minh Tuấn"] and only[
        "households"
    ] == []


def test_a_revoked_program_certificate_withdraws_the_attainment_everywhere(app, community):
    """Mai's program certificate is revoked for cheating: the mentor and the household lose her
    attainment; issued again (after the error is cleared), she counts again."""
    from lms.certificates.models import Certificate
    from lms.certificates.services import revoke_certificate
    from lms.community.figures import household_rows, mentor_rows

    year = parse_period(str(local_today().year))
    with app.app_context():
        program = db.session.scalar(
            db.select(Certificate).where(
                Certificate.user_id == community["mai"], Certificate.kind == "program"
            )
        )
        assert program is not None and program.is_live
        revoke_certificate(program, "cheating")
        db.session.commit()
        [son] = mentor_rows(commune_scope(COMMUNE), year)
        assert (son.helped, son.attained) == (3, 0)
        assert [
            (h.households, h.with_attained) for h in household_rows(commune_scope(COMMUNE), year)
        ] == [
            (2, 0),
            (1, 0),
        ]
        # A live program certificate issued again restores the attainment.
        db.session.add(
            Certificate(
                **{
                    c.key: getattr(program, c.key)
                    for c in Certificate.__table__.columns
                    if c.key
                    not in (
                        "id",
                        "code",
                        "revoked_at",
                        "revocation_reason",
                        "revocation_note",
                        "revoked_by_id",
                    )
                },
                code="REISSUED" + str(program.id),
            )
        )
        db.session.commit()
        [son] = mentor_rows(commune_scope(COMMUNE), year)
        assert son.attained == 1


def test_dashboards_above_a_commune_add_the_mentors_up_per_place(
    app, community, make_user, client, login
):
    """A province's dashboard names no mentor: it shows each commune's totals (the full list
    is in the exports and on the commune's page); the country's shows each province's."""
    year = str(local_today().year)
    make_user(role="officer", login="tinh@example.com", scope_level="province")
    switch_to(client, login, "tinh@example.com")
    html = client.get(f"/thong-ke/tinh/01?ky={year}").get_data(as_text=True)
    mentors = html[html.index('id="dai-su-so"') : html.index('id="gia-dinh-so"')]
    assert "0/2 Đại sứ số đã hỗ trợ từ 5 người trở lên." in mentors
    assert "Hà Văn Sơn" not in mentors and "Đỗ Minh Tuấn" not in mentors
    rows = [row for row in mentors.split("<tr>")[2:]]
    hoan_kiem = next(r for r in rows if "Phường Hoàn Kiếm" in r)
    assert "<td>1</td><td>0</td><td>3</td><td>1</td><td>2</td><td>80</td>" in "".join(
        hoan_kiem.split()
    )
    assert any("Phường Ba Đình" in r for r in rows)
    households = html[html.index('id="gia-dinh-so"') :]
    assert "Phường Hoàn Kiếm" in households and "Thôn Nà Sản" not in households

    make_user(role="admin", login="admin@example.com")
    switch_to(client, login, "admin@example.com")
    html = client.get(f"/thong-ke/ca-nuoc?ky={year}").get_data(as_text=True)
    mentors = html[html.index('id="dai-su-so"') : html.index('id="gia-dinh-so"')]
    assert "Thành phố Hà Nội" in mentors and "Phường Hoàn Kiếm" not in mentors
    assert "<td>2</td><td>0</td><td>3</td><td>1</td><td>2</td><td>80</td>" in "".join(
        mentors.split()
    )
    households = html[html.index('id="gia-dinh-so"') :]
    assert "Thành phố Hà Nội" in households and "Phường Hoàn Kiếm" not in households


def test_the_copies_follow_memberships_attainments_and_a_rebuild(app, community):
    """What the figures read (lms.community.copies) follows every change in the same
    transaction: Mai's attainment reaches her household and her mentor's link; Mai leaving
    the household, then her attainment being withdrawn, take it away; `lms stats rebuild`
    puts back whatever was tampered with."""
    from lms.community.households import leave_household
    from lms.community.models import Household, MentorLink
    from lms.completion.models import Attainment

    def copies() -> tuple[dict, dict]:
        households = {
            name: (count, attained is not None)
            for name, count, attained in db.session.execute(
                db.select(Household.name, Household.member_count, Household.attained_at)
            )
        }
        links = {
            learner: attained is not None
            for learner, attained in db.session.execute(
                db.select(MentorLink.learner_id, MentorLink.learner_attained_at)
            )
        }
        return households, links

    with app.app_context():
        mai = db.session.get(User, community["mai"])
        attained_at = db.session.scalar(
            db.select(Attainment.attained_at).where(Attainment.user_id == mai.id)
        )
        assert (
            db.session.scalar(
                db.select(Household.attained_at).where(Household.name == "Gia đình bà Mai")
            )
            == attained_at
        )
        assert copies() == (
            {"Gia đình bà Mai": (2, True), "Nhà chị Dính": (1, False)},
            {community["mai"]: True, community["pao"]: False, community["dinh"]: False},
        )
        leave_household(mai)
        db.session.commit()
        assert copies()[0] == {"Gia đình bà Mai": (1, False), "Nhà chị Dính": (1, False)}
        for attainment in db.session.scalars(
            db.select(Attainment).where(Attainment.user_id == mai.id)
        ):
            db.session.delete(attainment)
        db.session.commit()
        assert copies()[1][community["mai"]] is False
        # Bulk statements are not seen by the ORM: the rebuild puts them right.
        db.session.execute(db.update(Household).values(member_count=99))
        db.session.execute(db.update(MentorLink).values(learner_attained_at=attained_at))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert copies() == (
            {"Gia đình bà Mai": (1, False), "Nhà chị Dính": (1, False)},
            {community["mai"]: False, community["pao"]: False, community["dinh"]: False},
        )
