"""CCCD numbers: checked, encrypted with Fernet, shown masked, unique, rotated, never logged."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from lms.privacy.keys import ENV_VAR, forget_keyring, key_file, load_keyring
from lms.privacy.models import NationalIdRecord
from lms.privacy.nationalid import NationalId, NationalIdError, check_national_id, mask
from lms.privacy.services import (
    PrivacyError,
    masked_national_id,
    remove_national_id,
    set_national_id,
)
from tests.conftest import csrf_token
from tests.lms.community_helpers import CCCD_1968_WOMAN, CCCD_1980_MAN


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("001080123456", 1980),
        ("001 080 123 456", 1980),
        ("079-168-654321", 1968),
        ("096305000001", 2005),  # Cà Mau, female, 2000s
        ("001224000001", 2024),  # male, 2000s
        ("034199000001", 1999),
        ("002801000001", 1801),  # 8: male, 1800s
    ],
)
def test_valid_numbers(raw, year):
    checked = check_national_id(raw, year)
    assert checked.digits == raw.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("raw", "year", "reason"),
    [
        ("00108012345", 1980, "length"),
        ("0010801234567", 1980, "length"),
        ("00108012345a", 1980, "length"),
        ("００１０８０１２３４５６", 1980, "length"),  # full-width digits are not ASCII digits
        ("003080123456", 1980, "province"),  # 003 is no province code
        ("097080123456", 1980, "province"),
        ("001080123456", None, "birth_year"),
        ("001280123456", 1980, "century"),  # 2 = 2000s, born 1980
        ("001080123456", 2080, "century"),
        ("001081123456", 1980, "year"),  # 81 is not 1980
        ("001205123456", 2006, "year"),
    ],
)
def test_invalid_numbers_name_the_broken_rule(raw, year, reason):
    with pytest.raises(NationalIdError) as error:
        check_national_id(raw, year)
    assert error.value.reason == reason


def test_a_checked_number_never_shows_its_digits_in_repr_or_str():
    checked = NationalId("001080123456")
    assert "001080123456" not in repr(checked) and "001080123456" not in str(checked)
    assert mask("001080123456") == "•••••••••456"


def _user(app, make_user, **fields) -> int:
    return make_user(**fields)


def test_the_number_is_stored_encrypted_shown_masked_and_removable(app, make_user):
    user_id = make_user(birth_year=1980)
    with app.test_request_context():
        user = db.session.get(User, user_id)
        set_national_id(user, "001 080 123456")
        db.session.commit()
        record = db.session.get(NationalIdRecord, user_id)
        assert CCCD_1980_MAN not in record.ciphertext and "123456" not in record.ciphertext
        assert CCCD_1980_MAN not in record.fingerprint
        assert masked_national_id(user) == "•••••••••456"
        assert remove_national_id(user) is True and remove_national_id(user) is False
        db.session.commit()
        assert masked_national_id(user) is None


def test_a_number_cannot_be_on_two_accounts(app, make_user):
    first = make_user(birth_year=1980)
    second = make_user(birth_year=1980)
    with app.test_request_context():
        set_national_id(db.session.get(User, first), CCCD_1980_MAN)
        db.session.commit()
        with pytest.raises(PrivacyError, match="tài khoản khác"):
            set_national_id(db.session.get(User, second), CCCD_1980_MAN)
        set_national_id(db.session.get(User, first), CCCD_1980_MAN)  # the same person again


def test_the_number_must_match_the_accounts_birth_year(app, make_user):
    user_id = make_user(birth_year=1981)
    with (
        app.test_request_context(),
        pytest.raises(PrivacyError, match="hai số cuối của năm sinh"),
    ):
        set_national_id(db.session.get(User, user_id), CCCD_1980_MAN)


def test_rotation_reencrypts_with_a_new_key_and_the_old_one_can_go(
    app, make_user, tmp_path, monkeypatch
):
    from lms.privacy.keys import keyring

    user_id = make_user(birth_year=1980)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(ENV_VAR, old)
    with app.test_request_context():
        forget_keyring()
        set_national_id(db.session.get(User, user_id), CCCD_1980_MAN)
        db.session.commit()
        before = db.session.get(NationalIdRecord, user_id).ciphertext
    monkeypatch.setenv(ENV_VAR, f"{new},{old}")
    with app.app_context():
        forget_keyring()
    result = app.test_cli_runner().invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "1 số CCCD" in result.output
    monkeypatch.setenv(ENV_VAR, new)
    with app.test_request_context():
        forget_keyring()
        record = db.session.get(NationalIdRecord, user_id)
        assert record.ciphertext != before
        assert keyring().decrypt(record.ciphertext) == CCCD_1980_MAN
        # Found again under the new key: still one account per number.
        other = make_user(birth_year=1980)
        with pytest.raises(PrivacyError):
            set_national_id(db.session.get(User, other), CCCD_1980_MAN)
        forget_keyring()
    monkeypatch.delenv(ENV_VAR)
    with app.app_context():
        forget_keyring()


def test_generated_keys_live_in_the_instance_folder_readable_by_the_owner_only(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(ENV_VAR, raising=False)
    ring = load_keyring(tmp_path)
    path = key_file(tmp_path)
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_keyring(tmp_path).keys == ring.keys  # made once
    assert ring.decrypt(ring.encrypt("001080123456")) == "001080123456"


def test_file_rotation_puts_a_new_key_first_then_drops_the_old(app, make_user, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    user_id = make_user(birth_year=1980)
    with app.test_request_context():
        forget_keyring()
        set_national_id(db.session.get(User, user_id), CCCD_1980_MAN)
        db.session.commit()
    before = key_file(app.instance_path).read_text().split()
    result = app.test_cli_runner().invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    after = key_file(app.instance_path).read_text().split()
    assert len(after) == 1 and after[0] not in before
    with app.test_request_context():
        forget_keyring()
        assert masked_national_id(db.session.get(User, user_id)) == "•••••••••456"


def test_the_number_is_entered_at_registration_and_on_my_data_page_never_logged(
    app, make_user, client, login, caplog
):
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client, "/dang-ky")
    response = client.post(
        "/dang-ky",
        data={
            "full_name": "Nguyễn Thị Lan",
            "login": "0912 345 678",
            "password": "mot-mat-khau-dai",
            "birth_year": "1968",
            "learner_group": "citizen",
            "province_code": "01",
            "commune_code": "00070",
            "national_id": "079 168 654321",
            "consent_account": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    page = client.get("/tai-khoan/du-lieu").get_data(as_text=True)
    assert "•••••••••321" in page and CCCD_1968_WOMAN not in page
    token = csrf_token(client, "/tai-khoan/du-lieu")
    refused = client.post(
        "/tai-khoan/du-lieu/cccd", data={"national_id": "079169654321", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "hai số cuối của năm sinh" in refused.get_data(as_text=True)
    assert "079169654321" not in refused.get_data(as_text=True)
    client.post("/tai-khoan/du-lieu/cccd/xoa", data={"csrf_token": token})
    assert "Bạn chưa lưu số CCCD" in client.get("/tai-khoan/du-lieu").get_data(as_text=True)
    for digits in (CCCD_1968_WOMAN, "079169654321"):
        assert digits not in caplog.text
    with app.app_context():
        assert db.session.scalar(select(NationalIdRecord)) is None


def test_a_wrong_number_at_registration_is_a_field_error(app, client):
    token = csrf_token(client, "/dang-ky")
    response = client.post(
        "/dang-ky",
        data={
            "full_name": "Nguyễn Thị Lan",
            "login": "0912 345 678",
            "password": "mot-mat-khau-dai",
            "birth_year": "1968",
            "learner_group": "citizen",
            "province_code": "01",
            "commune_code": "00070",
            "national_id": "12345",
            "consent_account": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    assert "Số CCCD gồm đúng 12 chữ số." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None
