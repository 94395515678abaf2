"""Consent per purpose: given and withdrawn as easily, guardians for people under 16."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.accounts.models import ConsentRecord, User
from lms.accounts.services import (
    AccountError,
    Guardian,
    active_consents,
    give_consent,
    needs_guardian,
    record_consents,
    withdraw_consent,
)
from lms.core.signals import consent_withdrawn
from lms.extensions import db


@pytest.mark.parametrize(
    ("birth_year", "expected"),
    [(None, False), (1950, False), (2009, False), (2010, True), (2015, True), (2026, True)],
)
def test_who_may_be_under_16_in_2026(birth_year, expected):
    assert needs_guardian(birth_year, date(2026, 6, 1)) is expected


def test_needs_guardian_moves_with_the_year():
    assert needs_guardian(2010, date(2026, 12, 31)) is True
    assert needs_guardian(2010, date(2027, 1, 1)) is False


def _bare_user(app, **fields) -> int:
    from lms.accounts.services import NewAccount, create_account

    with app.test_request_context():
        data = {
            "full_name": "Lò Văn Páo",
            "login": "pao@example.com",
            "password": "mot-mat-khau-dai",
            "learner_group": "student",
            "birth_year": 2013,
            "province_code": "01",
            "commune_code": "00070",
        }
        data.update(fields)
        user = create_account(NewAccount(**data))
        db.session.commit()
        return user.id


def test_a_minor_cannot_consent_without_a_guardian(app):
    user_id = _bare_user(app)
    with app.test_request_context():
        user = db.session.get(User, user_id)
        with pytest.raises(AccountError) as missing:
            record_consents(user, {"account"})
        assert missing.value.field == "guardian_name"
        with pytest.raises(AccountError) as relation:
            record_consents(user, {"account"}, guardian=Guardian("Lò Thị Mai", ""))
        assert relation.value.field == "guardian_relation"
        with pytest.raises(AccountError):
            record_consents(user, {"account"}, guardian=Guardian("  ", "mother"))


def test_a_minors_consents_name_the_guardian_on_every_record(app):
    user_id = _bare_user(app)
    with app.test_request_context():
        user = db.session.get(User, user_id)
        record_consents(
            user, {"account", "reminders"}, guardian=Guardian(" Lò  Thị Mai ", "mother")
        )
        db.session.commit()
        records = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == user_id)
        ).all()
        assert {(r.purpose, r.guardian_name, r.guardian_relation) for r in records} == {
            ("account", "Lò Thị Mai", "mother"),
            ("reminders", "Lò Thị Mai", "mother"),
        }
        # A later consent carries the guardian over.
        record = give_consent(user, "mentor_support")
        assert (record.guardian_name, record.guardian_relation) == ("Lò Thị Mai", "mother")


def test_an_adults_consent_needs_no_guardian_and_keeps_none_given(app):
    user_id = _bare_user(app, birth_year=1960, learner_group="citizen")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        record_consents(user, {"account"})
        assert active_consents(user)["account"].guardian_name is None


def test_unknown_purposes_are_refused(app):
    user_id = _bare_user(app, birth_year=1960, learner_group="citizen")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        with pytest.raises(AccountError):
            record_consents(user, {"account", "advertising"})
        with pytest.raises(AccountError):
            give_consent(user, "advertising")


def test_consent_is_withdrawn_as_easily_as_given_and_the_news_goes_out(app, make_user):
    user_id = make_user()
    heard = []

    def listener(sender, purpose, **_):
        heard.append((sender.id, purpose))

    consent_withdrawn.connect(listener)
    try:
        with app.test_request_context():
            user = db.session.get(User, user_id)
            give_consent(user, "reminders")
            assert give_consent(user, "reminders").purpose == "reminders"  # no duplicate
            assert withdraw_consent(user, "reminders") is True
            assert withdraw_consent(user, "reminders") is False
            db.session.commit()
            assert "reminders" not in active_consents(user)
            rows = db.session.scalars(
                select(ConsentRecord).where(
                    ConsentRecord.user_id == user_id, ConsentRecord.purpose == "reminders"
                )
            ).all()
            assert len(rows) == 1 and rows[0].withdrawn_at is not None
            give_consent(user, "reminders")  # and given again: a new record
            db.session.commit()
            assert "reminders" in active_consents(user)
    finally:
        consent_withdrawn.disconnect(listener)
    assert heard == [(user_id, "reminders")]


def test_the_account_consent_cannot_be_withdrawn_alone(app, make_user):
    user_id = make_user()
    with app.test_request_context():
        user = db.session.get(User, user_id)
        with pytest.raises(AccountError):
            withdraw_consent(user, "account")
        assert "account" in active_consents(user)
