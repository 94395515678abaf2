"""Certificate rules: issuing exactly once, revoking, re-issuing, looking up, who sees whose.

A certificate is issued automatically when a course becomes completed and when a learner
attains their group's program, exactly once: at most one live certificate per learner and
course (or program), held by a partial unique index. When a regrade withdraws the completion
(or the attainment) the live certificate is revoked with the reason "regrade" (shown as
"Kết quả được chấm lại"); if the learner completes it again, a new certificate with a new
code is issued and the revoked one points to it. A program certificate stays valid when the
program later gains a course (it was true when issued). A revocation by an admin (cheating,
error) stands: completing again does not issue a new certificate automatically. Re-issuing
after a name correction supersedes the old certificate with a new code; the chain of codes is
kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion, LearnerGroup, Level
from lms.certificates.codes import Reading, grouped, new_code, read_code
from lms.certificates.models import ADMIN_REASONS, REVOCATION_REASONS, Certificate
from lms.certificates.signing import KeyRing, Statement
from lms.community.access import active_mentee_ids
from lms.completion.models import Attainment
from lms.core import places
from lms.core.db import utcnow
from lms.core.text import clean_line, search_key
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.quizzes.services import attempts_of, counted_attempt

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_ISSUER = "Nền tảng học tập Bình dân học vụ số"
PROGRAM_TITLE_SEPARATOR = " – nhóm "


class CertificateError(Exception):
    """A certificate rule refused an action; the code says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def keyring() -> KeyRing:
    """Return this app's signing key ring (keys under instance/certificate_keys)."""
    ring = current_app.extensions.get("certificate_keyring")
    if ring is None:
        ring = current_app.extensions.setdefault(
            "certificate_keyring", KeyRing(current_app.instance_path)
        )
    return ring  # type: ignore[no-any-return]


def vietnam_date(moment: datetime) -> date:
    """Return the calendar date of a UTC moment in Vietnam."""
    return moment.astimezone(VIETNAM).date()


def statement_of(certificate: Certificate) -> Statement:
    """Return the statement a certificate's signature covers."""
    return Statement(
        certificate.code,
        certificate.holder_name,
        certificate.achievement,
        vietnam_date(certificate.achieved_at),
    )


# --- the snapshot -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What a certificate records about the achievement (everything but the holder's name)."""

    kind: str
    title: str
    achievement: str
    competences: list[dict[str, Any]]
    level: int | None
    level_name: str
    score_percent: float | None
    achieved_at: datetime
    course_id: int | None = None
    group_code: str | None = None


def _issuer(user: User) -> tuple[str, str, str | None]:
    """Return (organisation, place, commune code) for the holder's commune at issue time."""
    organisation = current_app.config.get("CERTIFICATE_ISSUER") or DEFAULT_ISSUER
    commune = places.commune(user.commune_code)
    province = places.province(commune.province_code if commune else user.province_code)
    parts = [p.name for p in (commune, province) if p is not None]
    return organisation, ", ".join(parts), commune.code if commune else None


def course_score(user: User, course: Course, version: CourseVersion) -> float | None:
    """Return the mean percent of the attempts that count for the version's required quizzes."""
    percents = []
    for slug in version.required_quizzes:
        attempts = attempts_of(user, course, slug)
        counts = attempts[-1].policy.get("attempt_counts", "best") if attempts else "best"
        counted = counted_attempt(attempts, counts)
        if counted is not None and counted.percent is not None:
            percents.append(counted.percent)
    return round(sum(percents) / len(percents), 1) if percents else None


def _competences(courses: list[Course]) -> list[dict[str, Any]]:
    seen = {c.code: c for course in courses for c in course.competences}
    return [
        {"code": code, "name": seen[code].name_vi}
        for code in sorted(seen, key=lambda c: tuple(int(p) for p in c.split(".") if p.isdigit()))
    ]


def _level_name(bac: int | None) -> str:
    level = db.session.get(Level, bac) if bac is not None else None
    return level.name_vi if level is not None else ""


# The certificate is a Vietnamese document and its achievement sentence is signed, so these
# are fixed Vietnamese text, not interface strings that change with the reader's language.
def course_snapshot(user: User, enrolment: Enrolment) -> Snapshot:
    """Return the snapshot of a completed course."""
    course = enrolment.course
    assert enrolment.completed_at is not None
    return Snapshot(
        kind="course",
        title=course.title,
        achievement=f"Hoàn thành khoá học “{course.title}”",
        competences=_competences([course]),
        level=course.level,
        level_name=_level_name(course.level),
        score_percent=course_score(user, course, enrolment.version),
        achieved_at=enrolment.completed_at,
        course_id=course.id,
    )


def program_snapshot(user: User, attainment: Attainment) -> Snapshot:
    """Return the snapshot of an attained program."""
    group = db.session.get(LearnerGroup, attainment.group_code)
    assert group is not None
    courses = [item.course for item in group.program]
    enrolments = {
        e.course_id: e
        for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id))
    }
    scores = [
        course_score(user, c, enrolments[c.id].version) for c in courses if c.id in enrolments
    ]
    known = [s for s in scores if s is not None]
    level = max((c.level for c in courses), default=None)
    return Snapshot(
        kind="program",
        title=f"Chương trình phổ cập kỹ năng số{PROGRAM_TITLE_SEPARATOR}{group.name_vi}",
        achievement=f"Đạt phổ cập kỹ năng số – nhóm {group.name_vi}",
        competences=_competences(courses),
        level=level,
        level_name=_level_name(level),
        score_percent=round(sum(known) / len(known), 1) if known else None,
        achieved_at=attainment.attained_at,
        group_code=group.code,
    )


# --- issuing ------------------------------------------------------------------------------


def _subject_filter(
    kind: str, course_id: int | None, group_code: str | None
) -> ColumnElement[bool]:
    if kind == "course":
        return Certificate.course_id == course_id
    return Certificate.group_code == group_code


def latest_certificate(
    user_id: int, kind: str, course_id: int | None = None, group_code: str | None = None
) -> Certificate | None:
    """Return the newest certificate of a learner for a course or program, whatever its state."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.kind == kind,
            _subject_filter(kind, course_id, group_code),
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )


def _create(
    user: User,
    snapshot: Snapshot,
    *,
    name: str | None = None,
    issuer: tuple[str, str, str | None] | None = None,
    previous: Certificate | None = None,
) -> Certificate:
    holder_name = clean_line(name if name is not None else user.full_name)
    organisation, place, commune_code = issuer or _issuer(user)
    code = new_code()
    statement = Statement(
        code, holder_name, snapshot.achievement, vietnam_date(snapshot.achieved_at)
    )
    key_id, signature = keyring().sign(statement)
    certificate = Certificate(
        code=code,
        kind=snapshot.kind,
        user_id=user.id,
        course_id=snapshot.course_id,
        group_code=snapshot.group_code,
        holder_name=holder_name,
        title=snapshot.title,
        achievement=snapshot.achievement,
        competences=snapshot.competences,
        level=snapshot.level,
        level_name=snapshot.level_name,
        score_percent=snapshot.score_percent,
        achieved_at=snapshot.achieved_at,
        issued_at=utcnow(),
        issuer_name=organisation,
        issuer_place=place,
        commune_code=commune_code,
        key_id=key_id,
        signature=signature,
        previous_id=previous.id if previous is not None else None,
    )
    db.session.add(certificate)
    return certificate


def _issue_once(user: User, snapshot: Snapshot) -> Certificate | None:
    """Issue the snapshot's certificate unless one is live or an admin revoked the last one."""
    if user.erased_at is not None:
        return None  # nothing is issued in the name of a person whose data was erased
    latest = latest_certificate(user.id, snapshot.kind, snapshot.course_id, snapshot.group_code)
    if latest is not None and latest.is_live:
        return latest
    if latest is not None and latest.revocation_reason in ADMIN_REASONS:
        return None
    savepoint = db.session.begin_nested()
    try:
        certificate = _create(user, snapshot, previous=latest)
        db.session.flush()
    except IntegrityError:
        # Another transaction issued it at the same moment: the unique index kept one.
        savepoint.rollback()
        return latest_certificate(user.id, snapshot.kind, snapshot.course_id, snapshot.group_code)
    savepoint.commit()
    return certificate


def issue_course_certificate(enrolment: Enrolment) -> Certificate | None:
    """Issue the certificate of a completed course, exactly once."""
    user = db.session.get(User, enrolment.user_id)
    if user is None or enrolment.completed_at is None:
        return None
    return _issue_once(user, course_snapshot(user, enrolment))


def issue_program_certificate(attainment: Attainment) -> Certificate | None:
    """Issue the certificate of an attained program, exactly once."""
    user = db.session.get(User, attainment.user_id)
    if user is None:
        return None
    return _issue_once(user, program_snapshot(user, attainment))


def _live(
    user_id: int, kind: str, course_id: int | None, group_code: str | None
) -> Certificate | None:
    latest = latest_certificate(user_id, kind, course_id, group_code)
    return latest if latest is not None and latest.is_live else None


def withdraw_course_certificate(enrolment: Enrolment) -> Certificate | None:
    """Revoke the live certificate of a course whose completion a regrade withdrew."""
    live = _live(enrolment.user_id, "course", enrolment.course_id, None)
    if live is not None:
        revoke_certificate(live, "regrade")
    return live


def _withdrawn_by_regrade(attainment: Attainment) -> bool:
    """Return whether a program course is missing because its completion was withdrawn.

    An attainment also ends when the program gains a course the learner never took; the
    certificate issued before stays valid then, as it was true when it was issued."""
    group = db.session.get(LearnerGroup, attainment.group_code)
    if group is None:
        return False
    completed = set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == attainment.user_id, Enrolment.completed_at.is_not(None)
            )
        )
    )
    missing = [item.course_id for item in group.program if item.course_id not in completed]
    return any(latest_certificate(attainment.user_id, "course", c) for c in missing)


def withdraw_program_certificate(attainment: Attainment) -> Certificate | None:
    """Revoke the live certificate of a program whose attainment a regrade withdrew."""
    live = _live(attainment.user_id, "program", None, attainment.group_code)
    if live is not None and _withdrawn_by_regrade(attainment):
        revoke_certificate(live, "regrade")
        return live
    return None


def issue_missing_certificates() -> int:
    """Issue the certificates of completions and attainments that have none (after an upgrade)."""
    issued = 0
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.completed_at.is_not(None)).order_by(Enrolment.id)
    ).all()
    for enrolment in enrolments:
        before = latest_certificate(enrolment.user_id, "course", enrolment.course_id)
        after = issue_course_certificate(enrolment)
        issued += after is not None and after is not before
    for attainment in db.session.scalars(select(Attainment).order_by(Attainment.id)).all():
        before = latest_certificate(attainment.user_id, "program", None, attainment.group_code)
        after = issue_program_certificate(attainment)
        issued += after is not None and after is not before
    return issued


def sample_certificate() -> Certificate:
    """Return an unsaved certificate to measure drawing speed, signed with a throwaway key.

    It is never added to the session, and no published key can verify its signature."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lms.certificates.signing import b64url

    course = db.session.scalar(select(Course).order_by(Course.slug).limit(1))
    title = course.title if course is not None else "Làm quen với điện thoại thông minh"
    now = utcnow()
    certificate = Certificate(
        code=new_code(),
        kind="course",
        holder_name="Nguyễn Thị Thuỳ Dương",
        title=title,
        achievement=f"Hoàn thành khoá học “{title}”",
        competences=_competences([course]) if course is not None else [],
        level=course.level if course is not None else 1,
        level_name=_level_name(course.level if course is not None else 1),
        score_percent=92.5,
        achieved_at=now,
        issued_at=now,
        issuer_name=DEFAULT_ISSUER,
        issuer_place="Phường Ba Đình, Thành phố Hà Nội",
        key_id="sample",
    )
    signature = Ed25519PrivateKey.generate().sign(statement_of(certificate).message())
    certificate.signature = b64url(signature)
    return certificate


# --- revoking and re-issuing --------------------------------------------------------------


def revoke_certificate(
    certificate: Certificate, reason: str, note: str = "", by: User | None = None
) -> None:
    """Revoke a live certificate for a reason (cheating, error, or regrade)."""
    if reason not in REVOCATION_REASONS:
        raise CertificateError("reason")
    if not certificate.is_live:
        raise CertificateError("not_live")
    certificate.revoked_at = utcnow()
    certificate.revocation_reason = reason
    certificate.revocation_note = clean_line(note)[:500]
    certificate.revoked_by_id = by.id if by is not None else None
    db.session.flush()
    from lms.certificates.pdf import forget_pdf

    forget_pdf(certificate.code)


def reissue_certificate(certificate: Certificate) -> Certificate:
    """Re-issue a live certificate under its holder's corrected name; the old code is kept.

    The new certificate has a new code and signature and the same achievement; the old one
    is marked replaced and points to the new one on the verification page."""
    if not certificate.is_live:
        raise CertificateError("not_live")
    user = db.session.get(User, certificate.user_id) if certificate.user_id else None
    if user is None or user.erased_at is not None:
        raise CertificateError("no_holder")
    if clean_line(user.full_name) == certificate.holder_name:
        raise CertificateError("same_name")
    snapshot = Snapshot(
        kind=certificate.kind,
        title=certificate.title,
        achievement=certificate.achievement,
        competences=certificate.competences,
        level=certificate.level,
        level_name=certificate.level_name,
        score_percent=certificate.score_percent,
        achieved_at=certificate.achieved_at,
        course_id=certificate.course_id,
        group_code=certificate.group_code,
    )
    certificate.superseded_at = utcnow()
    db.session.flush()
    issuer = (certificate.issuer_name, certificate.issuer_place, certificate.commune_code)
    new = _create(user, snapshot, issuer=issuer, previous=certificate)
    db.session.flush()
    from lms.certificates.pdf import forget_pdf

    forget_pdf(certificate.code)
    return new


def reissue_under_corrected_name(user: User) -> list[Certificate]:
    """Issue every live certificate of a person again under their corrected name."""
    live = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.user_id == user.id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_at.is_(None),
        )
        .order_by(Certificate.id)
    ).all()
    return [
        reissue_certificate(certificate)
        for certificate in live
        if certificate.holder_name != clean_line(user.full_name)
    ]


def withhold_holder_name(user: User) -> int:
    """Remove the holder's name from their certificates: their personal data was erased.

    The validity record stays (code, achievement, dates, status, signature), so a paper
    certificate still verifies; the verification page says the name was removed at the
    holder's request, and the name printed on the paper is still covered by the signature
    its QR code carries (checked offline). Cached PDFs, which hold the name, are deleted."""
    from lms.certificates.pdf import forget_pdf

    count = 0
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id)
    ):
        if certificate.holder_name:
            certificate.holder_name = ""
            forget_pdf(certificate.code)
            count += 1
    db.session.flush()
    return count


# --- looking up ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """A typed code and what it found."""

    reading: Reading
    code: str
    certificate: Certificate | None


def look_up_certificate(raw: str) -> Lookup:
    """Read a typed code (forgiving case, separators, O/0 and I/L/1) and find its certificate."""
    reading, code = read_code(raw)
    certificate = None
    if reading is Reading.VALID:
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    return Lookup(reading, code, certificate)


def successor_of(certificate: Certificate) -> Certificate | None:
    """Return the certificate that replaced this one (a re-issue or a new completion)."""
    return db.session.scalar(select(Certificate).where(Certificate.previous_id == certificate.id))


def code_history(certificate: Certificate) -> list[Certificate]:
    """Return the chain of certificates this one belongs to, oldest first."""
    chain = [certificate]
    while chain[0].previous is not None and len(chain) < 100:
        chain.insert(0, chain[0].previous)
    while (following := successor_of(chain[-1])) is not None and len(chain) < 200:
        chain.append(following)
    return chain


def public_record(certificate: Certificate, verify_url: str) -> dict[str, Any]:
    """Return what anyone may know about a certificate: nothing personal beyond the name."""
    successor = successor_of(certificate)
    previous = certificate.previous

    def moment(value: datetime | None) -> str | None:
        return value.astimezone(VIETNAM).isoformat(timespec="seconds") if value else None

    return {
        "code": grouped(certificate.code),
        "status": certificate.status,
        "holder_name": certificate.holder_name or None,
        "holder_name_withheld": not certificate.holder_name,
        "kind": certificate.kind,
        "achievement": certificate.achievement,
        "title": certificate.title,
        "competences": certificate.competences,
        "level": {"bac": certificate.level, "name": certificate.level_name}
        if certificate.level
        else None,
        "achieved_on": vietnam_date(certificate.achieved_at).isoformat(),
        "issued_on": vietnam_date(certificate.issued_at).isoformat(),
        "issuer": {"name": certificate.issuer_name, "place": certificate.issuer_place},
        "revoked_at": moment(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason,
        "replaced_at": moment(certificate.superseded_at),
        "replaced_by": grouped(successor.code) if successor is not None else None,
        "replaces": grouped(previous.code) if previous is not None else None,
        "signature": {
            "alg": "Ed25519",
            "kid": certificate.key_id,
            "value": certificate.signature,
            # Without the name (erased at the holder's request) the statement cannot be
            # rebuilt here; the QR code on the paper still carries it, signed.
            "statement": statement_of(certificate).message().decode("utf-8")
            if certificate.holder_name
            else None,
        },
        "verify_url": verify_url,
    }


# --- who may see whose certificates -------------------------------------------------------


def visible_holders(viewer: User) -> ColumnElement[bool]:
    """THE rule of whose certificates a person may see and print, as a condition on User.

    Everyone sees their own. Admins and nation-wide officers see everyone's; a province
    officer sees the people of their province, a commune officer those of their commune.
    A mentor sees those of the learners they follow now (an active link and the learner's
    consent to mentor support: lms.community.access). Nobody but an admin sees the
    certificates of a person whose personal data was erased."""
    own = User.id == viewer.id
    if viewer.role == "admin":
        return true()
    condition: ColumnElement[bool] = own
    if viewer.role == "officer":
        if viewer.scope_level == "country":
            condition = true()
        elif viewer.scope_level == "province" and viewer.province_code:
            condition = or_(own, User.province_code == viewer.province_code)
        elif viewer.scope_level == "commune" and viewer.commune_code:
            condition = or_(own, User.commune_code == viewer.commune_code)
    elif viewer.role == "mentor":
        condition = or_(own, User.id.in_(active_mentee_ids(viewer.id)))
    return and_(User.erased_at.is_(None), condition)


def may_see_certificate(viewer: User, certificate: Certificate) -> bool:
    """Return whether the viewer may see and print this certificate (by visible_holders)."""
    if certificate.user_id is None:
        return viewer.role == "admin"
    return bool(
        db.session.scalar(
            select(exists().where(User.id == certificate.user_id, visible_holders(viewer)))
        )
    )


def certificates_of(user: User) -> list[Certificate]:
    """Return a learner's certificates, newest first (replaced ones left out)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id, Certificate.superseded_at.is_(None))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def certificates_visible_to(
    viewer: User, query: str = "", status: str = "valid"
) -> Select[tuple[Certificate]]:
    """Return a select() of the certificates of the people the viewer is responsible for."""
    stmt = (
        select(Certificate)
        .join(User, Certificate.user_id == User.id)
        .where(visible_holders(viewer))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
    elif status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    if query:
        reading, code = read_code(query)
        if reading is Reading.VALID:
            stmt = stmt.where(Certificate.code == code)
        else:
            stmt = stmt.where(User.name_key.contains(search_key(query)))
    return stmt
