"""A hand-computed golden dataset for the officer statistics (see test_reports_figures.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.completion.models import Attainment
from lms.extensions import db
from lms.learning.models import Enrolment

A, B, C = "00070", "00004", "26732"  # Hoàn Kiếm and Ba Đình (Hà Nội, 01); Côn Đảo (79)


def at(text_value: str) -> datetime:
    """A UTC moment written as 2026-06-30T16:30."""
    return datetime.fromisoformat(text_value).replace(tzinfo=UTC)


_counter = iter(range(1, 1_000_000))


def learner(
    group: str, commune: str, created: str, last_active: str | None = None, **fields
) -> User:
    n = next(_counter)
    province = "79" if commune == C else "01"
    user = User(
        full_name=f"Người học {n}",
        name_key=f"nguoi hoc {n}",
        email=f"golden{n}@example.com",
        password_hash="x",
        role="learner",
        learner_group=group,
        province_code=province,
        commune_code=commune,
        created_at=at(created),
        last_active_at=at(last_active) if last_active else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def complete(user: User, when: str) -> None:
    course_id, version_id = db.session.execute(
        select(Course.id, Course.current_version_id).order_by(Course.slug)
    ).first()
    db.session.add(
        Enrolment(
            user_id=user.id,
            course_id=course_id,
            version_id=version_id,
            enrolled_at=at(when),
            completed_at=at(when),
        )
    )
    db.session.flush()


def attain(user: User, group: str, when: str) -> Attainment:
    record = Attainment(user_id=user.id, group_code=group, attained_at=at(when))
    db.session.add(record)
    db.session.flush()
    return record


def move(monkeypatch: pytest.MonkeyPatch, user: User, commune: str, when: str) -> None:
    import lms.core.db

    monkeypatch.setattr(lms.core.db, "utcnow", lambda: at(when))
    user.commune_code = commune
    db.session.flush()
    monkeypatch.undo()


def revoke_program_certificate(user: User, group: str, when: str) -> bool:
    """Insert a revoked program certificate if the certificates area is installed."""
    from lms.reports.rollup import certificate_table

    if certificate_table(db.session.connection()) is None:
        return False
    from lms.certificates.models import Certificate

    db.session.add(
        Certificate(
            code=f"TEST{user.id:06d}",
            kind="program",
            user_id=user.id,
            group_code=group,
            holder_name=user.full_name,
            title="Chương trình",
            achievement="Đạt",
            achieved_at=at(when),
            issuer_name="Thử nghiệm",
            key_id="k",
            signature="s",
            revoked_at=at(when),
            revocation_reason="cheating",
        )
    )
    db.session.flush()
    return True


def rollup_contents() -> set[tuple]:
    rows = db.session.execute(
        text(
            "SELECT level, place_code, learner_group, grain, bucket, "
            "SUM(registered), SUM(active), SUM(completed), SUM(attained) FROM report_counts "
            "GROUP BY level, place_code, learner_group, grain, bucket"
        )
    )
    return {tuple(str(v) for v in row) for row in rows if any(row[5:])}
