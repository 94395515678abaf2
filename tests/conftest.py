"""Shared fixtures: one migrated database per run (SQLite file, or TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, delete, select, text

ROOT = Path(__file__).resolve().parent.parent
CONTENT = Path(os.environ.get("LMS_TEST_CONTENT", ROOT / "content"))
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

# Tables that hold people and their learning; emptied after every test. The catalog stays.
PEOPLE_TABLES = (
    "api_idempotent_requests",
    "api_tokens",
    "audit_entries",
    "national_ids",
    "guided_sessions",
    "household_invites",
    "household_members",
    "households",
    "mentor_links",
    "certificates",
    "report_exports",
    "report_refusals",
    "report_populations",
    "report_target_overrides",
    "report_counts",
    "report_domain_scores",
    "report_learner_facts",
    "learner_placements",
    "villages",
    "units",
    "audit_events",
    "course_authors",
    "attainments",
    "attempt_answers",
    "quiz_attempts",
    "lesson_progress",
    "enrolments",
    "consent_records",
    "user_sessions",
    "users",
)


def _fresh_database_url(tmp: Path) -> str:
    if not POSTGRES_URL:
        return f"sqlite:///{tmp / 'test.sqlite3'}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application on a database migrated from empty with the shipped content loaded."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.catalog.importer import load_content
    from lms.config import TestConfig
    from lms.extensions import db

    tmp = tmp_path_factory.mktemp("lms")
    app = create_app(TestConfig(_fresh_database_url(tmp), tmp / "instance"))
    with app.app_context():
        upgrade()
        report = load_content(CONTENT)
        db.session.commit()
        app.config["CONTENT_LOAD_REPORT"] = report
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _push_request_context():
    """Override pytest-flask's: one request context held for a whole test shares `g`
    (and Flask-WTF's cached CSRF token) between test clients, which real browsers never do."""
    yield


@pytest.fixture
def client(app: Flask):
    """A test client that keeps no request context between requests (pytest-flask's does,
    which makes a second client share the first one's `g` and database session)."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _clean_people(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the people tables and rate limits after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    from lms.extensions import db, limiter

    with app.app_context():
        db.session.rollback()
        for table in PEOPLE_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
        db.session.commit()
        limiter.reset()


@pytest.fixture
def db_session(app: Flask) -> Iterator[object]:
    """An application context and its session, for calling services directly."""
    from lms.extensions import db

    with app.test_request_context():
        yield db.session
        db.session.rollback()


PASSWORD = "mat-khau-an-toan"


@pytest.fixture
def make_user(app: Flask):
    """Create an account and return its id: make_user(role="officer", scope_level="province")."""
    from lms.accounts.services import NewAccount, create_account, record_consents
    from lms.extensions import db

    counter = iter(range(1, 10_000))

    def make(role: str = "learner", **fields: object) -> int:
        n = next(counter)
        data = {
            "full_name": f"Người dùng {n}",
            "login": f"user{n}@example.com",
            "password": PASSWORD,
            "role": role,
            "learner_group": "citizen" if role == "learner" else None,
            "birth_year": 1980,
            "province_code": "01",
            "commune_code": "00070",
        }
        data.update(fields)
        with app.test_request_context():
            user = create_account(NewAccount(**data))  # type: ignore[arg-type]
            record_consents(user, {"account"})
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(client):
    """Sign the test client in: login("user1@example.com")."""

    def do(login_name: str, password: str = PASSWORD):
        token = csrf_token(client, "/dang-nhap")
        response = client.post(
            "/dang-nhap", data={"login": login_name, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


def csrf_token(client, path: str) -> str:
    """Return the CSRF token from the form on a page."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def first_course_slug(app: Flask) -> str:
    """Return the slug of a loaded course."""
    from lms.catalog.models import Course
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(select(Course.slug).order_by(Course.slug))


def remove_test_courses(app: Flask) -> None:
    """Delete courses whose slug starts with "test-" and everything hanging off them."""
    from lms.catalog.models import Course
    from lms.extensions import db

    with app.app_context():
        db.session.rollback()
        ids = ",".join(
            str(i) for i in db.session.scalars(select(Course.id).where(Course.slug.like("test-%")))
        )
        if not ids:
            return
        versions = f"SELECT id FROM course_versions WHERE course_id IN ({ids})"
        statements = [
            f"UPDATE courses SET current_version_id = NULL WHERE id IN ({ids})",
            f"DELETE FROM attempt_answers WHERE attempt_id IN (SELECT id FROM quiz_attempts WHERE course_id IN ({ids}))",
            f"DELETE FROM quiz_attempts WHERE course_id IN ({ids})",
            f"DELETE FROM lesson_progress WHERE course_id IN ({ids})",
            f"DELETE FROM enrolments WHERE course_id IN ({ids})",
            f"DELETE FROM quizzes WHERE version_id IN ({versions})",
            f"DELETE FROM lessons WHERE version_id IN ({versions})",
            f"DELETE FROM course_versions WHERE course_id IN ({ids})",
            f"DELETE FROM course_groups WHERE course_id IN ({ids})",
            f"DELETE FROM course_competences WHERE course_id IN ({ids})",
            f"DELETE FROM courses WHERE id IN ({ids})",
        ]
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()


@pytest.fixture
def scratch(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """A folder for test packages (slugs "test-..."); their courses are removed afterwards."""
    yield tmp_path
    remove_test_courses(app)


from tests.lms.quiz_fixtures import quiz_course  # noqa: E402, F401 - a fixture, shared by lms and e2e tests

__all__ = ["PASSWORD", "csrf_token", "first_course_slug", "delete"]
