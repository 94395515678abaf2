"""Certificate rules: issued exactly once, following regrades, revoked, re-issued, signed."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessments import AttemptLayout
from lms.accounts.models import User
from lms.catalog.models import Course, LearnerGroup
from lms.certificates.codes import grouped
from lms.certificates.models import Certificate
from lms.certificates.pdf import certificate_pdf, qr_text
from lms.certificates.services import (
    CertificateError,
    certificates_of,
    certificates_visible_to,
    code_history,
    issue_course_certificate,
    issue_missing_certificates,
    keyring,
    may_see_certificate,
    public_record,
    reissue_certificate,
    revoke_certificate,
    statement_of,
    successor_of,
    vietnam_date,
)
from lms.certificates.signing import Statement, check_qr, check_statement, parse_qr
from lms.completion.services import attainment_of, update_course_completion
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.learning.services import complete_lesson, enrol
from lms.quizzes.models import QuizAttempt
from lms.quizzes.services import quiz_of, save_answers, start_attempt, submit_attempt

NAME = "Nguyễn Thị Hồng Nhung"


def complete_course(user: User, course: Course, right: bool = True) -> None:
    """Do every lesson of the course and take each quiz, answering with the key (or blank)."""
    enrolment = enrol(user, course)
    for lesson in enrolment.version.lessons:
        complete_lesson(user, enrolment, lesson)
    for quiz_row in enrolment.version.quizzes:
        attempt = start_attempt(user, course, quiz_row)
        quiz = quiz_of(quiz_row)
        layout = AttemptLayout.from_dict(attempt.layout)
        if right:
            save_answers(
                attempt, {q: quiz.question(q).correct_response() for q in layout.question_ids}
            )
        submit_attempt(attempt)


def live_certificates(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.user_id == user_id,
                Certificate.revoked_at.is_(None),
                Certificate.superseded_at.is_(None),
            )
        )
    )


def fail_quizzes(course_id: int) -> None:
    """What a teacher's regrade does when it finds the key was wrong: the passes become fails."""
    for attempt in db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.course_id == course_id)
    ):
        attempt.passed, attempt.percent = False, 0.0


def pass_quizzes(course_id: int) -> None:
    """The regrade is corrected: the attempts pass again."""
    for attempt in db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.course_id == course_id)
    ):
        attempt.passed, attempt.percent = True, 100.0


def test_completing_a_course_issues_one_certificate_with_its_snapshot(app, quiz_course, make_user):
    user_id = make_user(full_name=NAME, commune_code="00070", province_code="01")
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_lesson_only = enrol(user, course)
        for lesson in complete_lesson_only.version.lessons:
            complete_lesson(user, complete_lesson_only, lesson)
        assert certificates_of(user) == []  # the quiz is still required
        complete_course(user, course)
        db.session.commit()
        [certificate] = certificates_of(user)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        assert certificate.kind == "course" and certificate.course_id == course.id
        assert certificate.holder_name == NAME
        assert certificate.title == course.title
        assert certificate.achievement == f"Hoàn thành khoá học “{course.title}”"
        assert certificate.competences == [{"code": "0.1", "name": course.competences[0].name_vi}]
        assert certificate.level == 1 and certificate.level_name == "Cơ bản"
        assert certificate.score_percent == 100.0
        assert certificate.achieved_at == enrolment.completed_at
        assert certificate.issuer_place == "Phường Hoàn Kiếm, Thành phố Hà Nội"
        assert certificate.commune_code == "00070"
        assert len(certificate.code) == 28
        # Exactly once: issuing again (a repeated signal) returns the same certificate.
        assert issue_course_certificate(enrolment) is certificate
        update_course_completion(user, course)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_failed_quiz_issues_nothing(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course, right=False)
        assert certificates_of(user) == []


def test_the_database_refuses_a_second_live_certificate(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        db.session.commit()
        [first] = certificates_of(user)
        copy = Certificate(
            **{
                c.name: getattr(first, c.name)
                for c in Certificate.__table__.columns
                if c.name not in ("id", "code", "previous_id")
            },
            code="0" * 28,
        )
        db.session.add(copy)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_regrade_revokes_the_certificate_and_a_new_pass_issues_a_new_one(
    app, quiz_course, make_user
):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        db.session.commit()
        [first] = certificates_of(user)

        fail_quizzes(course.id)
        assert update_course_completion(user, course) is False
        db.session.commit()
        assert first.status == "revoked" and first.revocation_reason == "regrade"
        assert first.revoked_by_id is None
        assert live_certificates(user_id) == []

        # The learner passes again (second and last attempt): a new code, linked to the old.
        quiz_row = enrol(user, course).version.quizzes[0]
        attempt = start_attempt(user, course, quiz_row)
        quiz = quiz_of(quiz_row)
        layout = AttemptLayout.from_dict(attempt.layout)
        save_answers(attempt, {q: quiz.question(q).correct_response() for q in layout.question_ids})
        submit_attempt(attempt)
        db.session.commit()
        [second] = live_certificates(user_id)
        assert second.code != first.code and second.previous_id == first.id
        assert successor_of(first) is second
        assert [c.code for c in code_history(first)] == [first.code, second.code]
        record = public_record(first, "http://x/verify/y")
        assert record["status"] == "revoked" and record["replaced_by"] == grouped(second.code)


def test_an_admin_revocation_stands_when_the_course_is_completed_again(app, quiz_course, make_user):
    user_id = make_user()
    admin_id = make_user(role="admin")
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        [certificate] = certificates_of(user)
        revoke_certificate(certificate, "cheating", "chép bài", by=db.session.get(User, admin_id))
        with pytest.raises(CertificateError):
            revoke_certificate(certificate, "error")
        fail_quizzes(course.id)
        update_course_completion(user, course)
        pass_quizzes(course.id)
        assert update_course_completion(user, course) is True
        db.session.commit()
        assert live_certificates(user_id) == []
        assert certificate.revocation_reason == "cheating"
        assert certificate.revocation_note == "chép bài" and certificate.revoked_by_id == admin_id


def test_attaining_the_program_issues_a_program_certificate_that_follows_regrades(app, make_user):
    user_id = make_user(learner_group="citizen", full_name=NAME)
    with app.test_request_context():
        user = db.session.get(User, user_id)
        group = db.session.get(LearnerGroup, "citizen")
        program = [item.course for item in group.program]
        for course in program:
            complete_course(user, course)
        db.session.commit()
        attainment = attainment_of(user)
        assert attainment is not None
        programs = [c for c in certificates_of(user) if c.kind == "program"]
        assert len(programs) == 1
        program_certificate = programs[0]
        assert program_certificate.group_code == "citizen"
        assert program_certificate.achieved_at == attainment.attained_at
        assert program_certificate.achievement == f"Đạt phổ cập kỹ năng số – nhóm {group.name_vi}"
        covered = {c["code"] for c in program_certificate.competences}
        assert covered == {c.code for course in program for c in course.competences}
        assert program_certificate.level == max(course.level for course in program)
        assert len([c for c in certificates_of(user) if c.kind == "course"]) == len(program)
        text = subprocess.run(
            ["pdftotext", str(certificate_pdf(program_certificate)), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert "ĐẠT PHỔ CẬP KỸ NĂNG SỐ" in text and NAME in text and group.name_vi in text

        # A regrade fails the first course: its certificate and the program's are revoked.
        fail_quizzes(program[0].id)
        update_course_completion(user, program[0])
        db.session.commit()
        assert attainment_of(user) is None
        assert program_certificate.status == "revoked"
        assert program_certificate.revocation_reason == "regrade"
        live = live_certificates(user_id)
        assert {c.course_id for c in live} == {c.id for c in program[1:]}

        # The regrade is corrected: completion, attainment and both certificates come back.
        pass_quizzes(program[0].id)
        update_course_completion(user, program[0])
        db.session.commit()
        assert attainment_of(user) is not None
        live = live_certificates(user_id)
        assert len(live) == len(program) + 1
        [new_program] = [c for c in live if c.kind == "program"]
        assert new_program.previous_id == program_certificate.id


def test_issue_missing_certificates_covers_completions_from_before(app, quiz_course, make_user):
    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        db.session.execute(db.delete(Certificate))
        assert issue_missing_certificates() == 1
        assert issue_missing_certificates() == 0
        assert len(live_certificates(user_id)) == 1


def test_reissue_after_a_name_correction_keeps_the_code_history(app, quiz_course, make_user):
    user_id = make_user(full_name="Nguyen Thi Hong Nhung")
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        [old] = certificates_of(user)
        with pytest.raises(CertificateError) as refused:
            reissue_certificate(old)
        assert refused.value.code == "same_name"
        user.full_name = NAME
        new = reissue_certificate(old)
        db.session.commit()
        assert new.holder_name == NAME and old.holder_name == "Nguyen Thi Hong Nhung"
        assert old.status == "replaced" and new.status == "valid"
        assert new.achievement == old.achievement and new.achieved_at == old.achieved_at
        assert new.code != old.code and new.previous_id == old.id
        assert [c.id for c in code_history(new)] == [old.id, new.id]
        assert certificates_of(user) == [new]
        assert public_record(old, "u")["replaced_by"] == grouped(new.code)
        assert public_record(new, "u")["replaces"] == grouped(old.code)
        keys = keyring().published()
        assert check_statement(statement_of(new), new.key_id, new.signature, keys)
        with pytest.raises(CertificateError):
            reissue_certificate(old)


def test_the_signed_statement_verifies_and_fails_when_one_character_changes(
    app, quiz_course, make_user
):
    user_id = make_user(full_name=NAME)
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        [certificate] = certificates_of(user)
        keys = keyring().published()
        text = qr_text(certificate, "https://hocvuso.example.vn")
        assert text.startswith(f"https://hocvuso.example.vn/verify/{grouped(certificate.code)}#")
        checked = check_qr(text, keys)
        assert checked is not None and checked.valid
        assert checked.statement.name == NAME
        assert checked.statement.achievement == certificate.achievement
        assert checked.statement.day == vietnam_date(certificate.achieved_at)

        statement, kid, signature = parse_qr(text)
        assert check_statement(statement, kid, signature, keys)
        tampered = [
            Statement(
                statement.code,
                NAME.replace("Hồng", "Hông"),
                *(statement.achievement, statement.day),
            ),
            Statement(statement.code, statement.name, statement.achievement + ".", statement.day),
            Statement(statement.code, statement.name, statement.achievement, date(2020, 1, 1)),
            Statement(
                statement.code[:5]
                + ("0" if statement.code[5] != "0" else "1")
                + statement.code[6:],
                statement.name,
                statement.achievement,
                statement.day,
            ),
        ]
        for changed in tampered:
            assert not check_statement(changed, kid, signature, keys)
        flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
        assert not check_statement(statement, kid, flipped, keys)
        assert not check_statement(statement, "00000000", signature, keys)
        # One character changed anywhere in the QR's signed part: it no longer verifies.
        head, fragment = text.split("#")
        fields = fragment.split(".")
        payload = fields[2]
        fields[2] = payload[:4] + ("x" if payload[4] != "x" else "y") + payload[5:]
        broken = check_qr(head + "#" + ".".join(fields), keys)
        assert broken is None or not broken.valid


def test_rotating_the_key_keeps_old_certificates_verifiable(app, quiz_course, make_user):
    first_id, second_id = make_user(), make_user()
    with app.test_request_context():
        course = db.session.get(Course, quiz_course)
        first_user = db.session.get(User, first_id)
        complete_course(first_user, course)
        [old] = certificates_of(first_user)
        ring = keyring()
        new_kid = ring.rotate()
        assert new_kid != old.key_id
        second_user = db.session.get(User, second_id)
        complete_course(second_user, course)
        [new] = certificates_of(second_user)
        assert new.key_id == new_kid
        keys = ring.published()
        by_kid = {k["kid"]: k for k in keys}
        assert by_kid[new_kid]["status"] == "active"
        assert by_kid[old.key_id]["status"] == "retired" and by_kid[old.key_id]["retired_at"]
        for certificate in (old, new):
            assert check_statement(
                statement_of(certificate), certificate.key_id, certificate.signature, keys
            )
        # The keys are files under instance/: the private ones readable by the owner only.
        pem = ring.folder / f"{new_kid}.pem"
        assert pem.stat().st_mode & 0o777 == 0o600


def test_who_may_see_whose_certificates(app, quiz_course, make_user):
    holder_id = make_user(commune_code="00070", province_code="01")
    other_learner = make_user(commune_code="00070", province_code="01")
    same_commune = make_user(role="officer", scope_level="commune", commune_code="00070")
    other_commune = make_user(role="officer", scope_level="commune", commune_code="00004")
    same_province = make_user(
        role="officer", scope_level="province", province_code="01", commune_code=None
    )
    other_province = make_user(
        role="officer", scope_level="province", province_code="79", commune_code=None
    )
    country = make_user(
        role="officer", scope_level="country", province_code=None, commune_code=None
    )
    mentor = make_user(role="mentor")
    teacher = make_user(role="teacher")
    admin = make_user(role="admin")
    with app.test_request_context():
        holder = db.session.get(User, holder_id)
        complete_course(holder, db.session.get(Course, quiz_course))
        [certificate] = certificates_of(holder)
        expected = {
            holder_id: True,
            other_learner: False,
            same_commune: True,
            other_commune: False,
            same_province: True,
            other_province: False,
            country: True,
            mentor: False,  # until the mentor–learner link exists (the community issue)
            teacher: False,
            admin: True,
        }
        for viewer_id, allowed in expected.items():
            viewer = db.session.get(User, viewer_id)
            assert may_see_certificate(viewer, certificate) is allowed, viewer
            listed = db.session.scalars(certificates_visible_to(viewer)).all()
            assert (certificate in listed) is allowed, viewer
        # The list searches by folded name and by code, and filters by status.
        officer = db.session.get(User, same_commune)
        assert db.session.scalars(certificates_visible_to(officer, "nguoi dung")).all()
        assert db.session.scalars(
            certificates_visible_to(officer, grouped(certificate.code).lower())
        ).all() == [certificate]
        assert not db.session.scalars(certificates_visible_to(officer, "không ai tên này")).all()
        assert not db.session.scalars(certificates_visible_to(officer, status="revoked")).all()


def test_the_pdf_has_the_name_with_diacritics_and_is_cached(app, quiz_course, make_user):
    user_id = make_user(full_name=NAME)
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        [certificate] = certificates_of(user)
        path = certificate_pdf(certificate)
        assert path.read_bytes().startswith(b"%PDF")
        assert path.is_relative_to(app.instance_path)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert NAME in text
        assert course.title in text
        assert grouped(certificate.code) in text
        assert "CHỨNG NHẬN" in text and "Phường Hoàn Kiếm, Thành phố Hà Nội" in text
        stamp = path.stat().st_mtime_ns
        assert certificate_pdf(certificate) == path and path.stat().st_mtime_ns == stamp
        revoke_certificate(certificate, "error")
        assert not path.exists()


def test_a_racing_second_issue_keeps_the_first_and_the_transaction(
    app, quiz_course, make_user, monkeypatch
):
    """Two requests complete the same course at once: the unique index keeps one certificate,
    and the loser's savepoint rolls back only its own insert, not the rest of its work."""
    import lms.certificates.services as services

    user_id = make_user()
    with app.test_request_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, quiz_course)
        complete_course(user, course)
        db.session.commit()
        [first] = certificates_of(user)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        real = services.latest_certificate
        calls = []

        def unaware_then_real(*args, **kwargs):  # the racing request has not seen the first yet
            calls.append(args)
            return None if len(calls) == 1 else real(*args, **kwargs)

        monkeypatch.setattr(services, "latest_certificate", unaware_then_real)
        user.village = "Thôn Đông"  # other work of the same request, before the signal
        db.session.flush()
        assert issue_course_certificate(enrolment) is first
        assert len(calls) == 2
        db.session.commit()
        assert db.session.get(User, user_id).village == "Thôn Đông"
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_program_that_gains_a_course_keeps_the_certificate_issued_before(app, make_user):
    from lms.catalog.models import ProgramCourse

    user_id = make_user(learner_group="citizen")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        group = db.session.get(LearnerGroup, "citizen")
        program = [item.course for item in group.program]
        for course in program:
            complete_course(user, course)
        db.session.commit()
        [certificate] = [c for c in certificates_of(user) if c.kind == "program"]
        extra = db.session.scalar(
            select(Course).where(Course.id.not_in([c.id for c in program])).limit(1)
        )
        added = ProgramCourse(group_code="citizen", course_id=extra.id, position=99)
        db.session.add(added)
        try:
            db.session.flush()
            db.session.expire(group)
            update_course_completion(user, program[0])  # any news recomputes the attainment
            assert attainment_of(user) is None
            assert certificate.status == "valid"
            # Completing the new course attains the larger program: still one certificate.
            complete_course(user, extra)
            assert attainment_of(user) is not None
            assert [c for c in live_certificates(user_id) if c.kind == "program"] == [certificate]
        finally:
            db.session.rollback()
