"""Registering, signing in and out, throttling, consent: through the Flask client."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from lms.accounts.models import ConsentRecord, User
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token


def _register(client, **overrides):
    data = {
        "full_name": "Nguyễn Thị Lan",
        "login": "0912 345 678",
        "password": "mot-mat-khau-dai",
        "birth_year": "1968",
        "learner_group": "citizen",
        "province_code": "01",
        "commune_code": "00070",
        "village": "Tổ dân phố số 5",
        "workplace": "",
        "consent_account": "y",
        "submit": "Tạo tài khoản",
    }
    data.update(overrides)
    data["csrf_token"] = csrf_token(client, "/dang-ky")
    return client.post("/dang-ky", data=data)


def test_register_form_offers_provinces_and_unticked_consents(client):
    html = client.get("/dang-ky").get_data(as_text=True)
    assert "Thành phố Hà Nội" in html
    assert html.count('type="checkbox"') == 3
    assert "checked" not in html


def test_register_without_javascript_lists_communes_of_the_chosen_province(client):
    token = csrf_token(client, "/dang-ky")
    html = client.post(
        "/dang-ky", data={"csrf_token": token, "province_code": "01", "pick_province": "1"}
    ).get_data(as_text=True)
    assert "Phường Hoàn Kiếm" in html
    assert "Hãy chọn xã/phường" not in html  # choosing the province is not an error


def test_register_without_javascript_lists_the_villages_of_the_chosen_commune(app, client):
    """The second no-JavaScript button shows the commune's villages; it creates no account."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.extensions import db
    from lms.reports.services import add_place

    with app.app_context():
        add_place(None, "00070", "village", "Tổ dân phố số 7", "to_dan_pho")
        db.session.commit()
    token = csrf_token(client, "/dang-ky")
    html = client.post(
        "/dang-ky",
        data={
            "csrf_token": token,
            "full_name": "Lò Thị Mai",
            "province_code": "01",
            "commune_code": "00070",
            "pick_commune": "1",
        },
    ).get_data(as_text=True)
    assert "Tổ dân phố số 7" in html and 'value="Lò Thị Mai"' in html
    assert "Hãy nhập số điện thoại hoặc email" not in html  # asking for a list is not an error
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_commune_list_endpoint_returns_the_province_communes(client):
    response = client.get("/dia-ban/01/xa.json")
    names = {c["name"] for c in response.get_json()}
    assert "Phường Hoàn Kiếm" in names
    assert client.get("/dia-ban/99/xa.json").status_code == 404


def test_official_map_has_34_provinces_and_3321_communes():
    from lms.core import places

    assert len(places.provinces()) == 34
    assert places.commune_count() == 3321


def test_register_creates_a_learner_with_nfc_name_normalised_phone_and_consent(app, client):
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    response = _register(client, full_name=nfd_name)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/hoc-tap-cua-toi")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.full_name == "Nguyễn Thị Lan"
        assert unicodedata.is_normalized("NFC", user.full_name)
        assert user.phone == "+84912345678"
        assert user.email is None
        assert (user.role, user.learner_group, user.commune_code) == ("learner", "citizen", "00070")
        assert user.password_hash.startswith("$argon2id$")
        consents = db.session.scalars(select(ConsentRecord)).all()
        assert [(c.purpose, c.text_version) for c in consents] == [("account", "2026-01")]
        assert consents[0].given_at is not None


def test_register_records_each_optional_consent_separately(app, client):
    _register(client, consent_reminders="y")
    with app.app_context():
        purposes = set(db.session.scalars(select(ConsentRecord.purpose)))
    assert purposes == {"account", "reminders"}


def test_register_refuses_without_the_required_consent(app, client):
    response = _register(client, consent_account="")
    assert response.status_code == 200
    assert "Cần đồng ý" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_the_same_phone_in_another_form_is_the_same_person(client):
    assert _register(client).status_code == 302
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/tai-khoan")})
    response = _register(client, login="+84912345678")
    assert response.status_code == 200
    assert "đã có tài khoản" in response.get_data(as_text=True)


def test_register_refuses_a_commune_of_another_province(client):
    response = _register(client, province_code="79")  # Hồ Chí Minh with a Hà Nội commune
    assert response.status_code == 200


def test_register_refuses_bad_input_with_vietnamese_messages(client):
    html = _register(client, login="not-a-phone", password="short").get_data(as_text=True)
    assert "Mật khẩu cần ít nhất 8 ký tự." in html


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/dang-nhap", data={"login": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert "Phiên làm việc của biểu mẫu" in response.get_data(as_text=True)


def test_sign_in_with_phone_in_any_form(make_user, client, login):
    make_user(login="0987654321")
    assert login("+84 987 654 321").headers["Location"].endswith("/hoc-tap-cua-toi")


def test_unknown_account_and_wrong_password_get_the_same_answer(make_user, client):
    make_user(login="known@example.com")

    def attempt(name):
        token = csrf_token(client, "/dang-nhap")
        return client.post(
            "/dang-nhap", data={"login": name, "password": "wrong-pass", "csrf_token": token}
        )

    unknown, wrong = attempt("nobody@example.com"), attempt("known@example.com")
    assert unknown.status_code == wrong.status_code == 200
    message = "Số điện thoại/email hoặc mật khẩu không đúng."
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)


def test_sign_out_revokes_the_session_on_the_server(make_user, app, login):
    make_user(login="lan@example.com")
    client = app.test_client()
    token = csrf_token(client, "/dang-nhap")
    client.post(
        "/dang-nhap", data={"login": "lan@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert client.get("/hoc-tap-cua-toi").status_code == 200
    cookie = client.get_cookie("session").value
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/tai-khoan")})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/hoc-tap-cua-toi")
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


def test_failed_sign_ins_are_throttled_per_account_and_ip(make_user, client):
    make_user(login="target@example.com")
    statuses = []
    for _ in range(7):
        token = csrf_token(client, "/dang-nhap")
        statuses.append(
            client.post(
                "/dang-nhap",
                data={"login": "target@example.com", "password": "wrong-pass", "csrf_token": token},
            ).status_code
        )
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    # Another account from the same commune hall (same IP) is not locked out.
    make_user(login="neighbour@example.com")
    token = csrf_token(client, "/dang-nhap")
    ok = client.post(
        "/dang-nhap",
        data={"login": "neighbour@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert ok.status_code == 302


def test_disabled_account_cannot_sign_in(make_user, app, client):
    user_id = make_user(login="off@example.com")
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    token = csrf_token(client, "/dang-nhap")
    response = client.post(
        "/dang-nhap", data={"login": "off@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 200


def test_account_page_shows_consents_and_needs_sign_in(make_user, client, login):
    assert client.get("/tai-khoan").status_code == 302
    make_user(login="me@example.com", full_name="Trần Văn Minh")
    login("me@example.com")
    html = client.get("/tai-khoan").get_data(as_text=True)
    assert "Trần Văn Minh" in html
    assert "Đã đồng ý lúc" in html


def test_next_parameter_cannot_redirect_off_site(make_user, client):
    make_user(login="me@example.com")
    token = csrf_token(client, "/dang-nhap")
    response = client.post(
        "/dang-nhap?next=https://evil.example/",
        data={"login": "me@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/hoc-tap-cua-toi"


def test_signed_in_pages_are_not_cached_but_static_files_are(make_user, client, login):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    make_user(login="me@example.com")
    login("me@example.com")
    assert client.get("/hoc-tap-cua-toi").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/site.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_required_consent_is_described_for_screen_readers(client):
    html = client.get("/dang-ky").get_data(as_text=True)
    assert (
        'aria-describedby="consent-required-hint"' in html and 'id="consent-required-hint"' in html
    )
