"""Helpers of the community and privacy tests: a mentor's registration form, sign-in switching,
finishing a whole program like a learner does."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token

# Valid CCCD numbers (structure only: Hà Nội 001, century digit, year digits, 6 random digits).
CCCD_1980_MAN = "001080123456"  # 0: male, 1900s; 80: 1980
CCCD_1968_WOMAN = "079168654321"  # 079 Hồ Chí Minh; 1: female, 1900s; 68: 1968


def switch_to(client, login, login_name: str, password: str = PASSWORD) -> None:
    """Sign the client out (if anyone is signed in) and in as someone else."""
    page = client.get("/tai-khoan")
    if page.status_code == 200:
        client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/tai-khoan")})
    login(login_name, password)


def mentor_registers(client, **overrides) -> object:
    """Post the mentor's registration form for a present person (the client is a mentor)."""
    data = {
        "full_name": "Lò Thị Mai",
        "login": "0912 000 001",
        "password": "mat-khau-cua-mai",
        "birth_year": "1968",
        "learner_group": "citizen",
        "province_code": "01",
        "commune_code": "00070",
        "village_id": "",
        "unit_id": "",
        "national_id": "",
        "guardian_name": "",
        "guardian_relation": "",
        "consent_account": "y",
        "consent_mentor_support": "y",
        "attested": "y",
        "submit": "Đăng ký cho người này",
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        data.pop(key, None)
    data["csrf_token"] = csrf_token(client, "/dai-su-so/dang-ky-ho")
    return client.post("/dai-su-so/dang-ky-ho", data=data)


def user_by_login(app, email: str | None = None, phone: str | None = None) -> User:
    with app.app_context():
        stmt = select(User).where(User.email == email if email else User.phone == phone)
        user = db.session.scalar(stmt)
        db.session.expunge_all()
        return user


def complete_program(app, user_id: int) -> None:
    """Finish every course of the learner's group program: lessons, then quizzes answered right."""
    from lms.catalog.models import LearnerGroup
    from tests.lms.test_completion import finish_lessons, take_quiz

    with app.test_request_context():
        user = db.session.get(User, user_id)
        for item in db.session.get(LearnerGroup, user.learner_group).program:
            finish_lessons(user, item.course)
            take_quiz(user, item.course)
        db.session.commit()
