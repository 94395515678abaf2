"""A learner's own data: the privacy notice, the download (JSON and CSV), and erasure, which
anonymises the account while the figures and the certificates' validity still add up."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from lms.accounts.models import ConsentRecord, User, UserSession
from lms.audit.models import AuditEntry
from lms.community.models import HouseholdMember, MentorLink
from lms.extensions import db
from lms.privacy.models import NationalIdRecord
from lms.privacy.services import ERASED_NAME
from tests.conftest import PASSWORD, csrf_token
from tests.lms.community_helpers import (
    CCCD_1968_WOMAN,
    complete_program,
    mentor_registers,
    switch_to,
    user_by_login,
)

COMMUNE = "00070"


def test_the_privacy_notice_is_public_plain_and_complete(client):
    response = client.get("/quyen-rieng-tu")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for words in (
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15",
        "Nghị định 356/2025/NĐ-CP",
        "Chúng tôi ghi những gì",
        "Để làm gì",
        "Ai được xem",
        "Giữ trong bao lâu",
        "Quyền của bạn",
        "Làm thế nào để thực hiện quyền",
        "Người dưới 16 tuổi",
        "dân tộc, tôn giáo, tình trạng sức khoẻ, khuyết tật",
        "24 tháng",
    ):
        assert words in html, words
    assert not re.search(r"Điều \d|khoản \d", html)  # no article numbers are quoted
    assert '<a href="/quyen-rieng-tu">' in client.get("/").get_data(as_text=True)


def test_no_sensitive_data_is_asked_or_stored(client):
    columns = {c.name for c in User.__table__.columns}
    sensitive = ("ethnic", "dan_toc", "religion", "ton_giao", "health", "disab", "khuyet")
    assert not [c for c in columns if any(word in c for word in sensitive)]
    html = client.get("/dang-ky").get_data(as_text=True).lower()
    for word in ("dân tộc", "tôn giáo", "khuyết tật", "sức khoẻ", "sức khỏe"):
        assert word not in html


def test_consent_is_given_and_withdrawn_from_the_account_page(app, make_user, client, login):
    user_id = make_user(login="hoa@example.com")
    login("hoa@example.com")
    page = client.get("/tai-khoan").get_data(as_text=True)
    assert page.count("Rút lại") == 1 and page.count(">Đồng ý<") == 2  # account; two optional
    token = csrf_token(client, "/tai-khoan")
    client.post(
        "/tai-khoan/dong-y", data={"purpose": "reminders", "action": "give", "csrf_token": token}
    )
    assert "Rút lại sự đồng ý" in client.get("/tai-khoan").get_data(as_text=True)
    client.post(
        "/tai-khoan/dong-y",
        data={"purpose": "reminders", "action": "withdraw", "csrf_token": token},
    )
    with app.app_context():
        record = db.session.scalar(
            select(ConsentRecord).where(
                ConsentRecord.user_id == user_id, ConsentRecord.purpose == "reminders"
            )
        )
        assert record.withdrawn_at is not None
    # Withdrawing the account consent leads to erasure, which explains itself first.
    response = client.post(
        "/tai-khoan/dong-y", data={"purpose": "account", "action": "withdraw", "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/tai-khoan/xoa-du-lieu")
    assert (
        client.post(
            "/tai-khoan/dong-y", data={"purpose": "account", "action": "withdraw"}
        ).status_code
        == 400
    )
    bad = client.post(
        "/tai-khoan/dong-y", data={"purpose": "ads", "action": "give", "csrf_token": token}
    )
    assert bad.status_code == 400


def test_a_minor_registers_with_a_guardian(app, client):
    token = csrf_token(client, "/dang-ky")
    data = {
        "full_name": "Lò Văn Tủa",
        "login": "tua@example.com",
        "password": "mot-mat-khau-dai",
        "birth_year": "2013",
        "learner_group": "student",
        "province_code": "01",
        "commune_code": COMMUNE,
        "consent_account": "y",
        "csrf_token": token,
    }
    refused = client.post("/dang-ky", data=data)
    assert refused.status_code == 200
    assert "cần cha, mẹ hoặc người giám hộ cùng đồng ý" in refused.get_data(as_text=True)
    data.update(guardian_name="Lò Thị Dung", guardian_relation="mother")
    assert client.post("/dang-ky", data=data).status_code == 302
    with app.app_context():
        record = db.session.scalar(select(ConsentRecord))
        assert (record.guardian_name, record.guardian_relation) == ("Lò Thị Dung", "mother")


# --- The download and erasure journey -----------------------------------------------------------


def _village(app) -> int:
    from lms.reports.services import add_place

    with app.app_context():
        village = add_place(None, COMMUNE, "village", "Thôn Nà Sản", "thon")
        db.session.commit()
        return village.id


def _figures(app) -> dict[str, tuple[int, int, int]]:
    """Registered, completed and attained, per place level, at the end of this year."""
    from lms.reports.figures import counts_by_place
    from lms.reports.periods import local_today

    with app.app_context():
        day = local_today()
        result = {}
        for level, code in (("country", "VN"), ("province", "01"), ("commune", COMMUNE)):
            rows = counts_by_place(level, day, place_code=code)
            result[level] = tuple(
                sum(getattr(c, k) for c in rows.values())
                for k in ("registered", "completed", "attained")
            )
        villages = counts_by_place("village", day, commune_code=COMMUNE)
        result["village"] = tuple(
            sum(getattr(c, k) for c in villages.values())
            for k in ("registered", "completed", "attained")
        )
        return result


def _journey(app, make_user, client, login) -> dict:
    """A mentor registers Mai (with her CCCD and village) and sets up her household; she
    completes her program (a certificate is issued) and downloads her data."""
    village = _village(app)
    make_user(role="mentor", login="son@example.com", full_name="Hà Văn Sơn")
    sister = make_user(login="lan@example.com", full_name="Lò Thị Lan")
    login("son@example.com")
    assert (
        mentor_registers(client, national_id=CCCD_1968_WOMAN, village_id=str(village)).status_code
        == 302
    )
    mai = user_by_login(app, phone="+84912000001")
    complete_program(app, mai.id)
    token = csrf_token(client, "/dai-su-so/gia-dinh")
    client.post(
        "/dai-su-so/gia-dinh",
        data={"name": "Gia đình bà Mai", "members": [mai.id], "attested": "y", "csrf_token": token},
    )
    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    return {"mai": mai.id, "village": village, "sister": sister}


def _download(client, fmt: str):
    token = csrf_token(client, "/tai-khoan/du-lieu")
    return client.post("/tai-khoan/du-lieu/tai-ve", data={"fmt": fmt, "csrf_token": token})


def test_a_learner_downloads_all_their_data_as_json_and_csv(app, make_user, client, login):
    people = _journey(app, make_user, client, login)
    response = _download(client, "json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        f'du-lieu-ca-nhan-{people["mai"]}.json"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["full_name"] == "Lò Thị Mai"
    assert data["profile"]["phone"] == "+84912000001"
    assert data["profile"]["village_on_commune_list"] == "Thôn Nà Sản"
    assert data["profile"]["national_id"] == "•••••••••321"
    assert {c["purpose"] for c in data["consents"]} == {"account", "mentor_support"}
    assert all(c["recorded_in_person_by"] == "Hà Văn Sơn" for c in data["consents"])
    assert data["enrolments"] and all(e["completed_at"] for e in data["enrolments"])
    assert data["quiz_attempts"] and all("answers" in a for a in data["quiz_attempts"])
    assert [a["group"] for a in data["attainments"]] == ["citizen"]
    assert any(c["kind"] == "program" for c in data["certificates"])
    assert data["mentoring"][0]["mentor"] == "Hà Văn Sơn"
    assert data["household"]["name"] == "Gia đình bà Mai"
    assert data["api_tokens"] == []
    assert any(e["action"] == "auth.sign_in" for e in data["activity_log"])
    text = response.get_data(as_text=True)
    assert CCCD_1968_WOMAN not in text and "Lò Thị Lan" not in text  # nobody else's data

    response = _download(client, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffsection,item,field,value")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["profile", "1", "full_name", "Lò Thị Mai"] in rows
    assert ["household", "1", "name", "Gia đình bà Mai"] in rows
    assert {r[0] for r in rows[1:]} >= {
        "profile",
        "consents",
        "enrolments",
        "quiz_attempts",
        "certificates",
    }
    assert CCCD_1968_WOMAN not in body
    with app.app_context():
        formats = db.session.scalars(
            select(AuditEntry.details)
            .where(AuditEntry.action == "data.export")
            .order_by(AuditEntry.id)
        ).all()
        assert formats == [{"format": "json"}, {"format": "csv"}]
    assert client.post("/tai-khoan/du-lieu/tai-ve", data={"fmt": "json"}).status_code == 400


def test_erasure_anonymises_the_account_and_the_figures_still_add_up(app, make_user, client, login):
    from lms.certificates.codes import grouped
    from lms.certificates.models import Certificate
    from lms.reports.rollup import rebuild_rollup

    people = _journey(app, make_user, client, login)
    mai = people["mai"]
    assert _download(client, "json").status_code == 200
    before = _figures(app)
    assert before["commune"] == (2, 1, 1)  # Mai and her sister-in-law; Mai completed and attained
    assert before["village"] == (1, 1, 1)
    with app.app_context():
        code = grouped(
            db.session.scalar(select(Certificate.code).where(Certificate.kind == "program"))
        )
    assert "Lò Thị Mai" in client.get(f"/verify/{code}").get_data(as_text=True)

    page = client.get("/tai-khoan/xoa-du-lieu").get_data(as_text=True)
    assert "Sẽ bị xoá ngay" in page and "Vẫn giữ, nhưng không kèm tên" in page
    token = csrf_token(client, "/tai-khoan/xoa-du-lieu")
    wrong = client.post(
        "/tai-khoan/xoa-du-lieu", data={"password": "sai", "confirm": "y", "csrf_token": token}
    )
    assert wrong.status_code == 422 and "Mật khẩu không đúng." in wrong.get_data(as_text=True)
    unticked = client.post(
        "/tai-khoan/xoa-du-lieu", data={"password": "mat-khau-cua-mai", "csrf_token": token}
    )
    assert unticked.status_code == 422
    response = client.post(
        "/tai-khoan/xoa-du-lieu",
        data={"password": "mat-khau-cua-mai", "confirm": "y", "csrf_token": token},
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan").status_code == 302  # signed out

    with app.app_context():
        user = db.session.get(User, mai)
        assert user.full_name == ERASED_NAME and user.erased_at is not None
        assert (user.email, user.phone, user.birth_year, user.village, user.village_id) == (
            None,
        ) * 5
        assert (user.workplace, user.unit_id, user.is_enabled) == (None, None, False)
        assert (user.learner_group, user.commune_code, user.province_code) == (
            "citizen",
            COMMUNE,
            "01",
        )
        assert db.session.get(NationalIdRecord, mai) is None
        assert all(
            s.revoked_at is not None
            for s in db.session.scalars(select(UserSession).where(UserSession.user_id == mai))
        )
        consents = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == mai)
        ).all()
        assert all(c.withdrawn_at is not None and c.guardian_name is None for c in consents)
        link = db.session.scalar(select(MentorLink).where(MentorLink.learner_id == mai))
        assert (link.status, link.ended_reason) == ("ended", "erased")
        assert (
            db.session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == mai)) is None
        )
        assert db.session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "data.erased", AuditEntry.subject_id == mai
            )
        )

    # Signing in again is impossible, with any identifier.
    token = csrf_token(client, "/dang-nhap")
    for name in ("0912000001", "+84912000001"):
        again = client.post(
            "/dang-nhap", data={"login": name, "password": "mat-khau-cua-mai", "csrf_token": token}
        )
        assert again.status_code == 200

    # Commune, province and country figures are unchanged; only the village loses her.
    after = _figures(app)
    assert {k: after[k] for k in ("country", "province", "commune")} == {
        k: before[k] for k in ("country", "province", "commune")
    }
    assert after["village"] == (0, 0, 0)
    with app.app_context():
        rebuild_rollup(db.session.connection())
        db.session.commit()
    assert _figures(app) == after  # the same as recomputing everything from scratch

    # The certificate still verifies, without her name.
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận hợp lệ" in page and "Lò Thị Mai" not in page
    assert "Đã xoá theo yêu cầu của người được cấp" in page
    record = client.get(f"/api/v1/certificates/{code}").get_json()
    assert record["status"] == "valid" and record["holder_name"] is None
    assert record["holder_name_withheld"] is True and record["signature"]["statement"] is None

    # The mentor's figures still count her as helped and attained.
    from lms.community.figures import mentor_rows
    from lms.reports.periods import parse_period
    from lms.reports.scope import commune_scope

    with app.app_context():
        [row] = mentor_rows(commune_scope(COMMUNE), parse_period(str(user.created_at.year)))
        assert (row.helped, row.attained, row.active) == (1, 1, 0)


def test_only_learners_erase_themselves(app, make_user, client, login):
    make_user(role="mentor", login="son@example.com")
    login("son@example.com")
    page = client.get("/tai-khoan/xoa-du-lieu").get_data(as_text=True)
    assert "không tự xoá được" in page and 'name="password"' not in page
    token = csrf_token(client, "/tai-khoan")
    response = client.post(
        "/tai-khoan/xoa-du-lieu", data={"password": PASSWORD, "confirm": "y", "csrf_token": token}
    )
    assert response.status_code == 422
    assert user_by_login(app, email="son@example.com").erased_at is None


def test_id_numbers_never_reach_logs_or_exports(app, make_user, client, login, caplog, tmp_path):
    """Register with a CCCD, use the account, download, export the figures, erase: the digits
    appear in no log line and no exported file."""
    import logging

    from lms.reports.periods import local_today

    caplog.set_level(logging.DEBUG)
    people = _journey(app, make_user, client, login)
    files = [_download(client, "json").get_data(), _download(client, "csv").get_data()]
    make_user(role="officer", login="officer@example.com", scope_level="commune")
    switch_to(client, login, "officer@example.com")
    year = str(local_today().year)
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(f"/thong-ke/xuat?xa={COMMUNE}&ky={year}&dinh_dang={fmt}")
        assert response.status_code == 200, fmt
        files.append(response.get_data())
    out = tmp_path / "figures.json"
    result = app.test_cli_runner().invoke(
        args=[
            "stats",
            "export",
            "--period",
            year,
            "--format",
            "json",
            "--commune",
            COMMUNE,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    files.append(out.read_bytes())
    assert json.loads(files[-1])["mentors"][0]["mentor_name"] == "Hà Văn Sơn"
    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    token = csrf_token(client, "/tai-khoan/xoa-du-lieu")
    client.post(
        "/tai-khoan/xoa-du-lieu",
        data={"password": "mat-khau-cua-mai", "confirm": "y", "csrf_token": token},
    )
    spaced = " ".join([CCCD_1968_WOMAN[:3], CCCD_1968_WOMAN[3:6], CCCD_1968_WOMAN[6:]])
    for needle in (CCCD_1968_WOMAN, spaced):
        assert needle not in caplog.text
        for content in files:
            assert needle.encode() not in content
    assert files[3][:2] == b"PK" and len(files) == 6  # the XLSX was scanned too
    with app.app_context():
        details = db.session.scalars(select(AuditEntry.details)).all()
        assert CCCD_1968_WOMAN not in json.dumps(details)
    assert people["mai"]


def test_erasure_revokes_api_tokens(app, make_user):
    from lms.api.services import allowed_scopes, create_token, live_tokens
    from lms.privacy.services import anonymise_account

    user_id = make_user()
    with app.test_request_context():
        user = db.session.get(User, user_id)
        _, secret = create_token(user, "Điện thoại của tôi", list(allowed_scopes(user))[:1])
        db.session.commit()
        assert len(live_tokens(user)) == 1
        from lms.privacy.services import personal_data

        [listed] = personal_data(user)["api_tokens"]
        assert listed["name"] == "Điện thoại của tôi" and listed["ends_with"] == secret[-4:]
        assert secret not in json.dumps(personal_data(user), ensure_ascii=False)
        anonymise_account(user, actor=user)
        db.session.commit()
        assert live_tokens(user) == []
        anonymise_account(user, actor=user)  # a second erasure changes nothing
        assert (
            db.session.scalar(
                select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "data.erased")
            )
            == 1
        )


def test_the_notice_names_the_contact_configured(app, client):
    app.config["PRIVACY_CONTACT"] = "Văn phòng UBND phường, dulieu@example.gov.vn"
    try:
        html = client.get("/quyen-rieng-tu").get_data(as_text=True)
    finally:
        app.config.pop("PRIVACY_CONTACT")
    assert "dulieu@example.gov.vn" in html
    assert "đơn vị vận hành nền tảng ở địa phương bạn" in client.get("/quyen-rieng-tu").get_data(
        as_text=True
    )
