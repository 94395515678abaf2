"""Rules of people's rights over their data: ID numbers, the data download and erasure."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from typing import Any

from cryptography.fernet import InvalidToken
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.accounts.constants import (
    CONSENT_BY_CODE,
    GROUP_LABELS,
    GUARDIAN_RELATION_LABELS,
    ROLE_LABELS,
)
from lms.accounts.models import ConsentRecord, User
from lms.accounts.passwords import verify_password
from lms.accounts.services import AccountError, end_all_sessions
from lms.audit.services import events_of, record_event
from lms.core import places
from lms.core.csvfile import csv_text
from lms.core.db import utcnow
from lms.core.localities import Unit, Village
from lms.core.text import search_key
from lms.extensions import db
from lms.privacy.keys import keyring
from lms.privacy.models import NationalIdRecord
from lms.privacy.nationalid import NationalIdError, check_national_id, mask

ERASED_NAME = "Người dùng đã xoá dữ liệu"


class PrivacyError(ValueError):
    """A rule of data rights refused an action; the message is for the person, translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def national_id_message(reason: str) -> str:
    """Return the Vietnamese explanation of why a CCCD number was refused."""
    messages = {
        "length": _("Số CCCD gồm đúng 12 chữ số."),
        "province": _("3 chữ số đầu của số CCCD phải là mã tỉnh nơi đăng ký khai sinh."),
        "birth_year": _("Cần năm sinh để kiểm tra số CCCD: hãy nhập năm sinh trước."),
        "century": _("Chữ số thứ 4 của số CCCD không khớp với thế kỷ của năm sinh."),
        "year": _("Chữ số thứ 5 và 6 của số CCCD phải là hai số cuối của năm sinh."),
        "taken": _("Số CCCD này đã gắn với một tài khoản khác."),
    }
    return messages.get(reason, messages["length"])


# --- ID numbers (CCCD) -----------------------------------------------------------------------


def _record_of(user: User) -> NationalIdRecord | None:
    return db.session.get(NationalIdRecord, user.id)


def set_national_id(user: User, raw: str, actor: User | None = None) -> None:
    """Check, encrypt and store the person's CCCD number (replacing any earlier one)."""
    try:
        checked = check_national_id(raw, user.birth_year)
    except NationalIdError as error:
        raise PrivacyError(national_id_message(error.reason), "national_id") from None
    ring = keyring()
    prints = ring.fingerprints(checked.digits)
    taken = db.session.scalar(
        select(NationalIdRecord.user_id).where(
            NationalIdRecord.fingerprint.in_(prints), NationalIdRecord.user_id != user.id
        )
    )
    if taken is not None:
        raise PrivacyError(national_id_message("taken"), "national_id")
    record = _record_of(user)
    if record is None:
        record = NationalIdRecord(user_id=user.id)
        db.session.add(record)
    record.ciphertext = ring.encrypt(checked.digits)
    record.fingerprint = prints[0]
    record.saved_at = utcnow()
    record_event("national_id.set", actor or user, user)
    db.session.flush()


def save_national_id(user: User, raw: str, actor: User | None = None) -> None:
    """set_national_id() for account forms: a refusal is an AccountError on national_id."""
    try:
        set_national_id(user, raw, actor)
    except PrivacyError as error:
        raise AccountError(str(error), "national_id") from None


def remove_national_id(user: User, actor: User | None = None) -> bool:
    """Delete the person's stored CCCD number; returns whether there was one."""
    record = _record_of(user)
    if record is None:
        return False
    db.session.delete(record)
    record_event("national_id.removed", actor or user, user)
    db.session.flush()
    return True


def masked_national_id(user: User) -> str | None:
    """Return the stored number as it may be shown (last 3 digits), or None."""
    record = _record_of(user)
    if record is None:
        return None
    try:
        return mask(keyring().decrypt(record.ciphertext))
    except InvalidToken:
        return _("(không giải mã được: khoá mã hoá đã đổi)")


def rotate_national_id_keys() -> int:
    """Re-encrypt every stored number with the first key and refresh its fingerprint."""
    ring = keyring()
    count = 0
    for record in db.session.scalars(select(NationalIdRecord)):
        digits = ring.decrypt(record.ciphertext)
        record.ciphertext = ring.rotate(record.ciphertext)
        record.fingerprint = ring.fingerprints(digits)[0]
        count += 1
    db.session.flush()
    return count


# --- The person's own data -------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        db.session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all()
    )


def _profile(user: User) -> dict[str, Any]:
    province = places.province(user.province_code) if user.province_code else None
    commune = places.commune(user.commune_code) if user.commune_code else None
    village = db.session.get(Village, user.village_id) if user.village_id else None
    unit = db.session.get(Unit, user.unit_id) if user.unit_id else None
    return {
        "account_id": user.id,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "role_label": str(ROLE_LABELS.get(user.role, user.role)),
        "learner_group": user.learner_group,
        "learner_group_label": str(GROUP_LABELS[user.learner_group])
        if user.learner_group
        else None,
        "birth_year": user.birth_year,
        "province": province.name if province else None,
        "commune": commune.name if commune else None,
        "village": user.village,
        "village_on_commune_list": village.name if village else None,
        "workplace": user.workplace,
        "unit_on_commune_list": unit.name if unit else None,
        "national_id": masked_national_id(user),
        "registered_at": _moment(user.created_at),
        "last_active_at": _moment(user.last_active_at),
    }


def _consents(user: User) -> list[dict[str, Any]]:
    records = list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user.id)
            .order_by(ConsentRecord.given_at, ConsentRecord.id)
        )
    )
    names = _names({r.recorded_by_id for r in records})
    return [
        {
            "purpose": r.purpose,
            "text": str(CONSENT_BY_CODE[r.purpose].text) if r.purpose in CONSENT_BY_CODE else "",
            "text_version": r.text_version,
            "given_at": _moment(r.given_at),
            "withdrawn_at": _moment(r.withdrawn_at),
            "recorded_in_person_by": names.get(r.recorded_by_id) if r.recorded_by_id else None,
            "guardian_name": r.guardian_name,
            "guardian_relation": str(GUARDIAN_RELATION_LABELS[r.guardian_relation])
            if r.guardian_relation in GUARDIAN_RELATION_LABELS
            else None,
        }
        for r in records
    ]


def _learning(user: User) -> dict[str, list[dict[str, Any]]]:
    from lms.catalog.models import Course
    from lms.completion.models import Attainment
    from lms.learning.models import Enrolment, LessonProgress
    from lms.quizzes.models import QuizAttempt

    courses = dict(db.session.execute(select(Course.id, Course.slug)).all())
    done: dict[int, list[dict[str, Any]]] = {}
    for row in db.session.scalars(
        select(LessonProgress)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.completed_at)
    ):
        done.setdefault(row.course_id, []).append(
            {"lesson": row.lesson_slug, "completed_at": _moment(row.completed_at)}
        )
    enrolments = [
        {
            "course": courses.get(e.course_id),
            "course_title": e.course.title if e.course else None,
            "enrolled_at": _moment(e.enrolled_at),
            "completed_at": _moment(e.completed_at),
            "lessons_done": done.get(e.course_id, []),
        }
        for e in db.session.scalars(
            select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at)
        )
    ]
    attempts = []
    for a in db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at, QuizAttempt.id)
    ):
        attempts.append(
            {
                "course": courses.get(a.course_id),
                "quiz": a.quiz_slug,
                "number": a.number,
                "status": a.status,
                "started_at": _moment(a.started_at),
                "submitted_at": _moment(a.submitted_at),
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "answers": {answer.question_id: answer.response for answer in a.answers},
            }
        )
    attainments = [
        {"group": a.group_code, "attained_at": _moment(a.attained_at)}
        for a in db.session.scalars(select(Attainment).where(Attainment.user_id == user.id))
    ]
    return {"enrolments": enrolments, "quiz_attempts": attempts, "attainments": attainments}


def _certificates(user: User) -> list[dict[str, Any]]:
    from lms.certificates.models import Certificate

    return [
        {
            "code": c.code,
            "kind": c.kind,
            "title": c.title,
            "achievement": c.achievement,
            "holder_name": c.holder_name,
            "status": c.status,
            "achieved_at": _moment(c.achieved_at),
            "issued_at": _moment(c.issued_at),
            "revoked_at": _moment(c.revoked_at),
        }
        for c in db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at)
        )
    ]


def _api_tokens(user: User) -> list[dict[str, Any]]:
    from lms.api.models import ApiToken

    return [
        {
            "name": t.name,
            "ends_with": t.hint,
            "scopes": t.scopes.split(),
            "created_at": _moment(t.created_at),
            "last_used_at": _moment(t.last_used_at),
            "revoked_at": _moment(t.revoked_at),
        }
        for t in db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    ]


def _community(user: User) -> dict[str, Any]:
    from lms.community.services import personal_community_data

    return personal_community_data(user)


def personal_data(user: User) -> dict[str, Any]:
    """Return everything the platform holds about the person, as JSON-ready data."""
    community = _community(user)
    return {
        "format": "bdhvs-personal-data-1",
        "generated_at": _moment(utcnow()),
        "profile": _profile(user),
        "consents": _consents(user),
        **_learning(user),
        "certificates": _certificates(user),
        "mentoring": community["mentoring"],
        "guided_sessions": community["guided_sessions"],
        "household": community["household"],
        "api_tokens": _api_tokens(user),
        "activity_log": [
            {"action": e.action, "at": _moment(e.created_at), "details": e.details}
            for e in events_of(user.id)
        ],
    }


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def personal_data_rows(data: dict[str, Any]) -> list[tuple[str, int, str, Any]]:
    """Flatten the download into (section, item, field, value) rows for one CSV file."""
    rows: list[tuple[str, int, str, Any]] = []
    for section, value in data.items():
        if isinstance(value, dict):
            rows.extend((section, 1, key, _cell(v)) for key, v in value.items())
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    rows.extend((section, index, key, _cell(v)) for key, v in item.items())
                else:
                    rows.append((section, index, "value", _cell(item)))
        else:
            rows.append((section, 1, "value", _cell(value)))
    return rows


def export_personal_data(user: User, fmt: str) -> bytes:
    """Return the person's data as JSON or CSV, and log the request."""
    if fmt not in ("json", "csv"):
        raise PrivacyError(_("Định dạng phải là JSON hoặc CSV."))
    data = personal_data(user)
    record_event("data.export", user, user, format=fmt)
    db.session.flush()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    header = ("section", "item", "field", "value")
    return csv_text(header, personal_data_rows(data)).encode("utf-8")


# --- Erasure --------------------------------------------------------------------------------


def erase_my_account(user: User, password: str) -> None:
    """Erase the person's personal data at their request, after checking their password."""
    if user.role != "learner":
        raise PrivacyError(
            _(
                "Tài khoản Đại sứ số, giáo viên, cán bộ hoặc quản trị viên không tự xoá được: "
                "hãy liên hệ quản trị viên để chuyển giao công việc trước."
            )
        )
    if not verify_password(user.password_hash, password):
        raise PrivacyError(_("Mật khẩu không đúng."), "password")
    anonymise_account(user, actor=user)


def _generalise_placements(user: User) -> None:
    """Drop the village and unit from the person's residence history (commune and group stay).

    Run before the account itself changes, so the rollup's diff for the account takes the
    villages and units away from every period at once (lms.reports.rollup)."""
    from lms.reports.models import Placement

    db.session.execute(
        update(Placement)
        .where(Placement.user_id == user.id)
        .values(village_id=None, unit_id=None)
        .execution_options(synchronize_session=False)
    )


def anonymise_account(user: User, actor: User | None) -> None:
    """Remove what identifies the person; keep what the figures and certificates need.

    Removed: name, e-mail, phone, birth year, village, workplace, ID number, guardians' names,
    mentor links (ended), household membership, sessions, API tokens and the password. Kept: the
    registration date, group, province and commune, learning records, completions and
    attainment (so the figures still add up) and the validity record of certificates, which
    no longer shows the name (lms.certificates.services.withhold_holder_name)."""
    from lms.api.services import forget_api_data
    from lms.certificates.services import withhold_holder_name
    from lms.community.services import forget_community_ties

    if user.erased_at is not None:
        return
    now = utcnow()
    _generalise_placements(user)
    forget_community_ties(user)
    remove_national_id(user, actor)
    for consent in db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id)
    ):
        consent.guardian_name = None
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    withhold_holder_name(user)
    forget_api_data(user)
    end_all_sessions(user)
    user.full_name = ERASED_NAME
    user.name_key = search_key(ERASED_NAME)
    user.email = None
    user.phone = None
    user.password_hash = "!erased:" + secrets.token_hex(16)  # matches no password
    user.birth_year = None
    user.village = None
    user.village_id = None
    user.unit_id = None
    user.workplace = None
    user.is_enabled = False
    user.erased_at = now
    record_event("data.erased", actor, user)
    db.session.flush()
